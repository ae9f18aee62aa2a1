"""The dashboard's progress part is cached per learner, keyed on their last change: never shown stale."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from progress import services
from progress.models import Status
from stages.models import CapstoneBrief, Resource
from tests import factories
from tests.queries import assert_database_query_count

pytestmark = pytest.mark.django_db


def page(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response


def first_resources(n=2):
    return list(Resource.objects.filter(optional=False).order_by("stage__order", "order")[:n])


def test_a_repeat_visit_reads_only_the_signed_in_user(learner_client, curriculum):
    page(learner_client)
    learner_client.get(reverse("stages:overview"))
    # The user, with the nav's mentor check and the change stamp that keys the whole cached
    # dashboard: progress, capstones and the completion record come from one cache round trip.
    with assert_database_query_count(1):
        page(learner_client)


def test_a_visit_after_a_change_builds_the_dashboard_in_a_fixed_number_of_queries(learner_client, learner, curriculum):
    first, second = first_resources()
    page(learner_client)
    services.set_status(learner, first, Status.DONE)
    services.save_note(learner, second, "a note")
    # The user, then progress rows, pace plan, pauses, done times, the chart's activity, the
    # completion record (progress) and the capstone submissions.
    with assert_database_query_count(8):
        page(learner_client)


def test_a_status_change_shows_at_once(learner_client, learner, curriculum):
    first, _ = first_resources()
    page(learner_client)
    services.set_status(learner, first, Status.DONE)
    response = page(learner_client)
    assert response.context["dashboard"].overall.done == 1
    assert response.context["dashboard"].next_up != first


def test_a_note_shows_at_once(learner_client, learner, curriculum):
    first, _ = first_resources()
    services.set_status(learner, first, Status.IN_PROGRESS)
    page(learner_client)
    services.save_note(learner, first, "Lesson 3 was the hard one")
    assert "Lesson 3 was the hard one" in page(learner_client).content.decode()


def test_erased_progress_shows_at_once(learner_client, learner, curriculum):
    first, _ = first_resources()
    services.set_status(learner, first, Status.DONE)
    page(learner_client)
    services.erase_progress(learner)
    assert page(learner_client).context["dashboard"].overall.done == 0


def test_a_new_resource_in_the_curriculum_shows_at_once(learner_client, curriculum):
    total = page(learner_client).context["dashboard"].overall.total
    factories.ResourceFactory(stage=first_resources(1)[0].stage, order=99)
    assert page(learner_client).context["dashboard"].overall.total == total + 1


def test_a_renamed_stage_shows_at_once(learner_client, curriculum):
    page(learner_client)
    stage = first_resources(1)[0].stage
    stage.title = "A Renamed Encounter"
    stage.save()
    assert "A Renamed Encounter" in page(learner_client).content.decode()


def chart(response) -> str:
    html = response.content.decode()
    start = html.index('<div class="chart-wrap">')
    return html[start : html.index("</div>", start)]


def test_the_activity_chart_moves_on_with_the_days(learner_client, learner, curriculum):
    services.set_status(learner, first_resources(1)[0], Status.DONE)
    before = chart(page(learner_client))
    with time_machine.travel(timezone.now() + timedelta(days=8), tick=False):
        later = chart(page(learner_client))
    assert later != before


def test_another_learner_never_sees_this_learners_progress(client, learner, other_learner, curriculum):
    services.save_note(learner, first_resources(1)[0], "my private note")
    client.force_login(learner)
    page(client)
    client.force_login(other_learner)
    assert "my private note" not in page(client).content.decode()


def overall_card(response) -> str:
    html = response.content.decode()
    return html.split('id="overall-title"')[1].split("</section>")[0]


def approve(learner, brief):
    from capstones.models import Submission

    return factories.SubmissionFactory(
        learner=learner,
        brief=brief,
        title="My project",
        own_problem="Something of my own",
        status=Submission.Status.APPROVED,
        approved_at=timezone.now(),
        moves_stamp=True,  # as the mentor's approval (capstones' transition) moves it
    )


def test_an_approved_capstone_shows_at_once(learner_client, learner, curriculum):
    brief = CapstoneBrief.objects.order_by("stage__order").first()
    for resource in brief.stage.resources.filter(optional=False):
        services.set_status(learner, resource, Status.DONE)
    before = page(learner_client).content.decode()
    approve(learner, brief)  # no progress change: the approval alone must make a new key
    after = page(learner_client).content.decode()
    assert after.count("Stage complete") == before.count("Stage complete") + 1


def test_a_changed_effort_estimate_shows_at_once(learner_client, curriculum):
    resource = first_resources(1)[0]
    page(learner_client)
    resource.effort_hours += 100
    resource.save()
    left = page(learner_client).context["dashboard"].overall.hours_left
    resource.effort_hours -= 100
    resource.save()
    assert page(learner_client).context["dashboard"].overall.hours_left == left - 100


def test_a_changed_capstone_estimate_shows_at_once(learner_client, curriculum):
    brief = CapstoneBrief.objects.order_by("stage__order").first()
    left = page(learner_client).context["dashboard"].overall.hours_left
    brief.effort_hours += 10
    brief.save()
    assert page(learner_client).context["dashboard"].overall.hours_left == left + 10
