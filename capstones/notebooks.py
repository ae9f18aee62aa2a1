"""Jupyter notebooks in, facts and safe HTML out.

A pure module (no Django): the upload form, the Celery analysis task, the
``analyze_notebook`` command and the admin all call it.

- :func:`load_notebook` parses and validates the bytes of an upload, raising
  :class:`NotebookError` with a message a learner can act on.
- :func:`analyse` reports the frameworks used, forbidden libraries (with cell
  and line), how much prose there is, whether the code ran, and a verdict.
- :func:`render_document` turns the notebook into a standalone, sanitised HTML
  document meant to be served in a sandboxed iframe.
"""

from __future__ import annotations

import ast
import base64
import copy
import functools
import json
import re
from dataclasses import asdict, dataclass, field

import nbformat

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
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


class NotebookError(ValueError):
    """The file is not a notebook we can accept; the message says why, for the learner."""


# --------------------------------------------------------------------------- loading


def load_notebook(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> nbformat.NotebookNode:
    if len(data) > max_bytes:
        raise NotebookError(
            f"The file is {_megabytes(len(data))}; notebooks may be at most {_megabytes(max_bytes)}. "
            "Clear large outputs (Edit › Clear outputs of the biggest cells) and upload it again."
        )
    if not data.strip():
        raise NotebookError("The file is empty.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotebookError("The file is not text (UTF-8 JSON): is it really an .ipynb notebook?") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(
            f"The file is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}). "
            "A Jupyter notebook is a JSON file; upload the .ipynb that Jupyter saved."
        ) from None
    if not isinstance(raw, dict) or "nbformat" not in raw or ("cells" not in raw and "worksheets" not in raw):
        raise NotebookError(
            "The file is JSON but not a Jupyter notebook (it has no 'nbformat' and 'cells'). "
            "Upload the .ipynb file Jupyter saved."
        )
    version = raw.get("nbformat")
    if not isinstance(version, int):
        raise NotebookError("The notebook's 'nbformat' version is not a number, so it cannot be read.")
    if version < 4:
        raise NotebookError(
            f"The notebook uses the old format version {version}. Open it in a current Jupyter "
            "(or run `jupyter nbconvert --to notebook --nbformat 4`) and save it to upgrade it to version 4."
        )
    if version > 4:
        raise NotebookError(f"The notebook format version {version} is newer than this site understands (4).")
    try:
        notebook = nbformat.reads(text, as_version=4)
        nbformat.validate(notebook)
    except nbformat.ValidationError as exc:
        where = "/".join(str(p) for p in getattr(exc, "absolute_path", []) or [])
        raise NotebookError(
            "The notebook does not follow the Jupyter notebook format"
            + (f" (at {where})" if where else "")
            + f": {_first_line(exc.message)}"
        ) from None
    except Exception as exc:  # noqa: BLE001 - nbformat raises assorted errors on malformed input
        raise NotebookError(f"The notebook could not be read: {_first_line(str(exc))}") from None
    if not any(_source(cell).strip() for cell in notebook.cells):
        raise NotebookError("The notebook is empty: it has no cell with any content.")
    return notebook


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def _first_line(text: str) -> str:
    return (text or "").strip().splitlines()[0][:300] if (text or "").strip() else "unknown error"


def _source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


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


# --------------------------------------------------------------------------- rendering

DEFAULT_MAX_OUTPUT_CHARS = 50_000
DEFAULT_MAX_IMAGE_BYTES = 3 * 1024 * 1024
# The whole notebook's outputs may total this many times the per-output limit.
OUTPUT_BUDGET_FACTOR = 20

_SCRIPT_MIME = re.compile(
    r"javascript|ecmascript|widget|vnd\.jupyter\.|vnd\.bokehjs|vnd\.plotly|vnd\.vega|x-python|vdom", re.I
)
_IMAGE_MIMES = ("image/png", "image/jpeg", "image/gif", "image/webp")
_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]*$", re.I)

_ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
    "var",
}
_ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start"},
}


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    # data: URLs only as image sources, and only for raster or SVG images
    # (an SVG loaded through <img> cannot run script).
    if value.strip().lower().startswith("data:"):
        if tag == "img" and attribute == "src" and _DATA_IMAGE.match(value.strip()):
            return value
        return None
    if tag == "img" and attribute == "src":
        # No remote images: the sandbox's CSP would block them, and they would leak the reader's IP.
        return None
    return value


def sanitize_html(html: str) -> str:
    import nh3

    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "data"},
        attribute_filter=_attribute_filter,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def safe_notebook(
    notebook: nbformat.NotebookNode,
    *,
    max_output_chars: int = DEFAULT_MAX_OUTPUT_CHARS,
    max_image_bytes: int = DEFAULT_MAX_IMAGE_BYTES,
) -> nbformat.NotebookNode:
    """A copy without script-bearing or widget outputs, with huge outputs cut short."""
    notebook = copy.deepcopy(notebook)
    notebook.metadata.pop("widgets", None)
    # Many outputs just under the limit must not add up to a page nobody can load either.
    budget = max_output_chars * OUTPUT_BUDGET_FACTOR + max_image_bytes * 2
    for cell in notebook.cells:
        cell.pop("attachments", None)
        if cell.get("cell_type") == "raw":
            _raw_as_text(cell)
        if cell.get("cell_type") != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "stream":
                output["text"] = _truncate("".join(output.get("text", "")), max_output_chars)
            elif kind in ("display_data", "execute_result"):
                data = output.get("data", {})
                for mime in list(data):
                    if _SCRIPT_MIME.search(mime):
                        del data[mime]
                _svg_as_image(data)
                for mime in list(data):
                    value = "".join(data[mime]) if isinstance(data[mime], list) else data[mime]
                    if mime in _IMAGE_MIMES:
                        if len(value) > max_image_bytes * 4 // 3:
                            del data[mime]
                            data["text/plain"] = f"[Image not shown: larger than {_megabytes(max_image_bytes)}.]"
                    elif isinstance(value, str):
                        data[mime] = _truncate(value, max_output_chars, html=mime == "text/html")
                output.pop("metadata", None)
                output["metadata"] = {}
                if not data:
                    continue
            elif kind == "error":
                output["traceback"] = [_truncate("\n".join(output.get("traceback", [])), max_output_chars)]
            budget -= _output_size(output)
            if budget < 0:
                kept.append(
                    {
                        "output_type": "stream",
                        "name": "stdout",
                        "text": "… outputs truncated: the notebook's outputs "
                        "are too large to show in full; download the notebook to see them.",
                    }
                )
                break
            kept.append(output)
        cell["outputs"] = kept
    return notebook


def _output_size(output) -> int:
    if output.get("output_type") == "stream":
        return len(output.get("text", ""))
    if output.get("output_type") == "error":
        return sum(len(line) for line in output.get("traceback", []))
    return sum(len(v) if isinstance(v, str) else len(json.dumps(v)) for v in output.get("data", {}).values())


def _raw_as_text(cell) -> None:
    """Show a raw cell as literal text in its own cell (nbconvert would pass it through bare)."""
    text = _source(cell)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    cell["cell_type"] = "markdown"
    cell["source"] = f"{fence}text\n{text}\n{fence}"
    cell.pop("outputs", None)
    cell.pop("execution_count", None)


def _svg_as_image(data: dict) -> None:
    svg = data.pop("image/svg+xml", None)
    if svg is None:
        return
    svg = "".join(svg) if isinstance(svg, list) else svg
    if "text/html" not in data and not any(m in data for m in _IMAGE_MIMES):
        encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        data["text/html"] = f'<img alt="SVG output" src="data:image/svg+xml;base64,{encoded}">'


def _truncate(text: str, limit: int, *, html: bool = False) -> str:
    if len(text) <= limit:
        return text
    note = f"… output truncated: {len(text) - limit:,} more characters not shown."
    if html:
        # Cutting HTML mid-tag would garble it: show the start as text instead.
        return f"<pre>{_escape(text[:limit])}</pre><p class='truncated'>{note}</p>"
    return text[:limit] + "\n" + note


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@functools.cache
def _exporter():
    # Built once: loading the templates is most of the cost of a rendering.
    from nbconvert import HTMLExporter

    # `basic` emits no <script>; never embed_images (it reads files named by the notebook).
    return HTMLExporter(template_name="basic", embed_images=False, sanitize_html=False, exclude_anchor_links=True)


def render_body(notebook: nbformat.NotebookNode, **limits) -> str:
    """The notebook as sanitised HTML (a fragment, no styles)."""
    body, _resources = _exporter().from_notebook_node(safe_notebook(notebook, **limits))
    return sanitize_html(body)


_DOCUMENT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{title}</title>
<style>{css}</style></head>
<body>{body}</body></html>
"""

_BASE_CSS = """
body { font-family: system-ui, sans-serif; line-height: 1.5; color: #1d232b; margin: 0; padding: .5rem 1rem; }
pre, code { font-family: ui-monospace, Menlo, monospace; font-size: .88em; }
pre { white-space: pre-wrap; word-break: break-word; margin: 0; }
img { max-width: 100%; height: auto; }
table { border-collapse: collapse; } td, th { border: 1px solid #ddd; padding: .2rem .4rem; }
body { counter-reset: cell; }
.cell { counter-increment: cell; border-left: 3px solid #e2e5e9; padding: .3rem .6rem; margin: .8rem 0; }
.cell::before { content: "Cell " counter(cell); font-size: .72rem; color: #5b6572; display: block; }
.code_cell { border-left-color: #2456c9; }
.highlight { background: #f6f8fa; padding: .4rem; border-radius: 4px; overflow-x: auto; }
.prompt { color: #5b6572; font-size: .75rem; }
.output_area { padding: .3rem 0; overflow-x: auto; }
.output_stderr { background: #fdecea; }
.truncated { color: #a35b00; font-style: italic; }
.ansi-red-fg { color: #b3261e; } .ansi-green-fg { color: #1d7a46; } .ansi-blue-fg { color: #2456c9; }
.ansi-yellow-fg { color: #a35b00; } .ansi-cyan-fg { color: #0b7285; } .ansi-bold { font-weight: bold; }
"""


@functools.cache
def _pygments_css() -> str:
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(style="default").get_style_defs(".highlight")


def render_document(notebook: nbformat.NotebookNode, *, title: str = "Notebook", **limits) -> str:
    """A complete HTML document for the sandboxed iframe: sanitised body plus our own CSS."""
    return _DOCUMENT.format(title=_escape(title), css=_BASE_CSS + _pygments_css(), body=render_body(notebook, **limits))
