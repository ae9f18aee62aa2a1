"""A Markdown table's column alignment (``---:``, ``:-:``, ``:--``) survives sanitising (issue #26)."""

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
