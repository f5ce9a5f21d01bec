#!/usr/bin/env bash
# The real pre-commit, from PyPI, runs flaglint through .pre-commit-hooks.yaml in a throwaway git
# repository, once per hook id given (default: every hook): the commit of a staged undefined flag
# fails, the commit of the fix passes and shows the warnings, a staged flaglint.toml runs the hook.
#
# The hooks build flaglint from this checkout. To reuse its warm build, cargo writes to the
# checkout's target directory, and the Python hook's wheel is built with the dev profile (release
# builds are a release's job, not a test's).
set -euo pipefail
# shellcheck source=tests/integration/common.sh
source "$(dirname "$0")/common.sh"
rev="$(git -C "$flaglint_repo" rev-parse HEAD)"
hooks=("$@")
if [ ${#hooks[@]} = 0 ]; then hooks=(flaglint flaglint-cargo flaglint-system flaglint-mirror); fi

make_venv "$work/venv"
"$work/venv/bin/pip" install -q pre-commit
export PRE_COMMIT_HOME="$work/cache"
export PATH="$work/venv/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$flaglint_repo/target}"
export MATURIN_PEP517_ARGS="${MATURIN_PEP517_ARGS:---profile dev}"

# `flaglint-system` runs the flaglint on PATH: this checkout's, built once.
if [[ " ${hooks[*]} " == *" flaglint-system "* ]]; then
    cargo build --quiet --bin flaglint --manifest-path "$flaglint_repo/Cargo.toml"
    mkdir -p "$work/bin"
    ln -sf "$CARGO_TARGET_DIR/debug/flaglint" "$work/bin/flaglint"
    export PATH="$work/bin:$PATH"
fi

# `flaglint-mirror` is the hook repository of pre-commit-mirror/, whose only dependency is the
# released wheel: here the wheel built from this checkout, found through PIP_FIND_LINKS, and the
# hook runs with no cargo on PATH (nothing is compiled when it is installed).
if [[ " ${hooks[*]} " == *" flaglint-mirror "* ]]; then
    make_venv "$work/tools"
    "$work/tools/bin/pip" install -q maturin
    (cd "$flaglint_repo" && "$work/tools/bin/maturin" build --quiet --profile dev --out "$work/wheels") \
        > "$work/out.txt" 2>&1 || fail "maturin could not build the wheel"
    mirror_version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$flaglint_repo/pre-commit-mirror/pyproject.toml")"
    crate_version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$flaglint_repo/Cargo.toml" | head -n 1)"
    [ "$mirror_version" = "$crate_version" ] || fail "pre-commit-mirror/pyproject.toml is $mirror_version, Cargo.toml $crate_version"
    grep -q "\"flaglint==$crate_version\"" "$flaglint_repo/pre-commit-mirror/pyproject.toml" \
        || fail "pre-commit-mirror/pyproject.toml does not pin flaglint==$crate_version"
    new_repo "$work/mirror"
    cp -r "$flaglint_repo/pre-commit-mirror/." .
    git add -A
    git commit -q -m "mirror"
    mirror_rev="$(git rev-parse HEAD)"
fi

# Commits in the current repository; the commit's output goes to $work/out.txt.
commit() {
    git commit -q -m "$1" > "$work/out.txt" 2>&1
}

for hook in "${hooks[@]}"; do
    start="$(date +%s.%N)"
    new_repo "$work/repo-$hook"
    billing_project .
    if [ "$hook" = flaglint-mirror ]; then
        printf 'repos:\n  - repo: %s\n    rev: %s\n    hooks: [{id: flaglint}]\n' "$work/mirror" "$mirror_rev" > .pre-commit-config.yaml
    else
        printf 'repos:\n  - repo: %s\n    rev: %s\n    hooks: [{id: %s}]\n' "$flaglint_repo" "$rev" "$hook" > .pre-commit-config.yaml
    fi
    git add -A
    git commit -q -m "start"
    pre-commit install >/dev/null
    if [ "$hook" = flaglint-mirror ]; then
        # Installed from the wheel alone: no cargo, no rustc.
        no_rust="$work/no-rust-bin"
        mkdir -p "$no_rust"
        for tool in git python3 sed grep awk cat; do ln -sf "$(command -v "$tool")" "$no_rust/$tool"; done
        PIP_FIND_LINKS="$work/wheels" PATH="$work/venv/bin:$no_rust" pre-commit install-hooks \
            > "$work/out.txt" 2>&1 || fail "$hook: the hook did not install from the wheel without a Rust toolchain"
    fi

    # A staged typo in a flag key: the hook fails the commit.
    cat >> app/views.py <<'PY'


def preview(user):
    return get_flag_for_user(user, "new_biling")
PY
    git add app/views.py
    if commit "preview"; then fail "$hook: the commit of an undefined flag passed the hook"; fi
    grep -q "undefined-flag" "$work/out.txt" || fail "$hook: no undefined-flag finding"

    # Fixed: the hook passes and the commit lands.
    sed -i 's/"new_biling"/NEW_BILLING/' app/views.py
    git add app/views.py
    commit "preview" || fail "$hook: the fixed commit did not pass the hook"

    # A configuration change runs the hook: a check call that matches nothing is a warning there.
    printf '\n[[checks]]\ncall = "is_enabled_for"\nkey = 1\nlanguage = "python"\n' >> flaglint.toml
    git add flaglint.toml
    commit "config" || fail "$hook: the configuration commit did not pass the hook"
    grep -q "config-matches-nothing" "$work/out.txt" || fail "$hook: the hook did not run on flaglint.toml"

    # Warnings show on a passing run.
    printf 'LEGACY = "legacy"\n' >> app/flags.py
    git add app/flags.py
    commit "legacy" || fail "$hook: the commit of an unused flag (a warning) did not pass the hook"
    grep -q "unused-flag" "$work/out.txt" || fail "$hook: the passing run did not show its warnings"
    echo "pre-commit $hook: failed on the staged undefined flag, passed once it was fixed, ran on flaglint.toml, showed warnings ($(seconds_since "$start")s)"
done
