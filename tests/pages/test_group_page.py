"""The study group page, composed from the groups' selectors, progress's figures and capstones'
public links: the same exact number of queries for 3 members and 5 messages as for 200 members
with a year of messages (rows made with bulk_create), and what it shows at both sizes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dlcurriculum.groups import services
from dlcurriculum.groups.models import GroupMessage, Membership
from dlcurriculum.users.models import User
from progress.models import Activity, PacePlan, ResourceProgress
from stages.outline import outline
from tests import factories
from tests.queries import assert_database_query_count

# The user (with their session checked), the membership with its group, the members, their capstone
# approvals and public capstones, progress's five reads (rows, last activity, plans, pauses, done
# times) and the messages (the session and the curriculum's outline come from the cache).
GROUP_PAGE_QUERIES = 11


def grow(group, *, members: int, messages: int, days: int):
    """``members`` more learners in the group (every fifth hides their progress, every third has a
    pace plan), each with progress on a few resources, and ``messages`` spread over ``days``."""
    now = timezone.now()
    resources = outline().resources
    start = User.objects.count()
    users = User.objects.bulk_create(
        [User(email=f"bulk{start + n}@example.com", name=f"Bulk {start + n}", password="!") for n in range(members)]
    )
    Membership.objects.bulk_create(
        [Membership(group=group, user=u, hide_progress=n % 5 == 4) for n, u in enumerate(users)]
    )
    ResourceProgress.objects.bulk_create(
        [ResourceProgress(user=u, resource=r, status="done") for u in users for r in resources[:3]]
    )
    Activity.objects.bulk_create([Activity(user=u, resource=r, status="done") for u in users for r in resources[:3]])
    PacePlan.objects.bulk_create(
        [
            PacePlan(user=u, hours_per_week=5, started_on=(now - timedelta(weeks=4)).date(), started_at=now)
            for n, u in enumerate(users)
            if n % 3 == 0
        ]
    )
    authors = [m.user_id for m in Membership.objects.filter(group=group)]
    rows = GroupMessage.objects.bulk_create(
        [
            GroupMessage(group=group, author_id=authors[n % len(authors)], body=f"Message {n} *hi*")
            for n in range(messages)
        ]
    )
    for n, row in enumerate(rows):
        row.created_at = now - timedelta(days=days) + timedelta(days=days * n / max(1, messages))
    GroupMessage.objects.bulk_update(rows, ["created_at"])


@pytest.fixture
def owner_page(client, curriculum):
    owner = factories.UserFactory(name="Owner")
    group = services.create_group(owner, name="Club", weekly_goal_hours=20)
    client.force_login(owner)
    url = reverse("groups:detail", kwargs={"pk": group.pk})
    return client, group, url


def _assert_queries(client, url):
    client.get(url)  # the outline and the session warm
    with assert_database_query_count(GROUP_PAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    return response.text


@pytest.mark.parametrize(("members", "messages", "days"), [(2, 5, 7), (199, 365 * 3, 365)])
def test_the_group_page_reads_a_fixed_number_of_queries(owner_page, members, messages, days):
    client, group, url = owner_page
    grow(group, members=members, messages=messages, days=days)
    text = _assert_queries(client, url)
    assert text.count('data-testid="member"') == members + 1
    assert text.count('data-testid="message"') == min(messages, 30)
    assert ("Earlier messages" in text) == (messages > 30)


def test_the_same_count_for_the_small_and_the_large_group_in_one_test(owner_page):
    client, group, url = owner_page
    grow(group, members=2, messages=5, days=7)
    _assert_queries(client, url)
    grow(group, members=197, messages=365 * 3, days=365)
    text = _assert_queries(client, url)
    assert text.count('data-testid="member"') == 200
    # An earlier page of messages costs the same.
    before = GroupMessage.objects.filter(group=group).order_by("-pk")[40].pk
    with assert_database_query_count(GROUP_PAGE_QUERIES):
        assert client.get(f"{url}?before={before}").status_code == 200
