#!/usr/bin/env bash
# Builds generated corpora with Fulcrum and with Hugo, alternating the two tools run by run,
# and prints medians of wall time, CPU time (user+sys), peak memory, output size and pages
# per second. See docs/performance.md.
#
#   bench/run.sh [--quick] [--sizes "1000 10000 50000 100000"] [--runs N] [--big-runs N] [--dir DIR] [--fresh]
#
# --runs applies to corpora under 50,000 items (default 5), --big-runs to larger ones
# (default 3); --quick builds only 1k and 10k, 3 runs each. A clean build normally follows
# the removal of the previous output; with --fresh each clean build goes into a new folder,
# as in a fresh checkout, and the outputs are removed only when a size is done (on a file
# system without a journal, files just removed slow down creating new ones; see
# docs/performance.md). --fresh needs room for every run's output at once.
#
# Needs Debian's hugo, hyperfine and time packages: apt-get install -y hugo hyperfine time
set -euo pipefail

sizes="1000 10000 50000 100000"
runs=5
big_runs=3
dir="${FULCRUM_BENCH_DIR:-/var/tmp/fulcrum-bench}"
fresh=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) sizes="1000 10000"; runs=3 ;;
    --sizes) sizes="$2"; shift ;;
    --runs) runs="$2"; shift ;;
    --big-runs) big_runs="$2"; shift ;;
    --dir) dir="$2"; shift ;;
    --fresh) fresh=1 ;;
    -h|--help) sed -n 2,15p "$0"; exit 0 ;;
    *) echo "unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

for tool in hugo hyperfine /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install -y hugo hyperfine time" >&2; exit 2; }
done

repo="$(cd "$(dirname "$0")/.." && pwd)"
(cd "$repo" && cargo build --release --quiet --bin fulcrum --example corpus)
fulcrum="$repo/target/release/fulcrum"
corpus="$repo/target/release/examples/corpus"
mkdir -p "$dir"
log="$dir/time.txt"

median() { sort -g | awk '{a[NR]=$1} END {if (NR == 0) print 0; else if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# run NAME CMD...: one timed run; appends "name wall cpu rss_kb user sys" to $dir/runs.txt
run() {
  local name=$1; shift
  /usr/bin/time -v -o "$log" "$@" >/dev/null 2>"$dir/stderr.txt" || { echo "failed: $*" >&2; cat "$dir/stderr.txt" >&2; exit 1; }
  awk -v name="$name" '
    /User time/ {u=$NF} /System time/ {s=$NF} /Maximum resident/ {m=$NF}
    /Elapsed \(wall clock\)/ {n=split($NF,t,":"); w=(n==3)?t[1]*3600+t[2]*60+t[3]:t[1]*60+t[2]}
    END {printf "%s %.2f %.2f %d %.2f %.2f\n", name, w, u+s, m, u, s}' "$log" >> "$dir/runs.txt"
}

summary() { # summary NAME PAGES BYTES
  local w c m u s
  col() { awk -v n="$1" -v c="$2" '$1==n {print $c}' "$dir/runs.txt" | median; }
  w=$(col "$1" 2); c=$(col "$1" 3); m=$(col "$1" 4); u=$(col "$1" 5); s=$(col "$1" 6)
  printf "| %-18s | %7.2f s | %7.2f s | %6.2f s | %6.2f s | %6.0f MB | %6.0f MB | %7d | %7.0f |\n" "$1" "$w" "$c" "$u" "$s" \
    "$(echo "$m / 1024" | bc -l)" "$(echo "$3 / 1048576" | bc -l)" "$2" "$(echo "$2 / $w" | bc -l)"
}

echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg)"
# The commit the binary was built from, marked when the working tree had changes.
commit="$(git -C "$repo" describe --always --dirty 2>/dev/null || echo "not a git checkout")"
echo "# $("$fulcrum" --version) at $commit, $(hugo version | cut -d' ' -f1-2), tools alternated run by run$([ "$fresh" = 1 ] && echo ", clean builds into new folders (--fresh)")"
for n in $sizes; do
  r_n=$runs; [ "$n" -ge 50000 ] && r_n=$big_runs
  site="$dir/c$n"
  if [ ! -f "$site/.done" ]; then
    "$corpus" --complexes $((n / 2)) --reports $((n - n / 2)) "$site" 2>/dev/null
    # As files checked out well before a build: a build does not trust the fingerprint of
    # sources saved within the last two seconds (docs/performance.md).
    find "$site" -type f -exec touch -d '1 hour ago' {} +
    touch "$site/.done"
  fi
  fout="$dir/out-fulcrum-$n"; hout="$dir/out-hugo-$n"
  rm -f "$dir/runs.txt"
  for r in $(seq "$r_n"); do
    if [ "$fresh" = 1 ]; then
      fout="$dir/out-fulcrum-$n-run$r"; hout="$dir/out-hugo-$n-run$r"
    fi
    # A clean build of each: the previous output is removed first, outside the timing.
    rm -rf "$fout" "$dir/.fulcrum-"*; run fulcrum-clean "$fulcrum" --root "$site/fulcrum" -q build -o "$fout"
    rm -rf "$hout"; run hugo-clean hugo --quiet -s "$site/hugo" -d "$hout"
    # A rebuild with nothing changed: Fulcrum over its previous output, Hugo likewise.
    run fulcrum-unchanged "$fulcrum" --root "$site/fulcrum" -q build -o "$fout"
    run hugo-unchanged hugo --quiet -s "$site/hugo" -d "$hout"
    # A rebuild after an editor changed one report (the same edit in both sites; its time
    # set an hour back, as for a file saved well before the build).
    for tool in fulcrum hugo; do
      f="$site/$tool/content/reports/r000000.md"
      echo "Edit $r." >> "$f"; touch -d '1 hour ago' "$f"
    done
    run fulcrum-one-edit "$fulcrum" --root "$site/fulcrum" -q build -o "$fout"
    run hugo-one-edit hugo --quiet -s "$site/hugo" -d "$hout"
    run fulcrum-check "$fulcrum" --root "$site/fulcrum" -q check
  done
  if [ "$fresh" = 1 ]; then
    # Keep the last run's outputs under the usual names, for what follows.
    rm -rf "$dir/out-fulcrum-$n" "$dir/out-hugo-$n"
    mv "$fout" "$dir/out-fulcrum-$n"; mv "$hout" "$dir/out-hugo-$n"
    fout="$dir/out-fulcrum-$n"; hout="$dir/out-hugo-$n"
    rm -rf "$dir/out-fulcrum-$n-run"* "$dir/out-hugo-$n-run"*
  fi
  fpages=$(find "$fout" -name '*.html' | wc -l); hpages=$(find "$hout" -name '*.html' | wc -l)
  # The bytes of the files themselves (du would add the folders' own blocks).
  bytes() { find "$1" -type f -printf '%s\n' | awk '{s += $1} END {printf "%.0f", s}'; }
  fbytes=$(bytes "$fout"); hbytes=$(bytes "$hout")
  echo
  echo "## $n content files ($((n / 2)) profiles, $((n - n / 2)) reports), medians of $r_n runs"
  echo "| run                |    wall   | CPU (u+s) |    user  |     sys  | peak RSS  |  output   |  pages  | pages/s |"
  echo "|--------------------|----------:|----------:|---------:|---------:|----------:|----------:|--------:|--------:|"
  summary fulcrum-clean "$fpages" "$fbytes"
  summary fulcrum-unchanged "$fpages" "$fbytes"
  summary fulcrum-one-edit "$fpages" "$fbytes"
  summary fulcrum-check "$fpages" 0
  summary hugo-clean "$hpages" "$hbytes"
  summary hugo-unchanged "$hpages" "$hbytes"
  summary hugo-one-edit "$hpages" "$hbytes"
  cp "$dir/runs.txt" "$dir/runs-$n.txt"
  # Only the first size's outputs are used again (by hyperfine, below): the others are
  # removed, so that in tmpfs the largest size has the memory (Hugo takes 9.5 GB at 100k).
  [ "$n" = "${sizes%% *}" ] || rm -rf "$fout" "$hout"
done

# hyperfine's view of the same, at the first size: Fulcrum and Hugo rebuilding unchanged sites.
n=${sizes%% *}
echo
echo "## hyperfine, $n content files, nothing changed"
hyperfine --style basic --warmup 1 --runs "$runs" \
  -n fulcrum "$fulcrum --root $dir/c$n/fulcrum -q build -o $dir/out-fulcrum-$n" \
  -n fulcrum-check "$fulcrum --root $dir/c$n/fulcrum -q check" \
  -n hugo "hugo --quiet -s $dir/c$n/hugo -d $dir/out-hugo-$n" 2>&1 | grep -v '^ *$'
