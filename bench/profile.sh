#!/usr/bin/env bash
# Profiles one clean build with perf and prints where its CPU time goes, in the groups of
# docs/performance.md ("Where the time goes"). See docs/performance.md.
#
#   bench/profile.sh SITE [--freq HZ] [--keep FILE]
#
# SITE is a Fulcrum site (for example DIR/c50000/fulcrum from bench/run.sh, or a corpus made
# with `cargo run --release --example corpus`). The build goes into a new folder beside SITE,
# on the same file system, removed afterwards; --keep keeps perf's data in FILE. Each sample
# is counted once, in the first group in the list below that a function on its stack
# belongs to.
#
# Needs Debian's linux-perf package: apt-get install -y linux-perf
set -euo pipefail

site=""
freq=99
keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --freq) freq="$2"; shift ;;
    --keep) keep="$2"; shift ;;
    -h|--help) sed -n 2,13p "$0"; exit 0 ;;
    -*) echo "unknown argument $1 (see --help)" >&2; exit 2 ;;
    *) site="$1" ;;
  esac
  shift
done
[ -n "$site" ] || { echo "which site? bench/profile.sh SITE (see --help)" >&2; exit 2; }
command -v perf >/dev/null || { echo "perf is missing: apt-get install -y linux-perf" >&2; exit 2; }

repo="$(cd "$(dirname "$0")/.." && pwd)"
(cd "$repo" && cargo build --release --quiet --bin fulcrum)
fulcrum="$repo/target/release/fulcrum"
# Beside the site, so that the output goes to the same file system (tmpfs or disk).
scratch="$(mktemp -d "$(dirname "$(cd "$site" && pwd)")/fulcrum-profile.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
out="$scratch/public"

data="${keep:-$scratch/perf.data}"
start=$(date +%s.%N)
perf record -q -F "$freq" -e cpu-clock --call-graph dwarf -o "$data" -- \
  "$fulcrum" --root "$site" -q build -o "$out" 2>"$scratch/perf.err" || { cat "$scratch/perf.err" >&2; exit 1; }
wall=$(echo "$(date +%s.%N) - $start" | bc -l)

commit="$(git -C "$repo" describe --always --dirty 2>/dev/null || echo "not a git checkout")"
echo "# $(date -u +%Y-%m-%dT%H:%MZ), $("$fulcrum" --version) at $commit, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# perf record -F $freq --call-graph dwarf of a clean build of $site: $(printf '%.1f' "$wall") s wall under perf"
# perf script prints each sample as a header line, then one line per frame, then a blank line.
# Frames are read without their inlined functions (resolving those takes minutes), so a
# function inlined into its caller counts as the caller.
perf script --no-inline -i "$data" -F comm,ip,sym 2>/dev/null | awk '
  BEGIN {
    # name, then the pattern a frame must match; the first group a sample falls in counts.
    n = 0
    g[++n] = "The search index, made and written";                     p[n] = "fulcrum::search::"
    g[++n] = "The open data files";                                    p[n] = "fulcrum::data::"
    g[++n] = "Feeds and the sitemap";                                  p[n] = "fulcrum::feeds::"
    g[++n] = "The fingerprints for the build stamp (inputs and output)"; p[n] = "fulcrum::fresh::"
    g[++n] = "Validation";                                             p[n] = "fulcrum::validate::"
    g[++n] = "Tera running the templates (filters included)";          p[n] = "tera::vm::|tera::tera::Tera::render"
    g[++n] = "Page views and their conversion to template values";     p[n] = "fulcrum::render::view::|try_from_serializable|drop_in_place<tera::value|fulcrum::render::structured::|fulcrum::render::chart::"
    g[++n] = "Handing files to the output stage";                      p[n] = "fulcrum::output::"
    g[++n] = "Markdown to HTML";                                       p[n] = "pulldown_cmark|fulcrum::render::markdown::"
    g[++n] = "Parsing YAML";                                           p[n] = "yaml_serde|libyaml_rs|fulcrum::load::yaml::"
    g[++n] = "Reading the content files";                              p[n] = "fulcrum::load::"
    g[++n] = "The rest of rendering";                                  p[n] = "fulcrum::render::"
    other = "Elsewhere (start-up, the allocator and kernel outside these, idle threads)"
  }
  function flush(   i, j) {
    if (!have) return
    total++
    for (i = 1; i <= n; i++) for (j = 1; j <= nf; j++) if (f[j] ~ p[i]) { count[g[i]]++; have = 0; nf = 0; return }
    count[other]++; have = 0; nf = 0
  }
  /^[^ \t]/ { flush(); have = 1; next }
  /^$/ { flush(); next }
  { f[++nf] = $0 }
  END {
    flush()
    printf "# %d samples\n\n| where | share |\n|---|---|\n", total
    for (i = 1; i <= n; i++) if (count[g[i]]) printf "| %s | %.1f%% |\n", g[i], 100 * count[g[i]] / total
    if (count[other]) printf "| %s | %.1f%% |\n", other, 100 * count[other] / total
  }'
