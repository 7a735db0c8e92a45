#!/usr/bin/env bash
# Profiles one clean build with perf and prints where its CPU time goes, in the groups of
# docs/performance.md ("Where the time goes"). See docs/performance.md.
#
#   bench/profile.sh SITE [--freq HZ] [--keep FILE]
#
# SITE is a Fulcrum site (for example DIR/c50000/fulcrum from bench/run.sh, or a corpus made
# with `cargo run --release --example corpus`). The build goes into a new folder beside SITE,
# on the same file system, removed afterwards; --keep keeps perf's data in FILE. Each sample
# is counted once, in the group of the innermost function on its stack that belongs to one
# of the list below (the first in the list that it matches), so that pages rendered on a
# thread that is making the search index count as rendering, not as the index.
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
# Each group: its name, a tab, and the pattern a frame of a sample's stack must match. A sample
# counts in the group of its innermost frame that matches one; a frame matching two counts in
# the first of them, in this order.
groups="$(printf '%s\t%s\n' \
  "The search index, made and written" "fulcrum::search::" \
  "The open data files" "fulcrum::data::" \
  "Feeds and the sitemap" "fulcrum::feeds::" \
  "The fingerprints for the build stamp (inputs and output)" "fulcrum::fresh::" \
  "Validation" "fulcrum::validate::" \
  "Tera running the templates (filters included)" "tera::vm::|tera::tera::Tera::render" \
  "Page views and their conversion to template values" \
  "fulcrum::render::view::|try_from_serializable|drop_in_place<tera::value|fulcrum::render::structured::|fulcrum::render::chart::" \
  "Handing files to the output stage" "fulcrum::output::" \
  "Markdown to HTML" "pulldown_cmark|fulcrum::render::markdown::" \
  "Parsing YAML" "yaml_serde|libyaml_rs|fulcrum::load::yaml::" \
  "Reading the content files" "fulcrum::load::" \
  "The rest of rendering" "fulcrum::render::")"
# perf script prints each sample as a header line, then one line per frame, then a blank line.
# Frames are read without their inlined functions (resolving those takes minutes), so a
# function inlined into its caller counts as the caller.
perf script --no-inline -i "$data" -F comm,ip,sym 2>/dev/null | awk -v groups="$groups" '
  BEGIN {
    n = split(groups, lines, "\n")
    for (i = 1; i <= n; i++) { split(lines[i], kv, "\t"); g[i] = kv[1]; p[i] = kv[2] }
    other = "Elsewhere (start-up, the allocator and kernel outside these, idle threads)"
  }
  function flush(   i, j) {
    if (!have) return
    total++
    # perf script prints a stack from its innermost frame out.
    for (j = 1; j <= nf; j++) for (i = 1; i <= n; i++) if (f[j] ~ p[i]) { count[g[i]]++; have = 0; nf = 0; return }
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
