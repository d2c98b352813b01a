"""Mutations of a valid handbook root, shared by the short fuzz test and the long fuzz run.

Each mutation takes the bytes of one file and a `random.Random`, and returns new bytes.
They imitate what lands in a pull request: a stray keystroke (byte flips), a bad merge
(deleted, duplicated, swapped lines), a renamed key, a value of the wrong kind, broken
indentation, YAML features nobody meant to use, and references to the wrong role.

A *plan* names, for each file of a root, the mutations to apply and a seed for each, so
that an input can be written down, replayed and shrunk.  `apply_plan` is the one loop
that turns a plan into files (the short test and the long run both call it), `restore`
puts the files back, and `run_check` runs `handbook check` in this process and judges
what it said.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import re
import signal
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.findings import CODES
from generator.model import (
    Authority,
    AuthorityKind,
    Contact,
    Department,
    DocumentControl,
    Duty,
    Item,
    Meta,
    Procedure,
    Role,
    Rung,
    Section,
    SourceRef,
    Statement,
    Step,
    Term,
    Text,
)

MINI = Path(__file__).resolve().parent.parent / "fixtures" / "mini"

KEYS = sorted(
    {
        name
        for m in (
            AuthorityKind,
            Authority,
            Contact,
            Department,
            DocumentControl,
            Duty,
            Item,
            Meta,
            Procedure,
            Role,
            Rung,
            Section,
            SourceRef,
            Statement,
            Step,
            Term,
            Text,
        )
        for name in m.model_fields
    }
    | {"departments", "kinds", "terms"}
)

IDS = ["clerk", "supervisor", "director", "cs", "office", "dispatch", "lift", "answer", "calm"]

#: Values that replace a scalar: YAML 1.1 surprises, wrong shapes, hostile text, bad ids.
VALUES = [
    "[]",
    "{}",
    "~",
    '""',
    "no",
    "on",
    "yes",
    "12:30",
    "1e3",
    "0x1F",
    "0o17",
    ".inf",
    "-.nan",
    "-1",
    "2026-13-01",
    "2026-02-30",
    "2026-01-01 10:00:00",
    "99999999999999999999999999",
    "true",
    "[a, b]",
    "{zh: 中文, en: text}",
    '{zh: "", en: ""}',
    "{zh: 中文}",
    '"<script>alert(1)</script>"',
    '"{{ 7*7 }}"',
    '"{% raw %}"',
    '"a | b"',
    '"# h"',
    "!!binary aGk=",
    "!!timestamp x",
    "!!bool x",
    "!!int x",
    "!!float x",
    "!!null x",
    "!!str 1",
    "!!set {a}",
    "!!omap [a: 1]",
    "!!python/name:os.system",
    "!local x",
    "&x a",
    "*x",
    "*undefined",
    '"\\x00"',
    '"\\u202e"',
    '"\\ud800"',
    '"FILL IN"',
    '"待填写"',
    '"../x"',
    '"a/b"',
    "Clerk",
    '"c l"',
    "|\n  block\n  text",
    ">-\n  folded",
    "- a\n- b",
    "? a\n: b",
    "x" * 5000,
    "中" * 4500,
    "[" * 300 + "]" * 300,
    "&a [&b [*a]]",
    "{a: &a [1], b: [*a, *a]}",
    *IDS,
]

#: Bits of YAML syntax dropped into a random place.
TOKENS = [
    "&a ",
    "*a",
    "<<: *a",
    "!!binary ",
    "? ",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "%TAG ! tag:x,2000:\n",
    "|",
    ">-",
    '"',
    "'",
    "{",
    "}",
    "[",
    "]",
    ",",
    "#",
    "\t",
    "\ufeff",
    "\x00",
    "\u2028",
    "\x85",
    "\r",
    "\r\n",
    ": ",
    "- ",
    "@",
    "`",
    "%",
    "\\",
    "\u202e",
    "\U0001f600",
    "\x7f",
    "\x1b[31m",
]

_KEY = re.compile(rb"(?m)^([ ]*(?:- )?)([A-Za-z_]+):|([{,] ?)([A-Za-z_]+):")
_VALUE = re.compile(rb"(?m)(?<=: )([^\n,{}\[\]]+)")


def _line_spans(data: bytes) -> list[tuple[int, int]]:
    spans, start = [], 0
    for line in data.splitlines(keepends=True):
        spans.append((start, start + len(line)))
        start += len(line)
    return spans or [(0, 0)]


def byte_flip(data: bytes, rnd: random.Random) -> bytes:
    if not data:
        return bytes([rnd.randrange(256)])
    i = rnd.randrange(len(data))
    new = rnd.randrange(256) if rnd.random() < 0.5 else data[i] ^ (1 << rnd.randrange(8))
    return data[:i] + bytes([new]) + data[i + 1 :]


def delete_line(data: bytes, rnd: random.Random) -> bytes:
    a, b = rnd.choice(_line_spans(data))
    return data[:a] + data[b:]


def duplicate_line(data: bytes, rnd: random.Random) -> bytes:
    a, b = rnd.choice(_line_spans(data))
    line = data[a:b] if data[a:b].endswith(b"\n") else data[a:b] + b"\n"
    return data[:a] + line + data[a:]


def swap_lines(data: bytes, rnd: random.Random) -> bytes:
    lines = data.splitlines(keepends=True)
    if len(lines) < 2:
        return data
    i, j = rnd.sample(range(len(lines)), 2)
    lines[i], lines[j] = lines[j], lines[i]
    return b"".join(lines)


def rename_key(data: bytes, rnd: random.Random) -> bytes:
    matches = list(_KEY.finditer(data))
    if not matches:
        return data
    m = rnd.choice(matches)
    group = 2 if m.group(2) else 4
    old = m.group(group).decode()
    new = rnd.choice(
        [
            rnd.choice(KEYS),
            old.upper(),
            old[:-1],
            old + "s",
            old + "_x",
            old.replace("_", "-"),
            "<<",
            "on",
            "1",
            '"' + old + '"',
        ]
    )
    return data[: m.start(group)] + new.encode() + data[m.end(group) :]


def swap_value(data: bytes, rnd: random.Random) -> bytes:
    matches = list(_VALUE.finditer(data))
    if not matches:
        return data
    m = rnd.choice(matches)
    value = rnd.choice(VALUES)
    if "\n" in value:  # block values must start on the key's line and be indented below it
        indent = b" " * (len(data[: m.start()]) - data[: m.start()].rfind(b"\n"))
        value = value.replace("\n", "\n" + indent.decode())
    return data[: m.start()] + value.encode() + data[m.end() :]


def reindent(data: bytes, rnd: random.Random) -> bytes:
    a, _ = rnd.choice(_line_spans(data))
    choice = rnd.randrange(4)
    if choice == 0:
        return data[:a] + b" " * rnd.randint(1, 4) + data[a:]
    if choice == 1:
        n = len(data[a:]) - len(data[a:].lstrip(b" "))
        return data[:a] + data[a + min(n, rnd.randint(1, 4)) :]
    if choice == 2:
        return data[:a] + b"\t" + data[a:]
    return data[:a] + b"  " * rnd.randint(1, 20) + data[a:]


def insert_token(data: bytes, rnd: random.Random) -> bytes:
    i = rnd.randint(0, len(data))
    return data[:i] + rnd.choice(TOKENS).encode() + data[i:]


def swap_reference(data: bytes, rnd: random.Random) -> bytes:
    found = [(m.start(), m.end()) for ident in IDS for m in re.finditer(rb"\b" + ident.encode() + rb"\b", data)]
    if not found:
        return data
    a, b = rnd.choice(found)
    new = rnd.choice([*IDS, "../x", "a/b", "Clerk", "c l", "nobody", "", "clerk-", "-x", "a--b"])
    return data[:a] + new.encode() + data[b:]


def truncate(data: bytes, rnd: random.Random) -> bytes:
    return data[: rnd.randint(0, len(data))]


def splice(data: bytes, rnd: random.Random) -> bytes:
    other = rnd.choice(sorted(MINI.rglob("*.yml"))).read_bytes()
    a, b = rnd.choice(_line_spans(other))
    c, _ = rnd.choice(_line_spans(data))
    return data[:c] + other[a:b] + data[c:]


def re_encode(data: bytes, rnd: random.Random) -> bytes:
    text = data.decode("utf-8", errors="replace")
    encoding = rnd.choice(["gbk", "utf-16", "utf-16-le", "utf-8-sig", "latin-1", "big5"])
    return text.encode(encoding, errors="replace")


#: Plain values for data-level mutations: each is valid YAML once dumped, so the input gets
#: past the reader and exercises the model and the cross-file checks.
_DATA_VALUES: list[object] = [
    None,
    True,
    False,
    0,
    -1,
    10**30,
    1.5,
    float("inf"),
    "",
    " ",
    "no",
    "12:30",
    "x" * 5000,
    "中文",
    "FILL IN",
    "../x",
    "a/b",
    "Clerk",
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "a | b",
    "# h",
    "line\nbreak",
    [],
    {},
    [None],
    {"zh": "中文", "en": "text"},
    {"zh": "", "en": ""},
    {"zh": "中文"},
    ["clerk", "clerk"],
    {"x": 1},
    *IDS,
]


def _walk(value: object, path: tuple = ()) -> list[tuple]:
    out = [path]
    if len(path) > 30:  # `&a [*a]` loads as a list that contains itself
        return out
    if isinstance(value, dict):
        for k, v in value.items():
            out += _walk(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _walk(v, (*path, i))
    return out


def restructure(data: bytes, rnd: random.Random) -> bytes:
    """Change the data, not the text: drop a key, add one, set a value, copy a list item."""
    import yaml

    if b"*" in data or b"&" in data:  # PyYAML would share aliased nodes and _walk/dump expand them (alias bomb)
        return data
    try:
        tree = yaml.safe_load(data)
    except Exception:
        return data
    if not isinstance(tree, dict):
        return data
    for _ in range(rnd.randint(1, 3)):
        paths = [p for p in _walk(tree) if p]
        if not paths:
            break
        path = rnd.choice(paths)
        parent = tree
        for part in path[:-1]:
            parent = parent[part]
        last = path[-1]
        action = rnd.randrange(5)
        if action == 0:
            del parent[last]
        elif action == 1 and isinstance(parent, dict):
            parent[rnd.choice(KEYS)] = rnd.choice(_DATA_VALUES)
        elif action == 2 and isinstance(parent, list):
            parent.insert(rnd.randint(0, len(parent)), parent[last])  # a copy: ids used twice
        elif action == 3 and isinstance(parent[last], str):
            parent[last] = rnd.choice([*IDS, "nobody", ""])
        else:
            parent[last] = rnd.choice(_DATA_VALUES)
    try:
        return yaml.safe_dump(tree, allow_unicode=True, sort_keys=False, width=rnd.choice([20, 80, 10_000])).encode(
            "utf-8"
        )
    except (yaml.YAMLError, RecursionError):
        return data


Mutation = Callable[[bytes, random.Random], bytes]
#: For each file (relative to the root), the mutations to apply in order, each with its seed.
Plan = dict[str, list[tuple[str, int]]]

MUTATIONS: list[Mutation] = [
    byte_flip,
    delete_line,
    duplicate_line,
    swap_lines,
    rename_key,
    swap_value,
    reindent,
    insert_token,
    swap_reference,
    truncate,
    splice,
    re_encode,
    restructure,
    restructure,
]
MUTATION_NAMES = sorted({m.__name__ for m in MUTATIONS})
#: The same names, as often as MUTATIONS lists them (data-level changes weigh double).
WEIGHTED_NAMES = [m.__name__ for m in MUTATIONS]


def data_files(root: Path = MINI) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.yml"))


#: Each mutation by its name.  (Zipping the sorted names with MUTATIONS, as this once did,
#: gave most names another mutation: "restructure" ran insert_token.)
BY_NAME: dict[str, Mutation] = {m.__name__: m for m in MUTATIONS}


def mutate(data: bytes, steps: list[tuple[str, int]], extra: Mapping[str, Mutation] | None = None) -> bytes:
    """Apply named mutations in order, each with its own seed (so hypothesis can shrink them).

    `extra` adds mutations by name that only one caller uses (the long run's site snippets).
    """
    table = {**BY_NAME, **extra} if extra else BY_NAME
    for name, seed in steps:
        data = table[name](data, random.Random(seed))
    return data


def apply_plan(
    root: Path, plan: Plan, originals: Mapping[str, bytes], extra: Mapping[str, Mutation] | None = None
) -> None:
    """Write each file of the plan into `root`: its original bytes, mutated as the plan says."""
    for rel, steps in plan.items():
        (root / rel).write_bytes(mutate(originals[rel], steps, extra))


def restore(root: Path, plan: Plan, originals: Mapping[str, bytes]) -> None:
    """Put the files a plan changed back as they were, for the next input."""
    for rel in plan:
        (root / rel).write_bytes(originals[rel])


# --- running `handbook check` in process ------------------------------------------------


class Hang(BaseException):
    """Raised by the alarm: a BaseException, so that the CLI's `except Exception` lets it through."""


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str
    problem: str | None  # None when the outcome is acceptable


def run_in_process(argv: list[str], seconds: int) -> tuple[int | None, str, str]:
    """`handbook ARGV` in this process (a subprocess per input would cost more than the check):
    the exit code (None when it took more than `seconds`), stdout and stderr."""
    from generator.cli import main

    out, err = io.StringIO(), io.StringIO()

    def alarm(signum: int, frame: object) -> None:
        raise Hang()

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code: int | None = main(argv)
    except Hang:
        code = None
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    return code, out.getvalue(), err.getvalue()


def run_check(root: Path, seconds: int = 10) -> Outcome:
    """`handbook check --format json` in this process, with an alarm against hangs."""
    code, out, err = run_in_process(["check", "--root", str(root), "--format", "json"], seconds)
    if code is None:
        return Outcome(-1, out, err, f"hang: check took more than {seconds} s")
    return Outcome(code, out, err, judge(root, code, out, err))


def judge(root: Path, code: int, stdout: str, stderr: str) -> str | None:
    """What is wrong with an outcome of `check --format json`, or None."""
    if code not in (0, 1):
        return f"exit code {code}: {stderr.strip()[:300]}"
    if "Traceback" in stderr or "internal error" in stderr:
        return f"traceback: {stderr.strip()[:300]}"
    try:
        findings = json.loads(stdout) if stdout.strip() else []
    except json.JSONDecodeError as exc:
        return f"output is not JSON: {exc}"
    errors = [f for f in findings if f["severity"] == "error"]
    if (code == 1) != bool(errors):
        return f"exit code {code} with {len(errors)} error finding(s)"
    for f in findings:
        if f["code"] not in CODES:
            return f"unknown code {f['code']}"
        path = root / f["file"]
        if not f["file"] or f["line"] < 1 or f["col"] < 1:
            return f"finding without a place: {f}"
        if path.is_file():
            raw = path.read_bytes()
            lines = max(raw.count(b"\n"), len(raw.decode("utf-8", errors="replace").splitlines())) + 1
            if f["line"] > lines:
                return f"finding on line {f['line']} of a file with {lines - 1} lines: {f}"
    return None
