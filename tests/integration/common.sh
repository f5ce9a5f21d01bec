# shellcheck shell=bash disable=SC2034 # the variables are the sourcing scripts'
# Shared by the integration scripts (sourced): the flaglint checkout, a scratch directory removed on
# exit, Python virtual environments, and the demo's expected summary.

flaglint_repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The demo's findings on a pinned day (flag ages move `stale-flag` infos with the calendar).
export FLAGLINT_TODAY=2026-06-01
demo_summary="7 errors, 9 warnings, 2 infos"

# Creates a virtual environment in $1 (Debian's python3-venv is installed when it is missing).
make_venv() {
    if python3 -m venv "$1" >/dev/null 2>&1; then return; fi
    local sudo=""
    if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv "$1"
}

# Fails with the output file's content and a message.
fail() {
    if [ -f "$work/out.txt" ]; then cat "$work/out.txt" >&2; fi
    echo "FAIL: $*" >&2
    exit 1
}

# Seconds since $1 (from `date +%s.%N`), to one decimal.
seconds_since() {
    awk -v start="$1" -v now="$(date +%s.%N)" 'BEGIN { printf "%.1f", now - start }'
}
