//! The only code that writes files: the finished site goes into a temporary folder beside
//! the output folder and is swapped in only when everything succeeded.

/// One file of the finished site: a path relative to the output folder, with forward
/// slashes, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

impl OutputFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        OutputFile { path: path.into(), bytes: bytes.into() }
    }
}
