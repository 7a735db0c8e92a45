//! Parses the command line, calls the library, prints problems once and sets the exit code.

mod cli;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use cli::{Cli, Command, FormatArg};
use fulcrum::diagnostics::{self, Diagnostics, Format, display_path};
use fulcrum::{Failure, Options};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let code = match &cli.command {
        Command::Build(args) => {
            let options = Options {
                root: cli.root.clone(),
                output: args.output.clone(),
                base_url: args.site.base_url.clone(),
                drafts: args.site.drafts,
            };
            run_build(&cli, &options, color)
        }
        Command::Check(args) => {
            let options = Options {
                root: cli.root.clone(),
                output: None,
                base_url: args.site.base_url.clone(),
                drafts: args.site.drafts,
            };
            let format = match args.format {
                FormatArg::Human => Format::Human,
                FormatArg::Json => Format::Json,
                FormatArg::Github => Format::Github,
            };
            run_check(&cli, &options, format, color)
        }
    };
    ExitCode::from(code)
}

fn print_problems(diags: &Diagnostics, format: Format, color: bool) {
    if format == Format::Human {
        if !diags.is_empty() {
            eprint!("{}", diagnostics::render(diags, format, color));
        }
    } else {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(diagnostics::render(diags, format, false).as_bytes());
    }
}

fn fail(failure: Failure, format: Format, color: bool) -> u8 {
    match &failure {
        Failure::Content(d) => print_problems(d, format, color),
        Failure::Usage(m) => {
            let label = if color { "\x1b[1;31merror\x1b[0m" } else { "error" };
            eprintln!("{label}: {m}");
        }
    }
    failure.exit_code() as u8
}

fn run_check(cli: &Cli, options: &Options, format: Format, color: bool) -> u8 {
    let start = std::time::Instant::now();
    match fulcrum::check(options) {
        Ok(checked) => {
            if format != Format::Human || !checked.warnings.is_empty() {
                print_problems(&checked.warnings, format, color);
            }
            if !cli.quiet && format == Format::Human {
                let s = &checked.site;
                eprintln!(
                    "Checked {}, {} and {}: {} ({:.2} s)",
                    count(s.complexes.len(), "complex", "complexes"),
                    count(s.reports.len(), "report", "reports"),
                    count(s.pages.len(), "page", "pages"),
                    if checked.warnings.is_empty() {
                        "no problems found".to_string()
                    } else {
                        diagnostics::summary_line(&checked.warnings)
                    },
                    start.elapsed().as_secs_f64()
                );
            }
            0
        }
        Err(f) => fail(f, format, color),
    }
}

fn run_build(cli: &Cli, options: &Options, color: bool) -> u8 {
    let show = std::io::stderr().is_terminal() && !cli.quiet;
    // On a terminal, one status line that each stage overwrites, cleared at the end.
    let progress = |stage: fulcrum::Stage| {
        if !show {
            return;
        }
        let text = match stage {
            fulcrum::Stage::Checking => "[1/3] checking content…".to_string(),
            fulcrum::Stage::Rendering { pages_from } => format!("[2/3] rendering pages from {pages_from} files…"),
            fulcrum::Stage::Writing { files } => format!("[3/3] writing {files} files…"),
        };
        eprint!("\x1b[2K\r{text}");
        let _ = std::io::stderr().flush();
    };
    let result = fulcrum::build_with_progress(options, &progress);
    if show {
        eprint!("\x1b[2K\r");
    }
    match result {
        Ok(s) => {
            if !s.warnings.is_empty() {
                print_problems(&s.warnings, Format::Human, color);
            }
            if cli.verbose {
                eprintln!("{} complexes, {} reports", s.complexes, s.reports);
                for (stage, t) in &s.timings {
                    eprintln!("  {stage:<12} {:>8.1} ms", t.as_secs_f64() * 1000.0);
                }
            }
            if !cli.quiet {
                eprintln!(
                    "Built {} pages ({} files, {}) into {} in {:.2} s",
                    s.pages,
                    s.files,
                    human_bytes(s.bytes),
                    display_path(options.output_dir().strip_prefix(".").unwrap_or(&s.output)),
                    s.elapsed.as_secs_f64()
                );
            }
            0
        }
        Err(f) => {
            let code = fail(f, Format::Human, color);
            if code == 1 {
                eprintln!("Nothing was written: the previous output is unchanged.");
            }
            code
        }
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn human_bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 20 => format!("{:.1} MB", n as f64 / (1u64 << 20) as f64),
        n if n >= 1 << 10 => format!("{:.1} KB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}
