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

# Creates a git repository in $1, with a fixed identity, and enters it.
new_repo() {
    mkdir -p "$1"
    cd "$1" || exit
    git init -q -b main
    git config user.name "Dev"
    git config user.email "dev@example.com"
    git config commit.gpgsign false
}

# Writes a project in $1: flaglint.toml, app/flags.py with NEW_BILLING (checked) and OLD_EXPORT (an
# unused flag, line 2), and app/views.py checking NEW_BILLING.
billing_project() {
    mkdir -p "$1/app"
    cat > "$1/flaglint.toml" <<'TOML'
[[definitions]]
side = "backend"
path = "app/flags.py"

[[checks]]
call = "get_flag_for_user"
key = 1
language = "python"
TOML
    printf 'NEW_BILLING = "new_billing"\nOLD_EXPORT = "old_export"\n' > "$1/app/flags.py"
    cat > "$1/app/views.py" <<'PY'
from app.flags import NEW_BILLING


def invoice(user):
    if get_flag_for_user(user, NEW_BILLING):
        return "new"
    return "old"
PY
}
