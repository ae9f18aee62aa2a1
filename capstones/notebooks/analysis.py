"""What a notebook uses and how it is written: frameworks, forbidden libraries, prose, a verdict."""

from __future__ import annotations

import ast
import re
from dataclasses import asdict, dataclass, field

import nbformat

from .load import _source

DEFAULT_FORBIDDEN = frozenset({"fastai", "keras"})
DEFAULT_ALLOWED = frozenset({"torch", "tensorflow", "mxnet"})

# Import names of deep learning frameworks worth naming in a report.
KNOWN_FRAMEWORKS = frozenset(
    {
        "torch",
        "tensorflow",
        "mxnet",
        "jax",
        "flax",
        "haiku",
        "optax",
        "keras",
        "fastai",
        "pytorch_lightning",
        "lightning",
        "paddle",
        "chainer",
        "theano",
        "cntk",
        "caffe",
        "caffe2",
        "onnx",
        "sklearn",
        "xgboost",
        "lightgbm",
        "transformers",
        "trax",
        "tf_keras",
        "ignite",
    }
)

# Below this many markdown words per code cell the prose probably does not explain every step.
MIN_WORDS_PER_CODE_CELL = 15


class Verdict:
    PASS = "pass"
    ATTENTION = "attention"
    BREAKS_RULES = "breaks_rules"

    LABELS = {PASS: "Pass", ATTENTION: "Needs attention", BREAKS_RULES: "Breaks the rules"}


# --------------------------------------------------------------------------- analysis


@dataclass(frozen=True)
class Finding:
    library: str
    cell: int  # 1-based position among all cells, as Jupyter shows them
    line: int  # 1-based line within the cell
    how: str  # import, attribute, star import, dynamic import, install
    code: str

    def describe(self) -> str:
        return f"{self.library} ({self.how}) in cell {self.cell}, line {self.line}: {self.code}"


@dataclass
class Analysis:
    verdict: str
    frameworks: list[str]
    imports: list[str]
    violations: list[Finding]
    cells: int
    code_cells: int
    markdown_cells: int
    raw_cells: int
    markdown_words: int
    code_lines: int
    executed_code_cells: int
    unparsable_cells: list[int]
    notes: list[str] = field(default_factory=list)

    @property
    def verdict_label(self) -> str:
        return Verdict.LABELS[self.verdict]

    @property
    def words_per_code_cell(self) -> float:
        return round(self.markdown_words / self.code_cells, 1) if self.code_cells else float(self.markdown_words)

    @property
    def prose_share(self) -> float:
        """Markdown cells as a share of markdown and code cells (0..1)."""
        total = self.markdown_cells + self.code_cells
        return round(self.markdown_cells / total, 2) if total else 0.0

    @property
    def executed(self) -> bool:
        return self.code_cells > 0 and self.executed_code_cells == self.code_cells

    def to_dict(self) -> dict:
        data = asdict(self)
        data.update(
            verdict_label=self.verdict_label,
            words_per_code_cell=self.words_per_code_cell,
            prose_share=self.prose_share,
            executed=self.executed,
        )
        return data


def analyse(
    notebook: nbformat.NotebookNode,
    *,
    forbidden: frozenset[str] | set[str] = DEFAULT_FORBIDDEN,
    allowed: frozenset[str] | set[str] = DEFAULT_ALLOWED,
) -> Analysis:
    forbidden = frozenset(forbidden)
    imports: set[str] = set()
    findings: list[Finding] = []
    unparsable: list[int] = []
    counts = {"code": 0, "markdown": 0, "raw": 0}
    markdown_words = code_lines = executed = 0

    for position, cell in enumerate(notebook.cells, start=1):
        source = _source(cell)
        kind = cell.get("cell_type")
        if kind == "markdown":
            counts["markdown"] += 1
            markdown_words += len(re.findall(r"[A-Za-z0-9À-ÿ]+(?:['’-][A-Za-z0-9À-ÿ]+)*", _strip_code_blocks(source)))
            continue
        if kind != "code":
            counts["raw"] += 1
            continue
        if not source.strip():
            continue
        counts["code"] += 1
        code_lines += sum(1 for ln in source.splitlines() if ln.strip() and not ln.strip().startswith("#"))
        if cell.get("execution_count") is not None or cell.get("outputs"):
            executed += 1
        scan = _CellScanner(position, source, forbidden)
        scan.run()
        imports |= scan.imports
        findings.extend(scan.findings)
        if scan.unparsable:
            unparsable.append(position)

    findings = _dedupe(findings)
    frameworks = sorted(
        {m for m in imports if m in KNOWN_FRAMEWORKS or m in forbidden or m in allowed} | {f.library for f in findings}
    )
    notes: list[str] = []
    for f in findings:
        notes.append(f"{VIOLATION_NOTE} {f.describe()}")
    if counts["code"] == 0:
        notes.append("The notebook has no code.")
    elif allowed and not (set(frameworks) & set(allowed)):
        notes.append(f"No allowed framework is imported (expected one of: {', '.join(sorted(allowed))}).")
    if counts["code"] and counts["markdown"] == 0:
        notes.append("There is no prose: the notebook has no markdown cell explaining the steps.")
    elif counts["code"] and markdown_words / counts["code"] < MIN_WORDS_PER_CODE_CELL:
        notes.append(
            f"Little prose: {markdown_words} words of markdown for {counts['code']} code cells "
            f"(every step should be explained; aim for at least {MIN_WORDS_PER_CODE_CELL} words per code cell)."
        )
    if counts["code"] and executed < counts["code"]:
        notes.append(f"{counts['code'] - executed} of {counts['code']} code cells were not executed (no outputs).")
    for position in unparsable:
        notes.append(
            f"Cell {position} is not valid Python even after IPython's magics are expanded; checked line by line."
        )

    if findings:
        verdict = Verdict.BREAKS_RULES
    elif notes:
        verdict = Verdict.ATTENTION
    else:
        verdict = Verdict.PASS
    return Analysis(
        verdict=verdict,
        frameworks=frameworks,
        imports=sorted(imports),
        violations=findings,
        cells=len(notebook.cells),
        code_cells=counts["code"],
        markdown_cells=counts["markdown"],
        raw_cells=counts["raw"],
        markdown_words=markdown_words,
        code_lines=code_lines,
        executed_code_cells=executed,
        unparsable_cells=unparsable,
        notes=notes,
    )


VIOLATION_NOTE = "Forbidden library"


def notes_besides_violations(notes: list[str]) -> list[str]:
    """The notes that do not repeat a violation (for displays that list violations on their own)."""
    return [note for note in notes if not note.startswith(f"{VIOLATION_NOTE} ")]


def _strip_code_blocks(markdown: str) -> str:
    return re.sub(r"```.*?```", " ", markdown, flags=re.S)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple] = set()
    unique = []
    for f in sorted(findings, key=lambda f: (f.cell, f.line, f.library)):
        key = (f.cell, f.line, f.library)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


_SHELL_CELL_MAGICS = {"bash", "sh", "script", "system"}
_INSTALL = re.compile(
    r"^\s*(?:[!%]{1,2}\s*)?(?:sudo\s+)?(?:python[\d.]*\s+-m\s+)?(?:uv\s+)?(?:pip[\d.]*|conda|mamba|micromamba|poetry)"
    r"\s+(?:install|add)\b(?P<args>.*)$"
)
_SHELL_CALLS = {"system", "run", "call", "check_call", "check_output", "Popen", "getoutput", "getstatusoutput"}


class _CellScanner:
    """Finds imports and forbidden uses in one code cell."""

    def __init__(self, position: int, source: str, forbidden: frozenset[str]):
        self.position = position
        self.source = source
        self.lines = source.splitlines()
        self.forbidden = forbidden
        self.imports: set[str] = set()
        self.findings: list[Finding] = []
        self.unparsable = False
        # Local name -> the dotted module path it is bound to.
        self.aliases: dict[str, str] = {}

    def run(self) -> None:
        self._scan_installs()
        tree = self._parse(self.source)
        if tree is not None:
            self._visit(tree, line_offset=0)
            return
        self.unparsable = True
        # Check what can be checked: each line on its own.
        for number, line in enumerate(self.lines, start=1):
            tree = self._parse(line.strip())
            if tree is not None:
                self._visit(tree, line_offset=number - 1)

    @staticmethod
    def _parse(source: str) -> ast.Module | None:
        try:
            return ast.parse(source)
        except (SyntaxError, ValueError):
            pass
        try:
            from IPython.core.inputtransformer2 import TransformerManager

            return ast.parse(TransformerManager().transform_cell(source))
        except Exception:  # noqa: BLE001 - any failure means "not Python"
            return None

    def _code(self, line: int) -> str:
        return self.lines[line - 1].strip()[:200] if 0 < line <= len(self.lines) else ""

    def _flag(self, library: str, line: int, how: str) -> None:
        self.findings.append(Finding(library, self.position, line, how, self._code(line)))

    def _forbidden_in(self, dotted: str) -> str | None:
        for part in dotted.split("."):
            if part in self.forbidden:
                return part
        return None

    def _module(self, dotted: str, line: int, how: str) -> None:
        if not dotted:
            return
        self.imports.add(dotted.split(".")[0])
        library = self._forbidden_in(dotted)
        if library:
            self._flag(library, line, how)

    # --- installs -------------------------------------------------------------
    def _scan_installs(self) -> None:
        first = self.lines[0].strip() if self.lines else ""
        shell_cell = first.startswith("%%") and first[2:].split(" ")[0] in _SHELL_CELL_MAGICS
        python_cell = self._parse_plain(self.source)
        for number, line in enumerate(self.lines, start=1):
            stripped = line.strip()
            is_shell_line = stripped.startswith(("!", "%")) or shell_cell
            # A bare `pip install x` (IPython automagic) only counts when the cell is not plain Python,
            # so the same words inside a Python string never do.
            if not is_shell_line and python_cell:
                continue
            match = _INSTALL.match(stripped)
            if match:
                self._install_args(match.group("args"), number)

    @staticmethod
    def _parse_plain(source: str) -> bool:
        try:
            ast.parse(source)
            return True
        except (SyntaxError, ValueError):
            return False

    def _install_args(self, args: str, line: int) -> None:
        args = re.split(r"(?:^|\s)#", args, maxsplit=1)[0]  # a shell comment is not a package
        for token in re.split(r"[\s;&|]+", args):
            token = token.strip("'\"")
            if not token or token.startswith("-"):
                continue
            name = re.split(r"[<>=!~\[@ ]", token)[0].lower()
            name = name.rsplit("/", 1)[-1].removesuffix(".git")
            for part in re.split(r"[-_.]", name):
                if part in self.forbidden:
                    self._flag(part, line, "install")
                    break

    # --- Python -------------------------------------------------------------------
    def _visit(self, tree: ast.AST, *, line_offset: int, flag_line: int | None = None) -> None:
        for node in ast.walk(tree):
            line = flag_line or getattr(node, "lineno", 1) + line_offset
            if isinstance(node, ast.Import):
                for alias in node.names:
                    self._module(alias.name, line, "import")
                    self.aliases[alias.asname or alias.name.split(".")[0]] = (
                        alias.name if alias.asname else alias.name.split(".")[0]
                    )
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    if alias.name == "*":
                        self._module(node.module, line, "star import")
                    else:
                        dotted = f"{node.module}.{alias.name}"
                        self._module(node.module, line, "import")
                        library = self._forbidden_in(alias.name)
                        if library and not self._forbidden_in(node.module):
                            self._flag(library, line, "import")
                        self.aliases[alias.asname or alias.name] = dotted
            elif isinstance(node, ast.Call):
                self._call(node, line)
        # Second pass once every alias of the cell is known.
        for node in ast.walk(tree):
            line = flag_line or getattr(node, "lineno", 1) + line_offset
            if isinstance(node, ast.Attribute):
                root = node
                while isinstance(root, ast.Attribute):
                    root = root.value
                if isinstance(root, ast.Name) and self._forbidden_in(self.aliases.get(root.id, "")):
                    continue  # reported where the name was imported
                dotted = self._resolve(node)
                if dotted:
                    library = self._forbidden_in(dotted)
                    if library:
                        self._flag(library, line, "attribute")

    def _resolve(self, node: ast.AST) -> str | None:
        """`tf.keras.layers` -> "tensorflow.keras.layers" when `tf` names an imported module."""
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, ast.Name) and node.id in self.aliases:
            return ".".join([self.aliases[node.id], *reversed(parts)])
        return None

    def _call(self, node: ast.Call, line: int) -> None:
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        strings = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if name in ("__import__", "import_module") and strings:
            self._module(strings[0], line, "dynamic import")
        elif name == "getattr" and len(node.args) >= 2 and strings:
            base = (
                self._resolve(node.args[0])
                if isinstance(node.args[0], ast.Attribute)
                else (self.aliases.get(node.args[0].id) if isinstance(node.args[0], ast.Name) else None)
            )
            if base:
                library = self._forbidden_in(f"{base}.{strings[0]}")
                if library:
                    self._flag(library, line, "attribute")
        elif name in ("exec", "eval") and strings:
            # Code in a string that is run is code: check it too, on the call's line.
            try:
                inner = ast.parse(strings[0], mode="exec" if name == "exec" else "eval")
            except SyntaxError:
                return
            self._visit(inner, line_offset=line - 1, flag_line=line)
        elif name == "run_line_magic" and len(strings) >= 2 and strings[0] in ("pip", "conda", "mamba"):
            match = _INSTALL.match(f"{strings[0]} {strings[1]}")
            if match:
                self._install_args(match.group("args"), line)
        elif name in _SHELL_CALLS:
            words = list(strings)
            for arg in node.args:
                if isinstance(arg, (ast.List, ast.Tuple)):
                    words.append(
                        " ".join(e.value for e in arg.elts if isinstance(e, ast.Constant) and isinstance(e.value, str))
                    )
            for command in words:
                for piece in re.split(r"&&|;|\|", command):
                    match = _INSTALL.match(piece.strip())
                    if match:
                        self._install_args(match.group("args"), line)
