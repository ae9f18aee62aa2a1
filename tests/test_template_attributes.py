"""No HTML reaches an attribute (issue #35, finding 1): `|safe` and `|markdown`
mark their output safe, which is safe between tags and never inside quotes (a `"` in the text closes
the attribute). Checks every template the project ships: such output only as element content, and
never assigned by `{% with %}` / `{% include ... with %}` (from where it can land anywhere)."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
HTML_FILTERS = {"safe", "safeseq", "markdown"}
_CONSTRUCT = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_FILTER = re.compile(r"\|\s*(\w+)")


def _inside_a_tag(before: str) -> bool:
    text = _CONSTRUCT.sub("", before)
    opening = max(text.rfind("<" + c) for c in "abcdefghijklmnopqrstuvwxyz!/")
    return opening > text.rfind(">")


def problems(source: str) -> list[str]:
    found = []
    for match in _CONSTRUCT.finditer(source):
        construct = match.group(0)
        filters = set(_FILTER.findall(construct)) & HTML_FILTERS
        if "autoescape off" in construct:
            found.append(f"{construct!r}: autoescape off")
        if not filters:
            continue
        if construct.startswith("{%") and re.search(r"\bwith\b", construct):
            found.append(f"{construct!r}: HTML assigned to a variable")
        elif construct.startswith("{{") and _inside_a_tag(source[: match.start()]):
            found.append(f"{construct!r}: HTML inside a tag (an attribute)")
    return found


@pytest.mark.parametrize("path", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_html_output_lands_in_an_attribute(path):
    assert problems(path.read_text()) == []


@pytest.mark.parametrize(
    "source",
    [
        '<meta property="og:description" content="{{ s.description|markdown|striptags }}">',
        "{% with og_description=s.description|markdown|striptags %}{% include 'x.html' %}{% endwith %}",
        '{% include "x.html" with text=s.body|safe %}',
        "<a title='{{ c.body|markdown }}' href=\"/\">",
        '<img\n  alt="{% if x %}{{ x|safe }}{% endif %}">',
        "{% autoescape off %}{{ x }}{% endautoescape %}",
    ],
)
def test_the_check_finds_html_in_attributes(source):
    assert problems(source)


@pytest.mark.parametrize(
    "source",
    [
        '<div class="prose">{{ s.description|markdown }}</div>',
        '<meta content="{{ s.description|markdown_plaintext|attr_text:200 }}">',
        "{% if a < b %}<p>{{ x|safe }}</p>{% endif %}",
    ],
)
def test_the_check_lets_element_content_be(source):
    assert problems(source) == []
