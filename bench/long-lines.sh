#!/usr/bin/env bash
# Benchmark: the cost of one file of one long line (a minified bundle), by size. Generates
# single-line JavaScript files of 0.2, 1, 2 and 10 MB and a 1 MB single-line TSX file in a
# temporary directory (each alone in a repository whose flaglint.toml raises `max-file-size`),
# runs flaglint on each and prints wall time, CPU time and peak memory: both should grow linearly
# with the size.
#
#   bench/long-lines.sh [RUNS]     (RUNS defaults to 3; the median run is shown)
#
# Needs: cargo, python3, GNU time (/usr/bin/time). FLAGLINT_BIN runs another flaglint binary
# instead of this checkout's release build; LONG_LINES_TIMEOUT (seconds, default 600) bounds one
# run.
set -euo pipefail
runs="${1:-3}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
timeout_s="${LONG_LINES_TIMEOUT:-600}"
[ -x /usr/bin/time ] || { echo "GNU time (/usr/bin/time) is needed" >&2; exit 2; }
if [ -n "${FLAGLINT_BIN:-}" ]; then
    flaglint="$FLAGLINT_BIN"
else
    cargo build --release --quiet --manifest-path "$repo/Cargo.toml" --bin flaglint
    flaglint="$repo/target/release/flaglint"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# One line of minified-looking code: functions, objects, strings, arrows, ternaries, and a flag
# check (`isEnabled("flag_N")`) every few statements; JSX elements for TSX.
python3 - "$work" <<'EOF'
import os, sys
work = sys.argv[1]

def line(size, part):
    """`size` bytes of `part(0) + part(1) + ...`."""
    parts, n, total = [], 0, 0
    while total < size:
        parts.append(part(n))
        total += len(parts[-1])
        n += 1
    return "".join(parts)[:size]

def js(size):
    return line(size, lambda n: (
        f'var a{n}=function(b,c){{return b?c+{n}:"s{n}"}};'
        f'const o{n}={{k:{n},v:[1,2,"x{n}"],f:(x)=>x*{n}}};'
        f'if(isEnabled("flag_{n % 97}")){{a{n}(o{n}.k,o{n}.f(2))}}else{{o{n}.v.push({n})}};'
    ))

def tsx(size):
    return line(size, lambda n: (
        f'export const C{n}=({{p}}:{{p:number}})=>isEnabled("flag_{n % 97}")?'
        f'<div className="c{n}" onClick={{()=>p+{n}}}><span>{{p}}</span></div>:null;'
    ))

config = 'max-file-size = "64MB"\n\n[[checks]]\ncall = "isEnabled"\nkey = 0\n'
for name, text in [
    ("0.2MB.js", js(200_000)),
    ("1MB.js", js(1_000_000)),
    ("2MB.js", js(2_000_000)),
    ("10MB.js", js(10_000_000)),
    ("1MB.tsx", tsx(1_000_000)),
]:
    repo = os.path.join(work, name)
    os.makedirs(repo)
    with open(os.path.join(repo, "flaglint.toml"), "w") as f:
        f.write(config)
    with open(os.path.join(repo, "bundle." + name.rsplit(".", 1)[1]), "w") as f:
        f.write(text)
EOF

median() { sort -n | awk '{ a[NR] = $0 } END { print (NR % 2) ? a[(NR + 1) / 2] : a[NR / 2] }'; }

echo "| file (one line) | wall time | CPU time | peak memory | CPU time per MB |"
echo "|---|---|---|---|---|"
for name in 0.2MB.js 1MB.js 2MB.js 10MB.js 1MB.tsx; do
    : > "$work/runs.txt"
    for _ in $(seq "$runs"); do
        # "cpu wall rss" of one run; findings make flaglint exit 1.
        status=0
        timeout "$timeout_s" /usr/bin/time -f "%U %S %e %M" -o "$work/time.txt" \
            "$flaglint" check "$work/$name" --format json > /dev/null 2>&1 || status=$?
        if [ "$status" -gt 1 ]; then
            echo "| $name | over ${timeout_s} s (or failed: exit $status) | | | |"
            continue 2
        fi
        awk '{ printf "%.2f %.2f %d\n", $1 + $2, $3, $4 }' "$work/time.txt" >> "$work/runs.txt"
    done
    read -r cpu wall rss < <(median < "$work/runs.txt")
    mb="${name%%MB*}"
    awk -v n="$name" -v c="$cpu" -v w="$wall" -v r="$rss" -v mb="$mb" 'BEGIN {
        printf "| %s | %.2f s | %.2f s | %.0f MB | %.2f s |\n", n, w, c, r / 1024, c / mb
    }'
done
