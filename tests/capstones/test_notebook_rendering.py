import base64

from capstones.notebooks import render_body, render_document, sanitize_html

from .notebook_builders import code, md, notebook, output_cell


def test_markdown_code_and_text_output_are_rendered():
    html = render_body(notebook(md("# Title\n\nSome *prose*."), code("import torch")))
    assert "<h1" in html
    assert "Title" in html
    assert "<em>prose</em>" in html
    assert 'class="highlight' in html  # pygments highlighting
    assert "ok" in html  # the stream output


def test_png_output_is_shown_as_data_image():
    png = base64.b64encode(b"\x89PNG\r\n\x1a\nfake").decode()
    html = render_body(notebook(output_cell({"image/png": png})))
    assert f'src="data:image/png;base64,{png}"' in html


def test_script_tag_in_markdown_is_removed():
    html = render_body(notebook(md("Hi <script>alert('md')</script> there")))
    assert "<script" not in html.lower()
    assert "alert('md')" not in html


def test_onerror_handler_in_markdown_html_is_removed():
    html = render_body(notebook(md('<img src="x" onerror="alert(1)">')))
    assert "onerror" not in html.lower()


def test_javascript_link_in_markdown_loses_its_href():
    html = render_body(notebook(md("[click](javascript:alert(1)) and <a href='JaVaScRiPt:alert(2)'>b</a>")))
    # The markdown link is left as plain text (not a link); the HTML one loses its href.
    assert "href" not in html.lower()


def test_data_url_link_is_not_allowed():
    html = render_body(notebook(md('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>')))
    assert "data:text/html" not in html


def test_raw_html_in_markdown_keeps_harmless_formatting():
    html = render_body(notebook(md("<b>bold</b> <iframe src='https://evil.example'></iframe>")))
    assert "<b>bold</b>" in html
    assert "<iframe" not in html


def test_html_output_with_script_and_handlers_is_sanitised():
    html = render_body(
        notebook(output_cell({"text/html": "<div onclick='steal()'>t</div><script>steal()</script><style>*{}</style>"}))
    )
    assert "<script" not in html
    assert "onclick" not in html
    assert "steal()" not in html


def test_javascript_output_is_dropped():
    html = render_body(notebook(output_cell({"application/javascript": "window.pwned = 1", "text/plain": "shown"})))
    assert "pwned" not in html
    assert "shown" in html


def test_widget_output_is_dropped():
    widget = {"application/vnd.jupyter.widget-view+json": {"model_id": "abc", "version_major": 2, "version_minor": 0}}
    html = render_body(notebook(output_cell(widget)))
    assert "abc" not in html
    assert "widget" not in html.lower()


def test_svg_output_becomes_an_inert_image():
    svg = "<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'><script>alert(2)</script></svg>"
    html = render_body(notebook(output_cell({"image/svg+xml": svg})))
    assert "<svg" not in html
    assert "onload" not in html
    assert 'src="data:image/svg+xml;base64,' in html


def test_remote_image_source_is_dropped():
    # Never loaded (issue #26: its place shows the address as a link, see test_notebook_images.py).
    html = render_body(notebook(md("![tracker](https://evil.example/pixel.png)")))
    assert "<img" not in html
    assert "src=" not in html


def test_huge_stream_output_is_truncated_with_a_note():
    big = code("print('x')", outputs=[{"output_type": "stream", "name": "stdout", "text": "y" * 5000}])
    html = render_body(notebook(big), max_output_chars=1000)
    assert "output truncated" in html
    assert "y" * 1001 not in html


def test_huge_html_output_is_truncated_as_text():
    html = render_body(notebook(output_cell({"text/html": "<b>" + "z" * 5000 + "</b>"})), max_output_chars=100)
    assert "output truncated" in html
    assert "z" * 101 not in html


def test_document_has_no_script_at_all():
    nasty = notebook(
        md("<script>a()</script><svg><script>b()</script></svg>"),
        output_cell(
            {"text/html": "<img src=x onerror=c()><a href=javascript:d()>e</a>", "application/javascript": "f()"}
        ),
    )
    doc = render_document(nasty).lower()
    assert "<script" not in doc
    assert "onerror" not in doc
    assert "javascript:" not in doc


def test_sanitizer_allows_data_urls_only_for_image_sources():
    html = sanitize_html('<img src="data:image/png;base64,AAAA"><a href="data:image/png;base64,AAAA">x</a>')
    assert html.count("data:image/png") == 1
    assert "<img" in html


def test_every_cell_gets_its_own_block_so_cell_numbers_match():
    from nbformat.v4 import new_raw_cell

    nb = notebook(md("a"), new_raw_cell("RAW <b>x</b> ```"), code("y = 1"), md(""))
    html = render_body(nb)
    assert html.count('<div class="cell ') == 4


def test_raw_cell_is_shown_as_text_not_html():
    from nbformat.v4 import new_raw_cell

    html = render_body(notebook(new_raw_cell("<b>bold?</b>")))
    assert "&lt;b&gt;bold?&lt;/b&gt;" in html


def test_many_large_outputs_stop_at_the_notebook_budget():
    cells = [
        code("print(i)", outputs=[{"output_type": "stream", "name": "stdout", "text": "q" * 900}]) for _ in range(60)
    ]
    html = render_body(notebook(*cells), max_output_chars=1000, max_image_bytes=0)
    assert "outputs are too large to show in full" in html
    assert html.count("q" * 900) == 22  # 22 * 900 fits in 20 * 1000, the 23rd does not


def test_oversized_image_is_replaced_by_a_note():
    png = base64.b64encode(b"x" * 3000).decode()
    html = render_body(notebook(output_cell({"image/png": png, "text/plain": "<Figure>"})), max_image_bytes=1000)
    assert "Image not shown" in html
    assert png not in html


# --- each markdown cell and each HTML output is sanitised on its own -----------------------------


def test_an_unclosed_style_in_a_markdown_cell_does_not_hide_later_cells():
    html = render_body(notebook(md("<style>p { color: red }"), md("The next cell is shown.")))
    assert "The next cell is shown." in html


def test_an_unclosed_script_in_a_markdown_cell_does_not_hide_later_cells():
    html = render_body(notebook(md("<script>alert(1)"), code("print('later code')"), md("Later prose.")))
    assert "Later prose." in html
    assert "later code" in html
    assert "<script" not in html.lower()


def test_an_unclosed_style_in_an_html_output_does_not_hide_later_outputs_or_cells():
    html = render_body(
        notebook(
            code("x", outputs=[{"output_type": "display_data", "data": {"text/html": "<style>b{}"}, "metadata": {}}]),
            output_cell({"text/plain": "a later output"}),
            md("A later cell."),
        )
    )
    assert "a later output" in html
    assert "A later cell." in html


def test_an_unclosed_textarea_in_markdown_does_not_swallow_later_cells():
    html = render_body(notebook(md("<textarea>"), md("Still here.")))
    assert "Still here." in html


def test_an_unclosed_div_stays_inside_its_cell():
    html = render_body(notebook(md("<div><div>open"), md("b")))
    assert html.count('<div class="cell ') == 2


def test_a_pasted_image_attachment_is_shown_inline():
    png = base64.b64encode(b"\x89PNG\r\n\x1a\npasted").decode()
    cell = md("![pasted](attachment:image.png)")
    cell.attachments = {"image.png": {"image/png": png}}
    html = render_body(notebook(cell))
    assert f'src="data:image/png;base64,{png}"' in html


def test_an_attachment_that_is_not_an_image_loses_its_source():
    cell = md("![x](attachment:page.html)")
    cell.attachments = {"page.html": {"text/html": "<script>alert(1)</script>"}}
    html = render_body(notebook(cell))
    assert "script" not in html.lower()


def test_a_lone_surrogate_in_markdown_renders():
    doc = render_document(notebook(md("broken \ud800 character"), code("x = '\udfff'")))
    assert "broken" in doc
    doc.encode("utf-8")  # storable and servable


def test_image_data_that_is_not_base64_is_not_shown_as_html():
    html = render_body(notebook(output_cell({"image/png": '"><script>alert(1)</script>', "text/plain": "fallback"})))
    assert "<script" not in html.lower()
    assert "fallback" in html


def test_rendering_stops_after_the_cell_limit_with_a_note():
    html = render_body(notebook(*[md(f"cell {i}") for i in range(50)]), max_cells=10)
    assert html.count('<div class="cell ') == 10
    assert "40 more cells not shown" in html


def test_ansi_colour_codes_in_a_traceback_are_removed():
    error = {"output_type": "error", "ename": "E", "evalue": "v", "traceback": ["\x1b[0;31mValueError\x1b[0m: bad"]}
    html = render_body(notebook(code("raise", outputs=[error])))
    assert "ValueError: bad" in html
    assert "\x1b" not in html


def test_code_is_coloured_and_escaped():
    html = render_body(notebook(code("import torch  # the framework\nx = '<script>alert(1)</script>' + 42")))
    assert '<span class="k">import</span>' in html
    assert '<span class="c1"># the framework</span>' in html
    assert "&lt;script&gt;" in html
    assert "<script" not in html


def test_unclosed_strings_in_code_are_shown_whole():
    source = 'a = """never closed\nb = "also open\nc = 1'
    html = render_body(notebook(code(source)))
    assert "never closed" in html
    assert "c = 1" in html


def test_the_notebook_document_follows_dark_mode_after_its_light_colours():
    doc = render_document(notebook(md("# Title"), code("x = 1")))
    assert "color-scheme: light dark" in doc
    dark = doc.index("@media (prefers-color-scheme: dark)")
    assert dark > doc.index(".highlight .k { color: #008000")  # the dark colours come last and win
    assert "body { background: #15181d" in doc[dark:]


def test_every_notebook_frame_offers_the_notebook_as_a_page(client, claimed, learner):
    client.force_login(learner)
    page = client.get(claimed.get_absolute_url()).text
    frame_src = page.split('class="notebook-frame"')[1].split('src="')[1].split('"')[0]
    assert f'<a href="{frame_src}">Read the notebook on a page of its own</a>' in page
