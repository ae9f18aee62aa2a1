"""Images in a notebook's markdown that cannot be shown say why, in their place (issue #26).

A relative path names a file beside the notebook (not uploaded with it); a remote address is never
loaded from the reader's browser (it would tell that site who reads the notebook), so its place shows
the address as a link; pasted images (cell attachments) and data: URLs are shown as before.
"""

import base64

from capstones.notebooks import render_body, render_document

from .notebook_builders import md, notebook

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\nfigure").decode()


def cell_html(text: str, attachments=None) -> str:
    cell = md(text)
    if attachments is not None:
        cell.attachments = attachments
    return render_body(notebook(cell))


def test_relative_markdown_image_says_it_is_a_file_beside_the_notebook():
    html = cell_html("The loss falls:\n\n![Loss curve](figures/loss.png)")
    assert "<img" not in html
    assert (
        '<span class="image-note">[Image not shown: figures/loss.png is a file beside the notebook, not in it; '
        "paste it into the cell (a cell attachment) to show it]</span>"
    ) in html


def test_relative_path_is_shown_as_written_not_percent_encoded():
    html = cell_html("![plot](<figures/loss curve (1).png>)")
    assert "figures/loss curve (1).png is a file beside the notebook" in html


def test_relative_image_in_raw_html_says_so_too():
    html = cell_html('<img src="../images/attention.svg" width="400" alt="Attention">')
    assert "<img" not in html
    assert "[Image not shown: ../images/attention.svg is a file beside the notebook" in html


def test_remote_image_is_not_loaded_and_its_address_is_a_link():
    html = cell_html("![Transformer](https://d2l.ai/_images/transformer.svg)")
    assert "<img" not in html
    assert (
        '<span class="image-note">Image: Transformer (remote, not loaded): '
        '<a href="https://d2l.ai/_images/transformer.svg" rel="noopener noreferrer nofollow">'
        "https://d2l.ai/_images/transformer.svg</a></span>"
    ) in html


def test_remote_image_without_alt_text_and_protocol_relative_address():
    html = cell_html('<img src="//upload.wikimedia.org/a.png">')
    assert "Image (remote, not loaded): <a href=" in html
    assert "<img" not in html


def test_badge_inside_a_link_keeps_the_link_and_nests_none():
    # The "Open In Colab" badge at the top of many public notebooks.
    html = cell_html(
        "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
        "(https://colab.research.google.com/github/d2l-ai/d2l-pytorch-colab/blob/master/chapter_1.ipynb)"
    )
    assert html.count("<a ") == 1
    assert '<span class="image-note">Image: Open In Colab (remote, not loaded)</span></a>' in html
    assert "colab-badge.svg" not in html


def test_alt_text_and_address_with_markup_are_escaped():
    html = cell_html('<img src="https://x.example/a.png?q=&quot;&gt;<b>" alt="<script>a()</script> &quot;q&quot;">')
    assert "<script" not in html
    assert "<b>" not in html
    assert 'href="https://x.example/a.png?q=&quot;&gt;&lt;b&gt;"' in html
    assert 'Image: &lt;script&gt;a()&lt;/script&gt; "q" (remote, not loaded)' in html


def test_pasted_attachment_is_still_shown_and_a_missing_one_is_named():
    html = cell_html("![a](attachment:shown.png) ![b](attachment:gone%20too.png)", {"shown.png": {"image/png": PNG}})
    assert f'<img src="data:image/png;base64,{PNG}" alt="a">' in html
    assert (
        "[Image not shown: the attachment gone too.png is not in the notebook; "
        "paste the image into the cell again to attach it]"
    ) in html


def test_attachment_reference_in_a_cell_without_attachments_is_named():
    assert "the attachment diagram.png is not in the notebook" in cell_html("![d](attachment:diagram.png)")


def test_data_url_image_in_markdown_is_still_shown():
    html = cell_html(f"![inline](data:image/png;base64,{PNG})")
    assert f'<img src="data:image/png;base64,{PNG}" alt="inline">' in html
    assert "image-note" not in html


def test_image_with_a_source_nh3_refuses_says_it_is_not_in_the_notebook():
    html = cell_html('<img src="javascript:alert(1)" alt="diagram"> <img src="data:text/html;base64,PHA+" alt="x">')
    assert "javascript" not in html
    assert "data:text/html" not in html
    assert html.count("is not an image the notebook contains") == 2


def test_the_document_loads_no_remote_image_and_styles_the_notes():
    doc = render_document(notebook(md("![a](https://example.org/a.png)\n\n![b](b.png)")))
    assert "<img" not in doc
    assert ".image-note {" in doc
