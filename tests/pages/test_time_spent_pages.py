"""How long a resource took (issue #31), as learners and the content team see it: the question on
the stage page (with and without JavaScript), the insight page's figures, the pace page's medians."""

import random
import re
import statistics
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from dlcurriculum.pages import insight as page_insight
from progress import services
from progress.models import ResourceProgress, Status, TimeSpent
from stages.models import Stage
from tests import factories
from tests.queries import assert_database_query_count

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def resource(db):
    stage = factories.StageFactory(order=1, slug="first", title="First Stage")
    return factories.ResourceFactory(stage=stage, order=1, effort_hours=6, title="A six-hour course")


def stage_html(client, resource) -> str:
    response = client.get(resource.stage.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def time_form(html: str, resource) -> str:
    match = re.search(rf'<form[^>]*action="/me/resources/{resource.pk}/time-spent/".*?</form>', html, re.S)
    return match.group(0) if match else ""


def answered_by(learners: int, resource, hours):
    for n in range(learners):
        someone = factories.UserFactory()
        services.set_status(someone, resource, Status.DONE)
        services.answer_time_spent(someone, resource, hours(n) if callable(hours) else hours)


# --- The question on the stage page ----------------------------------------------------------------


def test_the_question_comes_once_the_resource_is_done(learner_client, learner, resource):
    assert time_form(stage_html(learner_client, resource), resource) == ""
    response = learner_client.post(reverse("progress:set_status", args=[resource.pk]), {"status": Status.DONE})
    assert response.status_code == 302
    form = time_form(stage_html(learner_client, resource), resource)
    assert "How long did it take you?" in form
    assert "of about 6 h" in form
    # Presets around the estimate, the number field (bounded), and skipping in one click.
    assert re.findall(r'name="preset" value="([\d.]+)"', form) == ["3", "6", "10", "12"]
    assert 'type="number" name="hours" min="0.25" max="1000"' in form
    assert 'name="skip" value="1"' in form


def test_a_preset_without_javascript_is_saved_and_the_question_goes(learner_client, learner, resource):
    services.set_status(learner, resource, Status.DONE)
    response = learner_client.post(reverse("progress:time_spent", args=[resource.pk]), {"preset": "10", "hours": ""})
    assert response.status_code == 302
    assert response.url == f"{resource.stage.get_absolute_url()}#resource-{resource.pk}"
    html = learner_client.get(response.url).content.decode()
    assert "thank you, 10 h noted" in html
    assert "You said it took 10 h" in html
    assert "How long did it take you?" not in html
    assert TimeSpent.objects.get(user=learner).minutes == 600


def test_a_number_of_hours_without_javascript(learner_client, learner, resource):
    services.set_status(learner, resource, Status.DONE)
    learner_client.post(reverse("progress:time_spent", args=[resource.pk]), {"hours": "4.5"})
    assert TimeSpent.objects.get(user=learner).minutes == 270


def test_skipping_is_one_click_and_never_asks_again(learner_client, learner, resource):
    services.set_status(learner, resource, Status.DONE)
    learner_client.post(reverse("progress:time_spent", args=[resource.pk]), {"skip": "1"})
    # Not asked again, even after marking it in progress and done again.
    for status in (Status.IN_PROGRESS, Status.DONE):
        learner_client.post(reverse("progress:set_status", args=[resource.pk]), {"status": status})
    html = stage_html(learner_client, resource)
    assert "How long did it take you?" not in html
    assert "You said it took" not in html
    assert TimeSpent.objects.get(user=learner).minutes is None


@pytest.mark.parametrize("hours", ["", "abc", "0", "5000"])
def test_bad_input_says_what_is_expected_keeps_what_was_typed_and_the_done_mark(
    learner_client, learner, resource, hours
):
    services.set_status(learner, resource, Status.DONE)
    response = learner_client.post(reverse("progress:time_spent", args=[resource.pk]), {"hours": hours})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Not saved" in html
    assert "How long did it take? Choose an answer or type a number of hours from 0.25 to 1000." in html
    assert f'name="hours" min="0.25" max="1000" step="0.25" inputmode="decimal" value="{hours}"' in html
    assert ResourceProgress.objects.get(user=learner, resource=resource).status == Status.DONE
    assert not TimeSpent.objects.exists()


def test_an_answer_for_a_resource_not_done_is_refused_with_a_message(learner_client, learner, resource):
    response = learner_client.post(reverse("progress:time_spent", args=[resource.pk]), {"preset": "6"})
    assert response.status_code == 409
    assert "Mark the resource done first" in response.content.decode()
    response = learner_client.post(reverse("progress:time_spent", args=[resource.pk]), {"preset": "6"}, **JSON)
    assert (response.status_code, response.json()["error"]) == (
        409,
        "Mark the resource done first, then say how long it took.",
    )


def test_with_javascript_done_brings_the_question_and_an_answer_replaces_it(learner_client, learner, resource):
    data = learner_client.post(
        reverse("progress:set_status", args=[resource.pk]), {"status": Status.DONE}, **JSON
    ).json()
    assert "How long did it take you?" in data["time_html"]
    data = learner_client.post(reverse("progress:time_spent", args=[resource.pk]), {"preset": "3"}, **JSON).json()
    assert (data["status"], data["changed"]) == (Status.DONE, True)
    assert data["message"] == "“A six-hour course”: thank you, 3 h noted."
    assert "You said it took 3 h" in data["time_html"]
    assert "completion_html" in data
    data = learner_client.post(reverse("progress:time_spent", args=[resource.pk]), {"hours": "x"}, **JSON)
    assert data.status_code == 400
    assert "How long did it take?" in data.json()["error"]
    assert TimeSpent.objects.get().minutes == 180


def test_a_learners_answer_is_theirs_alone(client, learner, other_learner, resource):
    services.set_status(learner, resource, Status.DONE)
    services.answer_time_spent(learner, resource, 12)
    client.force_login(other_learner)
    assert "You said it took" not in stage_html(client, resource)
    # Another learner's post writes only their own row (and not without their own done mark).
    assert client.post(reverse("progress:time_spent", args=[resource.pk]), {"preset": "3"}).status_code == 409
    assert list(TimeSpent.objects.values_list("user_id", "minutes")) == [(learner.pk, 720)]


@pytest.mark.parametrize("answers", [2, 30])
def test_the_stage_page_reads_the_same_queries_however_many_answers(learner_client, learner, answers):
    """As tests/progress/test_query_counts.py: the user, stage, resources, capstone, progress rows
    (the learner's answers come in the progress rows' query)."""
    factories.build_curriculum(stages=2, resources_per_stage=6)
    stage = Stage.objects.filter(resources__isnull=False).order_by("order").first()
    for n, r in enumerate(stage.resources.all()):
        services.set_status(learner, r, Status.DONE)
        if n % 2:
            services.answer_time_spent(learner, r, 1 + n)
        answered_by(answers, r, lambda k: 1 + k % 7)
    learner_client.get(stage.get_absolute_url())
    with assert_database_query_count(5):
        html = learner_client.get(stage.get_absolute_url()).content.decode()
    assert html.count("How long did it take you?") == 3
    assert html.count("You said it took") == 3


# --- The insight page ------------------------------------------------------------------------------


def test_the_insight_page_shows_the_answers_median_and_quartiles_against_the_estimate(client, staff, resource):
    rng = random.Random(31)
    hours = [rng.choice([2, 3, 4, 5, 6, 8, 10, 12]) for _ in range(11)]
    answered_by(len(hours), resource, lambda n: hours[n])
    answered_by(3, resource, None)  # skips are no answers
    use = next(r for s in page_insight.curriculum_insight(use_cache=False).figures.stages for r in s.resources)
    q1, _, q3 = statistics.quantiles(hours, n=4, method="inclusive")
    assert use.time_spent.answers == 11
    assert use.time_spent.median == statistics.median(hours)
    assert (use.time_spent.lower_quartile, use.time_spent.upper_quartile) == (round(q1, 2), round(q3, 2))
    assert use.time_spent.estimate == 6
    client.force_login(staff)
    html = client.get(reverse("curriculum_insight")).content.decode()
    assert "Time spent: answers, median (quartiles) vs estimate" in html
    median = f"{statistics.median(hours):g}"
    assert f"11: {median} h (" in html
    assert "vs 6 h" in html


def test_the_content_team_is_prompted_once_enough_learners_answered(client, staff, resource, settings):
    settings.TIME_SPENT_MIN_ANSWERS = 20
    answered_by(19, resource, 12)
    client.force_login(staff)
    assert "learners answered, median" not in client.get(reverse("curriculum_insight")).content.decode()
    answered_by(1, resource, 12)
    page_insight.curriculum_insight(use_cache=False)
    html = client.get(reverse("curriculum_insight")).content.decode()
    assert "20 learners answered, median 12 h vs estimate 6 h. Update the estimate?" in html
    assert f'href="{reverse("admin:stages_resource_change", args=[resource.pk])}"' in html


def test_the_insight_page_shows_only_aggregates(client, staff, resource):
    learners = [factories.UserFactory(name=f"Visible Name {n}") for n in range(3)]
    for n, someone in enumerate(learners):
        services.set_status(someone, resource, Status.DONE)
        services.answer_time_spent(someone, resource, 3 + n)
    client.force_login(staff)
    html = client.get(reverse("curriculum_insight")).content.decode()
    for someone in learners:
        assert someone.email not in html
        assert someone.name not in html
    assert "3: 4 h (3.5\N{EN DASH}4.5 h)" in html


@pytest.mark.parametrize("learners", [2, 25])
def test_the_insight_page_reads_the_same_queries_however_many_answers(client, staff, resource, learners):
    answered_by(learners, resource, lambda n: 1 + n % 9)
    page_insight.curriculum_insight(use_cache=False)
    # As tests/pages/test_insight_page.py: 14 however many learners and answers.
    with assert_database_query_count(14):
        page_insight.curriculum_insight(use_cache=False)


# --- The plan counts the median --------------------------------------------------------------------


@pytest.fixture
def planned(learner, resource, time_machine, settings):
    settings.TIME_SPENT_MIN_ANSWERS = 3
    time_machine.move_to(NOW, tick=False)
    services.set_pace_plan(learner, today=NOW.date(), hours_per_week=7)
    return learner


def test_with_enough_answers_the_pace_page_counts_the_median_and_says_so(learner_client, planned, resource):
    answered_by(2, resource, 2)
    html = learner_client.get(reverse("progress:pace")).content.decode()
    assert "pace-reported" not in html
    assert learner_client.get(reverse("progress:pace")).context["pace_page"].projection.hours_left == 6
    answered_by(1, resource, 2)
    response = learner_client.get(reverse("progress:pace"))
    projection = response.context["pace_page"].projection
    assert projection.hours_left == 2
    assert projection.finish == NOW.date() + timedelta(days=1)
    html = response.content.decode()
    assert "Your projection counts what learners said this resource really took, not the estimate" in html
    assert "A six-hour course: 2 h, the median of 3 learners, instead of the estimated 6 h" in html


def test_the_cached_dashboard_follows_a_median_that_moves(learner_client, planned, resource):
    answered_by(3, resource, 2)
    first = learner_client.get(reverse("dashboard")).context["dashboard"].pace
    assert first.hours_left == 2
    with assert_database_query_count(1):  # warm: the user only, the medians come in the same cache round trip
        learner_client.get(reverse("dashboard"))
    answered_by(4, resource, 12)  # another four learners: the median of 2, 2, 2, 12, 12, 12, 12 is 12
    assert learner_client.get(reverse("dashboard")).context["dashboard"].pace.hours_left == 12


def test_the_pace_page_reads_the_same_queries_with_answers(learner_client, planned, resource):
    answered_by(5, resource, 2)
    learner_client.get(reverse("progress:pace"))  # warm-up: session, outline, the medians
    with assert_database_query_count(6):  # as tests/pages/test_pace_page.py
        assert learner_client.get(reverse("progress:pace")).status_code == 200
