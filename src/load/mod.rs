//! Walking the site folder, reading files and splitting front matter.

pub mod yaml;
