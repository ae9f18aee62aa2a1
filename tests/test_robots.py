"""robots.txt: the curriculum and public portfolios are indexed, nothing behind a login."""

import urllib.robotparser

import pytest
from django.urls import reverse

from tests.queries import assert_database_query_count


@pytest.fixture
def robots(client, db):
    response = client.get(reverse("robots_txt"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(response.content.decode().splitlines())
    return parser


@pytest.mark.parametrize(
    "path",
    ["/", "/stages/", "/stages/deep-dive/", "/capstones/p/ada/", "/u/ada/", "/u/ada/capstone-1/", "/completion/x1/"],
)
def test_public_pages_may_be_crawled(robots, path):
    assert robots.can_fetch("AnyBot", path)


@pytest.mark.parametrize(
    "path", ["/admin/", "/accounts/login/", "/me/", "/me/profile/", "/capstones/review/", "/capstones/submissions/1/"]
)
def test_pages_behind_a_login_are_not_crawled(robots, path):
    assert not robots.can_fetch("AnyBot", path)


def test_robots_txt_is_cacheable_and_touches_no_database(client, db):
    with assert_database_query_count(0):
        response = client.get(reverse("robots_txt"))
    assert "max-age=86400" in response["Cache-Control"]
