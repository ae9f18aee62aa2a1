"""Untrusted notebook content made safe to show: HTML sanitised by nh3 with an allow-list, outputs
that could run script dropped or turned into text, images kept only as validated data: URLs, and
every output bounded in size. Each piece is sanitised on its own (see render.py for why).
"""

from __future__ import annotations

import base64
import copy
import functools
import json
import re
from html import unescape
from typing import TYPE_CHECKING
from urllib.parse import unquote

if TYPE_CHECKING:
    import nbformat  # only named in annotations; imported by load.py when a notebook is read


DEFAULT_MAX_OUTPUT_CHARS = 50_000
DEFAULT_MAX_IMAGE_BYTES = 3 * 1024 * 1024
# The whole notebook's outputs may total this many times the per-output limit.
OUTPUT_BUDGET_FACTOR = 20

_SCRIPT_MIME = re.compile(
    r"javascript|ecmascript|widget|vnd\.jupyter\.|vnd\.bokehjs|vnd\.plotly|vnd\.vega|x-python|vdom", re.I
)
IMAGE_MIMES = ("image/png", "image/jpeg", "image/gif", "image/webp")
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
    "details": {"open"},  # the diff opens what changed (a notebook's own <details> may start open too)
}


@functools.cache
def _mathml_allow_list() -> tuple[set[str], dict[str, set[str]]]:
    """The tags and attributes with the MathML that math in markdown becomes (dlcurriculum/markup/math.py)."""
    from dlcurriculum.markup.math import MATHML_ATTRIBUTES, MATHML_TAGS

    attributes = {tag: set(names) for tag, names in _ALLOWED_ATTRIBUTES.items()}
    for tag, names in MATHML_ATTRIBUTES.items():
        attributes[tag] = attributes.get(tag, set()) | names
    return _ALLOWED_TAGS | MATHML_TAGS, attributes


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag.startswith("m") and attribute not in _ALLOWED_ATTRIBUTES["*"]:
        from dlcurriculum.markup.math import MATHML_TAGS, mathml_value_allowed

        if tag in MATHML_TAGS and not mathml_value_allowed(tag, attribute, value):
            return None
    if attribute == "id" and value.strip().lower().startswith("cell-"):
        # The cells' own anchors (see cell_anchor): a notebook must not take one over.
        return None
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


# An image source the page will not load is kept under this mark through nh3, then replaced by a note.
_HELD = "#image-not-loaded:"
# What render.py puts as the source of an attachment the cell does not have.
MISSING_ATTACHMENT = "#missing-attachment:"
# In nh3's output every attribute is written name="value" (quotes and ">" escaped), so this finds each tag.
_LINK_OR_IMAGE = re.compile(r'<a\b(?:\s+[\w:-]+="[^"]*")*\s*>|</a>|<img((?:\s+[\w:-]+="[^"]*")*)\s*/?>')
_ATTRIBUTE = re.compile(r'([\w:-]+)="([^"]*)"')
_REMOTE = re.compile(r"^(?:https?:)?//", re.I)


def _holding_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not value.strip().lower().startswith("data:"):
        return _HELD + value
    return _attribute_filter(tag, attribute, value)


def sanitize_html(html: str, *, explain_images: bool = False) -> str:
    """The HTML with only allowed tags and attributes; images only from data: URLs.

    With ``explain_images`` (a notebook's markdown), an image that is not shown says why in its place:
    a file beside the notebook, an attachment the cell lacks, or a remote address (as a link, never loaded).
    """
    import nh3

    try:
        html.encode("utf-8")
    except UnicodeEncodeError:
        # nh3 takes UTF-8 only; a lone surrogate is valid in a notebook's JSON.
        html = html.encode("utf-8", "replace").decode("utf-8")
    tags, attributes = _mathml_allow_list()
    clean = nh3.clean(
        html,
        tags=tags,
        attributes=attributes,
        url_schemes={"http", "https", "mailto", "data"},
        attribute_filter=_holding_filter if explain_images else _attribute_filter,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return _explain_images(clean) if explain_images and "<img" in clean else clean


def _explain_images(html: str) -> str:
    """Every image nh3 kept without a loadable source, replaced by a note (links are never nested)."""
    in_link = False

    def replace(match: re.Match) -> str:
        nonlocal in_link
        tag = match.group()
        if not tag.startswith("<img"):
            in_link = not tag.startswith("</")
            return tag
        attributes = {name: unescape(value) for name, value in _ATTRIBUTE.findall(match.group(1) or "")}
        source = attributes.get("src", "")
        if source.startswith("data:"):
            return tag
        return _image_note(source.removeprefix(_HELD), attributes.get("alt", "").strip(), in_link=in_link)

    return _LINK_OR_IMAGE.sub(replace, html)


def _image_note(source: str, alt: str, *, in_link: bool) -> str:
    if not source:
        # nh3 dropped the source itself (a scheme such as javascript: or C:, a data: URL that is not an image).
        return _note(f"[Image not shown: {alt or 'its source'} is not an image the notebook contains]")
    if source.startswith(MISSING_ATTACHMENT):
        name = unquote(source.removeprefix(MISSING_ATTACHMENT))
        return _note(
            f"[Image not shown: the attachment {name} is not in the notebook; "
            "paste the image into the cell again to attach it]"
        )
    if _REMOTE.match(source):
        # Never loaded from the reader's browser (it would tell that site who reads the notebook).
        text = f"Image: {alt} (remote, not loaded)" if alt else "Image (remote, not loaded)"
        if in_link:
            return _note(text)  # the link around it (a badge, say) stays the way to the address
        href = escape_text(source).replace('"', "&quot;")
        return _note(f"{text}: ", f'<a href="{href}" rel="noopener noreferrer nofollow">{escape_text(source)}</a>')
    return _note(
        f"[Image not shown: {unquote(source)} is a file beside the notebook, not in it; "
        "paste it into the cell (a cell attachment) to show it]"
    )


def _note(text: str, html: str = "") -> str:
    return f'<span class="image-note">{escape_text(text)}{html}</span>'


def safe_notebook(  # noqa: C901 - one pass over the cells, a branch per output kind
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
                output["text"] = truncate("".join(output.get("text", "")), max_output_chars)
            elif kind in ("display_data", "execute_result"):
                data = output.get("data", {})
                for mime in list(data):
                    if _SCRIPT_MIME.search(mime):
                        del data[mime]
                _svg_as_image(data)
                for mime in list(data):
                    value = "".join(data[mime]) if isinstance(data[mime], list) else data[mime]
                    if mime in IMAGE_MIMES:
                        if len(value) > max_image_bytes * 4 // 3:
                            del data[mime]
                            data["text/plain"] = f"[Image not shown: larger than {megabytes(max_image_bytes)}.]"
                    elif isinstance(value, str):
                        data[mime] = truncate(value, max_output_chars, html=mime == "text/html")
                output.pop("metadata", None)
                output["metadata"] = {}
                if not data:
                    continue
            elif kind == "error":
                output["traceback"] = [truncate("\n".join(output.get("traceback", [])), max_output_chars)]
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
    text = cell_source(cell)
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
    if "text/html" not in data and not any(m in data for m in IMAGE_MIMES):
        encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        data["text/html"] = f'<img alt="SVG output" src="data:image/svg+xml;base64,{encoded}">'


def truncate(text: str, limit: int, *, html: bool = False) -> str:
    if len(text) <= limit:
        return text
    note = f"… output truncated: {len(text) - limit:,} more characters not shown."
    if html:
        # Cutting HTML mid-tag would garble it: show the start as text instead.
        return f"<pre>{escape_text(text[:limit])}</pre><p class='truncated'>{note}</p>"
    return text[:limit] + "\n" + note


def escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cell_text(value) -> str:
    if isinstance(value, list):
        return "".join(v if isinstance(v, str) else str(v) for v in value)
    return value if isinstance(value, str) else ("" if value is None else str(value))


def cell_source(cell) -> str:
    return cell_text(cell.get("source"))


def megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"
