"""Path and report helpers for scripts/action.sh, the GitHub Action's check step.

flaglint writes machine formats with paths relative to the project root (the configuration's
directory); GitHub wants them relative to the repository root. These commands find the project root
the way flaglint does and move paths, counts and a summary between the two.

    action.py prefix REPO_ROOT PATH [CONFIG]          the project root relative to REPO_ROOT, with a
                                                      trailing `/` (empty at the repository root)
    action.py github PREFIX INPUT OUTPUT SUMMARY      rewrites workflow commands, appends a Markdown
                                                      summary, prints "errors warnings infos"
    action.py sarif PREFIX REPO_ROOT FILE             rewrites a SARIF log in place
"""

import json
import os
import re
import sys
import urllib.parse
from pathlib import Path

LEVELS = {"error": "error", "warning": "warning", "notice": "info"}
COMMAND = re.compile(r"^::(error|warning|notice) file=([^,:]*)(.*?)::(.*)$")
PROPERTY = re.compile(r"(?:^|,)(\w+)=([^,]*)")
SUMMARY_ROWS = 100


def has_flaglint_table(pyproject: Path) -> bool:
    """Whether a pyproject.toml has a [tool.flaglint] table, as flaglint's discovery asks."""
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    try:
        import tomllib
    except ImportError:  # Python before 3.11: the table header is enough.
        return (
            re.search(r'^\s*\[\s*tool\s*\.\s*"?flaglint"?\s*[\].]', text, re.MULTILINE)
            is not None
        )
    try:
        return isinstance(tomllib.loads(text).get("tool", {}).get("flaglint"), dict)
    except tomllib.TOMLDecodeError:
        return False


def git_toplevel(start: Path):
    """The git work tree holding `start`: the nearest ancestor with a `.git` entry."""
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return None


def project_root(path: Path, config) -> Path:
    """The directory of the configuration given or found upward from `path`, else the work tree."""
    if config:
        return Path(config).resolve().parent
    start = path.resolve()
    if not start.is_dir():
        start = start.parent
    for directory in (start, *start.parents):
        if (directory / "flaglint.toml").is_file():
            return directory
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and has_flaglint_table(pyproject):
            return directory
    return git_toplevel(start) or start


def prefix(repo_root: str, path: str, config=None) -> int:
    root = project_root(Path(path), config)
    try:
        relative = root.relative_to(Path(repo_root).resolve()).as_posix()
    except ValueError:
        print(
            f"flaglint's project root {root} is outside the repository {repo_root}",
            file=sys.stderr,
        )
        return 1
    print("" if relative == "." else relative + "/")
    return 0


def github_property(text: str) -> str:
    """Escapes a workflow command property, as flaglint does."""
    escaped = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return escaped.replace(":", "%3A").replace(",", "%2C")


def unescape(text: str) -> str:
    for escaped, plain in (
        ("%0D", "\r"),
        ("%0A", "\n"),
        ("%3A", ":"),
        ("%2C", ","),
        ("%25", "%"),
    ):
        text = text.replace(escaped, plain)
    return text


def plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def table_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip()


def github(
    path_prefix: str, input_file: str, output_file: str, summary_file: str
) -> int:
    counts = {"error": 0, "warning": 0, "info": 0}
    rows = []
    with open(input_file, encoding="utf-8") as lines, open(
        output_file, "w", encoding="utf-8"
    ) as out:
        for line in lines:
            line = line.rstrip("\n")
            match = COMMAND.match(line)
            if not match:
                out.write(line + "\n")
                continue
            command, file, rest, data = match.groups()
            file = github_property(path_prefix) + file
            out.write(f"::{command} file={file}{rest}::{data}\n")
            level = LEVELS[command]
            counts[level] += 1
            properties = dict(PROPERTY.findall(rest))
            location = unescape(file) + (
                f":{properties['line']}" if "line" in properties else ""
            )
            message = unescape(data).split("\n", 1)[0]
            rows.append(
                (level, location, unescape(properties.get("title", "")), message)
            )
    total = sum(counts.values())
    summary = [
        "## flaglint",
        "",
        ", ".join(
            plural(counts[level], level) for level in ("error", "warning", "info")
        )
        + (f" in `{path_prefix.rstrip('/')}`" if path_prefix else ""),
        "",
    ]
    if rows:
        summary += ["| severity | location | rule | finding |", "|---|---|---|---|"]
        summary += [
            f"| {level} | `{table_cell(location)}` | {rule} | {table_cell(message)} |"
            for level, location, rule, message in rows[:SUMMARY_ROWS]
        ]
        if total > SUMMARY_ROWS:
            summary.append(
                f"\n... and {total - SUMMARY_ROWS} more (see the annotations)."
            )
        summary.append("")
    with open(summary_file, "a", encoding="utf-8") as out:
        out.write("\n".join(summary) + "\n")
    print(counts["error"], counts["warning"], counts["info"])
    return 0


def sarif(path_prefix: str, repo_root: str, file: str) -> int:
    with open(file, encoding="utf-8") as f:
        log = json.load(f)
    root_uri = Path(repo_root).resolve().as_uri().rstrip("/") + "/"
    for run in log.get("runs", []):
        run["originalUriBaseIds"] = {"%SRCROOT%": {"uri": root_uri}}
        for result in run.get("results", []):
            for location in result.get("locations", []):
                artifact = location.get("physicalLocation", {}).get("artifactLocation")
                if artifact and "uri" in artifact:
                    artifact["uri"] = urllib.parse.quote(path_prefix) + artifact["uri"]
                    artifact["uriBaseId"] = "%SRCROOT%"
    temporary = file + ".tmp"
    with open(temporary, "w", encoding="utf-8") as f:
        json.dump(log, f, indent=2, ensure_ascii=False)
        f.write("\n")
    os.replace(temporary, file)
    return 0


def main(args) -> int:
    commands = {
        "prefix": (prefix, (2, 3)),
        "github": (github, (4,)),
        "sarif": (sarif, (3,)),
    }
    if not args or args[0] not in commands or len(args) - 1 not in commands[args[0]][1]:
        print(__doc__, file=sys.stderr)
        return 2
    command, _ = commands[args[0]]
    return command(*args[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
