#!/usr/bin/env bash
# The Python package: maturin builds the wheel of pyproject.toml (the dev profile, in the checkout's
# target directory, so a warm build is reused), pip installs it into a fresh virtual environment
# without an index, and the installed `flaglint` checks the demo.
set -euo pipefail
# shellcheck source=tests/integration/common.sh
source "$(dirname "$0")/common.sh"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$flaglint_repo/target}"
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$flaglint_repo/Cargo.toml" | head -n 1)"

start="$(date +%s.%N)"
make_venv "$work/tools"
"$work/tools/bin/pip" install -q maturin
(cd "$flaglint_repo" && "$work/tools/bin/maturin" build --quiet --out "$work/dist") > "$work/out.txt" 2>&1 \
    || fail "maturin could not build the wheel"
build_time="$(seconds_since "$start")"
wheel="$(echo "$work/dist/flaglint-$version-"*.whl)"
[ -f "$wheel" ] || fail "no wheel flaglint-$version-*.whl in $work/dist: $(ls "$work/dist")"

make_venv "$work/venv"
start="$(date +%s.%N)"
"$work/venv/bin/pip" install -q --no-index "$wheel"
install_time="$(seconds_since "$start")"
[ -x "$work/venv/bin/flaglint" ] || fail "the wheel installed no flaglint executable"
[ "$("$work/venv/bin/flaglint" --version)" = "flaglint $version" ] || fail "flaglint --version is not $version"

status=0
(cd "$flaglint_repo" && "$work/venv/bin/flaglint" check fixtures/demo --color never) > "$work/out.txt" 2>&1 || status=$?
[ "$status" = 1 ] || fail "flaglint check fixtures/demo exited with $status, not 1"
grep -q "^$demo_summary in " "$work/out.txt" || fail "no summary line \"$demo_summary in ...\""
echo "wheel: $(basename "$wheel") built in ${build_time}s, installed in ${install_time}s; its flaglint checks the demo"
