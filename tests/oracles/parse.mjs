// Reference parsers for the parse-error tests: TypeScript's own parser for TypeScript and
// JavaScript, CPython's (Pyodide's build of CPython 3.14) `ast.parse` for Python.
//
// Reads file paths, one a line, on stdin; writes one JSON line per path, in the same order:
// {"path": "...", "error": null} when the parser accepts the file, else
// {"path": "...", "error": "LINE:COLUMN: message"} with the first error (1-based).

import { readFileSync } from "node:fs";
import { extname } from "node:path";
import ts from "typescript";

const SCRIPT_KINDS = {
  ".ts": ts.ScriptKind.TS,
  ".mts": ts.ScriptKind.TS,
  ".cts": ts.ScriptKind.TS,
  ".tsx": ts.ScriptKind.TSX,
  ".js": ts.ScriptKind.JS,
  ".mjs": ts.ScriptKind.JS,
  ".cjs": ts.ScriptKind.JS,
  ".jsx": ts.ScriptKind.JSX,
};

const PYTHON = new Set([".py", ".pyi"]);

const PYTHON_CHECK = `
import ast

def check(data):
    try:
        ast.parse(data.to_bytes())
    except SyntaxError as e:
        return f"{e.lineno or 0}:{e.offset or 0}: {e.msg}"
    except (ValueError, RecursionError, MemoryError) as e:
        return f"0:0: {e}"
    return None

check
`;

function typescriptError(path, text, kind) {
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, kind);
  const first = file.parseDiagnostics[0];
  if (!first) {
    return null;
  }
  const { line, character } = file.getLineAndCharacterOfPosition(first.start ?? 0);
  const message = ts.flattenDiagnosticMessageText(first.messageText, " ");
  return `${line + 1}:${character + 1}: ${message}`;
}

let pythonCheck = null;

async function pythonError(bytes) {
  if (!pythonCheck) {
    const { loadPyodide } = await import("pyodide");
    const pyodide = await loadPyodide();
    pythonCheck = pyodide.runPython(PYTHON_CHECK);
  }
  return pythonCheck(bytes) ?? null;
}

const paths = readFileSync(0, "utf8").split("\n").filter((line) => line.length > 0);
for (const path of paths) {
  const ext = extname(path).toLowerCase();
  const bytes = readFileSync(path);
  let error;
  if (ext in SCRIPT_KINDS) {
    error = typescriptError(path, bytes.toString("utf8"), SCRIPT_KINDS[ext]);
  } else if (PYTHON.has(ext)) {
    error = await pythonError(new Uint8Array(bytes));
  } else {
    error = `0:0: no reference parser for ${ext || "this file"}`;
  }
  process.stdout.write(`${JSON.stringify({ path, error })}\n`);
}
