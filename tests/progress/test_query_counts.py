"""Pages use a number of SQL queries that does not grow with the curriculum or the learner's history.

Each page is requested once to warm up, then counted at two sizes: the seed
curriculum, and one about ten times larger where the learner touched everything.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from dlcurriculum.users.changes import note_change
from progress import services as progress_services
from progress.models import Activity, ResourceProgress
from stages.models import Resource, Stage
from tests import factories
from tests.queries import assert_database_query_count

pytestmark = pytest.mark.django_db

STATUSES = ["done", "skipped", "in_progress", "not_started"]
# The user with the nav's mentor check (1; the session comes from the cache after
# the warm-up), then the page's own reads:
# dashboard: nothing more, it is cached whole under the learner's change stamp, which comes with
# the user (see dlcurriculum.pages.selectors.dashboard_page and dlcurriculum.users.changes);
# overview: stages with counts, progress rows (resources from the outline), capstone submissions
# (a capstone stage is complete once approved);
# stage: stage, resources, capstone, progress rows (previous and next stage come from the outline).
QUERIES = {"dashboard": 1, "overview": 4, "stage": 5}


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


def add_pace(user, pauses: int):
    today = datetime.now(UTC).date()
    progress_services.set_pace_plan(user, today=today - timedelta(weeks=30), hours_per_week=5)
    for n in range(pauses):
        day = today - timedelta(weeks=29) + timedelta(days=3 * n)
        progress_services.add_pause(user, start=day, end=day + timedelta(days=1))


# The dashboard when not cached: progress rows, activity chart, pace plan, pauses and done times,
# the completion record and the capstone submissions, on top of the user (with the change stamp).
UNCACHED_DASHBOARD = 8


@pytest.mark.parametrize("pauses", [0, 1, 25])
def test_a_pace_plan_and_its_pauses_add_no_query_to_the_cached_dashboard(learner_client, learner, sized, pauses):
    if pauses:
        add_pace(learner, pauses)
    assert_page_queries(learner_client, "dashboard")


@pytest.mark.parametrize("pauses", [None, 0, 1, 25])
def test_the_uncached_dashboard_reads_the_same_number_of_queries_with_or_without_a_pace_plan(
    learner_client, learner, sized, pauses
):
    if pauses is not None:
        add_pace(learner, pauses)
    learner_client.get(reverse("dashboard"))
    # A new state, so a new key (the session and the outline stay cached).
    Activity.objects.create(user=learner, resource=None, status="")
    note_change(learner.pk)  # as the services writing it move the stamp
    with assert_database_query_count(UNCACHED_DASHBOARD):
        response = learner_client.get(reverse("dashboard"))
    assert response.status_code == 200


def test_dashboard_query_count_is_the_same_with_an_approved_capstone(learner_client, learner, curriculum):
    from django.utils import timezone

    from capstones.models import Submission
    from stages.models import CapstoneBrief

    touch_everything(learner)
    Submission.objects.create(
        learner=learner,
        brief=CapstoneBrief.objects.order_by("stage__order").first(),
        title="My project",
        own_problem="Something of my own",
        status=Submission.Status.APPROVED,
        approved_at=timezone.now(),
    )
    assert_page_queries(learner_client, "dashboard")
