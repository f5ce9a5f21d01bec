#!/usr/bin/env bash
# The GitHub Action's check step (action.yml): runs flaglint with annotations on the pull request,
# optionally writes a SARIF log, and reports a findings count and a job summary. Paths in the
# annotations and in the SARIF log are relative to the repository root, wherever `path` points:
# flaglint writes them relative to the project root (the configuration's directory), and
# scripts/action.py moves them.
#
# Environment: FLAGLINT_PATH, FLAGLINT_CHANGED_SINCE, FLAGLINT_BASELINE, FLAGLINT_ARGS (the inputs),
# FLAGLINT_SARIF (a file to write the SARIF log to; empty: none), FLAGLINT (the binary; default:
# `flaglint` on PATH), FLAGLINT_PYTHON (default: python3, else python), and GitHub's GITHUB_OUTPUT
# and GITHUB_STEP_SUMMARY. Exits with flaglint's exit code for the annotated run.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
flaglint="${FLAGLINT:-flaglint}"
path="${FLAGLINT_PATH:-.}"
python="${FLAGLINT_PYTHON:-$(command -v python3 || command -v python || echo python3)}"
output="${GITHUB_OUTPUT:-/dev/null}"
summary="${GITHUB_STEP_SUMMARY:-/dev/null}"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Fails the step with an annotation and the same words in the job summary.
error() {
    echo "::error title=flaglint::$*"
    printf '## flaglint\n\n%s\n' "$*" >> "$summary"
    exit 2
}

[ -e "$path" ] || error "path: $path does not exist"
path_dir="$path"
[ -d "$path_dir" ] || path_dir="$(dirname "$path")"
repo_root="$(git -C "$path_dir" rev-parse --show-toplevel 2>/dev/null || (cd "$path_dir" && pwd))"

# The extra arguments, split as a shell would (quotes group words).
"$python" -c 'import os, shlex, sys; sys.stdout.write("".join(a + "\0" for a in shlex.split(os.environ.get("FLAGLINT_ARGS", ""))))' \
    > "$tmp/args" 2> /dev/null || error "args: cannot split \`${FLAGLINT_ARGS:-}\` into words (unbalanced quotes?)"
args=()
while IFS= read -r -d '' arg; do args+=("$arg"); done < "$tmp/args"
config=""
sarif_flags=(--exit-zero)
for ((i = 0; i < ${#args[@]}; i++)); do
    case "${args[i]}" in
        --config) config="${args[i + 1]:-}" ;;
        --config=*) config="${args[i]#--config=}" ;;
        --exit-zero) sarif_flags=() ;;
        --format | --format=* | --output | --output=* | -o | -o*)
            error "args: ${args[i]} is set by the action (annotations, and SARIF with sarif: true)" ;;
    esac
done

options=()
if [ -n "${FLAGLINT_BASELINE:-}" ]; then options+=(--baseline "$FLAGLINT_BASELINE"); fi
changed=()
if [ -n "${FLAGLINT_CHANGED_SINCE:-}" ]; then
    rev="$FLAGLINT_CHANGED_SINCE"
    if ! git -C "$repo_root" rev-parse --verify --quiet --end-of-options "$rev^{commit}" >/dev/null; then
        if [ "$(git -C "$repo_root" rev-parse --is-shallow-repository 2>/dev/null)" = true ]; then
            error "changed-since: $rev is not in this shallow clone. Check out the history it needs: actions/checkout with fetch-depth: 0 (or git fetch --unshallow before this step)"
        fi
        error "changed-since: $rev is not a commit of this repository (fetch it before this step)"
    fi
    changed+=(--changed-since "$rev")
fi

prefix="$("$python" "$here/action.py" prefix "$repo_root" "$path" ${config:+"$config"})" \
    || error "cannot place flaglint's paths in the repository"

# The annotated run: its exit code is the step's.
status=0
"$flaglint" check "$path" ${options[@]+"${options[@]}"} ${changed[@]+"${changed[@]}"} \
    --format github ${args[@]+"${args[@]}"} > "$tmp/github.txt" || status=$?
if [ "$status" -ge 2 ]; then
    printf '## flaglint\n\nflaglint could not run (exit code %s): see the log of this step.\n' "$status" >> "$summary"
    exit "$status"
fi
counts="$("$python" "$here/action.py" github "$prefix" "$tmp/github.txt" "$tmp/annotations.txt" "$summary")" \
    || error "cannot read flaglint's annotations"
read -r errors warnings infos <<< "$counts"
cat "$tmp/annotations.txt"
{
    echo "findings=$((errors + warnings + infos))"
    echo "errors=$errors"
    echo "warnings=$warnings"
    echo "infos=$infos"
} >> "$output"

# The SARIF log: every finding the same arguments give, on all files (code scanning closes the
# alerts that a complete log no longer has), whatever the exit code.
if [ -n "${FLAGLINT_SARIF:-}" ]; then
    sarif_status=0
    "$flaglint" check "$path" ${options[@]+"${options[@]}"} --format sarif --output "$FLAGLINT_SARIF" \
        ${args[@]+"${args[@]}"} ${sarif_flags[@]+"${sarif_flags[@]}"} || sarif_status=$?
    if [ "$sarif_status" -ge 2 ]; then
        echo "::error title=flaglint::the SARIF log could not be written (exit code $sarif_status)"
        exit "$sarif_status"
    fi
    "$python" "$here/action.py" sarif "$prefix" "$repo_root" "$FLAGLINT_SARIF"
    echo "sarif=$FLAGLINT_SARIF" >> "$output"
fi
exit "$status"
