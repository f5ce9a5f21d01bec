#!/usr/bin/env bash
# shellcheck disable=SC2016 # backquotes and dollars in the patterns are literal text
# The GitHub Action's check step, scripts/action.sh, in a monorepo-shaped git repository whose
# services/api has its own flaglint.toml: annotations and SARIF locations are relative to the
# repository root, the findings count and the job summary are written, the SARIF log honours the
# extra arguments, and `changed-since` in a shallow clone says how to fetch the history.
set -euo pipefail
# shellcheck source=tests/integration/common.sh
source "$(dirname "$0")/common.sh"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$flaglint_repo/target}"
(cd "$flaglint_repo" && cargo build --quiet --bin flaglint)
export FLAGLINT="$CARGO_TARGET_DIR/debug/flaglint"
start="$(date +%s.%N)"

# action.yml runs this script and gives it every input.
grep -q 'run: bash "$GITHUB_ACTION_PATH/scripts/action.sh"' "$flaglint_repo/action.yml" || fail "action.yml does not run scripts/action.sh"
for name in FLAGLINT FLAGLINT_PYTHON FLAGLINT_PATH FLAGLINT_CHANGED_SINCE FLAGLINT_BASELINE FLAGLINT_ARGS FLAGLINT_SARIF; do
    grep -q "^        $name: " "$flaglint_repo/action.yml" || fail "action.yml does not set $name for the check step"
done

repo="$work/repo"
new_repo "$repo"
mkdir web
printf 'console.log("not flaglint'"'"'s project");\n' > web/index.js
billing_project services/api
# The same project, with unused flags not reported: the extra arguments name it.
{ cat services/api/flaglint.toml; printf '\n[rules]\nunused-flag = "off"\n'; } > services/api/flaglint-ci.toml
git add -A
git commit -q -m "start"
cat >> services/api/app/views.py <<'PY'


def preview(user):
    return get_flag_for_user(user, "new_biling")
PY
git commit -q -am "preview"

# Runs the step from the repository root with the inputs given as NAME=VALUE; its standard output
# goes to $work/out.txt and its exit code to $status.
run_step() {
    rm -f "$work/github-output" "$work/summary.md" "$work/flaglint.sarif"
    status=0
    env FLAGLINT_PATH=services/api FLAGLINT_CHANGED_SINCE= FLAGLINT_BASELINE= FLAGLINT_ARGS= FLAGLINT_SARIF= \
        GITHUB_OUTPUT="$work/github-output" GITHUB_STEP_SUMMARY="$work/summary.md" RUNNER_TEMP="$work" \
        "$@" bash "$flaglint_repo/scripts/action.sh" > "$work/out.txt" 2>&1 || status=$?
}

# Every input: an unused flag and an undefined flag, annotated at repository paths.
run_step FLAGLINT_SARIF="$work/flaglint.sarif"
[ "$status" = 1 ] || fail "the step exited with $status, not 1 (an error finding)"
grep -q '^::error file=services/api/app/views.py,line=11,.*title=undefined-flag::' "$work/out.txt" \
    || fail "no undefined-flag annotation at services/api/app/views.py:11"
grep -q '^::warning file=services/api/app/flags.py,line=2,.*title=unused-flag::' "$work/out.txt" \
    || fail "no unused-flag annotation at services/api/app/flags.py:2"
if grep '^::' "$work/out.txt" | grep -v '^::[a-z]* file=services/api/' > /dev/null; then
    fail "an annotation is not at a path under services/api/"
fi
annotations="$(grep -c '^::\(error\|warning\|notice\) file=' "$work/out.txt")"
grep -qx "findings=$annotations" "$work/github-output" || fail "no findings=$annotations output: $(cat "$work/github-output")"
grep -qx "errors=1" "$work/github-output" || fail "no errors=1 output"
grep -qx "sarif=$work/flaglint.sarif" "$work/github-output" || fail "no sarif output"
grep -q '^## flaglint' "$work/summary.md" || fail "no job summary"
grep -q '^1 error, 1 warning, 0 infos in `services/api`' "$work/summary.md" || fail "no counts in the job summary: $(cat "$work/summary.md")"
grep -q '| error | `services/api/app/views.py:11` | undefined-flag |' "$work/summary.md" || fail "no undefined-flag row in the job summary"
python3 - "$work/flaglint.sarif" "$repo" <<'PY' || fail "the SARIF log's locations are not relative to the repository root"
import json, pathlib, sys
log = json.load(open(sys.argv[1]))
run = log["runs"][0]
root = pathlib.Path(sys.argv[2]).resolve().as_uri() + "/"
assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": root}}, run.get("originalUriBaseIds")
locations = [l["physicalLocation"]["artifactLocation"] for r in run["results"] for l in r["locations"]]
assert {l["uri"] for l in locations} == {"services/api/app/flags.py", "services/api/app/views.py"}, locations
assert all(l["uriBaseId"] == "%SRCROOT%" for l in locations), locations
PY

# The extra arguments reach both runs; changed-since narrows the annotations, not the SARIF log.
run_step FLAGLINT_ARGS="--config 'services/api/flaglint-ci.toml'" FLAGLINT_CHANGED_SINCE=HEAD~1 FLAGLINT_SARIF="$work/flaglint.sarif"
[ "$status" = 1 ] || fail "the step with args exited with $status, not 1"
grep -qx "findings=1" "$work/github-output" || fail "with the args, not exactly the undefined flag: $(cat "$work/github-output")"
python3 - "$work/flaglint.sarif" <<'PY' || fail "the SARIF log does not honour the extra arguments"
import json, sys
results = json.load(open(sys.argv[1]))["runs"][0]["results"]
assert [r["ruleId"] for r in results] == ["undefined-flag"], [r["ruleId"] for r in results]
PY

# A finding-free run: exit 0, a zero count and a summary.
git rm -q services/api/app/views.py
printf 'NEW_BILLING = "new_billing"\n' > services/api/app/flags.py
printf 'from app.flags import NEW_BILLING\n\nget_flag_for_user(None, NEW_BILLING)\n' > services/api/app/views.py
run_step
[ "$status" = 0 ] || fail "the clean run exited with $status, not 0"
grep -qx "findings=0" "$work/github-output" || fail "no findings=0 output"
grep -q '^0 errors, 0 warnings, 0 infos' "$work/summary.md" || fail "no zero counts in the job summary"

# The action's own arguments are refused in `args`.
run_step FLAGLINT_ARGS="--format json"
if [ "$status" != 2 ] || ! grep -q '^::error title=flaglint::args: --format' "$work/out.txt"; then
    fail "--format in args was not refused"
fi

run_step FLAGLINT_ARGS="--config 'services/api"
if [ "$status" != 2 ] || ! grep -q '^::error title=flaglint::args: cannot split' "$work/out.txt"; then
    fail "unbalanced quotes in args were not refused"
fi

# changed-since in a shallow clone: a hint about fetch-depth, not git's usage text.
git clone -q --depth 1 "file://$repo" "$work/shallow"
cd "$work/shallow"
run_step FLAGLINT_CHANGED_SINCE=HEAD~1
[ "$status" = 2 ] || fail "changed-since in a shallow clone exited with $status, not 2"
grep -q '^::error title=flaglint::changed-since: HEAD~1 is not in this shallow clone.*fetch-depth: 0' "$work/out.txt" \
    || fail "no fetch-depth hint for changed-since in a shallow clone"
grep -q 'fetch-depth: 0' "$work/summary.md" || fail "no fetch-depth hint in the job summary"
if grep -qi "usage" "$work/out.txt"; then fail "git's usage text was printed"; fi
echo "action: repository-relative annotations and SARIF, findings count, job summary and the shallow-clone hint in $(seconds_since "$start")s"
