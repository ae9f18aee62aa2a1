"""Stable per-cell anchors in the rendered notebook, and what the app places beside a cell."""

import re
import types

from django.urls import reverse

from capstones import cell_comments, notebooks, services
from tests.capstones.notebook_builders import code, md, notebook


def _rendered(*cells) -> str:
    return notebooks.render_document(notebook(*cells))


def test_every_rendered_cell_has_a_stable_anchor_with_its_number():
    html = _rendered(md("# Title"), code("x = 1"), md("Why"), code("print(x)"))
    assert re.findall(r'id="cell-(\d+)" data-cell="\1"', html) == ["1", "2", "3", "4"]


def test_a_notebook_cannot_write_a_cell_anchor_of_its_own():
    html = _rendered(md('<div id="cell-2" data-cell="2">fake</div>'), code("x = 1"))
    assert html.count('id="cell-2"') == 1
    assert html.count('data-cell="2"') == 1
    assert 'data-cell="2"' in html[html.index("x") - 300 :]


def _comment(cell, body):
    return types.SimpleNamespace(cell=cell, body=body, author_name="Grace Mentor")


def test_a_comment_goes_after_its_cell_and_before_the_next():
    html = _rendered(md("First"), code("second = 2"), md("Third"))
    placed = cell_comments.beside_cells(html, [_comment(2, "On the second")])
    assert placed.index('data-cell="2"') < placed.index("On the second") < placed.index('data-cell="3"')


def test_a_comment_on_the_last_cell_stays_inside_the_body():
    html = _rendered(md("First"), code("last = 1"))
    placed = cell_comments.beside_cells(html, [_comment(2, "On the last")])
    assert placed.index('data-cell="2"') < placed.index("On the last") < placed.index("</body>")


def test_every_cell_gets_a_comment_link_that_opens_the_page_with_the_cell_chosen():
    html = _rendered(md("First"), code("x = 1"), md("Third"))
    placed = cell_comments.beside_cells(html, [], link="/page/?cell={cell}#comment-form")
    links = re.findall(r'<a href="([^"]+)" target="_top">Comment on cell (\d+)</a>', placed)
    assert links == [(f"/page/?cell={n}#comment-form", str(n)) for n in (1, 2, 3)]


def test_a_comment_cannot_bring_script_into_the_notebook_document():
    html = _rendered(md("First"))
    placed = cell_comments.beside_cells(html, [_comment(1, "<script>alert(1)</script><a href='javascript:x'>y</a>")])
    assert "<script>alert" not in placed
    # Shown as text at most, never as a link.
    assert "<a href='javascript" not in placed
    assert '<a href="javascript' not in placed


def test_the_learner_gets_comment_links_in_the_frame(learner_client, submission):
    url = reverse("capstones:notebook", kwargs={"pk": submission.pk, "number": 1})
    html = learner_client.get(url).text
    expected = submission.iterations.get().get_absolute_url() + "?cell=2#comment-form"
    assert f'<a href="{expected}" target="_top">Comment on cell 2</a>' in html


def test_a_mentor_who_only_looks_gets_no_comment_links(client, submission, mentor):
    client.force_login(mentor)
    html = client.get(reverse("capstones:notebook", kwargs={"pk": submission.pk, "number": 1})).text
    assert "Comment on cell" not in html


def test_the_public_frame_shows_neither_comments_nor_links(client, claimed, mentor, learner):
    approved = services.decide(claimed, mentor=mentor, decision="approved", feedback="Nice cell", cell=2)
    services.set_submission_public(approved, learner=learner, public=True)
    portfolio = services.update_portfolio(learner, is_public=True, headline="", handle="ada", allow_download=False)
    response = client.get(reverse("portfolio:notebook", kwargs={"handle": portfolio.handle, "key": approved.brief.key}))
    assert response.status_code == 200
    assert "Nice cell" not in response.text
    assert "Comment on cell" not in response.text
    assert response["Content-Security-Policy"].startswith("sandbox;")


def test_a_cell_link_prefills_the_form_of_the_page(learner_client, submission):
    page = learner_client.get(submission.get_absolute_url() + "?cell=3").text
    assert 'name="cell" value="3"' in page
    assert 'id="comment-form"' in page


def test_a_notebooks_own_link_cannot_leave_the_frame():
    html = _rendered(md('<a href="https://example.org/" target="_top">out</a> [md](https://example.org/x)'))
    assert "out" in html
    assert "target=" not in html


def test_after_a_message_on_a_cell_the_page_opens_the_notebook_at_that_cell(client, claimed, mentor):
    from django.urls import reverse

    client.force_login(mentor)
    url = reverse("capstones:comment", args=[claimed.pk, 1])
    response = client.post(url, {"body": "Why this loss?", "cell": 2})
    assert response.status_code == 302
    assert response["Location"].endswith("/iterations/1/?at=2#nb-title")
    page = client.get(response["Location"]).text
    assert 'notebook/#cell-2"></iframe>' in page


def test_a_message_on_the_whole_notebook_returns_to_the_page_top(client, claimed, mentor):
    from django.urls import reverse

    client.force_login(mentor)
    response = client.post(reverse("capstones:comment", args=[claimed.pk, 1]), {"body": "Overall fine."})
    assert "?at=" not in response["Location"]
