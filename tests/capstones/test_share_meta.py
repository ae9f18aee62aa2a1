"""Finding 1 of issue #35: the public pages' meta tags carry learner-written text as plain text,
escaped for the attribute, so no value can close the quote and add an attribute (`http-equiv="refresh"`
sent every visitor of a public capstone page to another site)."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from capstones import services
from capstones.models import Submission
from dlcurriculum.markdown import markdown_plaintext
from progress import services as progress_services

HOSTILE = [
    '0;url=http://attacker.example/phish" http-equiv="refresh" data-x="',
    "0;url=http://attacker.example/' http-equiv='refresh' data-x='",
    'a < b & c > d <meta http-equiv="refresh" content="0;url=http://attacker.example/">',
    'two\nlines" http-equiv="refresh\r\ncontent="0;url=http://attacker.example/',
]

# Each meta tag may carry exactly these attributes; anything else (http-equiv, charset, ...) is injected.
SHARE_TAGS = {
    ("property", "og:type"),
    ("property", "og:site_name"),
    ("property", "og:title"),
    ("property", "og:description"),
    ("property", "og:url"),
    ("name", "twitter:card"),
    ("name", "twitter:title"),
    ("name", "twitter:description"),
    ("name", "description"),
}


class _Metas(HTMLParser):
    """The <meta> elements as a browser reads them (attributes unescaped)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.metas: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "meta":
            self.metas.append(dict(attrs))


def share_metas(html: str) -> dict[str, str]:
    parser = _Metas()
    parser.feed(html)
    found = {}
    for attrs in parser.metas:
        assert "http-equiv" not in attrs, attrs
        if "charset" in attrs or attrs.get("name") == "viewport":
            continue  # base.html's own
        key = ("property", attrs["property"]) if "property" in attrs else ("name", attrs.get("name"))
        assert key in SHARE_TAGS, attrs
        assert set(attrs) == {key[0], "content"}, attrs
        found[key[1]] = attrs["content"]
    assert {name for _, name in SHARE_TAGS} == set(found)
    return found


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def shared(claimed, mentor, learner):
    approved = services.decide(claimed, mentor=mentor, decision="approved", feedback="")
    services.set_submission_public(approved, learner=learner, public=True)
    services.update_portfolio(learner, is_public=True, headline="Plain", handle="ada")
    return approved


@pytest.mark.parametrize("payload", HOSTILE)
def test_the_description_reaches_the_capstone_page_tags_as_text(client, shared, learner, payload):
    services.set_description(shared, learner=learner, description=payload)
    metas = share_metas(client.get(f"/u/ada/{shared.brief.key}/").text)
    expected = markdown_plaintext(payload)
    assert set(expected) & set("\"'<&")  # the hostile characters survive, as text
    assert metas["og:description"] == metas["twitter:description"] == metas["description"] == expected


@pytest.mark.parametrize("payload", HOSTILE)
def test_the_title_reaches_the_capstone_page_tags_as_text(client, shared, payload):
    Submission.objects.filter(pk=shared.pk).update(title=payload)
    metas = share_metas(client.get(f"/u/ada/{shared.brief.key}/").text)
    assert metas["og:title"] == metas["twitter:title"] == one_line(payload)


@pytest.mark.parametrize("payload", HOSTILE)
def test_the_headline_reaches_the_portfolio_tags_as_text(client, shared, learner, payload):
    services.update_portfolio(learner, is_public=True, headline=payload, handle="ada")
    metas = share_metas(client.get("/u/ada/").text)
    assert metas["og:description"] == metas["description"] == one_line(payload)


@pytest.mark.parametrize("payload", HOSTILE)
def test_the_display_name_reaches_the_portfolio_tags_as_text(client, shared, learner, payload):
    learner.name = payload[:150]
    learner.save(update_fields=["name"])
    metas = share_metas(client.get("/u/ada/").text)
    assert metas["og:title"] == one_line(payload[:150]) + "'s deep learning portfolio"


@pytest.mark.parametrize("payload", HOSTILE)
def test_the_display_name_reaches_the_completion_page_tags_as_text(client, shared, learner, payload):
    learner.name = payload[:150]
    learner.save(update_fields=["name"])
    progress_services.record_completion(learner, public=True)
    response = client.get(reverse("public_completion", kwargs={"slug": learner.portfolio.slug}))
    metas = share_metas(response.text)
    assert metas["og:title"].startswith(one_line(payload[:150])[:100])


def test_a_markdown_description_is_shown_as_its_words(client, shared, learner):
    services.set_description(shared, learner=learner, description="A **CNN** that reads [digits](https://x.example/).")
    metas = share_metas(client.get(f"/u/ada/{shared.brief.key}/").text)
    assert metas["og:description"] == "A CNN that reads digits."
