"""After a status change the pages agree with it without a reload (issue #28): the fetch answer
carries what the stage page shows from the new state (the bar, the "Stage complete" mark with the
capstone's approval, the Continue target), the same as the page after a plain form's redirect;
the dashboard shows one next step."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from progress import services
from progress.models import Status
from stages.models import Resource
from tests import factories
from tests.queries import assert_database_query_count

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}
CSRF = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')


@pytest.fixture
def stages():
    first = factories.StageFactory(order=1, slug="first", title="First stage")
    second = factories.StageFactory(order=2, slug="second", title="Second stage")
    for order in (1, 2, 3):
        factories.ResourceFactory(stage=first, order=order, title=f"First {order}")
    factories.ResourceFactory(stage=first, order=4, title="First optional", optional=True)
    factories.ResourceFactory(stage=second, order=1, title="Second 1")
    return first, second


@pytest.fixture
def capstone_stage():
    stage = factories.StageFactory(order=3, slug="capstone", title="Capstone stage")
    factories.ResourceFactory(stage=stage, order=1, title="Capstone reading", effort_hours=2)
    brief = factories.CapstoneBriefFactory(stage=stage, effort_hours=40)
    return stage, brief


def resources(stage):
    return list(stage.resources.filter(optional=False).order_by("order"))


def post_status(client, resource, status):
    response = client.post(reverse("progress:set_status", args=[resource.pk]), {"status": status}, **JSON)
    assert response.status_code == 200
    return response.json()


def region(html: str, element_id: str) -> str:
    """The inner HTML of the page's ``<div id=element_id>``."""
    start = html.index(f'<div id="{element_id}"')
    start = html.index(">", start) + 1
    depth = 1
    for tag in re.finditer(r"<(/?)div\b", html[start:]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return html[start : start + tag.start()]
    raise AssertionError(f"#{element_id} is not closed")


def normalized(html: str) -> str:
    return re.sub(r"\s+", " ", CSRF.sub("", html)).strip()


def continue_title(html: str) -> str | None:
    match = re.search(r"Continue: ([^<]+)<", html)
    return match.group(1) if match else None


# (resource order, status) steps over the first stage's three core resources, each followed by
# what Continue names: where the learner was while it is in progress, else the first unfinished one.
JOURNEY = [
    ((1, "done"), "First 2"),
    ((3, "in_progress"), "First 3"),
    ((3, "skipped"), "First 2"),
    ((2, "in_progress"), "First 2"),
    ((1, "not_started"), "First 2"),
    ((2, "done"), "First 1"),
    ((1, "skipped"), None),
]


def test_continue_follows_every_status_change_and_never_names_a_done_or_skipped_resource(learner_client, stages):
    first, _ = stages
    by_order = {r.order: r for r in resources(first)}
    statuses = {}
    for (order, status), expected in JOURNEY:
        data = post_status(learner_client, by_order[order], status)
        statuses[order] = status
        assert continue_title(data["continue_html"]) == expected
        assert (data["resume"] or {}).get("title") == expected
        finished = {by_order[o].pk for o, s in statuses.items() if s in ("done", "skipped")}
        assert data["resume"] is None or data["resume"]["id"] not in finished


def test_the_fetch_answer_is_what_the_stage_page_shows_after_a_reload(learner_client, stages):
    first, _ = stages
    for order, status in [(2, "in_progress"), (1, "done"), (3, "skipped")]:
        data = post_status(learner_client, resources(first)[order - 1], status)
        page = learner_client.get(first.get_absolute_url()).content.decode()
        assert normalized(data["completion_html"]) == normalized(region(page, "stage-completion"))
        assert normalized(data["continue_html"]) == normalized(region(page, "stage-continue"))


def test_finishing_the_stage_answers_with_the_stage_complete_mark_and_no_continue(learner_client, stages):
    first, second = stages
    *rest, last = resources(first)
    for resource in rest:
        data = post_status(learner_client, resource, "done")
        assert "Stage complete" not in data["completion_html"]
    data = post_status(learner_client, last, "skipped")
    assert data["completion"]["complete"] is True
    assert "✓ Stage complete" in data["completion_html"]
    assert second.get_absolute_url() in data["completion_html"]
    assert data["resume"] is None
    assert data["continue_html"].strip() == ""


def test_continue_by_fetch_answers_with_the_resource_in_progress_and_its_address(learner_client, learner, stages):
    first, _ = stages
    one, two, _three = resources(first)
    post_status(learner_client, one, "done")
    response = learner_client.post(reverse("progress:continue", args=[two.pk]), **JSON)
    data = response.json()
    assert (data["status"], data["url"], data["resume"]["title"]) == ("in_progress", two.url, "First 2")
    assert "1 in progress" in data["completion_html"]
    page = learner_client.get(first.get_absolute_url()).content.decode()
    assert normalized(data["completion_html"]) == normalized(region(page, "stage-completion"))


def test_a_note_saved_by_fetch_answers_with_the_same_state(learner_client, stages):
    first, _ = stages
    one, two, _three = resources(first)
    post_status(learner_client, one, "done")
    response = learner_client.post(reverse("progress:save_note", args=[two.pk]), {"note": "later"}, **JSON)
    data = response.json()
    assert (data["note"], data["resume"]["title"]) == ("later", "First 2")
    assert "1 of 3 done" in data["completion_html"]


def test_a_capstone_stage_is_complete_in_the_fetch_answer_only_once_the_capstone_is_approved(
    learner_client, learner, capstone_stage
):
    stage, brief = capstone_stage
    (reading,) = resources(stage)
    data = post_status(learner_client, reading, "done")
    assert data["completion"]["complete"] is False
    assert "Stage complete" not in data["completion_html"]
    assert "about 40 hours left" in data["completion_html"]  # the capstone's effort is still ahead

    factories.SubmissionFactory(learner=learner, brief=brief, status="approved", approved_at=timezone.now())
    data = post_status(learner_client, reading, "done")
    assert data["completion"]["complete"] is True
    assert "✓ Stage complete" in data["completion_html"]
    page = learner_client.get(stage.get_absolute_url()).content.decode()
    assert normalized(data["completion_html"]) == normalized(region(page, "stage-completion"))


def test_another_learners_approval_does_not_complete_the_stage(learner_client, other_learner, capstone_stage):
    stage, brief = capstone_stage
    factories.SubmissionFactory(learner=other_learner, brief=brief, status="approved", approved_at=timezone.now())
    data = post_status(learner_client, resources(stage)[0], "done")
    assert data["completion"]["complete"] is False


# The signed-in user (1; the session is cached after the warm-up) and the resource with its stage
# (1); the write (savepoint, the row's insert-if-missing, its lock, the update, the activity, one
# bump of the change stamp, release: 7); then the answer: the stage's progress rows (1; the
# resources come from the cached outline) and, on a capstone stage only, the learner's capstone
# submissions (1).
@pytest.mark.parametrize(("capstone", "queries"), [(False, 10), (True, 11)], ids=["plain-stage", "capstone-stage"])
def test_the_fetch_answer_reads_a_fixed_number_of_queries(learner_client, stages, capstone_stage, capstone, queries):
    stage = capstone_stage[0] if capstone else stages[0]
    resource = resources(stage)[0]
    post_status(learner_client, resource, "in_progress")  # warm-up: session, outline
    with assert_database_query_count(queries):
        data = post_status(learner_client, resource, "done")
    assert data["status"] == "done"


def test_without_javascript_the_redirect_shows_the_new_continue_target_and_the_mark(learner_client, stages):
    first, _ = stages
    one, two, three = resources(first)
    learner_client.post(reverse("progress:set_status", args=[one.pk]), {"status": "done"})
    page = learner_client.get(first.get_absolute_url()).content.decode()
    assert continue_title(page) == "First 2"
    for resource in (two, three):
        response = learner_client.post(
            reverse("progress:set_status", args=[resource.pk]), {"status": "done"}, follow=True
        )
    page = response.content.decode()
    assert continue_title(page) is None
    assert "✓ Stage complete" in region(page, "stage-completion")


def test_the_dashboard_shows_one_next_step_the_continue_target(learner_client, learner, stages, capstone_stage):
    first, second = stages
    services.set_status(learner, resources(first)[0], Status.DONE)
    # Where the learner was: a resource of a later stage, while the first stage is unfinished.
    services.open_resource(learner, Resource.objects.get(title="Second 1"))
    page = learner_client.get(reverse("dashboard")).content.decode()
    assert continue_title(page) == "Second 1"
    assert re.findall(r'class="next-up"[^>]*>([^<]+)<', page) == ["Second 1"]
    assert "First 2" not in page
    assert f'Stage 2: <a href="{second.get_absolute_url()}">Second stage</a>, 0 of 1 done or skipped.' in page

    services.set_status(learner, Resource.objects.get(title="Second 1"), Status.DONE)
    page = learner_client.get(reverse("dashboard")).content.decode()
    assert continue_title(page) == "First 2"
    assert re.findall(r'class="next-up"[^>]*>([^<]+)<', page) == ["First 2"]
