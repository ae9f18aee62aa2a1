"""A notebook as a standalone, sanitised HTML document for a sandboxed iframe.

Rendered cell by cell, and each markdown cell and each HTML output is sanitised on its own: an
unclosed ``<style>`` or ``<script>`` in one of them can only swallow the rest of itself, never a
later cell. Images are written by this module from validated base64 (never parsed as HTML), code is
highlighted by Pygments, streams and tracebacks are escaped text; so the cost is a pass over the
notebook, not nbconvert's template machinery. The size of the result is bounded: at most
``max_cells`` cells and an output budget, then a note says what is not shown.
"""

from __future__ import annotations

import base64
import functools
import re
from typing import TYPE_CHECKING
from urllib.parse import unquote

from .sanitise import (
    DEFAULT_MAX_IMAGE_BYTES,
    DEFAULT_MAX_OUTPUT_CHARS,
    IMAGE_MIMES,
    MISSING_ATTACHMENT,
    OUTPUT_BUDGET_FACTOR,
    cell_text,
    escape_text,
    megabytes,
    sanitize_html,
    truncate,
)

if TYPE_CHECKING:
    import nbformat  # only named in annotations; imported by load.py when a notebook is read

# At most this many cells are rendered; a notebook of 300,000 tiny cells must not become 70 MB of HTML.
DEFAULT_MAX_CELLS = 3_000
# Code longer than this (characters) is shown without colours: highlighting it would cost seconds.
MAX_HIGHLIGHT_CHARS = 100_000

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
_BASE64 = re.compile(r"[A-Za-z0-9+/=\s]*")
_WHITESPACE = re.compile(r"\s+")
_ATTACHMENT_SRC = re.compile(r'src="attachment:([^"]*)"')
# The output shown for a rich output, best first (as Jupyter chooses).
_PRIORITY = (
    "text/html",
    "image/svg+xml",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "text/markdown",
    "text/latex",
    "text/plain",
)


@functools.cache
def _markdown():
    from markdown_it import MarkdownIt

    from dlcurriculum.markup.math import use_math

    # Raw HTML is allowed here, as in Jupyter: nh3 then cleans each cell's result on its own.
    parser = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False}).enable("table")
    parser.core.ruler.push("table_align", _align_attributes)
    # Math is parsed and typeset as on the site's pages (one handling for both: dlcurriculum/markup/math.py).
    return use_math(parser)


@functools.cache
def _latex():
    """A text/latex output, as Jupyter shows one: its math typeset, everything else literal text."""
    from markdown_it import MarkdownIt

    from dlcurriculum.markup.math import use_math

    return use_math(MarkdownIt("zero", {"html": False}))


_CELL_ALIGN = re.compile(r"text-align:(left|right|center)")


def _align_attributes(state) -> None:
    """A table column's alignment (``---:``) as ``align``: nh3 keeps no ``style`` attribute, which markdown-it sets."""
    for token in state.tokens:
        if token.type in ("th_open", "td_open") and token.attrs.get("style"):
            match = _CELL_ALIGN.fullmatch(str(token.attrs.pop("style")))
            if match:
                token.attrs["align"] = match.group(1)


_KEYWORDS = (
    "False|None|True|and|as|assert|async|await|break|class|continue|def|del|elif|else|except|finally|for|from|"
    "global|if|import|in|is|lambda|nonlocal|not|or|pass|raise|return|try|while|with|yield"
)
# One pass of one regular expression over the cell: comments, strings, keywords, numbers. Every
# string form ends at its closing quote or, when there is none, at the end of the line or cell, so
# no match is tried again from a later position (linear in the cell, also for hostile code).
_TOKENS = re.compile(
    r"(?P<c>#[^\n]*)"
    r"|(?P<s>[rRbBuUfF]{0,2}(?:\"\"\"[\s\S]*?(?:\"\"\"|\Z)|'''[\s\S]*?(?:'''|\Z)"
    r"|\"(?:\\.|[^\"\\\n])*\"?|'(?:\\.|[^'\\\n])*'?))"
    rf"|(?P<k>\b(?:{_KEYWORDS})\b)"
    r"|(?P<n>\b\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?j?\b)"
)
_TOKEN_CLASS = {"c": "c1", "s": "s2", "k": "k", "n": "mi"}


def _code_html(source: str) -> str:
    """Python source with its comments, strings, keywords and numbers marked for colour.

    Not Pygments: a full lexer cost most of a rendering's time (about a millisecond a line).
    """
    if len(source) > MAX_HIGHLIGHT_CHARS:
        return f'<div class="highlight"><pre>{escape_text(source)}</pre></div>'
    parts = ['<div class="highlight"><pre>']
    last = 0
    for match in _TOKENS.finditer(source):
        start, end = match.span()
        if start == end:
            continue
        parts.append(escape_text(source[last:start]))
        parts.append(f'<span class="{_TOKEN_CLASS[match.lastgroup]}">{escape_text(match.group())}</span>')
        last = end
    parts.append(escape_text(source[last:]))
    parts.append("</pre></div>")
    return "".join(parts)


def _image_tag(mime: str, value: str, max_image_bytes: int) -> str | None:
    """An <img> with a data: URL, or None when the data is not plain base64 (never shown as HTML)."""
    if len(value) > max_image_bytes * 4 // 3:
        return f"<pre>[Image not shown: larger than {megabytes(max_image_bytes)}.]</pre>"
    if not _BASE64.fullmatch(value):
        return None
    data = _WHITESPACE.sub("", value)
    return f'<img alt="Output image" src="data:{mime};base64,{data}">'


def _markdown_html(source: str, attachments, math: dict | None = None) -> str:
    """A markdown cell's HTML; ``math`` counts the notebook's math against its budget (one dict per notebook)."""
    html = _markdown().render(source, {} if math is None else math)
    if "attachment:" in html:
        attachments = attachments if isinstance(attachments, dict) else {}
        html = _ATTACHMENT_SRC.sub(lambda m: _attachment_src(m.group(1), attachments), html)
    return sanitize_html(html, explain_images=True)


def _attachment_src(name: str, attachments: dict) -> str:
    """A pasted image (a cell attachment) as a data: URL; one the cell lacks is marked so its place says so.

    An attachment that is not an image loses its source.
    """
    bundle = attachments.get(unquote(name)) or attachments.get(name)
    if bundle is None:
        return f'src="{MISSING_ATTACHMENT}{name}"'
    if isinstance(bundle, dict):
        for mime in (*IMAGE_MIMES, "image/svg+xml"):
            value = cell_text(bundle.get(mime))
            if mime == "image/svg+xml" and value.lstrip().startswith("<"):
                value = base64.b64encode(value.encode("utf-8", "replace")).decode("ascii")
            if value and _BASE64.fullmatch(value):
                return f'src="data:{mime};base64,{_WHITESPACE.sub("", value)}"'
    return 'src=""'


def _output_html(output, *, max_output_chars: int, max_image_bytes: int, math: dict | None = None) -> tuple[str, int]:
    """The output as HTML, and the size of what it shows (counted against the notebook's budget)."""
    kind = output.get("output_type")
    if kind == "stream":
        text = truncate(_ANSI.sub("", cell_text(output.get("text"))), max_output_chars)
        css = "output_stderr" if output.get("name") == "stderr" else "output_stdout"
        return f'<div class="output_area {css}"><pre>{escape_text(text)}</pre></div>', len(text)
    if kind == "error":
        lines = output.get("traceback") or [f"{cell_text(output.get('ename'))}: {cell_text(output.get('evalue'))}"]
        text = truncate(_ANSI.sub("", "\n".join(cell_text(line) for line in lines)), max_output_chars)
        return f'<div class="output_area output_error output_stderr"><pre>{escape_text(text)}</pre></div>', len(text)
    data = output.get("data") if kind in ("display_data", "execute_result") else None
    if not isinstance(data, dict):
        return "", 0
    return _rich_output_html(data, max_output_chars=max_output_chars, max_image_bytes=max_image_bytes, math=math)


def _rich_output_html(
    data: dict, *, max_output_chars: int, max_image_bytes: int, math: dict | None = None
) -> tuple[str, int]:
    """The best representation of a display output that can be shown safely (script MIME types never are)."""
    for mime in _PRIORITY:
        if mime not in data:
            continue
        value = cell_text(data[mime])
        if mime == "text/html":
            value = truncate(value, max_output_chars, html=True)
            body = sanitize_html(value)
        elif mime == "image/svg+xml":
            # Through <img>, an SVG cannot run script.
            value = base64.b64encode(value.encode("utf-8", "replace")).decode("ascii")
            body = _image_tag(mime, value, max_image_bytes)
        elif mime in IMAGE_MIMES:
            body = _image_tag(mime, value, max_image_bytes)
            if body is None:
                continue
        elif mime == "text/markdown":
            value = truncate(value, max_output_chars)
            body = _markdown_html(value, None, math)
        elif mime == "text/latex":
            value = truncate(value, max_output_chars)
            body = sanitize_html(_latex().render(value, {} if math is None else math))
        else:
            value = truncate(_ANSI.sub("", value), max_output_chars)
            body = f"<pre>{escape_text(value)}</pre>"
        return f'<div class="output_area">{body}</div>', min(len(value), len(body))
    return "", 0


def cell_anchor(position: int) -> str:
    """The stable attributes of the ``position``-th cell's block (1-based, as the page counts).

    ``data-cell`` cannot come from a notebook: the sanitiser keeps no ``data-*`` attribute, so
    anything placed beside a cell (comments, links) finds the real cell by it.
    """
    return f'id="cell-{position}" data-cell="{position}"'


def render_body(notebook: nbformat.NotebookNode, **limits) -> str:
    """The notebook as sanitised HTML (a fragment, no styles), one block per cell."""
    return "".join(_body_parts(notebook, **limits))


def _body_parts(
    notebook: nbformat.NotebookNode,
    *,
    max_output_chars: int = DEFAULT_MAX_OUTPUT_CHARS,
    max_image_bytes: int = DEFAULT_MAX_IMAGE_BYTES,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> list[str]:
    # Many outputs just under the limit must not add up to a page nobody can load either.
    budget = max_output_chars * OUTPUT_BUDGET_FACTOR + max_image_bytes * 2
    over_budget = False
    math: dict = {}  # the notebook's math, counted across its cells
    parts: list[str] = []
    cells = notebook.get("cells") or []
    for position, cell in enumerate(cells[:max_cells], start=1):
        kind = cell.get("cell_type")
        source = cell_text(cell.get("source"))
        if kind == "markdown":
            parts.append(f'<div class="cell text_cell" {cell_anchor(position)}>')
            parts.append(_markdown_html(source, cell.get("attachments"), math))
        elif kind == "code":
            count = cell.get("execution_count")
            prompt = f"In [{count}]:" if isinstance(count, int) else "In [ ]:"
            parts.append(f'<div class="cell code_cell" {cell_anchor(position)}><div class="prompt">{prompt}</div>')
            parts.append(_code_html(source))
            for output in cell.get("outputs") or []:
                if over_budget:
                    break
                if not isinstance(output, dict):
                    continue
                html, size = _output_html(
                    output, max_output_chars=max_output_chars, max_image_bytes=max_image_bytes, math=math
                )
                budget -= size
                if budget < 0:
                    over_budget = True
                    parts.append(
                        '<div class="output_area"><pre class="truncated">… outputs truncated: the notebook\'s outputs '
                        "are too large to show in full; download the notebook to see them.</pre></div>"
                    )
                    break
                parts.append(html)
        else:
            # A raw cell is shown as literal text (Jupyter passes it through untouched).
            parts.append(f'<div class="cell raw_cell" {cell_anchor(position)}><pre>{escape_text(source)}</pre>')
        parts.append("</div>\n")
    if len(cells) > max_cells:
        parts.append(
            f'<p class="truncated">… {len(cells) - max_cells:,} more cells not shown: '
            "download the notebook to read all of it.</p>"
        )
    return parts


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
.image-note { color: #5b6572; font-style: italic; }
math { font-size: 1.05em; }
math[display="block"] { overflow-x: auto; overflow-y: hidden; margin: .6em 0; padding: .1em 0; }
mtd[columnalign="left"] { text-align: left; padding-left: 0; }
mtd[columnalign="right"] { text-align: right; padding-right: 0; }
mtd[columnalign="left"] + mtd[columnalign="left"] { padding-left: 1em; }
code.math-source { overflow-wrap: anywhere; }
.ansi-red-fg { color: #b3261e; } .ansi-green-fg { color: #1d7a46; } .ansi-blue-fg { color: #2456c9; }
.ansi-yellow-fg { color: #a35b00; } .ansi-cyan-fg { color: #0b7285; } .ansi-bold { font-weight: bold; }
:root { color-scheme: light dark; }
body { background: #fff; }
"""


_CODE_CSS = """
.highlight .c1 { color: #3d7b7b; font-style: italic; } .highlight .s2 { color: #ba2121; }
.highlight .k { color: #008000; font-weight: bold; } .highlight .mi { color: #666; }
"""
# Last, so it wins over the light colours above.
_DARK_CSS = """
/* The reader's dark mode reaches the frame too (the page around it follows it already). */
@media (prefers-color-scheme: dark) {
  body { background: #15181d; color: #e4e7eb; }
  a { color: #8fb4ff; }
  td, th { border-color: #3a414b; }
  .cell { border-left-color: #3a414b; } .code_cell { border-left-color: #6f95e8; }
  .cell::before, .prompt, .image-note { color: #9aa4b1; }
  .highlight { background: #1f242b; }
  .output_stderr { background: #3b1d1b; }
  .truncated { color: #f0b35c; }
  .ansi-red-fg { color: #ff8a80; } .ansi-green-fg { color: #7bd88f; } .ansi-blue-fg { color: #8fb4ff; }
  .ansi-yellow-fg { color: #f0c674; } .ansi-cyan-fg { color: #66d9e8; }
  .highlight .c1 { color: #8ab8b8; } .highlight .s2 { color: #ff9e9e; }
  .highlight .k { color: #7bd88f; } .highlight .mi { color: #b0b0b0; }
}
"""
_SURROGATE = re.compile("[\ud800-\udfff]")


def render_document(notebook: nbformat.NotebookNode, *, title: str = "Notebook", **limits) -> str:
    """A complete HTML document for the sandboxed iframe: sanitised body plus our own CSS."""
    head, tail = _DOCUMENT.split("{body}")
    # Joined once: the parts and the document are the only two copies of the HTML at any time.
    parts = _body_parts(notebook, **limits)
    parts.insert(0, head.format(title=escape_text(title), css=_BASE_CSS + _CODE_CSS + _DARK_CSS))
    parts.append(tail)
    document = "".join(parts)
    del parts
    # A lone surrogate (valid in a notebook's JSON, not in UTF-8) must not break storing or serving it.
    if _SURROGATE.search(document):
        document = _SURROGATE.sub("\ufffd", document)
    return document
