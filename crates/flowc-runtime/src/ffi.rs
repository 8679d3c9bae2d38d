//! The C API (`include/flowc.h`). Every function returns a status code (`FLOWC_OK` = 0) or a
//! plain value, records a message for `flowc_last_error()` on failure, and catches panics so
//! that none unwinds into C.
#![allow(unsafe_code)]

use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char, c_int, c_void};
use std::os::unix::ffi::OsStrExt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use crate::{Model, RuntimeError, Session, SessionOptions, TensorInfo};

pub const FLOWC_OK: c_int = 0;
pub const FLOWC_ERROR_INVALID_ARGUMENT: c_int = 1;
pub const FLOWC_ERROR_IO: c_int = 2;
pub const FLOWC_ERROR_BAD_BUNDLE: c_int = 3;
pub const FLOWC_ERROR_UNSUPPORTED: c_int = 4;
pub const FLOWC_ERROR_LOAD: c_int = 5;
pub const FLOWC_ERROR_OUT_OF_MEMORY: c_int = 6;
pub const FLOWC_ERROR_NOT_FOUND: c_int = 7;
pub const FLOWC_ERROR_DTYPE: c_int = 8;
pub const FLOWC_ERROR_SHAPE: c_int = 9;
pub const FLOWC_ERROR_MISSING_INPUT: c_int = 10;
pub const FLOWC_ERROR_NOT_RUN: c_int = 11;
pub const FLOWC_ERROR_BUFFER_TOO_SMALL: c_int = 12;
pub const FLOWC_ERROR_INTERNAL: c_int = 13;

/// The status code of an error.
pub fn status_of(e: &RuntimeError) -> c_int {
    match e {
        RuntimeError::InvalidArgument(_) => FLOWC_ERROR_INVALID_ARGUMENT,
        RuntimeError::Io { .. } => FLOWC_ERROR_IO,
        RuntimeError::Bundle(_) => FLOWC_ERROR_BAD_BUNDLE,
        RuntimeError::UnsupportedDevice(_) | RuntimeError::WrongTarget { .. } => {
            FLOWC_ERROR_UNSUPPORTED
        }
        RuntimeError::Load(_) | RuntimeError::MissingSymbol { .. } => FLOWC_ERROR_LOAD,
        RuntimeError::OutOfMemory { .. } => FLOWC_ERROR_OUT_OF_MEMORY,
        RuntimeError::NotFound { .. } => FLOWC_ERROR_NOT_FOUND,
        RuntimeError::DType { .. } => FLOWC_ERROR_DTYPE,
        RuntimeError::Shape { .. } | RuntimeError::Size { .. } => FLOWC_ERROR_SHAPE,
        RuntimeError::MissingInput(_) => FLOWC_ERROR_MISSING_INPUT,
        RuntimeError::NotRun => FLOWC_ERROR_NOT_RUN,
        RuntimeError::BufferTooSmall { .. } => FLOWC_ERROR_BUFFER_TOO_SMALL,
        RuntimeError::ThreadPool(_) | RuntimeError::Tensor(_) => FLOWC_ERROR_INTERNAL,
    }
}

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

fn set_last_error(message: String) {
    let message = CString::new(message.replace('\0', "\\0")).unwrap_or_default();
    LAST_ERROR.with(|e| *e.borrow_mut() = message);
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string());
    format!("internal error (panic in the flowc runtime): {what}")
}

/// Runs `f`, turning its error or panic into a status code and a `flowc_last_error` message.
fn guard(f: impl FnOnce() -> Result<(), RuntimeError>) -> c_int {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => FLOWC_OK,
        Ok(Err(e)) => {
            set_last_error(e.to_string());
            status_of(&e)
        }
        Err(payload) => {
            set_last_error(panic_message(payload.as_ref()));
            FLOWC_ERROR_INTERNAL
        }
    }
}

/// Runs `f` for a plain value, `default` on panic.
fn guard_value<T>(default: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        set_last_error(panic_message(payload.as_ref()));
        default
    })
}

fn invalid(message: &str) -> RuntimeError {
    RuntimeError::InvalidArgument(message.to_string())
}

/// `flowc_model`: the model plus the C strings and shapes the queries hand out.
pub struct FlowcModel {
    model: Arc<Model>,
    inputs: Vec<CInfo>,
    outputs: Vec<CInfo>,
}

struct CInfo {
    name: CString,
    shape: Vec<i64>,
}

impl FlowcModel {
    fn new(model: Model) -> Result<FlowcModel, RuntimeError> {
        let c_infos = |infos: &[TensorInfo]| -> Result<Vec<CInfo>, RuntimeError> {
            infos
                .iter()
                .map(|t| {
                    Ok(CInfo {
                        name: CString::new(t.name.as_str())
                            .map_err(|_| invalid("a tensor name holds a NUL byte"))?,
                        shape: t.shape.iter().map(|&d| d as i64).collect(),
                    })
                })
                .collect()
        };
        Ok(FlowcModel {
            inputs: c_infos(model.inputs())?,
            outputs: c_infos(model.outputs())?,
            model: Arc::new(model),
        })
    }
}

/// `flowc_session`.
pub struct FlowcSession {
    session: Session,
}

/// A shared reference from a C pointer, or an InvalidArgument error naming it.
///
/// # Safety
/// `p` is NULL or valid for reads as `T` for the returned lifetime.
unsafe fn arg_ref<'a, T>(p: *const T, name: &str) -> Result<&'a T, RuntimeError> {
    // SAFETY: the caller's contract.
    unsafe { p.as_ref() }.ok_or_else(|| invalid(&format!("{name} is NULL")))
}

/// # Safety
/// `p` is NULL or valid for reads and writes as `T`, unaliased, for the returned lifetime.
unsafe fn arg_mut<'a, T>(p: *mut T, name: &str) -> Result<&'a mut T, RuntimeError> {
    // SAFETY: the caller's contract.
    unsafe { p.as_mut() }.ok_or_else(|| invalid(&format!("{name} is NULL")))
}

/// # Safety
/// `p` is NULL or points at a NUL-terminated string.
unsafe fn arg_str<'a>(p: *const c_char, name: &str) -> Result<&'a CStr, RuntimeError> {
    if p.is_null() {
        return Err(invalid(&format!("{name} is NULL")));
    }
    // SAFETY: the caller's contract.
    Ok(unsafe { CStr::from_ptr(p) })
}

/// # Safety
/// `data` is NULL (then `size` must be 0) or valid for reads of `size` bytes.
unsafe fn arg_bytes<'a>(
    data: *const c_void,
    size: usize,
    name: &str,
) -> Result<&'a [u8], RuntimeError> {
    if size == 0 {
        return Ok(&[]);
    }
    if data.is_null() {
        return Err(invalid(&format!("{name} is NULL but its size is {size}")));
    }
    // SAFETY: the caller's contract.
    Ok(unsafe { std::slice::from_raw_parts(data.cast::<u8>(), size) })
}

// ---------------------------------------------------------------------------------------------
// Library-level functions.

/// The runtime's version, e.g. "0.1.0".
#[unsafe(no_mangle)]
pub extern "C" fn flowc_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The message of the last failed call on this thread ("" if none); valid until the next
/// failing call on this thread.
#[unsafe(no_mangle)]
pub extern "C" fn flowc_last_error() -> *const c_char {
    guard_value(c"".as_ptr(), || LAST_ERROR.with(|e| e.borrow().as_ptr()))
}

/// A short name for a status code ("FLOWC_OK", "FLOWC_ERROR_SHAPE", ...).
#[unsafe(no_mangle)]
pub extern "C" fn flowc_status_name(status: c_int) -> *const c_char {
    let name: &CStr = match status {
        FLOWC_OK => c"FLOWC_OK",
        FLOWC_ERROR_INVALID_ARGUMENT => c"FLOWC_ERROR_INVALID_ARGUMENT",
        FLOWC_ERROR_IO => c"FLOWC_ERROR_IO",
        FLOWC_ERROR_BAD_BUNDLE => c"FLOWC_ERROR_BAD_BUNDLE",
        FLOWC_ERROR_UNSUPPORTED => c"FLOWC_ERROR_UNSUPPORTED",
        FLOWC_ERROR_LOAD => c"FLOWC_ERROR_LOAD",
        FLOWC_ERROR_OUT_OF_MEMORY => c"FLOWC_ERROR_OUT_OF_MEMORY",
        FLOWC_ERROR_NOT_FOUND => c"FLOWC_ERROR_NOT_FOUND",
        FLOWC_ERROR_DTYPE => c"FLOWC_ERROR_DTYPE",
        FLOWC_ERROR_SHAPE => c"FLOWC_ERROR_SHAPE",
        FLOWC_ERROR_MISSING_INPUT => c"FLOWC_ERROR_MISSING_INPUT",
        FLOWC_ERROR_NOT_RUN => c"FLOWC_ERROR_NOT_RUN",
        FLOWC_ERROR_BUFFER_TOO_SMALL => c"FLOWC_ERROR_BUFFER_TOO_SMALL",
        FLOWC_ERROR_INTERNAL => c"FLOWC_ERROR_INTERNAL",
        _ => c"FLOWC_UNKNOWN_STATUS",
    };
    name.as_ptr()
}

/// Bytes per element of a dtype code; 0 for an unknown code.
#[unsafe(no_mangle)]
pub extern "C" fn flowc_dtype_size(dtype: c_int) -> usize {
    flowc_bundle::dtype_from_code(dtype).map_or(0, |d| d.size_bytes())
}

/// The short name of a dtype code ("f32", "i64", "bool", ...); NULL for an unknown code.
#[unsafe(no_mangle)]
pub extern "C" fn flowc_dtype_name(dtype: c_int) -> *const c_char {
    use flowc_tensor::DType;
    let Some(d) = flowc_bundle::dtype_from_code(dtype) else {
        return std::ptr::null();
    };
    let name: &CStr = match d {
        DType::F16 => c"f16",
        DType::BF16 => c"bf16",
        DType::F32 => c"f32",
        DType::F64 => c"f64",
        DType::I8 => c"i8",
        DType::I16 => c"i16",
        DType::I32 => c"i32",
        DType::I64 => c"i64",
        DType::U8 => c"u8",
        DType::U16 => c"u16",
        DType::U32 => c"u32",
        DType::U64 => c"u64",
        DType::Bool => c"bool",
    };
    name.as_ptr()
}

// ---------------------------------------------------------------------------------------------
// Models.

fn finish_model(
    out: &mut *mut FlowcModel,
    model: Result<Model, RuntimeError>,
) -> Result<(), RuntimeError> {
    let model = FlowcModel::new(model?)?;
    *out = Box::into_raw(Box::new(model));
    Ok(())
}

/// Loads a bundle file.
///
/// # Safety
/// `path` is a NUL-terminated string; `model` is valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn flowc_model_load(
    path: *const c_char,
    model: *mut *mut FlowcModel,
) -> c_int {
    guard(|| {
        // SAFETY: the caller's contract.
        let out = unsafe { arg_mut(model, "model")? };
        *out = std::ptr::null_mut();
        // SAFETY: the caller's contract.
        let path = unsafe { arg_str(path, "path")? };
        let path = std::path::Path::new(std::ffi::OsStr::from_bytes(path.to_bytes()));
        finish_model(out, Model::load(path))
    })
}

/// Loads a bundle from memory (the bytes are copied; the buffer may be freed afterwards).
///
/// # Safety
/// `data` is valid for reads of `size` bytes; `model` is valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn flowc_model_load_from_memory(
    data: *const c_void,
    size: usize,
    model: *mut *mut FlowcModel,
) -> c_int {
    guard(|| {
        // SAFETY: the caller's contract.
        let out = unsafe { arg_mut(model, "model")? };
        *out = std::ptr::null_mut();
        // SAFETY: the caller's contract.
        let bytes = unsafe { arg_bytes(data, size, "data")? };
        finish_model(out, Model::from_bytes(bytes))
    })
}

/// Frees a model (NULL is ignored). Sessions created from it keep what they need alive.
///
/// # Safety
/// `model` is NULL or came from `flowc_model_load*` and was not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn flowc_model_free(model: *mut FlowcModel) {
    guard_value((), || {
        if !model.is_null() {
            // SAFETY: the caller's contract: a pointer from Box::into_raw, freed once.
            drop(unsafe { Box::from_raw(model) });
        }
    })
}

/// # Safety
/// `model` is NULL or a live model.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn flowc_model_num_inputs(model: *const FlowcModel) -> usize {
    // SAFETY: the caller's contract.
    guard_value(0, || {
        unsafe { model.as_ref() }.map_or(0, |m| m.inputs.len())
    })
}

/// # Safety
/// `model` is NULL or a live model.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn flowc_model_num_outputs(model: *const FlowcModel) -> usize {
    // SAFETY: the caller's contract.
    guard_value(0, || {
        unsafe { model.as_ref() }.map_or(0, |m| m.outputs.len())
    })
}

#[derive(Clone, Copy)]
enum Side {
    Input,
    Output,
}

impl Side {
    fn what(self) -> &'static str {
        match self {
            Side::Input => "input",
            Side::Output => "output",
        }
    }
}

/// The signature entry `index` of one side.
///
/// # Safety
/// `model` is NULL or a live model.
unsafe fn entry<'a>(
    model: *const FlowcModel,
    side: Side,
    index: usize,
) -> Result<(&'a TensorInfo, &'a CInfo), RuntimeError> {
    // SAFETY: the caller's contract.
    let m = unsafe { arg_ref(model, "model")? };
    let (infos, c_infos) = match side {
        Side::Input => (m.model.inputs(), &m.inputs),
        Side::Output => (m.model.outputs(), &m.outputs),
    };
    let i = crate::TensorKey::index_in(&index, infos, side.what())?;
    Ok((&infos[i], &c_infos[i]))
}

/// # Safety
/// `model` is NULL or a live model; `name` is valid for a write.
unsafe fn query_name(
    model: *const FlowcModel,
    side: Side,
    index: usize,
    name: *mut *const c_char,
) -> c_int {
    guard(|| {
        // SAFETY: the caller's contract.
        let out = unsafe { arg_mut(name, "name")? };
        // SAFETY: the caller's contract.
        let (_, c) = unsafe { entry(model, side, index)? };
        *out = c.name.as_ptr();
        Ok(())
    })
}

/// # Safety
/// `model` is NULL or a live model; `dtype` is valid for a write.
unsafe fn query_dtype(
    model: *const FlowcModel,
    side: Side,
    index: usize,
    dtype: *mut c_int,
) -> c_int {
    guard(|| {
        // SAFETY: the caller's contract.
        let out = unsafe { arg_mut(dtype, "dtype")? };
        // SAFETY: the caller's contract.
        let (info, _) = unsafe { entry(model, side, index)? };
        *out = flowc_bundle::dtype_code(info.dtype);
        Ok(())
    })
}

/// # Safety
/// `model` is NULL or a live model; `shape` and `rank` are valid for writes.
unsafe fn query_shape(
    model: *const FlowcModel,
    side: Side,
    index: usize,
    shape: *mut *const i64,
    rank: *mut usize,
) -> c_int {
    guard(|| {
        // SAFETY: the caller's contract.
        let shape_out = unsafe { arg_mut(shape, "shape")? };
        // SAFETY: the caller's contract.
        let rank_out = unsafe { arg_mut(rank, "rank")? };
        // SAFETY: the caller's contract.
        let (_, c) = unsafe { entry(model, side, index)? };
        *shape_out = c.shape.as_ptr();
        *rank_out = c.shape.len();
        Ok(())
    })
}

/// # Safety
/// `model` is NULL or a live model; `name` a NUL-terminated string; `index` valid for a write.
unsafe fn query_index(
    model: *const FlowcModel,
    side: Side,
    name: *const c_char,
    index: *mut usize,
) -> c_int {
    guard(|| {
        // SAFETY: the caller's contract.
        let out = unsafe { arg_mut(index, "index")? };
        // SAFETY: the caller's contract.
        let m = unsafe { arg_ref(model, "model")? };
        // SAFETY: the caller's contract.
        let name = unsafe { arg_str(name, "name")? };
        let infos = match side {
            Side::Input => m.model.inputs(),
            Side::Output => m.model.outputs(),
        };
        let name = name.to_str().map_err(|_| invalid("name is not UTF-8"))?;
        *out = crate::TensorKey::index_in(&name, infos, side.what())?;
        Ok(())
    })
}

/// The name of input `index` (owned by the model).
///
/// # Safety
/// `model` is a live model; `name` is valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn flowc_model_input_name(
    model: *const FlowcModel,
    index: usize,
    name: *mut *const c_char,
) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { query_name(model, Side::Input, index, name) }
}

/// The name of output `index` (owned by the model).
///
/// # Safety
/// `model` is a live model; `name` is valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn flowc_model_output_name(
    model: *const FlowcModel,
    index: usize,
    name: *mut *const c_char,
) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { query_name(model, Side::Output, index, name) }
}

/// The dtype code (`flowc_dtype`) of input `index`.
///
/// # Safety
/// `model` is a live model; `dtype` is valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn flowc_model_input_dtype(
    model: *const FlowcModel,
    index: usize,
    dtype: *mut c_int,
) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { query_dtype(model, Side::Input, index, dtype) }
}

/// The dtype code (`flowc_dtype`) of output `index`.
///
/// # Safety
/// `model` is a live model; `dtype` is valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn flowc_model_output_dtype(
    model: *const FlowcModel,
    index: usize,
    dtype: *mut c_int,
) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { query_dtype(model, Side::Output, index, dtype) }
}

/// The shape of input `index`: `rank` dims at `shape` (owned by the model).
///
/// # Safety
/// `model` is a live model; `shape` and `rank` are valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn flowc_model_input_shape(
    model: *const FlowcModel,
    index: usize,
    shape: *mut *const i64,
    rank: *mut usize,
) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { query_shape(model, Side::Input, index, shape, rank) }
}

/// The shape of output `index`: `rank` dims at `shape` (owned by the model).
///
/// # Safety
/// `model` is a live model; `shape` and `rank` are valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn flowc_model_output_shape(
    model: *const FlowcModel,
    index: usize,
    shape: *mut *const i64,
    rank: *mut usize,
) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { query_shape(model, Side::Output, index, shape, rank) }
}

/// The index of the input called `name`.
///
/// # Safety
/// `model` is a live model; `name` a NUL-terminated string; `index` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn flowc_model_input_index(
    model: *const FlowcModel,
    name: *const c_char,
    index: *mut usize,
) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { query_index(model, Side::Input, name, index) }
}

/// The index of the output called `name`.
///
/// # Safety
/// `model` is a live model; `name` a NUL-terminated string; `index` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn flowc_model_output_index(
    model: *const FlowcModel,
    name: *const c_char,
    index: *mut usize,
) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { query_index(model, Side::Output, name, index) }
}

// ---------------------------------------------------------------------------------------------
// Sessions.

/// Creates a session with `threads` threads per launch (0: every available core).
///
/// # Safety
/// `model` is a live model; `session` is valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn flowc_session_create(
    model: *const FlowcModel,
    threads: usize,
    session: *mut *mut FlowcSession,
) -> c_int {
    guard(|| {
        // SAFETY: the caller's contract.
        let out = unsafe { arg_mut(session, "session")? };
        *out = std::ptr::null_mut();
        // SAFETY: the caller's contract.
        let m = unsafe { arg_ref(model, "model")? };
        let s = Session::new(m.model.clone(), SessionOptions { threads })?;
        *out = Box::into_raw(Box::new(FlowcSession { session: s }));
        Ok(())
    })
}

/// Frees a session (NULL is ignored).
///
/// # Safety
/// `session` is NULL or came from `flowc_session_create` and was not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn flowc_session_free(session: *mut FlowcSession) {
    guard_value((), || {
        if !session.is_null() {
            // SAFETY: the caller's contract: a pointer from Box::into_raw, freed once.
            drop(unsafe { Box::from_raw(session) });
        }
    })
}

/// # Safety
/// As `flowc_session_set_input`.
unsafe fn set_input(
    session: *mut FlowcSession,
    key: impl FnOnce(&Session) -> Result<usize, RuntimeError>,
    data: *const c_void,
    size: usize,
    dtype: c_int,
    shape: *const i64,
    rank: usize,
) -> c_int {
    guard(|| {
        // SAFETY: the caller's contract.
        let s = unsafe { arg_mut(session, "session")? };
        let index = key(&s.session)?;
        let dtype = flowc_bundle::dtype_from_code(dtype)
            .ok_or_else(|| invalid(&format!("unknown dtype code {dtype}")))?;
        if rank > 0 && shape.is_null() {
            return Err(invalid(&format!("shape is NULL but rank is {rank}")));
        }
        let dims: &[i64] = if rank == 0 {
            &[]
        } else {
            // SAFETY: the caller's contract: `shape` holds `rank` dims.
            unsafe { std::slice::from_raw_parts(shape, rank) }
        };
        let dims = dims
            .iter()
            .map(|&d| {
                usize::try_from(d).map_err(|_| invalid(&format!("negative dim {d} in the shape")))
            })
            .collect::<Result<Vec<usize>, _>>()?;
        // SAFETY: the caller's contract.
        let bytes = unsafe { arg_bytes(data, size, "data")? };
        s.session.set_input(index, dtype, &dims, bytes)
    })
}

/// Sets input `index` from `size` bytes at `data` (copied), after checking `dtype` and the
/// `rank` dims at `shape` against the signature.
///
/// # Safety
/// `session` is a live session; `data` is valid for reads of `size` bytes; `shape` holds `rank`
/// dims.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn flowc_session_set_input(
    session: *mut FlowcSession,
    index: usize,
    data: *const c_void,
    size: usize,
    dtype: c_int,
    shape: *const i64,
    rank: usize,
) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { set_input(session, |_| Ok(index), data, size, dtype, shape, rank) }
}

/// `flowc_session_set_input` for the input called `name`.
///
/// # Safety
/// As `flowc_session_set_input`; `name` is a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn flowc_session_set_input_by_name(
    session: *mut FlowcSession,
    name: *const c_char,
    data: *const c_void,
    size: usize,
    dtype: c_int,
    shape: *const i64,
    rank: usize,
) -> c_int {
    let key = |s: &Session| {
        // SAFETY: the caller's contract.
        let name = unsafe { arg_str(name, "name")? };
        let name = name.to_str().map_err(|_| invalid("name is not UTF-8"))?;
        crate::TensorKey::index_in(&name, s.model().inputs(), "input")
    };
    // SAFETY: the caller's contract.
    unsafe { set_input(session, key, data, size, dtype, shape, rank) }
}

/// Runs the model. Every input must have been set.
///
/// # Safety
/// `session` is a live session, not used by another thread during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn flowc_session_run(session: *mut FlowcSession) -> c_int {
    guard(|| {
        // SAFETY: the caller's contract.
        let s = unsafe { arg_mut(session, "session")? };
        s.session.run()
    })
}

/// Output `index` of the last run: `*data` points at `*size` bytes owned by the session, valid
/// until the next run or `flowc_session_free`.
///
/// # Safety
/// `session` is a live session; `data` and `size` are valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn flowc_session_get_output(
    session: *const FlowcSession,
    index: usize,
    data: *mut *const c_void,
    size: *mut usize,
) -> c_int {
    guard(|| {
        // SAFETY: the caller's contract.
        let data_out = unsafe { arg_mut(data, "data")? };
        // SAFETY: the caller's contract.
        let size_out = unsafe { arg_mut(size, "size")? };
        // SAFETY: the caller's contract.
        let s = unsafe { arg_ref(session, "session")? };
        let out = s.session.output(index)?;
        *data_out = out.bytes().as_ptr().cast();
        *size_out = out.bytes().len();
        Ok(())
    })
}

/// Copies output `index` of the last run into `buffer` (`buffer_size` must be at least the
/// output's size; `flowc_session_get_output` tells it).
///
/// # Safety
/// `session` is a live session; `buffer` is valid for writes of `buffer_size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn flowc_session_copy_output(
    session: *const FlowcSession,
    index: usize,
    buffer: *mut c_void,
    buffer_size: usize,
) -> c_int {
    guard(|| {
        // SAFETY: the caller's contract.
        let s = unsafe { arg_ref(session, "session")? };
        let out = s.session.output(index)?.bytes();
        if buffer_size < out.len() {
            return Err(RuntimeError::BufferTooSmall {
                needed: out.len(),
                given: buffer_size,
            });
        }
        if out.is_empty() {
            return Ok(());
        }
        if buffer.is_null() {
            return Err(invalid("buffer is NULL"));
        }
        // SAFETY: the caller's contract: `buffer` holds at least `out.len()` writable bytes,
        // and it cannot overlap the session's own output buffer the caller does not own.
        unsafe { std::ptr::copy_nonoverlapping(out.as_ptr(), buffer.cast::<u8>(), out.len()) };
        Ok(())
    })
}
