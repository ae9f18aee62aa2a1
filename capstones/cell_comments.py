"""Comments shown beside their cell inside the rendered notebook (the sandboxed document).

The cached rendering stays as the analysis made it; the comments go in per request, each
after the cell it is about. Their text is the site's sanitised Markdown and the document
keeps its sandbox and CSP, so a comment can no more run script than the notebook can.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from dlcurriculum.markdown import render_markdown

# nbconvert's basic template opens every top-level cell like this; nested parts never start with "cell ".
_CELL_START = re.compile(r'<div class="cell border-box-sizing [^"]*"')

_STYLE = """<style>
.cell-comments { margin: -.4rem 0 .8rem 1.2rem; padding: .4rem .6rem; border-left: 3px solid #a35b00;
  background: #fff8ec; font-size: .9rem; }
.cell-comments p { margin: .2rem 0; }
.cell-comments .who { font-size: .75rem; color: #5b6572; }
</style>"""


def beside_cells(document: str, comments: Iterable) -> str:
    """``document`` with each comment (``.cell``, ``.author.display_name``, ``.body``) after its cell."""
    by_cell: dict[int, list] = {}
    for comment in comments:
        if comment.cell:
            by_cell.setdefault(comment.cell, []).append(comment)
    starts = [m.start() for m in _CELL_START.finditer(document)]
    if not by_cell or not starts:
        return document
    end = document.rfind("</body>")
    # A cell ends where the next one starts; the last one where the body ends.
    boundaries = [*starts[1:], end if end != -1 else len(document)]
    pieces, previous = [], 0
    for number, boundary in enumerate(boundaries, start=1):
        pieces.append(document[previous:boundary])
        if number in by_cell:
            pieces.append(_block(number, by_cell[number]))
        previous = boundary
    pieces.append(document[previous:])
    result = "".join(pieces)
    return result.replace("</head>", _STYLE + "</head>", 1)


def _block(number: int, comments: list) -> str:
    items = "".join(
        f'<div class="cell-comment"><p class="who">{html.escape(c.author.display_name)}</p>'
        f"{render_markdown(c.body)}</div>"
        for c in comments
    )
    label = f"Comments on cell {number}"
    return f'<aside class="cell-comments" id="comments-cell-{number}" aria-label="{label}">{items}</aside>'
