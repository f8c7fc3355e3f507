//! Where the examples write their pictures, and how they name the files they wrote.

use std::path::{Path, PathBuf};

/// `path` relative to the working directory when it lies below it, as a reader would type it.
pub fn shown(path: &Path) -> String {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|dir| path.strip_prefix(dir).ok().map(Path::to_owned));
    relative.as_deref().unwrap_or(path).display().to_string()
}

/// The directory named on the command line, else `backprop-examples/` in the target
/// directory this example was built into (found from the executable's own path, so a
/// custom `CARGO_TARGET_DIR` is respected and nothing lands in the source tree).
pub fn output_dir() -> PathBuf {
    if let Some(dir) = std::env::args_os().nth(1) {
        return PathBuf::from(dir);
    }
    // The executable is `<target>/<profile>/examples/<name>`.
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.parent()?.join("backprop-examples")))
        .unwrap_or_else(|| PathBuf::from("target").join("backprop-examples"))
}
