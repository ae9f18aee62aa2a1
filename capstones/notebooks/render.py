"""A notebook as a standalone, sanitised HTML document for a sandboxed iframe."""

from __future__ import annotations

import base64
import copy
import functools
import json
import re

import nbformat

from .load import _megabytes, _source

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
