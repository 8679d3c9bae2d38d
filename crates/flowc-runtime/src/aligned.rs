//! [`AlignedBuf`]: a zeroed heap buffer whose address is a multiple of a given alignment.
#![allow(unsafe_code)]

use std::alloc::{Layout, alloc_zeroed, dealloc};
use std::ptr::NonNull;

use crate::RuntimeError;

/// An owned, zero-initialized byte buffer aligned to `align` (a power of two). Like
/// `Box<[u8]>`, but aligned; kernels get raw pointers into it.
pub(crate) struct AlignedBuf {
    ptr: NonNull<u8>,
    len: usize,
    align: usize,
}

// SAFETY: AlignedBuf uniquely owns its allocation, like Box<[u8]>; shared access only reads.
unsafe impl Send for AlignedBuf {}
// SAFETY: as above; `&AlignedBuf` gives out `&[u8]` only.
unsafe impl Sync for AlignedBuf {}

impl AlignedBuf {
    /// `len` zero bytes aligned to `align`; an error (not an abort) when the allocation fails.
    pub(crate) fn zeroed(len: u64, align: usize, what: &str) -> Result<AlignedBuf, RuntimeError> {
        let oom = || RuntimeError::OutOfMemory {
            what: what.to_string(),
            bytes: len,
        };
        let size = usize::try_from(len).map_err(|_| oom())?;
        if size == 0 {
            // A dangling but aligned pointer, as for an empty Vec; never dereferenced.
            let ptr = NonNull::new(std::ptr::without_provenance_mut(align)).ok_or_else(oom)?;
            return Ok(AlignedBuf { ptr, len: 0, align });
        }
        let layout = Layout::from_size_align(size, align).map_err(|_| oom())?;
        // SAFETY: `layout` has a non-zero size.
        let ptr = NonNull::new(unsafe { alloc_zeroed(layout) }).ok_or_else(oom)?;
        Ok(AlignedBuf {
            ptr,
            len: size,
            align,
        })
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The base address, for kernel arguments.
    pub(crate) fn as_ptr(&self) -> *mut u8 {
        self.ptr.as_ptr()
    }

    pub(crate) fn as_slice(&self) -> &[u8] {
        // SAFETY: `ptr` is valid for `len` initialized bytes (or dangling with `len` 0).
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }

    pub(crate) fn as_mut_slice(&mut self) -> &mut [u8] {
        // SAFETY: as in `as_slice`, and `&mut self` makes the access unique.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl Drop for AlignedBuf {
    fn drop(&mut self) {
        if self.len != 0 {
            // SAFETY: allocated in `zeroed` with exactly this layout.
            unsafe {
                dealloc(
                    self.ptr.as_ptr(),
                    Layout::from_size_align_unchecked(self.len, self.align),
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligned_and_zeroed() {
        for len in [0u64, 1, 63, 64, 1000] {
            let b = AlignedBuf::zeroed(len, 64, "t").unwrap();
            assert_eq!(b.as_ptr() as usize % 64, 0);
            assert_eq!(b.len() as u64, len);
            assert!(b.as_slice().iter().all(|&x| x == 0));
        }
        let mut b = AlignedBuf::zeroed(3, 4096, "t").unwrap();
        b.as_mut_slice().copy_from_slice(&[1, 2, 3]);
        assert_eq!(b.as_ptr() as usize % 4096, 0);
        assert_eq!(b.as_slice(), [1, 2, 3]);
    }

    #[test]
    fn impossible_sizes_are_errors() {
        let e = AlignedBuf::zeroed(u64::MAX, 64, "the arena").err().unwrap();
        assert_eq!(
            e.to_string(),
            format!("out of memory allocating {} bytes for the arena", u64::MAX)
        );
        assert!(AlignedBuf::zeroed(isize::MAX as u64, 64, "x").is_err());
    }
}
