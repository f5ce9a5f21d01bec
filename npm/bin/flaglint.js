#!/usr/bin/env node
"use strict";
// Runs the flaglint binary built for this platform, which the package holds under vendor/, with the
// same arguments, standard streams and exit code.

const { spawn } = require("child_process");
const fs = require("fs");
const os = require("os");
const { binaryPath, platformKey, staged } = require("../scripts/platforms.js");

const binary = binaryPath();
if (!fs.existsSync(binary)) {
  const available = staged();
  console.error(
    `flaglint: this package has no binary for ${platformKey()} (it has: ${available.join(", ") || "none"}); ` +
      "install flaglint with `pip install flaglint` or `cargo install flaglint` instead"
  );
  process.exit(2);
}

const child = spawn(binary, process.argv.slice(2), { stdio: "inherit" });
const forwarded = ["SIGINT", "SIGTERM", "SIGHUP"];
for (const signal of forwarded) {
  process.on(signal, () => child.kill(signal));
}
child.on("error", (error) => {
  console.error(`flaglint: cannot run ${binary}: ${error.message}`);
  process.exit(2);
});
child.on("exit", (code, signal) => {
  if (signal) {
    for (const name of forwarded) process.removeAllListeners(name);
    process.kill(process.pid, signal);
    // Where the signal does not end this process, its shell exit code.
    process.exit(128 + (os.constants.signals[signal] || 0));
  } else {
    process.exit(code);
  }
});
