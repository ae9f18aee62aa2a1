"""Pages use a number of SQL queries that does not grow with the curriculum or the learner's history.

Each page is requested once to warm up, then counted at two sizes: the seed
curriculum, and one about ten times larger where the learner touched everything.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from progress.models import Activity, ResourceProgress
from stages.models import Resource, Stage
from tests import factories
from tests.queries import assert_database_query_count

pytestmark = pytest.mark.django_db

STATUSES = ["done", "skipped", "in_progress", "not_started"]
# The user with the nav's mentor check (1; the session comes from the cache after
# the warm-up), then the page's own reads:
# dashboard: the learner's newest change (the key of their cached progress part, see
# progress.selectors.dashboard_page) and capstone submissions (the outline of stages,
# resources and briefs is cached for everyone, see stages.outline);
# overview: stages with counts, progress rows (resources from the outline);
# stage: stage, resources, capstone, progress rows (previous and next stage come from the outline).
QUERIES = {"dashboard": 3, "overview": 3, "stage": 5}


def touch_everything(user):
    resources = list(Resource.objects.all())
    ResourceProgress.objects.bulk_create(
        ResourceProgress(user=user, resource=r, status=STATUSES[i % 4], note=f"note {i}")
        for i, r in enumerate(resources)
    )
    start = datetime.now(UTC) - timedelta(weeks=30)
    activities = Activity.objects.bulk_create(
        Activity(user=user, resource=r, status="done") for r in resources for _ in range(3)
    )
    # Spread the history over the chart's window and before it.
    for n, activity in enumerate(activities):
        activity.created_at = start + timedelta(hours=5 * n)
    Activity.objects.bulk_update(activities, ["created_at"])


@pytest.fixture(params=["seed", "10x"])
def sized(request, learner):
    if request.param == "seed":
        request.getfixturevalue("curriculum")
    else:
        factories.build_curriculum(stages=60, resources_per_stage=10)
    touch_everything(learner)
    return request.param


def page_url(page):
    if page == "dashboard":
        return reverse("dashboard")
    if page == "overview":
        return reverse("stages:overview")
    stage = Stage.objects.filter(resources__isnull=False).order_by("order").first()
    return stage.get_absolute_url()


def assert_page_queries(client, page):
    url = page_url(page)
    client.get(url)  # warm-up: session, caches, lazily built state
    with assert_database_query_count(QUERIES[page]):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("page", ["dashboard", "overview", "stage"])
def test_page_query_count_is_exact_at_both_sizes(learner_client, sized, page):
    assert_page_queries(learner_client, page)


@pytest.mark.parametrize("page", ["dashboard", "overview", "stage"])
def test_page_query_count_is_the_same_for_a_small_and_a_ten_times_larger_curriculum(client, learner, page):
    client.force_login(learner)
    small_stage = factories.StageFactory(order=1, slug="small")
    factories.ResourceFactory(stage=small_stage, order=1)
    touch_everything(learner)
    assert_page_queries(client, page)
    for s in range(2, 40):
        stage = factories.StageFactory(order=s, slug=f"grow-{s}")
        for r in range(10):
            factories.ResourceFactory(stage=stage, order=r + 1)
    ResourceProgress.objects.filter(user=learner).delete()
    Activity.objects.filter(user=learner).delete()
    touch_everything(learner)
    assert_page_queries(client, page)
