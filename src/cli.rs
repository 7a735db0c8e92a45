//! The command line: clap types only.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "fulcrum",
    version,
    about = "Builds the public website of Zhejiang's industrial innovation service complexes from YAML and Markdown",
    after_help = "Examples:\n  fulcrum serve                 preview the site at http://127.0.0.1:1111/, reloading on every save\n  fulcrum check                 check every file and report all problems\n  fulcrum build                 build the site into public/\n  fulcrum new report taizhou-meeting-2019 --title 全省现场推进会在台州召开\n  fulcrum init my-site          start a new site\n  fulcrum --root my-site build --base-url https://example.org/complexes/"
)]
pub struct Cli {
    /// The site folder, holding site.yaml (default: the current folder, or the nearest one
    /// above it that holds site.yaml)
    #[arg(long, global = true, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Whether `root` was found above the current folder rather than given.
    #[arg(skip)]
    pub found_above: bool,
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
        after_help = "Exit status: 0 no errors (warnings allowed, unless --strict), 1 content errors, 2 usage or I/O errors.\n\nExamples:\n  fulcrum check\n  fulcrum check --strict           warnings fail the check too\n  fulcrum check --format github    annotations for a GitHub pull request\n  fulcrum check --format json      for other tools"
    )]
    Check(CheckArgs),
    /// Preview the site: build it in memory, serve it, rebuild and reload on every change
    #[command(
        after_help = "The site is held in memory: public/ is never touched. A bad edit shows the problems in the\nbrowser, and the page comes back by itself once the file is fixed.\n\nExamples:\n  fulcrum serve\n  fulcrum serve --drafts --open\n  fulcrum serve --port 8080 --poll     on network or container file systems"
    )]
    Serve(ServeArgs),
    /// Write a new complex profile or report with every field, ready to fill in
    #[command(
        after_help = "The file is a draft (draft: true) until you remove that line; preview drafts with\n`fulcrum serve --drafts`.\n\nExamples:\n  fulcrum new complex wenling-pumps --name 温岭泵产业创新服务综合体\n  fulcrum new report taizhou-meeting-2019 --title 全省现场推进会在台州召开"
    )]
    New(NewArgs),
    /// Create a new site in a folder: site.yaml, one complex and one report
    #[command(after_help = "Examples:\n  fulcrum init my-site\n  cd my-site && fulcrum serve")]
    Init(InitArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The port to listen on (0 picks a free one)
    #[arg(long, short, default_value_t = 1111)]
    pub port: u16,
    /// The address to listen on; only this computer can connect unless you change it
    #[arg(long, value_name = "ADDRESS", default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Open the site in the web browser
    #[arg(long)]
    pub open: bool,
    /// Look for changes every 250 ms instead of waiting for the system's notices (network
    /// and container file systems)
    #[arg(long)]
    pub poll: bool,
    #[command(flatten)]
    pub site: SiteArgs,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    #[command(subcommand)]
    pub what: NewWhat,
}

#[derive(Debug, Subcommand)]
pub enum NewWhat {
    /// content/complexes/<id>.yaml
    Complex {
        /// The id: lower-case letters, digits and hyphens, e.g. wenling-pumps
        id: String,
        /// The complex's name in the site's first language
        #[arg(long, allow_hyphen_values = true)]
        name: Option<String>,
    },
    /// content/reports/<id>.md
    Report {
        /// The id: lower-case letters, digits and hyphens, e.g. taizhou-meeting-2019
        id: String,
        /// The report's title in the site's first language
        #[arg(long, allow_hyphen_values = true)]
        title: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create (it may exist if it is empty)
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct SiteArgs {
    /// Use this base URL instead of site.yaml's (e.g. https://host/a/b/)
    #[arg(long, value_name = "URL", value_parser = clap::builder::NonEmptyStringValueParser::new())]
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
    /// Render and write every page even if nothing changed since the last build
    #[arg(long)]
    pub force: bool,
    /// Count warnings as errors: write nothing if there is any
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub site: SiteArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// How to print problems
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,
    /// Count warnings as errors (exit status 1), for a CI that allows none
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub site: SiteArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Human,
    Json,
    Github,
}
