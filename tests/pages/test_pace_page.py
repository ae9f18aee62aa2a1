"""The pace plan as a learner uses it: the pace page, pauses, the dashboard's projection and its cache."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse

from progress import services
from progress.models import PacePlan, Pause, Status
from tests import factories
from tests.queries import assert_database_query_count

pytestmark = pytest.mark.django_db

# A Monday, nine in the morning UTC.
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TODAY = NOW.date()


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def planned_curriculum(db):
    """Two stages of 10 and 4 hours of core work, an optional 50-hour resource, a capstone stage without resources."""
    first = factories.StageFactory(order=1, slug="first", title="First Stage")
    second = factories.StageFactory(order=2, slug="second", title="Second Stage")
    factories.StageFactory(order=3, slug="project", title="Project Stage")
    return {
        "a": factories.ResourceFactory(stage=first, order=1, effort_hours=6),
        "b": factories.ResourceFactory(stage=first, order=2, effort_hours=4),
        "extra": factories.ResourceFactory(stage=first, order=3, effort_hours=50, optional=True),
        "c": factories.ResourceFactory(stage=second, order=1, effort_hours=4),
    }


def dashboard(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response


def test_setting_hours_per_week_leads_to_the_dashboard_with_the_projection(
    learner_client, learner, planned_curriculum, frozen
):
    response = learner_client.post(reverse("progress:pace"), {"mode": "hours", "hours_per_week": 7})
    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    d = dashboard(learner_client).context["dashboard"]
    # 14 hours of core work at an hour a day: the first stage's 10 by the 11th, all by the 15th.
    assert d.pace.finish == date(2026, 3, 15)
    assert [s.finish for s in d.pace.stages] == [date(2026, 3, 11), date(2026, 3, 15), None]


def test_the_dashboard_says_where_the_learner_stands_and_when_each_stage_finishes(
    learner_client, learner, planned_curriculum, frozen
):
    services.set_pace_plan(learner, today=TODAY, hours_per_week=7)
    html = dashboard(learner_client).content.decode()
    assert "On track with your 7 h/week plan" in html
    assert "Projected finish: <strong>15 March 2026</strong>" in html
    assert '<p class="pace-finish muted">Projected finish: 11 March 2026</p>' in html
    assert '<span class="effort" data-testid="hours-left">about 10 hours left</span>' in html


def test_without_a_plan_the_dashboard_invites_to_set_one(learner_client, planned_curriculum, frozen):
    d = dashboard(learner_client)
    assert d.context["dashboard"].pace is None
    assert "Set a pace" in d.content.decode()


def test_a_target_date_is_a_plan_too(learner_client, learner, planned_curriculum, frozen):
    learner_client.post(reverse("progress:pace"), {"mode": "target", "target_date": "2026-03-15"})
    plan = PacePlan.objects.get(user=learner)
    assert (plan.hours_per_week, plan.target_date, plan.started_on) == (None, date(2026, 3, 15), TODAY)
    assert dashboard(learner_client).context["dashboard"].pace.finish == date(2026, 3, 15)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"mode": "target", "target_date": "2026-03-02"}, "target_date", "Choose a day after today."),
        ({"mode": "target", "target_date": ""}, "target_date", "Which day do you want to finish by?"),
        ({"mode": "hours", "hours_per_week": ""}, "hours_per_week", "How many hours a week?"),
        ({"mode": "hours", "hours_per_week": 0}, "hours_per_week", "greater than or equal to 1"),
        ({"mode": "hours", "hours_per_week": 101}, "hours_per_week", "less than or equal to 100"),
        ({"mode": "target", "target_date": "2099-01-01"}, "target_date", "within the next 20 years"),
    ],
)
def test_a_plan_that_cannot_be_kept_is_refused_with_a_reason_and_nothing_changes(
    learner_client, learner, planned_curriculum, frozen, data, field, message
):
    services.set_pace_plan(learner, today=TODAY - timedelta(days=3), hours_per_week=5)
    response = learner_client.post(reverse("progress:pace"), data)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    plan = PacePlan.objects.get(user=learner)
    assert (plan.hours_per_week, plan.started_on) == (5, TODAY - timedelta(days=3))


def test_the_learners_typed_plan_is_shown_again_when_refused(learner_client, planned_curriculum, frozen):
    response = learner_client.post(reverse("progress:pace"), {"mode": "target", "target_date": "2026-01-01"})
    assert 'value="2026-01-01"' in response.content.decode()


def test_changing_the_plan_starts_it_again_from_the_learners_today(learner, planned_curriculum, frozen):
    services.set_pace_plan(learner, today=TODAY - timedelta(days=10), hours_per_week=5)
    services.set_pace_plan(learner, today=TODAY, hours_per_week=5)
    assert PacePlan.objects.get(user=learner).started_on == TODAY - timedelta(days=10)
    services.set_pace_plan(learner, today=TODAY, hours_per_week=8)
    assert PacePlan.objects.get(user=learner).started_on == TODAY


def test_the_plan_starts_on_the_learners_day_not_the_servers(client, planned_curriculum, time_machine):
    learner = factories.UserFactory(timezone="Pacific/Auckland")
    client.force_login(learner)
    time_machine.move_to(datetime(2026, 3, 1, 20, 0, tzinfo=UTC), tick=False)  # Monday morning in Auckland
    client.post(reverse("progress:pace"), {"mode": "hours", "hours_per_week": 5})
    assert PacePlan.objects.get(user=learner).started_on == date(2026, 3, 2)


def test_dropping_the_plan_keeps_the_pauses(learner_client, learner, planned_curriculum, frozen):
    services.set_pace_plan(learner, today=TODAY, hours_per_week=5)
    services.add_pause(learner, start=TODAY, end=TODAY + timedelta(days=3))
    learner_client.post(reverse("progress:pace_clear"))
    assert not PacePlan.objects.filter(user=learner).exists()
    assert Pause.objects.filter(user=learner).count() == 1


# --- Pauses ---------------------------------------------------------------------------------


def test_a_pause_shifts_the_projection_on_the_dashboard(learner_client, learner, planned_curriculum, frozen):
    services.set_pace_plan(learner, today=TODAY, hours_per_week=7)
    dashboard(learner_client)
    response = learner_client.post(
        reverse("progress:pause_add"), {"start": "2026-03-05", "end": "2026-03-11", "label": "Holiday"}
    )
    assert response.status_code == 302
    assert dashboard(learner_client).context["dashboard"].pace.finish == date(2026, 3, 22)


def test_a_pause_covering_today_shows_as_paused(learner_client, learner, planned_curriculum, frozen):
    services.set_pace_plan(learner, today=TODAY, hours_per_week=7)
    services.add_pause(learner, start=TODAY, end=date(2026, 3, 8), label="Exams")
    assert "Paused until 8 March 2026" in dashboard(learner_client).content.decode()
    assert "now" in learner_client.get(reverse("progress:pace")).content.decode()


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-03-10", "2026-03-09", "The last day is on or after the first day."),
        ("2026-03-10", "2027-03-11", "A pause is at most a year long"),
        ("2026-03-10", "not a day", "Enter a valid date."),
        ("9999-12-30", "9999-12-31", "Choose a day within 20 years of today."),
        ("0001-01-01", "0001-01-02", "Choose a day within 20 years of today."),
    ],
)
def test_a_pause_that_makes_no_sense_is_refused_with_a_reason(
    learner_client, learner, planned_curriculum, frozen, start, end, message
):
    response = learner_client.post(reverse("progress:pause_add"), {"start": start, "end": end, "label": "Trip"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'value="Trip"' in response.content.decode()
    assert not Pause.objects.filter(user=learner).exists()


def test_pauses_are_bounded_in_number(learner_client, learner, planned_curriculum, frozen):
    for i in range(services.MAX_PAUSES):
        services.add_pause(learner, start=TODAY + timedelta(days=2 * i), end=TODAY + timedelta(days=2 * i))
    response = learner_client.post(reverse("progress:pause_add"), {"start": "2027-01-01", "end": "2027-01-02"})
    assert response.status_code == 400
    assert "At most 30 pauses" in response.content.decode()


def test_removing_a_pause_brings_the_projection_back(learner_client, learner, planned_curriculum, frozen):
    services.set_pace_plan(learner, today=TODAY, hours_per_week=7)
    pause = services.add_pause(learner, start=date(2026, 3, 5), end=date(2026, 3, 11))
    assert dashboard(learner_client).context["dashboard"].pace.finish == date(2026, 3, 22)
    learner_client.post(reverse("progress:pause_remove", kwargs={"pause_id": pause.pk}))
    assert dashboard(learner_client).context["dashboard"].pace.finish == date(2026, 3, 15)


def test_another_learners_pause_cannot_be_removed(learner_client, other_learner, planned_curriculum, frozen):
    pause = services.add_pause(other_learner, start=TODAY, end=TODAY)
    response = learner_client.post(reverse("progress:pause_remove", kwargs={"pause_id": pause.pk}))
    assert response.status_code == 404
    assert Pause.objects.filter(pk=pause.pk).exists()


# --- Curriculum changes and progress ---------------------------------------------------------


def test_marking_a_resource_done_counts_its_hours_and_moves_the_finish(
    learner_client, learner, planned_curriculum, frozen
):
    services.set_pace_plan(learner, today=TODAY, hours_per_week=7)
    dashboard(learner_client)
    services.set_status(learner, planned_curriculum["a"], Status.DONE)
    pace = dashboard(learner_client).context["dashboard"].pace
    assert pace.done_hours == 6
    assert pace.finish == date(2026, 3, 9)  # 8 hours left


def test_skipping_a_resource_shortens_the_plan_without_counting_as_done(
    learner_client, learner, planned_curriculum, frozen
):
    services.set_pace_plan(learner, today=TODAY, hours_per_week=7)
    services.set_status(learner, planned_curriculum["a"], Status.SKIPPED)
    pace = dashboard(learner_client).context["dashboard"].pace
    assert (pace.done_hours, pace.hours_left) == (0, 8)


def test_a_resource_added_to_the_curriculum_moves_the_finish_later(learner_client, learner, planned_curriculum, frozen):
    services.set_pace_plan(learner, today=TODAY, hours_per_week=7)
    assert dashboard(learner_client).context["dashboard"].pace.finish == date(2026, 3, 15)
    factories.ResourceFactory(stage=planned_curriculum["c"].stage, order=2, effort_hours=7)
    assert dashboard(learner_client).context["dashboard"].pace.finish == date(2026, 3, 22)


def test_a_resource_removed_from_the_curriculum_moves_the_finish_earlier(
    learner_client, learner, planned_curriculum, frozen
):
    services.set_pace_plan(learner, today=TODAY, hours_per_week=7)
    assert dashboard(learner_client).context["dashboard"].pace.finish == date(2026, 3, 15)
    planned_curriculum["c"].delete()
    assert dashboard(learner_client).context["dashboard"].pace.finish == date(2026, 3, 11)


# --- The cached dashboard -----------------------------------------------------------------------


def test_a_plan_change_shows_at_once(learner_client, learner, planned_curriculum, frozen):
    services.set_pace_plan(learner, today=TODAY, hours_per_week=7)
    assert dashboard(learner_client).context["dashboard"].pace.finish == date(2026, 3, 15)
    services.set_pace_plan(learner, today=TODAY, hours_per_week=14)
    assert dashboard(learner_client).context["dashboard"].pace.finish == date(2026, 3, 8)


def test_the_next_day_the_hours_planned_by_today_have_grown(learner_client, learner, planned_curriculum, frozen):
    services.set_pace_plan(learner, today=TODAY, hours_per_week=7)
    assert dashboard(learner_client).context["dashboard"].pace.planned_hours == 0
    with time_machine.travel(NOW + timedelta(days=3), tick=False):
        pace = dashboard(learner_client).context["dashboard"].pace
    assert pace.planned_hours == pytest.approx(3)
    assert pace.behind_hours == 3


# --- Constraints ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"hours_per_week": 5, "target_date": date(2026, 5, 1)},
        {"hours_per_week": None, "target_date": None},
        {"hours_per_week": 0},
        {"hours_per_week": 101},
        {"hours_per_week": None, "target_date": TODAY},
    ],
)
def test_the_database_refuses_a_plan_that_is_not_exactly_one_sensible_goal(learner, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        PacePlan.objects.create(user=learner, started_on=TODAY, **{"hours_per_week": 5, **fields})


def test_the_database_refuses_a_pause_ending_before_it_starts(learner):
    with pytest.raises(IntegrityError), transaction.atomic():
        Pause.objects.create(user=learner, start=TODAY, end=TODAY - timedelta(days=1))


# --- Queries ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("pauses", [0, 1, 25])
def test_the_pace_page_reads_a_fixed_number_of_queries(learner_client, learner, planned_curriculum, frozen, pauses):
    services.set_pace_plan(learner, today=TODAY - timedelta(days=60), hours_per_week=5)
    for n in range(pauses):
        services.add_pause(learner, start=TODAY - timedelta(days=50 - 2 * n), end=TODAY - timedelta(days=50 - 2 * n))
    for resource in planned_curriculum.values():
        services.set_status(learner, resource, Status.DONE)
    learner_client.get(reverse("progress:pace"))  # warm-up: session, outline
    # The user, the learner's capstone submissions (their approvals count, through the page layer),
    # plan, pauses, progress rows, done times (the curriculum and the briefs come from the cache).
    with assert_database_query_count(6):
        assert learner_client.get(reverse("progress:pace")).status_code == 200


def test_a_pause_without_a_plan_shows_on_the_dashboard(learner_client, learner, planned_curriculum, frozen):
    services.add_pause(learner, start=TODAY, end=date(2026, 3, 20))
    assert "Paused until 20 March 2026" in dashboard(learner_client).content.decode()
