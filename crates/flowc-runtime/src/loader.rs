//! Loading the CPU kernels: the bundle's shared object is written to an anonymous memory file
//! (`memfd_create`; a private temp file where that is unavailable), `dlopen`ed through
//! `libloading`, and each kernel symbol is resolved once.
#![allow(unsafe_code)]

use std::ffi::c_void;
use std::fs::File;
use std::io::Write;
use std::os::fd::{FromRawFd, OwnedFd};
use std::path::PathBuf;

use crate::RuntimeError;

/// The kernel ABI: `void kernel(void *const *args, int64_t task_begin, int64_t task_end)`.
pub(crate) type KernelFn = unsafe extern "C" fn(*const *mut c_void, i64, i64);

/// Where the shared object is written before `dlopen`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Storage {
    /// An anonymous memory file, opened as `/proc/self/fd/N`; falls back to `TempFile` when
    /// memfds or `/proc` are unavailable.
    Memfd,
    /// A private (mode 0600) file in the temp directory, deleted when the model is dropped.
    TempFile,
}

/// The file behind a loaded library. It stays open (memfd) or on disk (temp file) as long as
/// the library is loaded, so that no other model can get the same path while this one lives
/// (the dynamic loader would hand back the library already loaded under that name).
#[derive(Debug)]
enum Backing {
    Memfd(#[allow(dead_code)] OwnedFd),
    TempFile(#[cfg_attr(not(test), allow(dead_code))] TempPath),
}

/// A loaded shared object. Fields drop in order: the library is closed before its file goes.
#[derive(Debug)]
pub(crate) struct Loaded {
    library: libloading::Library,
    _backing: Backing,
    #[cfg_attr(not(test), allow(dead_code))]
    storage: Storage,
}

impl Loaded {
    /// Where the shared object ended up (the fallback may have been taken).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn storage(&self) -> Storage {
        self.storage
    }

    /// The temp file's path (`None` for a memfd).
    #[cfg(test)]
    pub(crate) fn path(&self) -> Option<std::path::PathBuf> {
        match &self._backing {
            Backing::Memfd(_) => None,
            Backing::TempFile(p) => Some(p.0.clone()),
        }
    }

    /// Resolves a kernel symbol.
    pub(crate) fn kernel(&self, name: &str) -> Result<KernelFn, RuntimeError> {
        // SAFETY: the symbol is declared with the kernel ABI by the bundle's contract; the
        // function pointer stays valid while `self.library` is loaded, and the `Model` holding
        // it keeps `self` alive at least as long as any pointer it copies out.
        let symbol = unsafe { self.library.get::<KernelFn>(name.as_bytes()) };
        symbol.map(|s| *s).map_err(|e| RuntimeError::MissingSymbol {
            kernel: name.to_string(),
            message: e.to_string(),
        })
    }
}

/// Writes `shared_object` out and loads it with `RTLD_NOW | RTLD_LOCAL` (unresolved symbols
/// fail here, not in the middle of a run).
pub(crate) fn load(shared_object: &[u8], storage: Storage) -> Result<Loaded, RuntimeError> {
    if storage == Storage::Memfd
        && let Some((fd, path)) = write_memfd(shared_object)?
    {
        let library = dlopen(&path)?;
        return Ok(Loaded {
            library,
            _backing: Backing::Memfd(fd),
            storage: Storage::Memfd,
        });
    }
    let (path, mut file) = private_temp_file()?;
    let path = TempPath(path);
    file.write_all(shared_object)
        .map_err(|e| RuntimeError::Load(format!("writing {}: {e}", path.0.display())))?;
    drop(file);
    let library = dlopen(&path.0.to_string_lossy())?;
    Ok(Loaded {
        library,
        _backing: Backing::TempFile(path),
        storage: Storage::TempFile,
    })
}

/// A file removed when dropped.
#[derive(Debug)]
struct TempPath(PathBuf);

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Creates a new file (mode 0600, never an existing one) in the temp directory, named
/// `flowc-kernels-<pid>-<n>-<nanos>.so`.
fn private_temp_file() -> Result<(PathBuf, File), RuntimeError> {
    use std::os::unix::fs::OpenOptionsExt;
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir();
    let mut last_error = None;
    for _ in 0..16 {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!(
            "flowc-kernels-{}-{n}-{nanos}.so",
            std::process::id()
        ));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
        {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last_error = Some(e),
            Err(e) => {
                return Err(RuntimeError::Load(format!(
                    "creating a temp file in {}: {e}",
                    dir.display()
                )));
            }
        }
    }
    Err(RuntimeError::Load(format!(
        "creating a temp file in {}: {}",
        dir.display(),
        last_error.map_or_else(String::new, |e| e.to_string())
    )))
}

/// `MFD_EXEC` (Linux 6.3): asks for an executable memfd where `vm.memfd_noexec` would make it
/// non-executable by default. Older kernels reject it with EINVAL; then it is retried without.
const MFD_EXEC: libc::c_uint = 0x0010;

/// The memfd holding `bytes` and its `/proc/self/fd` path; `None` when memfds or `/proc` are
/// unavailable.
fn write_memfd(bytes: &[u8]) -> Result<Option<(OwnedFd, String)>, RuntimeError> {
    let name = c"flowc-kernels";
    // SAFETY: `name` is a valid C string; memfd_create has no other preconditions.
    let mut fd = unsafe { libc::memfd_create(name.as_ptr(), libc::MFD_CLOEXEC | MFD_EXEC) };
    if fd < 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EINVAL) {
        // SAFETY: as above.
        fd = unsafe { libc::memfd_create(name.as_ptr(), libc::MFD_CLOEXEC) };
    }
    if fd < 0 {
        return Ok(None);
    }
    // SAFETY: `fd` is a freshly created descriptor that nothing else owns.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    let mut file = File::from(fd);
    file.write_all(bytes)
        .map_err(|e| RuntimeError::Load(format!("writing the shared object to a memfd: {e}")))?;
    let fd = OwnedFd::from(file);
    let path = format!("/proc/self/fd/{}", std::os::fd::AsRawFd::as_raw_fd(&fd));
    if std::fs::metadata(&path).is_err() {
        return Ok(None);
    }
    Ok(Some((fd, path)))
}

fn dlopen(path: &str) -> Result<libloading::Library, RuntimeError> {
    use libloading::os::unix::{Library, RTLD_LOCAL, RTLD_NOW};
    // SAFETY: loading runs the shared object's initializers. The bundle's code is what the
    // compiler produced; a bundle is trusted as much as any shared library one loads.
    let library = unsafe { Library::open(Some(path), RTLD_NOW | RTLD_LOCAL) };
    library
        .map(libloading::Library::from)
        .map_err(|e| RuntimeError::Load(e.to_string()))
}

/// Checks the bundle's target triple against this machine (architecture and OS); an empty
/// triple is not checked.
pub(crate) fn check_triple(triple: &str) -> Result<(), RuntimeError> {
    if triple.is_empty() {
        return Ok(());
    }
    let arch = std::env::consts::ARCH;
    let os = std::env::consts::OS;
    let triple_arch = triple.split('-').next().unwrap_or("");
    let arch_ok = triple_arch == arch
        || (arch == "x86" && matches!(triple_arch, "i386" | "i486" | "i586" | "i686"))
        || (arch == "aarch64" && triple_arch == "arm64");
    if arch_ok && triple.split('-').any(|part| part.starts_with(os)) {
        Ok(())
    } else {
        Err(RuntimeError::WrongTarget {
            triple: triple.to_string(),
            host: format!("{arch}-{os}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triples() {
        let host = format!(
            "{}-unknown-{}-gnu",
            std::env::consts::ARCH,
            std::env::consts::OS
        );
        check_triple(&host).unwrap();
        check_triple("").unwrap();
        let e = check_triple("riscv32-unknown-none-elf")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(
                "the bundle's CPU code is built for riscv32-unknown-none-elf, this machine is"
            ),
            "{e}"
        );
        let other_os = format!("{}-apple-darwin", std::env::consts::ARCH);
        assert!(check_triple(&other_os).is_err() || std::env::consts::OS == "macos");
    }

    #[test]
    fn garbage_is_a_load_error() {
        for storage in [Storage::Memfd, Storage::TempFile] {
            let e = load(b"not an ELF file", storage).unwrap_err();
            assert!(matches!(e, RuntimeError::Load(_)), "{e}");
            let e = load(&[], storage).unwrap_err();
            assert!(matches!(e, RuntimeError::Load(_)), "{e}");
        }
    }
}
