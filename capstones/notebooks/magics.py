"""IPython syntax to plain Python, one pass over the lines (time linear in the cell).

IPython's own ``TransformerManager`` re-tokenises the cell for every magic it
expands, so its cost grows faster than the cell (a cell of 12,000 ``!ls`` lines
took minutes). Here each line is looked at once, with a small scanner that knows
whether the line starts a statement (not inside a string, brackets or a
backslash continuation), which is where IPython expands its syntax too.

The result keeps the cell's line numbers: line *n* of :attr:`Cell.python` is
line *n* of the cell, so findings point at what the learner sees.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

# Cell magics whose body is Python run by the kernel.
PYTHON_CELL_MAGICS = {"capture", "time", "timeit", "prun", "debug", "python", "python3", "pypy", "memit", "lprun"}
# Cell magics whose body is shell commands (installs are looked for there).
SHELL_CELL_MAGICS = {"bash", "sh", "system", "sx", "zsh"}
# Line magics whose argument (after options) is Python code.
PYTHON_LINE_MAGICS = {"time", "timeit", "prun", "debug", "capture", "memit", "lprun"}
# Line magics that run a shell command or a package manager.
SHELL_LINE_MAGICS = {"sx", "system", "sc"}
PACKAGE_LINE_MAGICS = {"pip", "conda", "mamba", "micromamba", "uv"}
# Options of the timing magics that take a value (`%timeit -n 10 -r 3 f()`).
_OPTIONS_WITH_VALUE = {"-n", "-r", "-p", "-s", "-l", "-T", "-D", "-f", "-m"}
_PYTHON_FILE = re.compile(r"\.(?:py|pyw|ipy)$", re.I)
_REQUIREMENTS_FILE = re.compile(r"requirements[^/]*\.(?:txt|in)$", re.I)

_MAGIC = re.compile(r"^(?P<indent>\s*)(?:(?P<target>[\w.\[\]'\", ]+?)\s*=\s*)?(?P<sigil>%{1,2}|!{1,2})\s*(?P<rest>.*)$")
_HELP = re.compile(r"^\s*(?:\?{1,2}\s*[\w.]+(?:\(\))?|[\w.]+(?:\(\))?\s*\?{1,2})\s*$")
_AUTOMAGIC_INSTALL = re.compile(r"^(?P<indent>\s*)(?:pip[\d.]*|conda|mamba)\s+(?:install|uninstall|list|show)\b")
# What can change whether the next line starts a statement.
_INTERESTING = re.compile(r"\"\"\"|'''|[\"'#\\()\[\]{}]")


@dataclass
class Cell:
    """A code cell read as Python, with the shell commands it runs and what it could not read."""

    python: str = ""
    shell: list[tuple[int, str]] = field(default_factory=list)  # (line, command)
    requirements: list[tuple[int, str]] = field(default_factory=list)  # (line, package spec)
    cell_magic: str = ""
    not_python: bool = False  # the body is another language (HTML, JavaScript, a data file…)


def read_cell(source: str) -> Cell:
    # A no-break space pasted from a web page is a space to the reader (Python refuses it).
    lines = source.replace("\u00a0", " ").split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return Cell()
    lines = _dedent_like_ipython(lines, first)
    head = lines[first].strip()
    if head.startswith("%%"):
        return _cell_magic(lines, first, head)
    return _python_lines(lines)


def _dedent_like_ipython(lines: list[str], first: int) -> list[str]:
    """IPython runs a cell whose first line is indented as if every line lost that indent."""
    indent = lines[first][: len(lines[first]) - len(lines[first].lstrip(" \t"))]
    if not indent:
        return lines
    return [line[len(indent) :] if line.startswith(indent) else line for line in lines]


def _cell_magic(lines: list[str], at: int, head: str) -> Cell:
    name, _, args = head[2:].partition(" ")
    name, args = name.strip(), args.strip()
    body_start = at + 1
    if name == "script":
        interpreter, _, args = args.partition(" ")
        name = "python" if re.match(r"^(?:.*/)?(?:python[\d.]*|pypy[\d.]*)$", interpreter) else "sh"
    if name in ("writefile", "file"):
        target = _last_word(args)
        if _PYTHON_FILE.search(target):
            name = "python"
        elif _REQUIREMENTS_FILE.search(target):
            cell = Cell(python="", cell_magic="writefile", not_python=True)
            for number, line in enumerate(lines[body_start:], start=body_start + 1):
                spec = line.split("#", 1)[0].strip()
                if spec and not spec.startswith("-"):
                    cell.requirements.append((number, spec))
            return cell
        elif target.endswith((".sh", ".bash")):
            name = "sh"
        else:
            return Cell(cell_magic="writefile", not_python=True)
    if name in PYTHON_CELL_MAGICS:
        # `%%timeit -n 10 setup()` runs the rest of its line once as setup code.
        setup = _after_options(args) if name in ("timeit", "prun") else ""
        body = _python_lines(lines[body_start:])
        body.python = "\n".join([*([""] * at), setup, body.python])
        body.shell = [(n + body_start, c) for n, c in body.shell]
        body.cell_magic = name
        return body
    if name in SHELL_CELL_MAGICS:
        return Cell(
            shell=[(n, ln.strip()) for n, ln in enumerate(lines[body_start:], start=body_start + 1) if ln.strip()],
            cell_magic=name,
            not_python=True,
        )
    return Cell(cell_magic=name, not_python=True)


def _last_word(args: str) -> str:
    try:
        words = shlex.split(args)
    except ValueError:
        words = args.split()
    return words[-1] if words else ""


def _after_options(args: str) -> str:
    """`-n 10 -r 3 f(x)` -> `f(x)`: the code a timing magic runs."""
    words = args.split(" ")
    i = 0
    while i < len(words):
        word = words[i]
        if not word:
            i += 1
            continue
        if not word.startswith("-") or word == "-":
            break
        i += 2 if word in _OPTIONS_WITH_VALUE else 1
    return " ".join(words[i:]).strip()


def _python_lines(lines: list[str]) -> Cell:
    cell = Cell()
    out: list[str] = []
    scanner = _Scanner()
    i = 0
    while i < len(lines):
        line = lines[i]
        if not scanner.at_statement_start():
            out.append(line)
            scanner.feed(line)
            i += 1
            continue
        # IPython joins a magic or shell line that ends with a backslash with the next ones.
        joined, used = line, 1
        while joined.endswith("\\") and i + used < len(lines) and _is_ipython(line):
            joined = joined[:-1] + " " + lines[i + used].strip()
            used += 1
        python = _line(joined, i + 1, cell)
        out.append(python)
        out.extend([""] * (used - 1))
        scanner.feed(python)
        i += used
    cell.python = "\n".join(out)
    return cell


def _is_ipython(line: str) -> bool:
    stripped = line.lstrip()
    return stripped.startswith(("%", "!")) or bool(_MAGIC.match(line) and re.search(r"=\s*[%!]", line))


def _line(line: str, number: int, cell: Cell) -> str:
    """One statement-starting line as Python (`pass` keeps an indented block valid)."""
    stripped = line.strip()
    if not stripped:
        return line
    indent = line[: len(line) - len(line.lstrip())]
    if _HELP.match(line):
        return f"{indent}pass"
    install = _AUTOMAGIC_INSTALL.match(line)
    if install:
        cell.shell.append((number, stripped))
        return f"{indent}pass"
    match = _MAGIC.match(line)
    if not match:
        return line
    target, sigil, rest = match.group("target"), match.group("sigil"), match.group("rest")
    if target is not None and not re.match(r"^[\w.\[\]'\", ]+$", target):
        return line
    prefix = f"{indent}{target.strip()} = " if target else indent
    if sigil.startswith("!"):
        cell.shell.append((number, rest))
        return f"{prefix}None" if target else f"{indent}pass"
    if sigil == "%%":
        return f"{indent}pass"  # a cell magic that is not on the first line: IPython refuses it too
    name, _, args = rest.partition(" ")
    if name in PYTHON_LINE_MAGICS:
        code = _after_options(args)
        if code:
            return f"{prefix}{code}"
    elif name in PACKAGE_LINE_MAGICS:
        cell.shell.append((number, rest))
    elif name in SHELL_LINE_MAGICS:
        cell.shell.append((number, args))
    return f"{prefix}None" if target else f"{indent}pass"


class _Scanner:
    """Tracks, line by line, whether the next line starts a new statement."""

    def __init__(self):
        self.quote = ""  # the open triple quote, if any
        self.depth = 0  # open brackets
        self.continued = False  # the last line ended with a backslash

    def at_statement_start(self) -> bool:
        return not self.quote and self.depth <= 0 and not self.continued

    def feed(self, line: str) -> None:
        self.continued = False
        position, end = 0, len(line)
        while position < end:
            if self.quote:
                close = _find_unescaped(line, self.quote, position)
                if close < 0:
                    return  # still inside the triple-quoted string
                self.quote, position = "", close + 3
                continue
            match = _INTERESTING.search(line, position)
            if match is None:
                return
            mark, position = match.group(), match.end()
            if mark in ('"""', "'''"):
                self.quote = mark
            elif mark in ('"', "'"):
                close = _find_unescaped(line, mark, position)
                if close < 0:
                    return  # an unclosed string: Python will say so; the next line starts afresh
                position = close + 1
            elif mark == "#":
                return
            elif mark == "\\":
                if position >= end:
                    self.continued = True
                position += 1
            elif mark in "([{":
                self.depth += 1
            else:
                self.depth = max(0, self.depth - 1)


def _find_unescaped(line: str, quote: str, start: int) -> int:
    position = start
    while True:
        found = line.find(quote, position)
        if found < 0:
            return -1
        backslashes = 0
        k = found - 1
        while k >= start and line[k] == "\\":
            backslashes += 1
            k -= 1
        if backslashes % 2 == 0:
            return found
        position = found + 1
