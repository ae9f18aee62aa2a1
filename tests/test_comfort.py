"""Small things every page owes its reader: where am I, what just happened, where does a link go."""

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.messages import constants
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (dt.timedelta(seconds=5), "just now"),
        (dt.timedelta(minutes=1, seconds=3), "1 minute ago"),
        (dt.timedelta(hours=5, minutes=59), "5 hours ago"),
        (dt.timedelta(days=3, hours=4), "3 days ago"),
        (dt.timedelta(days=15), "2 weeks ago"),
        (dt.timedelta(days=400), "1 year ago"),
    ],
)
def test_times_read_as_a_person_says_them(delta, expected):
    rendered = Template("{{ moment|ago }}").render(Context({"moment": timezone.now() - delta}))
    assert rendered == expected


def test_navigation_marks_the_current_page(learner_client):
    page = learner_client.get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("dashboard")}" aria-current="page"' in page
    assert f'href="{reverse("stages:overview")}" aria-current' not in page


def test_flash_messages_are_a_live_region_around_a_plain_list(learner_client, settings):
    from django.contrib.messages.storage.cookie import CookieStorage

    response = learner_client.get(reverse("dashboard"))
    storage = CookieStorage(response.wsgi_request)
    storage.add(constants.SUCCESS, "Saved.")
    storage.update(response)
    learner_client.cookies.update(response.cookies)
    page = learner_client.get(reverse("dashboard")).content.decode()
    region = page.split('role="status" aria-live="polite"', 1)[1].split("</div>", 1)[0]
    assert '<ul class="messages">' in region
    assert "Saved." in region
    assert '<ul class="messages" role=' not in page


def test_resource_links_open_in_a_new_tab_and_say_so(client, curriculum):
    from stages.models import Stage

    stage = Stage.objects.order_by("order").first()
    page = client.get(stage.get_absolute_url()).content.decode()
    resource = stage.resources.first()
    link = page.split(f'href="{resource.url}"', 1)[1].split("</a>", 1)[0]
    assert 'target="_blank"' in link
    assert 'rel="noopener"' in link
    assert "(opens in a new tab)" in link


def test_stylesheet_follows_the_system_dark_mode_and_has_its_own_focus_ring():
    from django.contrib.staticfiles import finders

    css = Path(finders.find("css/app.css")).read_text(encoding="utf-8")
    assert "@media (prefers-color-scheme: dark)" in css
    assert ":focus-visible" in css
