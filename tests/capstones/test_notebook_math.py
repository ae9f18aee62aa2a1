"""A notebook's math is typeset as MathML like the site's text (issue #26): markdown cells, text/markdown
and text/latex outputs, with one budget for the whole notebook; no script in the sandboxed frame."""

import re
from html import unescape

from nbformat.v4 import new_output

from capstones.notebooks import render_body, render_document
from dlcurriculum.markdown import render_markdown
from dlcurriculum.markup import math

from .notebook_builders import code, md, notebook, output_cell

# Synthetic cells, one per pattern (typed for this test, after what d2l and sympy write).
CELL = (
    "Minimising $\\|\\mathbf{y}-\\mathbf{X}\\mathbf{w}\\|^2$ gives $\\mathbf{w}^*, b^*$ for labels in $\\{0, 1\\}$.\n\n"
    "$$\n\\begin{aligned}\n\\mathbf{w} &\\leftarrow \\mathbf{w} - \\frac{\\eta}{|\\mathcal{B}_t|} "
    "\\sum_{i \\in \\mathcal{B}_t} \\partial_{\\mathbf{w}} l^{(i)} \\\\\n"
    "b &\\leftarrow b - \\frac{\\eta}{|\\mathcal{B}_t|} \\sum_{i \\in \\mathcal{B}_t} \\partial_b l^{(i)}\n"
    "\\end{aligned}\n$$\n\n"
    "Also \\(p(x)\\),\n\\[\\int_0^1 x\\,dx\\]\nand\n\n\\begin{align}\na &= b\n\\end{align}\n\n"
    "It costs \\$5; the code `print('$x$')` is code."
)


def _maths(html: str) -> list[str]:
    return re.findall(r"<math\b.*?</math>", html, flags=re.S)


def _sources(html: str) -> list[str]:
    return [unescape(c) for c in re.findall(r'<code class="math-source"[^>]*>(.*?)</code>', html, flags=re.S)]


def test_a_markdown_cell_is_typeset_like_the_sites_text():
    html = render_body(notebook(md(CELL)))
    assert len(_maths(html)) == 7
    assert _sources(html) == []
    assert "<em>" not in html
    # The same formulas as on the site's pages (one math handling for both renderers).
    assert _maths(html) == _maths(render_markdown(CELL))
    assert "It costs $5; the code <code>print('$x$')</code> is code." in html
    assert "</mtr><mtr>" in html  # the aligned rows stay rows


def test_a_latex_output_is_typeset_and_its_other_text_stays_literal():
    html = render_body(
        notebook(
            output_cell({"text/latex": "$\\displaystyle x^{2} + 1$", "text/plain": "x**2 + 1"}),
            output_cell({"text/latex": "$$\\frac{a}{b}$$ with *stars*", "text/plain": "a/b"}),
        )
    )
    assert len(_maths(html)) == 2
    assert "<mfrac>" in html
    assert "with *stars*" in html
    assert "x**2 + 1" not in html  # the LaTeX is shown, not the plain text


def test_a_markdown_output_is_typeset():
    html = render_body(notebook(output_cell({"text/markdown": "Loss: $\\ell(\\hat{y}, y)$", "text/plain": "m"})))
    assert len(_maths(html)) == 1
    assert "<mover" in html


def test_the_notebook_has_one_math_budget_across_its_cells():
    per_cell = 1_000
    cells = [
        md(" ".join(f"$x_{{{i}}}$" for i in range(per_cell))) for _ in range(math.MAX_DOCUMENT_FORMULAS // per_cell + 1)
    ]
    html = render_body(notebook(*cells))
    assert len(_maths(html)) == math.MAX_DOCUMENT_FORMULAS
    assert len(_sources(html)) == per_cell
    assert "more math than is typeset" in html


def test_a_formula_that_is_not_typeset_is_shown_as_written_in_the_cell():
    html = render_body(notebook(md("See $\\unknowncommand{x}$ and $x^{$.")))
    assert _sources(html) == ["$\\unknowncommand{x}$", "$x^{$"]
    assert 'title="Shown as written: \\unknowncommand is not a command the typesetter knows"' in html


def test_hostile_math_in_a_notebook_is_inert():
    html = render_document(
        notebook(
            md("$<script>alert(1)</script>$ $\\text{<img src=x onerror=alert(1)>}$ $\\href{javascript:alert(1)}{x}$"),
            md('<math><mi href="javascript:alert(1)" onclick="alert(1)">y</mi><script>alert(2)</script></math>'),
            code("x", outputs=[new_output("display_data", data={"text/latex": "$<script>alert(3)</script>$"})]),
        )
    )
    body = html.split("</style>", 1)[1]
    assert "<script" not in body
    assert "<img" not in body
    assert "javascript:" not in body
    assert "onclick" not in body
    assert "<mi>y</mi>" in body


def test_the_documents_css_lays_out_aligned_columns():
    css = render_document(notebook(md("$x$"))).split("</style>", 1)[0]
    assert 'mtd[columnalign="left"] { text-align: left;' in css
    assert 'mtd[columnalign="right"] { text-align: right;' in css
