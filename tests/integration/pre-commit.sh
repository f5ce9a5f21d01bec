#!/usr/bin/env bash
# The real pre-commit, from PyPI, runs flaglint through .pre-commit-hooks.yaml in a throwaway git
# repository: the commit of a staged undefined flag fails, the commit of the fix passes.
set -euo pipefail
flaglint_repo="$(cd "$(dirname "$0")/../.." && pwd)"
rev="$(git -C "$flaglint_repo" rev-parse HEAD)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if ! python3 -m venv "$work/venv" >/dev/null 2>&1; then
    SUDO=""
    if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv "$work/venv"
fi
"$work/venv/bin/pip" install -q pre-commit
export PRE_COMMIT_HOME="$work/cache"
export PATH="$work/venv/bin:$PATH"

repo="$work/repo"
mkdir -p "$repo/app"
cd "$repo"
git init -q -b main
git config user.name "Dev"
git config user.email "dev@example.com"
git config commit.gpgsign false
cat > flaglint.toml <<'TOML'
[[definitions]]
side = "backend"
path = "app/flags.py"

[[checks]]
call = "get_flag_for_user"
key = 1
language = "python"
TOML
printf 'NEW_BILLING = "new_billing"\n' > app/flags.py
cat > app/views.py <<'PY'
from app.flags import NEW_BILLING


def invoice(user):
    if get_flag_for_user(user, NEW_BILLING):
        return "new"
    return "old"
PY
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $flaglint_repo
    rev: $rev
    hooks: [{id: flaglint}]
YAML
git add -A
git commit -q -m "start"
pre-commit install >/dev/null

# A staged typo in a flag key: the hook fails the commit.
cat >> app/views.py <<'PY'


def preview(user):
    return get_flag_for_user(user, "new_biling")
PY
git add app/views.py
if git commit -q -m "preview" > "$work/out.txt" 2>&1; then
    cat "$work/out.txt"
    echo "FAIL: the commit of an undefined flag passed the hook" >&2
    exit 1
fi
grep -q "undefined-flag" "$work/out.txt" || { cat "$work/out.txt"; echo "FAIL: no undefined-flag finding" >&2; exit 1; }

# Fixed: the hook passes and the commit lands.
sed -i 's/"new_biling"/NEW_BILLING/' app/views.py
git add app/views.py
if ! git commit -q -m "preview" > "$work/out.txt" 2>&1; then
    cat "$work/out.txt"
    echo "FAIL: the fixed commit did not pass the hook" >&2
    exit 1
fi
echo "pre-commit: the hook failed on the staged undefined flag and passed once it was fixed"
