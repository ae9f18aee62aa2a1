"""A Markdown table's column alignment (``---:``, ``:-:``, ``:--``) survives sanitising, and a formula in a
cell is read as Jupyter reads it: its pipes neither split the row nor lose their backslash (issue #26)."""

import re

from capstones.notebooks import render_body, render_document

from .notebook_builders import md, notebook, output_cell

TABLE = "| Model | Params | Top-1 | Notes |\n|:--|--:|:-:|---|\n| ResNet-50 | 25.6M | 76.1 | baseline |\n"


def test_column_alignment_is_kept_on_header_and_body_cells():
    html = render_body(notebook(md(TABLE)))
    assert '<th align="left">Model</th>\n<th align="right">Params</th>\n<th align="center">Top-1</th>' in html
    assert '<td align="left">ResNet-50</td>\n<td align="right">25.6M</td>\n<td align="center">76.1</td>' in html


def test_a_column_without_alignment_gets_no_attribute():
    html = render_body(notebook(md(TABLE)))
    assert "<th>Notes</th>" in html
    assert "<td>baseline</td>" in html


def test_alignment_is_kept_in_a_markdown_output_too():
    html = render_body(notebook(output_cell({"text/markdown": TABLE, "text/plain": "table"})))
    assert '<td align="right">25.6M</td>' in html


def test_the_document_carries_no_style_attribute_from_the_table():
    doc = render_document(notebook(md(TABLE), md('<table><tr><td style="color:red" align="right">x</td></tr></table>')))
    assert "style=" not in doc.split("</style>", 1)[1]
    assert '<td align="right">x</td>' in doc


# Typed for this test, after the loss tables of d2l's chapters (norms and absolute values in cells).
MATH_TABLE = (
    "| Loss | Formula | Note |\n|---|---|---|\n"
    "| L2 | $\\|\\mathbf{y} - \\hat{\\mathbf{y}}\\|_2^2$ | a norm |\n"
    "| L1 | $|y - \\hat{y}|$ | an absolute value |\n"
    "| Set | \\(\\{x \\mid |x| < 1\\}\\) | a set |\n"
)


def _rows(html: str) -> list[list[str]]:
    body = html.split("<tbody>", 1)[1]
    return [re.findall(r"<td>(.*?)</td>", row, flags=re.S) for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)]


def test_a_formula_in_a_table_cell_keeps_its_pipes_and_its_cell():
    rows = _rows(render_body(notebook(md(MATH_TABLE))))
    assert [len(row) for row in rows] == [3, 3, 3]
    assert [row[2] for row in rows] == ["a norm", "an absolute value", "a set"]
    norm, absolute, in_set = (row[1] for row in rows)
    assert norm.count("\u2016") == 2
    assert "<math" in norm
    assert absolute.count(">|</mo>") == 2
    assert "\u2016" not in absolute
    assert in_set.count(">|</mo>") == 2
    assert "<math" in in_set


def test_the_table_escape_outside_math_still_makes_a_pipe_in_one_cell():
    rows = _rows(render_body(notebook(md("| a | b |\n|---|---|\n| x \\| y | `p\\|q` |\n| $5 | $10 |\n"))))
    assert rows == [["x | y", "<code>p|q</code>"], ["$5", "$10"]]


def test_math_in_a_table_of_a_markdown_output_and_of_the_sites_text_alike():
    from dlcurriculum.markdown import render_markdown

    html = render_body(notebook(output_cell({"text/markdown": MATH_TABLE, "text/plain": "table"})))
    assert [len(row) for row in _rows(html)] == [3, 3, 3]
    site = str(render_markdown(MATH_TABLE))
    assert [len(row) for row in _rows(site)] == [3, 3, 3]
    assert site.count("\u2016") == 2


def test_the_formulas_pipes_are_found_once_per_text_however_many_rows_look_like_tables(monkeypatch):
    from dlcurriculum.markup import math

    calls = []
    scanner = math._pipes_in_math_masked
    monkeypatch.setattr(math, "_pipes_in_math_masked", lambda text: calls.append(len(text)) or scanner(text))
    # Every other line a delimiter row that does not fit its header: a table is tried 500 times and never made.
    html = render_body(notebook(md("$|x|$ | b | c\n|-|\n" * 500)))
    assert len(calls) == 1
    assert "<table>" not in html
    assert html.count("<math") == 500
