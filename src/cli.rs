//! The command line: clap types only.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "fulcrum",
    version,
    about = "Builds the public website of Zhejiang's industrial innovation service complexes from YAML and Markdown",
    after_help = "Examples:\n  fulcrum check                 check every file and report all problems\n  fulcrum build                 build the site into public/\n  fulcrum --root my-site build --base-url https://example.org/complexes/"
)]
pub struct Cli {
    /// The site folder, holding site.yaml (default: the current folder)
    #[arg(long, global = true, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Print only problems
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print each stage and its timing
    #[arg(long, short, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (default public/)
    #[command(
        after_help = "Examples:\n  fulcrum build\n  fulcrum build --output /srv/www --base-url https://example.org/a/b/\n  fulcrum build --drafts --output preview"
    )]
    Build(BuildArgs),
    /// Check every content file and report all problems, without writing anything
    #[command(
        after_help = "Exit status: 0 no errors (warnings allowed), 1 content errors, 2 usage or I/O errors.\n\nExamples:\n  fulcrum check\n  fulcrum check --format github    annotations for a GitHub pull request\n  fulcrum check --format json      for other tools"
    )]
    Check(CheckArgs),
}

#[derive(Debug, Args)]
pub struct SiteArgs {
    /// Use this base URL instead of site.yaml's (e.g. https://host/a/b/)
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Include content marked draft: true
    #[arg(long)]
    pub drafts: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The output folder, relative to the site folder (default public/)
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub site: SiteArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// How to print problems
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,
    #[command(flatten)]
    pub site: SiteArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Human,
    Json,
    Github,
}
