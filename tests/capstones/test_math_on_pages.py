"""Math written by learners and mentors reads as written wherever it is shown (issue #26): typeset in
the write-up, comments and the public description; the TeX as written in og:description and e-mails."""

import re
from html import unescape

import pytest

from capstones import services
from capstones.models import Iteration

from .test_share_meta import share_metas

FORMULA = r"$\mathbf{w}^*, b^*$"
TEXT = rf"We fit {FORMULA} by minimising $\|y-Xw\|^2$ over labels in $\{{0, 1\}}$."


def _maths(html: str) -> list[str]:
    return re.findall(r"<math\b.*?</math>", html, flags=re.S)


@pytest.fixture
def iteration(claimed):
    iteration = Iteration.objects.get(submission=claimed, number=1)
    iteration.write_up = TEXT
    iteration.save(update_fields=["write_up"])
    return iteration


def test_write_up_and_comments_are_typeset_on_the_iteration_page(client, iteration, learner, mentor):
    services.add_comment(iteration, author=mentor, body=rf"Why {FORMULA} and not $\hat{{y}}$?")
    services.add_comment(iteration, author=mentor, body=r"On this cell: $\frac{1}{n}$", cell=1)
    client.force_login(learner)
    html = client.get(iteration.get_absolute_url()).text
    maths = _maths(html)
    assert len(maths) >= 3 + 2 + 1, maths
    assert "<em>" not in "".join(maths)
    assert "$\\mathbf" not in html.split("<main", 1)[1].split("<textarea", 1)[0]


def test_the_public_description_is_typeset_and_og_description_is_the_tex_as_written(client, claimed, mentor, learner):
    approved = services.decide(claimed, mentor=mentor, decision="approved", feedback="")
    services.set_submission_public(approved, learner=learner, public=True)
    services.update_portfolio(learner, is_public=True, headline="Plain", handle="ada")
    services.set_description(approved, learner=learner, description=TEXT)
    html = client.get(f"/u/ada/{approved.brief.key}/").text
    metas = share_metas(html)
    assert metas["og:description"] == TEXT
    assert metas["description"] == TEXT
    assert len(_maths(html)) >= 3
    portfolio = client.get("/u/ada/").text
    assert len(_maths(portfolio)) >= 3


def test_the_decision_email_shows_the_tex_as_written(claimed, mentor, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(claimed, mentor=mentor, decision="changes_requested", feedback=TEXT)
    [message] = [m for m in mailoutbox if TEXT in m.body]
    html = message.alternatives[0][0]
    assert "<math" not in html
    shown = [unescape(code) for code in re.findall(r'<code class="math-source"[^>]*>(.*?)</code>', html)]
    assert shown == [FORMULA, r"$\|y-Xw\|^2$", r"$\{0, 1\}$"]
