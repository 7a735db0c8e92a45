//! Parses the command line, calls the library, prints problems once and sets the exit code.

mod cli;

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use cli::{Cli, Command, FormatArg, NewWhat};
use fulcrum::diagnostics::{self, Diagnostic, Diagnostics, Format, display_path};
use fulcrum::{Failure, Options};

/// `eprintln!` that ignores a closed stderr (`fulcrum check 2>&1 | head`): the run goes on
/// and ends with its own exit status, where `eprintln!` would panic with 101.
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// `eprint!` that ignores a closed stderr, as [`say!`].
macro_rules! say_part {
    ($($arg:tt)*) => {{
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}

fn main() -> ExitCode {
    let mut cli = Cli::parse();
    // As git and cargo do: run from a folder inside the site (content/reports/, say), the
    // site is the nearest folder above that holds site.yaml.
    if !matches!(cli.command, Command::Init(_))
        && cli.root == Path::new(".")
        && !Path::new("site.yaml").exists()
        && let Some(up) = site_above()
    {
        cli.root = up;
        cli.found_above = true;
    }
    let terminal = Terminal::of_stderr();
    let color = terminal.color;
    // How problems are printed: `check` may print them for a machine.
    let format = match &cli.command {
        Command::Check(args) => match args.format {
            FormatArg::Human => Format::Human,
            FormatArg::Json => Format::Json,
            FormatArg::Github => Format::Github,
        },
        _ => Format::Human,
    };
    // Every command but `init`, which makes its folder, works in an existing site folder.
    if let Command::Init(args) = &cli.command {
        if cli.root != Path::new(".") {
            let m = format!(
                "--root does not apply to init, which makes the folder it is given: write fulcrum init {}",
                shell_word(&display_path(&cli.root.join(&args.dir)))
            );
            return ExitCode::from(fail(Failure::Usage(m), format, color));
        }
    } else if let Some(m) = root_problem(&cli.root) {
        return ExitCode::from(fail(Failure::Usage(m), format, color));
    }
    let code = match &cli.command {
        Command::Build(args) => {
            let options = Options {
                root: cli.root.clone(),
                output: args.output.clone(),
                base_url: args.site.base_url.clone(),
                drafts: args.site.drafts,
                force: args.force,
                hold_bodies: false,
                parse_cache: None,
                strict: args.strict,
            };
            run_build(&cli, &options, terminal)
        }
        Command::Check(args) => {
            let options = Options {
                root: cli.root.clone(),
                output: None,
                base_url: args.site.base_url.clone(),
                drafts: args.site.drafts,
                force: false,
                hold_bodies: false,
                parse_cache: None,
                strict: args.strict,
            };
            run_check(&cli, &options, format, color)
        }
        Command::Serve(args) => run_serve(&cli, args, color),
        Command::New(args) => {
            let (kind, id, title) = match &args.what {
                NewWhat::Complex { id, name } => (fulcrum::scaffold::Kind::Complex, id, name),
                NewWhat::Report { id, title } => (fulcrum::scaffold::Kind::Report, id, title),
            };
            match fulcrum::scaffold::new_file(&cli.root, kind, id, title.as_deref()) {
                Ok(path) => {
                    if !cli.quiet {
                        // The preview command works from the folder the editor is in.
                        let root = match cli.root.as_os_str() {
                            r if r == "." || cli.found_above => String::new(),
                            _ => format!("--root {} ", shell_word(&display_path(&cli.root))),
                        };
                        say!(
                            "Created {} (a draft: preview it with `fulcrum {root}serve --drafts`, delete `draft: true` to publish)",
                            display_path(path.strip_prefix(".").unwrap_or(&path))
                        );
                    }
                    0
                }
                Err(f) => fail(f, Format::Human, color),
            }
        }
        Command::Init(args) => match fulcrum::scaffold::init(&args.dir) {
            Ok(files) => {
                if !cli.quiet {
                    for f in &files {
                        say!("Created {}", display_path(f));
                    }
                    say!(
                        "Next: cd {} && fulcrum serve   (then open http://127.0.0.1:1111/)",
                        shell_word(&display_path(&args.dir))
                    );
                }
                0
            }
            Err(f) => fail(f, Format::Human, color),
        },
    };
    ExitCode::from(code)
}

/// What stderr can show: colours, and a status line that is rewritten in place.
#[derive(Debug, Clone, Copy)]
struct Terminal {
    color: bool,
    progress: bool,
}

impl Terminal {
    fn of_stderr() -> Terminal {
        Terminal::new(std::io::stderr().is_terminal(), std::env::var_os("NO_COLOR"), std::env::var_os("TERM"))
    }

    /// Escape codes only on a terminal that understands them: not in a pipe or a file, not
    /// with `NO_COLOR` set (https://no-color.org), not on `TERM=dumb` (Emacs shells, some CI logs).
    fn new(is_terminal: bool, no_color: Option<OsString>, term: Option<OsString>) -> Terminal {
        let capable = is_terminal && term.is_none_or(|t| t != "dumb");
        Terminal { color: capable && no_color.is_none_or(|v| v.is_empty()), progress: capable }
    }
}

fn print_problems(diags: &Diagnostics, format: Format, color: bool) {
    if format == Format::Human {
        if !diags.is_empty() {
            say_part!("{}", diagnostics::render(diags, format, color));
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
            say!("{label}: {m}");
            // A tool reading stdout gets its format even when the run could not start, so a
            // CI job shows why it failed and a JSON reader never meets an empty document.
            if format != Format::Human {
                print_problems(&Diagnostics::from(vec![Diagnostic::error("", 0, 0, m.as_str())]), format, false);
            }
        }
    }
    failure.exit_code() as u8
}

/// The nearest folder above the current one that holds site.yaml, as a path of `..` steps
/// (so that the paths printed from it are paths from where the editor is).
fn site_above() -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    let mut up = PathBuf::new();
    for dir in cwd.ancestors().skip(1) {
        up.push("..");
        if dir.join("site.yaml").is_file() {
            return Some(up);
        }
    }
    None
}

/// Why `root` cannot be a site folder, when that is plain before anything is read.
fn root_problem(root: &Path) -> Option<String> {
    let shown = display_path(root);
    match std::fs::metadata(root) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Some(format!("the folder {shown} does not exist: --root takes the folder that holds site.yaml"))
        }
        Ok(m) if !m.is_dir() => {
            Some(format!("{shown} is a file, not a folder: --root takes the folder that holds site.yaml"))
        }
        _ => None,
    }
}

/// Why no output folder can be made at `output`: a file where a folder must be.
fn output_problem(output: &Path) -> Option<String> {
    let existing = output.ancestors().skip(1).find(|a| !a.as_os_str().is_empty() && a.exists())?;
    if existing.is_dir() {
        return None;
    }
    Some(format!(
        "cannot make the output folder {}: {} is a file, not a folder; choose another --output",
        display_path(output),
        display_path(existing)
    ))
}

/// `word` as the shell reads it back, quoted when it holds anything but plain letters,
/// digits and `-_./`, so that the printed command can be pasted as it is.
fn shell_word(word: &str) -> String {
    quote_word(word, cfg!(windows))
}

/// [`shell_word`] for a POSIX shell (single quotes), or for Windows: double quotes, which
/// both cmd.exe and PowerShell read, and which a Windows file name cannot hold (PowerShell
/// would still read a `$` inside them as the start of a variable).
fn quote_word(word: &str, windows: bool) -> String {
    let plain = |c: char| c.is_alphanumeric() || "-_./".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else if windows {
        format!("\"{word}\"")
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// The site folder as a GitHub annotation names files: from the root of the checkout
/// (`GITHUB_WORKSPACE`), or else from the current folder, so that a site in a sub-folder
/// (`--root site`) annotates `site/content/…`, the file the pull request changed.
fn annotation_base(root: &Path) -> PathBuf {
    let cwd = std::env::current_dir().ok();
    let site = lexical(&cwd.as_ref().map_or_else(|| root.to_path_buf(), |c| c.join(root)));
    let workspace = std::env::var_os("GITHUB_WORKSPACE").filter(|w| !w.is_empty()).map(PathBuf::from).or(cwd);
    // A site outside the checkout has no file GitHub could mark: its paths stay as `check`
    // gives them, from the site folder.
    workspace.and_then(|w| site.strip_prefix(lexical(&w)).ok().map(Path::to_path_buf)).unwrap_or_default()
}

/// `path` without `.` and with each `..` taking away the name before it, as the shell's
/// `cd` reads a path.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.components().next_back(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `diags` with each file's path taken from `base` instead of the site folder.
fn from_base(diags: &Diagnostics, base: &Path) -> Diagnostics {
    let moved = diags.items().iter().cloned().map(|mut d| {
        if !d.path.as_os_str().is_empty() {
            d.path = base.join(&d.path);
        }
        d
    });
    Diagnostics::from(moved.collect::<Vec<_>>())
}

/// Each stage and how long it took, one per line, as `--verbose` shows them.
fn print_timings(timings: &[(&str, std::time::Duration)]) {
    for (stage, t) in timings {
        say!("  {stage:<12} {:>8.1} ms", t.as_secs_f64() * 1000.0);
    }
}

fn run_check(cli: &Cli, options: &Options, format: Format, color: bool) -> u8 {
    let start = std::time::Instant::now();
    let result = fulcrum::check(options);
    let result = match (format, result) {
        (Format::Github, Ok(mut checked)) => {
            checked.warnings = from_base(&checked.warnings, &annotation_base(&options.root));
            Ok(checked)
        }
        (Format::Github, Err(Failure::Content(d))) => {
            Err(Failure::Content(from_base(&d, &annotation_base(&options.root))))
        }
        (_, result) => result,
    };
    match result {
        Ok(checked) => {
            if format != Format::Human || !checked.warnings.is_empty() {
                print_problems(&checked.warnings, format, color);
            }
            if cli.verbose && format == Format::Human {
                print_timings(&checked.timings);
            }
            if !cli.quiet && format == Format::Human {
                let s = &checked.site;
                say!(
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

fn run_build(cli: &Cli, options: &Options, terminal: Terminal) -> u8 {
    let color = terminal.color;
    let show = terminal.progress && !cli.quiet;
    // On a terminal, one status line that each stage overwrites, cleared at the end.
    let progress = |stage: fulcrum::Stage| {
        // Said in a log too: a build that seems to hang is waiting for another.
        if stage == fulcrum::Stage::Waiting {
            if !cli.quiet {
                say!("Waiting for another build of this site to finish…");
            }
            return;
        }
        if !show {
            return;
        }
        let text = match stage {
            fulcrum::Stage::Waiting => return,
            fulcrum::Stage::Checking => "[1/3] checking content…".to_string(),
            fulcrum::Stage::Rendering { pages_from } => format!("[2/3] rendering pages from {pages_from} files…"),
            fulcrum::Stage::Writing { files } => format!("[3/3] writing {files} files…"),
        };
        say_part!("\x1b[2K\r{text}");
        let _ = std::io::stderr().flush();
    };
    if let Some(m) = output_problem(&options.output_dir()) {
        return fail(Failure::Usage(m), Format::Human, color);
    }
    // The output folder as the editor named it, from the folder they are in.
    let output_dir = options.output_dir();
    let shown_output = output_dir.strip_prefix(".").unwrap_or(&output_dir).to_path_buf();
    let result = fulcrum::build_with_progress(options, &progress);
    if show {
        say_part!("\x1b[2K\r");
    }
    match result {
        Ok(s) => {
            if !s.warnings.is_empty() {
                print_problems(&s.warnings, Format::Human, color);
            }
            if cli.verbose {
                say!("{}, {}", count(s.complexes, "complex", "complexes"), count(s.reports, "report", "reports"));
                print_timings(&s.timings);
            }
            if !cli.quiet && s.up_to_date {
                say!(
                    "Up to date: {} pages ({} files, {}) in {}, nothing changed since the last build (checked in {:.2} s; --force rebuilds)",
                    s.pages,
                    s.files,
                    human_bytes(s.bytes),
                    display_path(&shown_output),
                    s.elapsed.as_secs_f64()
                );
            } else if !cli.quiet {
                say!(
                    "Built {} pages ({} files, {}) into {} in {:.2} s",
                    s.pages,
                    s.files,
                    human_bytes(s.bytes),
                    display_path(&shown_output),
                    s.elapsed.as_secs_f64()
                );
            }
            0
        }
        Err(f) => {
            let code = fail(f, Format::Human, color);
            if code == 1 {
                say!("Nothing was written: the previous output is unchanged.");
            }
            code
        }
    }
}

fn run_serve(cli: &Cli, args: &cli::ServeArgs, color: bool) -> u8 {
    use fulcrum::serve::Event;
    let options = fulcrum::serve::ServeOptions {
        site: Options {
            root: cli.root.clone(),
            output: None,
            base_url: args.site.base_url.clone(),
            drafts: args.site.drafts,
            force: false,
            hold_bodies: true,
            parse_cache: None,
            strict: false,
        },
        bind: args.bind,
        port: args.port,
        poll: args.poll,
    };
    let quiet = cli.quiet;
    let open = args.open;
    let since = |d: Option<std::time::Duration>| match d {
        Some(d) => format!(" ({:.0} ms after the change)", d.as_secs_f64() * 1000.0),
        None => String::new(),
    };
    let report = move |event: Event<'_>| match event {
        Event::Listening { url, addr } => {
            if !addr.ip().is_loopback() {
                say!("warning: listening on {addr}: other computers on the network can see the preview");
            }
            // Always printed: scripts and tests read the address from this line.
            say!("Serving the site at {url} (Ctrl-C to stop)");
            if open {
                open_browser(&url);
            }
        }
        Event::Watching { poll } => {
            if !quiet {
                let how = if poll { "polling every 250 ms" } else { "rebuilding on every save" };
                say!("Watching site.yaml, content/, static/, templates/ and themes/, {how}");
            }
        }
        Event::Changed { paths } => {
            if !quiet {
                let shown: Vec<String> = paths.iter().take(3).map(|p| display_path(p)).collect();
                let more = if paths.len() > 3 { format!(" and {} more", paths.len() - 3) } else { String::new() };
                say!("Changed: {}{more}", shown.join(", "));
            }
        }
        Event::Built { files, build, since_change, warnings } => {
            if !warnings.is_empty() {
                say_part!("{}", diagnostics::render(warnings, Format::Human, color));
            }
            if !quiet {
                say!("Built {files} files in {:.0} ms{}", build.as_secs_f64() * 1000.0, since(since_change));
            }
        }
        Event::Failed { failure, since_change } => {
            match failure {
                Failure::Content(d) => say_part!("{}", diagnostics::render(d, Format::Human, color)),
                Failure::Usage(m) => say!("error: {m}"),
            }
            say!("The browser shows these problems until they are fixed{}.", since(since_change));
        }
        Event::Refused { method, path, reason } => say!("refused {method} {path}: {reason}"),
        Event::WatchError(m) => say!("warning: watching files: {m}"),
    };
    match fulcrum::serve::serve(options, std::sync::Arc::new(report)) {
        Ok(()) => 0,
        Err(f) => fail(f, Format::Human, color),
    }
}

/// Opens the address in the system's browser; a failure only costs a message.
fn open_browser(url: &str) {
    let result = if cfg!(target_os = "macos") {
        std::process::Command::new("open").arg(url).spawn()
    } else if cfg!(windows) {
        std::process::Command::new("cmd").args(["/C", "start", "", url]).spawn()
    } else {
        std::process::Command::new("xdg-open").arg(url).spawn()
    };
    if let Err(e) = result {
        say!("warning: cannot open a browser ({e}): open {url} yourself");
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_codes_only_on_a_capable_terminal() {
        let os = |s: &str| Some(OsString::from(s));
        let t = Terminal::new(true, None, os("xterm-256color"));
        assert!(t.color && t.progress);
        let t = Terminal::new(true, None, os("dumb"));
        assert!(!t.color && !t.progress);
        let t = Terminal::new(true, os("1"), os("xterm"));
        assert!(!t.color && t.progress);
        assert!(Terminal::new(true, os(""), None).color);
        let t = Terminal::new(false, None, os("xterm"));
        assert!(!t.color && !t.progress);
    }

    #[test]
    fn shell_words_are_quoted_when_needed() {
        assert_eq!(quote_word("my-site/站点_1.0", false), "my-site/站点_1.0");
        assert_eq!(quote_word("my site", false), "'my site'");
        assert_eq!(quote_word("Tom's", false), "'Tom'\\''s'");
        assert_eq!(quote_word("$HOME", false), "'$HOME'");
        assert_eq!(quote_word("", false), "''");
        // Windows: one quoting that cmd.exe and PowerShell both read.
        assert_eq!(quote_word("my-site", true), "my-site");
        assert_eq!(quote_word("My Sites/Tom's site", true), "\"My Sites/Tom's site\"");
        assert_eq!(quote_word("", true), "\"\"");
    }
}
