#!/usr/bin/env bash
# Benchmark: flaglint against the text-search floor (rg) and a structural peer (ast-grep scan), on
# the same generated corpus, alternating and repeated; then flaglint on 5k, 20k and 80k files.
#
#   bench/run.sh [RUNS]        (RUNS defaults to 5)
#
# Needs: cargo, rg, GNU time (/usr/bin/time), python3 (ast-grep-cli is installed from PyPI into a
# virtualenv under the work directory unless `ast-grep` is already on PATH).
set -euo pipefail
runs="${1:-5}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${FLAGLINT_BENCH_DIR:-$repo/target/bench}"
mkdir -p "$work"

cargo build --release --quiet --manifest-path "$repo/Cargo.toml" --bin flaglint --example corpus
flaglint="$repo/target/release/flaglint"
corpus="$repo/target/release/examples/corpus"

if command -v ast-grep >/dev/null 2>&1; then
    astgrep="$(command -v ast-grep)"
else
    if [ ! -x "$work/venv/bin/ast-grep" ]; then
        python3 -m venv "$work/venv"
        "$work/venv/bin/pip" install -q ast-grep-cli
    fi
    astgrep="$work/venv/bin/ast-grep"
fi
command -v rg >/dev/null || { echo "rg (ripgrep) is needed" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time (/usr/bin/time) is needed" >&2; exit 2; }

# "seconds max-rss-kb" of one run of a command (its output discarded; findings may exit 1).
measure() {
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" > /dev/null 2>&1 || true
    cat "$work/time.txt"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

tree="$work/corpus-20000"
"$corpus" "$tree" 20000 > /dev/null
files="$(find "$tree" -type f | wc -l)"

rg_names=(-e get_flag_for_user -e checkFeatureFlag -e is_enabled)
: > "$work/flaglint.txt"; : > "$work/rg.txt"; : > "$work/astgrep.txt"
# Warm the cache, then alternate the tools run by run.
measure "$flaglint" check "$tree" --format json > /dev/null
for _ in $(seq "$runs"); do
    measure "$flaglint" check "$tree" --format json >> "$work/flaglint.txt"
    measure rg -c "${rg_names[@]}" -t py -t ts -t js -t rust "$tree" >> "$work/rg.txt"
    (cd "$tree" && measure "$astgrep" scan --json=compact) >> "$work/astgrep.txt"
done

f_time="$(cut -d' ' -f1 "$work/flaglint.txt" | median)"
r_time="$(cut -d' ' -f1 "$work/rg.txt" | median)"
a_time="$(cut -d' ' -f1 "$work/astgrep.txt" | median)"
f_mem="$(cut -d' ' -f2 "$work/flaglint.txt" | sort -n | tail -1)"
r_mem="$(cut -d' ' -f2 "$work/rg.txt" | sort -n | tail -1)"
a_mem="$(cut -d' ' -f2 "$work/astgrep.txt" | sort -n | tail -1)"

echo "## flaglint, rg and ast-grep on a generated $files-file corpus ($runs runs each, medians)"
echo
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr)"
echo
echo "| tool | median wall time | peak memory |"
echo "|---|---|---|"
echo "| flaglint check (JSON) | ${f_time} s | $((f_mem / 1024)) MB |"
echo "| rg (same call names) | ${r_time} s | $((r_mem / 1024)) MB |"
echo "| ast-grep scan (same calls) | ${a_time} s | $((a_mem / 1024)) MB |"
echo
awk -v f="$f_time" -v r="$r_time" -v a="$a_time" 'BEGIN {
    printf "flaglint / rg = %.1fx; ast-grep / flaglint = %.1fx\n\n", f / r, a / f }'

echo "| files | flaglint median | peak memory | time per 1000 files |"
echo "|---|---|---|---|"
for n in 5000 20000 80000; do
    t="$work/corpus-$n"
    [ -d "$t" ] || "$corpus" "$t" "$n" > /dev/null
    measure "$flaglint" check "$t" --format json > /dev/null
    : > "$work/scale.txt"
    for _ in $(seq "$runs"); do measure "$flaglint" check "$t" --format json >> "$work/scale.txt"; done
    s_time="$(cut -d' ' -f1 "$work/scale.txt" | median)"
    s_mem="$(cut -d' ' -f2 "$work/scale.txt" | sort -n | tail -1)"
    awk -v n="$n" -v t="$s_time" -v m="$s_mem" 'BEGIN {
        printf "| %d | %.2f s | %d MB | %.1f ms |\n", n, t, m / 1024, t * 1000000 / n }'
done
