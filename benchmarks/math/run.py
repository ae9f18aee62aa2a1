"""How much of a public corpus's math is typeset, and what typesetting costs (issue #26).

Run: .venv/bin/python benchmarks/math/run.py DIR [DIR ...]
Every ``*.md`` under the directories is rendered as the site renders text (dlcurriculum.markdown), every
``*.ipynb`` as a notebook (capstones.notebooks.render_body). Printed: formulas typeset as MathML,
formulas shown as written (with the reasons), and the rendering time with math against the same
renderers without math handling (the renderers before issue #26), best of REPEAT runs.

No corpus is committed: clone the public repositories named in benchmarks/math/RESULTS.md.
"""

import collections
import functools
import re
import sys
import time
from html import unescape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import nbformat
import nh3
from markdown_it import MarkdownIt

from capstones.notebooks import render, render_body
from dlcurriculum import markdown

REPEAT = 3
_TITLE = re.compile(r'<code class="math-source" title="([^"]*)">(.*?)</code>', re.S)


def _without_math_markdown(text: str) -> str:
    """The site's renderer as it was before math handling: commonmark + tables, then nh3."""
    return nh3.clean(
        _plain().render(text or ""),
        tags=markdown._ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


@functools.cache
def _plain():
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


@functools.cache
def _plain_notebook():
    parser = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False}).enable("table")
    parser.core.ruler.push("table_align", render._align_attributes)
    return parser


def _best(function, *args) -> tuple[float, str]:
    best, result = float("inf"), ""
    for _ in range(REPEAT):
        start = time.perf_counter()
        result = function(*args)
        best = min(best, time.perf_counter() - start)
    return best, result


def _render(path: Path) -> tuple[str, float, float, str] | None:
    """(kind, seconds with math, seconds without, HTML with math) for one file, or None."""
    if path.suffix == ".md":
        text = path.read_text(encoding="utf-8")
        with_math, html = _best(markdown.render_markdown, text)
        without, _ = _best(_without_math_markdown, text)
        return "md", with_math, without, html
    if path.suffix == ".ipynb":
        try:
            nb = nbformat.read(path, as_version=4)
        except (nbformat.reader.NotJSONError, ValueError, KeyError) as error:  # a corpus has broken files too
            print(f"skipped, not a notebook nbformat reads: {path.name} ({type(error).__name__})")
            return None
        with_math, html = _best(render_body, nb)
        saved = render._markdown
        render._markdown = _plain_notebook
        try:
            without, _ = _best(render_body, nb)
        finally:
            render._markdown = saved
        return "ipynb", with_math, without, html
    return None


def main(directories: list[str]) -> None:
    typeset = 0
    reasons: collections.Counter = collections.Counter()
    examples: dict[str, list[str]] = collections.defaultdict(list)
    times = {"md": [0.0, 0.0, 0], "ipynb": [0.0, 0.0, 0]}
    for directory in directories:
        for path in sorted(Path(directory).rglob("*")):
            rendered = _render(path)
            if rendered is None:
                continue
            kind, with_math, without, html = rendered
            times[kind][0] += with_math
            times[kind][1] += without
            times[kind][2] += 1
            typeset += len(re.findall(r"<math\b", html))
            for title, code in _TITLE.findall(html):
                reason = re.sub(r"\\[A-Za-z]+ is not", r"\\<command> is not", unescape(title))
                reasons[reason] += 1
                if len(examples[reason]) < 3:
                    examples[reason].append(f"{path.name}: {unescape(code)[:100]}")
    shown = sum(reasons.values())
    total = typeset + shown
    share = typeset / max(total, 1)
    print(f"formulas: {total:,}; typeset as MathML: {typeset:,} ({share:.2%}); shown as written: {shown:,}")
    for reason, count in reasons.most_common():
        print(f"  {count:5,}  {reason}")
        for example in examples[reason]:
            print(f"         {example}")
    for kind, (with_math, without, files) in times.items():
        if files:
            print(
                f"{kind:6} {files:4} files: {with_math:6.2f} s with math, {without:6.2f} s without "
                f"({with_math / max(without, 1e-9):.2f}x)"
            )


if __name__ == "__main__":
    main(sys.argv[1:] or ["."])
