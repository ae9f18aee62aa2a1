"""Which libraries a notebook's code reaches, with names followed across all cells in order.

A notebook runs top to bottom in one namespace, so ``import tensorflow as tf``
in cell 2 makes ``tf.keras.layers`` in cell 40 Keras. The :class:`Tracker` keeps
that namespace (name -> dotted import path) while it reads the cells in order:
imports with aliases, ``from x import y``, star imports, re-assignments such as
``K = tf.keras`` and ``getattr(tf, "keras")``.
"""

from __future__ import annotations

import ast
import builtins
import re
from dataclasses import dataclass, field

from .families import Family, Wrapper
from .magics import read_cell

# How a library was reached, in the words of the report.
IMPORT, STAR_IMPORT, DYNAMIC_IMPORT = "import", "star import", "dynamic import"
ATTRIBUTE, NAME, STAR_NAME, INSTALL = "attribute", "name", "name from a star import", "install"

_BUILTINS = frozenset(dir(builtins)) | {"get_ipython", "display", "In", "Out", "_", "__", "___"}
_INSTALL = re.compile(
    r"^\s*(?:sudo\s+)?(?:python[\d.]*\s+-m\s+)?(?:uv\s+)?(?:pip[\d.]*|conda|mamba|micromamba|poetry)"
    r"\s+(?:install|add)\b(?P<args>.*)$"
)
_SHELL_CALLS = {"system", "run", "call", "check_call", "check_output", "Popen", "getoutput", "getstatusoutput"}
# A broken cell is re-parsed with its failing line blanked out, this many times at most.
MAX_REPAIRS = 40
# Code inside exec("...") is read, but not code inside exec inside exec.
MAX_EXEC_DEPTH = 2
MAX_EXEC_CHARS = 100_000


@dataclass(frozen=True)
class Use:
    family: Family
    cell: int
    line: int
    how: str
    code: str
    wrapper: Wrapper | None = None


@dataclass
class CellReading:
    uses: list[Use] = field(default_factory=list)
    error: str = ""  # why the cell is not (fully) valid Python
    cell_magic: str = ""


class Tracker:
    """Reads code cells in notebook order and reports every use of the watched families."""

    def __init__(self, forbidden: tuple[Family, ...], watched: tuple[Family, ...] = ()):
        self.forbidden = forbidden
        # Families whose wrappers are reported (every forbidden one, plus any other given).
        self.watched = tuple({f.module: f for f in (*forbidden, *watched) if f.wrappers}.values())
        self.env: dict[str, str] = {}
        self.defined: set[str] = set()
        self.star_modules: list[str] = []
        self.import_paths: set[str] = set()
        self._verdicts: dict[str, tuple[Family | None, Wrapper | None]] = {}

    # --- one cell ---------------------------------------------------------------------------
    def read(self, position: int, source: str) -> CellReading:
        cell = read_cell(source)
        lines = source.split("\n")
        reading = CellReading(cell_magic=cell.cell_magic)
        visit = _CellVisit(self, position, lines, reading)
        for number, command in cell.shell:
            visit.shell_command(command, number)
        for number, spec in cell.requirements:
            visit.packages([spec], number)
        if cell.python.strip():
            tree, reading.error = _parse_leniently(cell.python)
            for line_offset, part in tree:
                visit.tree(part, line_offset=line_offset)
        return reading

    # --- what a dotted path is --------------------------------------------------------------
    def judge(self, path: str) -> tuple[Family | None, Wrapper | None]:
        known = self._verdicts.get(path)
        if known is not None:
            return known
        verdict: tuple[Family | None, Wrapper | None] = (None, None)
        for family in self.forbidden:
            if family.matches(path):
                verdict = (family, None)
                break
        else:
            for family in self.watched:
                wrapper = family.wrapper_for(path)
                if wrapper:
                    verdict = (family, wrapper)
                    break
        if len(self._verdicts) > 50_000:
            self._verdicts.clear()  # bounded memory on notebooks with endless distinct names
        self._verdicts[path] = verdict
        return verdict


def _parse_leniently(python: str) -> tuple[list[tuple[int, ast.Module]], str]:
    """The cell's syntax tree; a broken line is blanked out and the rest parsed again.

    Returns the trees with their line offsets and the first error (empty when the cell is valid).
    """
    lines = python.split("\n")
    first_error = ""
    for _attempt in range(MAX_REPAIRS):
        try:
            return [(0, ast.parse("\n".join(lines)))], first_error
        except SyntaxError as exc:
            first_error = first_error or f"line {exc.lineno}: {exc.msg}"
            number = exc.lineno or 0
            if not 0 < number <= len(lines) or lines[number - 1].strip() in ("", "pass", "if True:"):
                break
            bad = lines[number - 1]
            indent = bad[: len(bad) - len(bad.lstrip())]
            # A block header keeps its block: `for i in xrange(3):` -> `if True:`.
            lines[number - 1] = f"{indent}if True:" if bad.rstrip().endswith(":") else f"{indent}pass"
        except (ValueError, RecursionError, MemoryError) as exc:
            first_error = first_error or f"{type(exc).__name__}: {str(exc)[:100]}"
            break
    # Still broken: read what can be read, line by line.
    trees = []
    for number, line in enumerate(python.split("\n")):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            trees.append((number, ast.parse(stripped)))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
    return trees, first_error or "not valid Python"


class _CellVisit:
    def __init__(self, tracker: Tracker, position: int, lines: list[str], reading: CellReading):
        self.tracker = tracker
        self.position = position
        self.lines = lines
        self.reading = reading
        self.seen: set[tuple[int, str]] = set()

    def code(self, line: int) -> str:
        return self.lines[line - 1].strip()[:200] if 0 < line <= len(self.lines) else ""

    def check(self, path: str | None, how: str, line: int) -> None:
        if not path:
            return
        family, wrapper = self.tracker.judge(path)
        if family is None:
            return
        key = (line, family.module if wrapper is None else f"{family.module}:{wrapper.pattern}")
        if key in self.seen:
            return
        self.seen.add(key)
        self.reading.uses.append(Use(family, self.position, line, how, self.code(line), wrapper))

    # --- installs ---------------------------------------------------------------------------
    def shell_command(self, command: str, line: int) -> None:
        command = re.split(r"(?:^|\s)#", command, maxsplit=1)[0]  # a shell comment is not a package
        for piece in re.split(r"&&|\|\||;|\|", command):
            match = _INSTALL.match(piece)
            if match:
                self.packages(re.split(r"\s+", match.group("args")), line)

    def packages(self, tokens: list[str], line: int) -> None:
        for raw in tokens:
            token = raw.strip().strip("'\"")
            if not token or token.startswith("-") or "=" in token.split("[")[0][:1]:
                continue
            name = re.split(r"[<>=!~\[@ ;]", token)[0]
            name = name.rsplit("/", 1)[-1].removesuffix(".git")
            if name.startswith("git+") or not name:
                continue
            for family in self.tracker.forbidden:
                if family.matches_package(name):
                    key = (line, family.module)
                    if key not in self.seen:
                        self.seen.add(key)
                        self.reading.uses.append(Use(family, self.position, line, INSTALL, self.code(line)))
                    break

    # --- Python -----------------------------------------------------------------------------
    def tree(self, tree: ast.AST, *, line_offset: int = 0, flag_line: int | None = None, depth: int = 0) -> None:
        nodes = list(ast.walk(tree))
        top_level = {id(node) for node in tree.body} if isinstance(tree, ast.Module) else set()

        def line_of(node) -> int:
            return flag_line or getattr(node, "lineno", 1) + line_offset

        bindings = [n for n in nodes if isinstance(n, (ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign))]
        bindings.sort(key=lambda n: (n.lineno, n.col_offset))
        for node in bindings:
            self.bind(node, top_level=id(node) in top_level)
        inner = {id(n.value) for n in nodes if isinstance(n, ast.Attribute)}
        for node in nodes:
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                self.tracker.defined.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.tracker.defined.add(node.name)
            elif isinstance(node, ast.arg):
                self.tracker.defined.add(node.arg)
        for node in nodes:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    self.imported(alias.name, IMPORT, line_of(node))
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                star = any(alias.name == "*" for alias in node.names)
                self.imported(node.module, STAR_IMPORT if star else IMPORT, line_of(node))
                for alias in node.names:
                    if alias.name != "*":
                        self.check(f"{node.module}.{alias.name}", IMPORT, line_of(node))
            elif isinstance(node, ast.Attribute) and id(node) not in inner:
                path = self.resolve(node)
                if path:
                    self.check(path, ATTRIBUTE, line_of(node))
                else:
                    root = _root(node)
                    if isinstance(root, ast.Name):
                        self.name(root.id, line_of(node))
            elif isinstance(node, ast.Name) and id(node) not in inner and isinstance(node.ctx, ast.Load):
                self.name(node.id, line_of(node))
            elif isinstance(node, ast.Call):
                self.call(node, line_of(node), depth)

    def imported(self, path: str, how: str, line: int) -> None:
        self.tracker.import_paths.add(path)
        self.check(path, how, line)

    def name(self, name: str, line: int) -> None:
        path = self.tracker.env.get(name)
        if path is not None:
            self.check(path, NAME, line)
            return
        if name in _BUILTINS or name in self.tracker.defined:
            return
        # A name nobody bound may come from a star import: `from fastai.vision.all import *` then `vision_learner`.
        for module in reversed(self.tracker.star_modules):
            family, wrapper = self.tracker.judge(module)
            if family is not None and wrapper is None:
                self.check(module, STAR_NAME, line)
                return
            if self.tracker.judge(f"{module}.{name}")[0] is not None:
                self.check(f"{module}.{name}", STAR_NAME, line)
                return

    def bind(self, node: ast.AST, *, top_level: bool) -> None:
        env = self.tracker.env
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    env[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    env[top] = top
        elif isinstance(node, ast.ImportFrom):
            if node.level or not node.module:
                for alias in node.names:
                    env.pop(alias.asname or alias.name, None)
                return
            for alias in node.names:
                if alias.name == "*":
                    self.tracker.star_modules.append(node.module)
                else:
                    env[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        else:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            path = self.resolve(node.value) if node.value is not None else None
            for target in targets:
                if not isinstance(target, ast.Name):
                    continue
                if path:
                    env[target.id] = path
                elif top_level:
                    env.pop(target.id, None)  # `tf = 3` ends the alias

    def resolve(self, node: ast.AST | None) -> str | None:
        """`tf.keras.layers` -> "tensorflow.keras.layers" when `tf` names an imported module."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        base = None
        if isinstance(node, ast.Name):
            base = self.tracker.env.get(node.id)
        elif isinstance(node, ast.Call):
            base = self._call_path(node)
        if base is None:
            return None
        return ".".join([base, *reversed(parts)])

    def _call_path(self, node: ast.Call) -> str | None:
        """The module a call returns, for `getattr(tf, "keras")` and `importlib.import_module("keras")`."""
        name = _called(node)
        strings = _strings(node)
        if name == "getattr" and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) and strings:
            base = self.resolve(node.args[0])
            return f"{base}.{node.args[1].value}" if base else None
        if name in ("__import__", "import_module") and strings and isinstance(node.args[0], ast.Constant):
            return strings[0]
        return None

    def call(self, node: ast.Call, line: int, depth: int) -> None:
        name = _called(node)
        strings = _strings(node)
        if name in ("__import__", "import_module") and strings:
            self.tracker.import_paths.add(strings[0])
            self.check(strings[0], DYNAMIC_IMPORT, line)
        elif name == "getattr":
            self.check(self._call_path(node), ATTRIBUTE, line)
        elif name in ("exec", "eval") and strings and depth < MAX_EXEC_DEPTH and len(strings[0]) <= MAX_EXEC_CHARS:
            # Code in a string that is run is code: check it too, on the call's line.
            try:
                inner = ast.parse(strings[0], mode="exec" if name == "exec" else "eval")
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                return
            self.tree(inner, flag_line=line, depth=depth + 1)
        elif name == "run_line_magic" and len(strings) >= 2 and strings[0] in ("pip", "conda", "mamba"):
            self.shell_command(f"{strings[0]} {strings[1]}", line)
        elif name in ("run_cell_magic",) and len(strings) >= 3 and strings[0] in ("bash", "sh", "script"):
            for command in strings[2].split("\n"):
                self.shell_command(command, line)
        elif name in _SHELL_CALLS:
            words = list(strings)
            words.extend(
                " ".join(e.value for e in arg.elts if isinstance(e, ast.Constant) and isinstance(e.value, str))
                for arg in node.args
                if isinstance(arg, (ast.List, ast.Tuple))
            )
            for command in words:
                self.shell_command(command, line)


def _root(node: ast.AST) -> ast.AST:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node


def _called(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _strings(node: ast.Call) -> list[str]:
    return [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
