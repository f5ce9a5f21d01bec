"use strict";
// Where the package keeps flaglint's prebuilt binaries: vendor/<platform>-<arch>/flaglint[.exe],
// with Node's names for the platform and the architecture (linux-x64, darwin-arm64, win32-x64...).
//
//   node scripts/platforms.js --stage BINARY [PLATFORM-ARCH]   copies a built binary in (default:
//                                                            this machine's platform)
//   node scripts/platforms.js --check                         lists the binaries; fails when there
//                                                            is none (run before `npm pack`)

const fs = require("fs");
const path = require("path");

const vendor = path.join(__dirname, "..", "vendor");

function platformKey(platform = process.platform, arch = process.arch) {
  return `${platform}-${arch}`;
}

function binaryPath(key = platformKey()) {
  const name = key.startsWith("win32-") ? "flaglint.exe" : "flaglint";
  return path.join(vendor, key, name);
}

function staged() {
  if (!fs.existsSync(vendor)) return [];
  return fs
    .readdirSync(vendor)
    .filter((key) => fs.existsSync(binaryPath(key)))
    .sort();
}

function stage(binary, key = platformKey()) {
  if (!/^[a-z0-9]+-[a-z0-9]+$/.test(key)) {
    throw new Error(`${key} is not PLATFORM-ARCH (for example linux-x64)`);
  }
  const target = binaryPath(key);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(binary, target);
  fs.chmodSync(target, 0o755);
  return target;
}

function main(args) {
  if (args[0] === "--stage" && (args.length === 2 || args.length === 3)) {
    console.log(`staged ${path.relative(process.cwd(), stage(args[1], args[2]))}`);
  } else if (args[0] === "--check" && args.length === 1) {
    const keys = staged();
    if (keys.length === 0) {
      console.error(
        "flaglint: no binary in vendor/; stage one first: node scripts/platforms.js --stage BINARY [PLATFORM-ARCH]"
      );
      process.exitCode = 1;
    } else {
      console.log(`flaglint binaries: ${keys.join(", ")}`);
    }
  } else {
    console.error(
      "usage: node scripts/platforms.js --stage BINARY [PLATFORM-ARCH] | --check"
    );
    process.exitCode = 2;
  }
}

module.exports = { binaryPath, platformKey, staged };

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(`flaglint: ${error.message}`);
    process.exitCode = 2;
  }
}
