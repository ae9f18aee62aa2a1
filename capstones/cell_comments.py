"""Comments shown beside their cell inside the rendered notebook (the sandboxed document).

The stored rendering stays as the worker made it; the comments (and, for those who may write,
a "Comment on this cell" link per cell) go in per request, after the cell they are about. Cells
are found by their ``data-cell`` attribute, which the sanitiser never lets a notebook write (see
``notebooks.render.cell_anchor``). The comments' text is the site's sanitised Markdown and the
document keeps its sandbox and CSP, so a comment can no more run script than the notebook can.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from dlcurriculum.markdown import render_markdown

_CELL_START = re.compile(r'<div class="cell [a-z_]+" id="cell-(\d+)" data-cell="\1">')

_STYLE = """<style>
.cell-comments { margin: -.4rem 0 .8rem 1.2rem; padding: .4rem .6rem; border-left: 3px solid #a35b00;
  background: #fff8ec; font-size: .9rem; }
.cell-comments p { margin: .2rem 0; }
.cell-comments .who { font-size: .75rem; color: #5b6572; }
.cell-action { margin: -.6rem 0 .6rem .9rem; font-size: .8rem; }
@media (prefers-color-scheme: dark) {
  .cell-comments { background: #2e2416; border-left-color: #f0b35c; color: #f1e6d6; }
  .cell-comments .who { color: #c9b9a3; }
}
</style>"""


def beside_cells(document: str, comments: Iterable, *, link: str | None = None) -> str:
    """``document`` with each comment (``.cell``, ``.author_name``, ``.body``) after its cell.

    ``link``: a URL with ``{cell}`` in it; every cell then gets a "Comment on this cell" link to
    it, opened in the page around the frame (plain navigation, no script).
    """
    by_cell: dict[int, list] = {}
    for comment in comments:
        if comment.cell:
            by_cell.setdefault(comment.cell, []).append(comment)
    starts = [(m.start(), int(m.group(1))) for m in _CELL_START.finditer(document)]
    if not starts or not (by_cell or link):
        return document
    end = document.rfind("</body>")
    # A cell ends where the next one starts; the last one where the body ends.
    boundaries = [position for position, _ in starts[1:]] + [end if end != -1 else len(document)]
    pieces, previous = [], 0
    for (_, number), boundary in zip(starts, boundaries, strict=True):
        pieces.append(document[previous:boundary])
        if number in by_cell:
            pieces.append(_block(number, by_cell[number]))
        if link:
            url = html.escape(link.replace("{cell}", str(number)))
            pieces.append(f'<p class="cell-action"><a href="{url}" target="_top">Comment on cell {number}</a></p>')
        previous = boundary
    pieces.append(document[previous:])
    return "".join(pieces).replace("</head>", _STYLE + "</head>", 1)


def _block(number: int, comments: list) -> str:
    items = "".join(
        f'<div class="cell-comment"><p class="who">{html.escape(c.author_name)}</p>{render_markdown(c.body)}</div>'
        for c in comments
    )
    label = f"Comments on cell {number}"
    return f'<aside class="cell-comments" id="comments-cell-{number}" aria-label="{label}">{items}</aside>'
