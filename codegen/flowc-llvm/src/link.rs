//! Linking an object into a shared object with the system C compiler.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};

/// Why [`link_shared_object`] failed.
#[derive(Debug)]
pub enum LinkError {
    /// No C compiler could be started (`cc`, `clang-22`, `clang` were tried).
    NoCompiler(String),
    /// The compiler ran and failed; its output.
    Failed { compiler: String, output: String },
    /// Writing or reading the temporary files failed.
    Io(String),
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::NoCompiler(tried) => write!(
                f,
                "cannot link a shared object: no C compiler found (tried {tried})"
            ),
            LinkError::Failed { compiler, output } => write!(
                f,
                "cannot link a shared object: '{compiler}' failed:\n{}",
                output.trim_end()
            ),
            LinkError::Io(message) => write!(f, "cannot link a shared object: {message}"),
        }
    }
}

impl std::error::Error for LinkError {}

/// The compilers tried, in order: `$FLOWC_CC` when set, then `cc`, `clang-22`, `clang`.
fn compilers() -> Vec<String> {
    let mut v = Vec::new();
    if let Ok(cc) = std::env::var("FLOWC_CC")
        && !cc.is_empty()
    {
        v.push(cc);
    }
    v.extend(["cc", "clang-22", "clang"].map(String::from));
    v
}

/// A fresh private directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<TempDir, LinkError> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        for _ in 0..16 {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path =
                std::env::temp_dir().join(format!("flowc-link-{}-{n}-{nanos}", std::process::id()));
            match std::fs::create_dir(&path) {
                Ok(()) => return Ok(TempDir(path)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    return Err(LinkError::Io(format!(
                        "cannot create a temporary directory {}: {e}",
                        path.display()
                    )));
                }
            }
        }
        Err(LinkError::Io("cannot create a temporary directory".into()))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Links a relocatable object (from [`crate::emit_object`] for the host) into a shared object:
/// `cc -shared -o out.so in.o -lm` in a temporary directory, falling back to `clang-22` and
/// `clang` when `cc` cannot be started (`$FLOWC_CC` is tried first when set). Returns the bytes
/// of the shared object.
pub fn link_shared_object(object: &[u8]) -> Result<Vec<u8>, LinkError> {
    let dir = TempDir::new()?;
    let input = dir.path().join("kernels.o");
    let output = dir.path().join("kernels.so");
    std::fs::write(&input, object)
        .map_err(|e| LinkError::Io(format!("cannot write {}: {e}", input.display())))?;
    let tried = compilers();
    for cc in &tried {
        let result = Command::new(cc)
            .arg("-shared")
            .arg("-o")
            .arg(&output)
            .arg(&input)
            .arg("-lm")
            .output();
        let out = match result {
            Ok(out) => out,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(LinkError::Io(format!("cannot run '{cc}': {e}"))),
        };
        if !out.status.success() {
            let mut text = String::from_utf8_lossy(&out.stderr).into_owned();
            text.push_str(&String::from_utf8_lossy(&out.stdout));
            return Err(LinkError::Failed {
                compiler: cc.clone(),
                output: text,
            });
        }
        return std::fs::read(&output)
            .map_err(|e| LinkError::Io(format!("cannot read {}: {e}", output.display())));
    }
    Err(LinkError::NoCompiler(tried.join(", ")))
}
