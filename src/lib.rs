//! Fulcrum: YAML and Markdown profiles of industrial innovation service complexes in, a
//! static public website out. The pipeline is a chain of values:
//! load → validate → link → render → write.

pub mod config;
pub mod diagnostics;
pub mod link;
pub mod load;
pub mod model;
pub mod output;
pub mod raw;
pub mod render;
pub mod validate;
