#!/usr/bin/env bash
# The npm package: npm/ with the binary cargo builds staged in, packed with `npm pack`, installed from
# the tarball into a fresh project without the registry, and run with `npx flaglint`.
set -euo pipefail
# shellcheck source=tests/integration/common.sh
source "$(dirname "$0")/common.sh"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$flaglint_repo/target}"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
export npm_config_cache="$work/npm-cache"
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$flaglint_repo/Cargo.toml" | head -n 1)"
package_version="$(node -p "require('$flaglint_repo/npm/package.json').version")"
[ "$package_version" = "$version" ] || fail "npm/package.json has version $package_version, Cargo.toml $version"

start="$(date +%s.%N)"
(cd "$flaglint_repo" && cargo build --quiet --bin flaglint)
binary="$CARGO_TARGET_DIR/debug/flaglint"
# The package is packed from a copy, so the checkout's npm/ stays without binaries.
cp -R "$flaglint_repo/npm" "$work/package"
rm -rf "$work/package/vendor"

# With no binary staged, `npm pack` refuses.
if (cd "$work/package" && npm pack --pack-destination "$work") > "$work/out.txt" 2>&1; then
    fail "npm pack packed a package without a binary"
fi
grep -q "no binary in vendor/" "$work/out.txt" || fail "npm pack did not say that no binary is staged"

# Debug information only makes the tarball larger.
strip -o "$work/flaglint" "$binary" 2>/dev/null || cp "$binary" "$work/flaglint"
(cd "$work/package" && node scripts/platforms.js --stage "$work/flaglint" && npm pack --quiet --pack-destination "$work") \
    > "$work/out.txt" 2>&1 || fail "npm pack failed"
tarball="$work/flaglint-$version.tgz"
[ -f "$tarball" ] || fail "npm pack made no flaglint-$version.tgz"
pack_time="$(seconds_since "$start")"

mkdir "$work/project"
cd "$work/project"
npm init -y > /dev/null
start="$(date +%s.%N)"
npm install --offline --no-save "$tarball" > "$work/out.txt" 2>&1 || fail "npm install of the tarball failed"
install_time="$(seconds_since "$start")"

[ "$(npx --offline flaglint --version)" = "flaglint $version" ] || fail "npx flaglint --version is not $version"
status=0
npx --offline flaglint check "$flaglint_repo/fixtures/demo" --color never > "$work/out.txt" 2>&1 || status=$?
[ "$status" = 1 ] || fail "npx flaglint check exited with $status, not 1"
grep -q "^$demo_summary in " "$work/out.txt" || fail "no summary line \"$demo_summary in ...\""
# A platform the package has no binary for: said, exit 2.
installed="$work/project/node_modules/flaglint/vendor"
key="$(node -p 'process.platform + "-" + process.arch')"
mv "$installed/$key" "$installed/elsewhere-x64"
status=0
npx --offline flaglint check > "$work/out.txt" 2>&1 || status=$?
[ "$status" = 2 ] || fail "npx flaglint without a binary for $key exited with $status, not 2"
grep -q "this package has no binary for $key (it has: elsewhere-x64)" "$work/out.txt" \
    || fail "npx flaglint without a binary for $key did not say so"
echo "npm: flaglint-$version.tgz packed in ${pack_time}s (with the cargo build), installed offline in ${install_time}s; npx flaglint checks the demo"
