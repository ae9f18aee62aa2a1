"""One set of figures (issue #28): the hours left are the same on the dashboard, the stage pages
and the pace page for a learner with history; work done before a plan is its baseline; capstones
show their hours until approved; finished stages say "complete".

Page-layer behaviour (progress's figures with capstones' approvals), so at the top of tests/."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from capstones.models import Submission
from progress import services
from progress.models import Status
from stages.models import CapstoneBrief, Stage

pytestmark = pytest.mark.django_db

HOURS = re.compile(r'data-testid="(?:pace-)?hours-left">([^<]+)</span>')


def approve(learner, brief, when):
    Submission.objects.create(
        learner=learner,
        brief=brief,
        title="My project",
        own_problem="Something of my own",
        status=Submission.Status.APPROVED,
        approved_at=when,
    )


@pytest.fixture
def history(curriculum, learner):
    """Stage 1 done, stage 2 half done (all marked shortly before the plan), Capstone I approved a
    month ago, the other capstones untouched; then a 10 h/week plan."""
    stages = list(Stage.objects.order_by("order"))
    for resource in stages[0].resources.filter(optional=False):
        services.set_status(learner, resource, Status.DONE)
    core = list(stages[1].resources.filter(optional=False))
    for resource in core[: len(core) // 2]:
        services.set_status(learner, resource, Status.DONE)
    first_capstone = CapstoneBrief.objects.order_by("stage__order").first()
    approve(learner, first_capstone, timezone.now() - timedelta(days=30))
    return {"stages": stages, "capstone": first_capstone}


def get(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def section(html, start, end="</li>"):
    return html.split(start, 1)[1].split(end, 1)[0]


def test_setting_a_plan_after_earlier_work_is_not_ahead(history, learner_client):
    response = learner_client.post(reverse("progress:pace"), {"mode": "hours", "hours_per_week": 10})
    assert response.status_code == 302
    card = section(get(learner_client, reverse("dashboard")), 'data-testid="pace"', "</section>")
    assert "On track with your 10 h/week plan" in card
    assert "ahead" not in card.replace("not counted as ahead", "")
    pace = get(learner_client, reverse("progress:pace"))
    assert "done since: 0 h" in pace
    assert re.search(r"done before the plan: [1-9]\d* h", pace)


def test_the_dashboard_the_stage_pages_and_the_pace_page_show_the_same_hours_left(history, learner_client):
    learner_client.post(reverse("progress:pace"), {"mode": "hours", "hours_per_week": 10})
    dashboard = get(learner_client, reverse("dashboard"))
    pace = get(learner_client, reverse("progress:pace"))

    overall = HOURS.findall(section(dashboard, 'id="overall-title"', "</section>"))
    on_pace_card = HOURS.findall(section(dashboard, 'data-testid="pace"', "</section>"))
    on_pace_page = HOURS.findall(section(pace, 'id="standing-title"', "<ol"))
    assert len(overall) == len(on_pace_card) == len(on_pace_page) == 1
    assert overall == on_pace_card == on_pace_page
    assert overall[0].startswith("about ")
    for page in (dashboard, pace):
        assert "core resources and capstone projects until approved" in page

    seen = {}
    for stage in history["stages"]:
        url = stage.get_absolute_url()
        on_dashboard = HOURS.findall(section(dashboard, f'<a href="{url}"><span class="stage-number">'))
        on_stage_page = HOURS.findall(section(get(learner_client, url), 'id="stage-completion"', "</div>\n</div>"))
        on_pace = HOURS.findall(section(pace, f'data-stage="{stage.slug}"'))
        assert on_dashboard == on_stage_page == on_pace, stage.slug
        seen[stage.slug] = on_pace[0]
    first, second = history["stages"][:2]
    assert seen[first.slug] == "complete"
    assert seen[second.slug].startswith("about ")
    assert not re.search(r"\babout 0 hours", dashboard + pace)


def test_an_untouched_capstone_shows_its_hours_on_the_pace_page_until_approved(history, learner, learner_client):
    learner_client.post(reverse("progress:pace"), {"mode": "hours", "hours_per_week": 10})
    brief = CapstoneBrief.objects.exclude(pk=history["capstone"].pk).order_by("stage__order").first()
    hours = round(float(brief.effort_hours))
    assert hours > 0
    assert not brief.stage.resources.exists()  # the seed's capstone stages are the capstone alone
    item = section(get(learner_client, reverse("progress:pace")), f'data-stage="{brief.stage.slug}"')
    assert "nothing left" not in item
    assert f"about {hours} hours left</span>, projected finish" in item

    approve(learner, brief, timezone.now())
    item = section(get(learner_client, reverse("progress:pace")), f'data-stage="{brief.stage.slug}"')
    assert 'data-testid="hours-left">complete</span></li>' in item + "</li>"
    # Approved since the plan started: its hours are done today, and the learner is ahead.
    card = section(get(learner_client, reverse("dashboard")), 'data-testid="pace"', "</section>")
    assert f"{hours} hours ahead of your 10 h/week plan" in card


def test_without_a_plan_the_pace_page_says_the_dashboards_hours_left(history, learner_client):
    overall = HOURS.findall(section(get(learner_client, reverse("dashboard")), 'id="overall-title"', "</section>"))
    on_pace_page = HOURS.findall(
        section(get(learner_client, reverse("progress:pace")), 'id="standing-title"', "</section>")
    )
    assert overall == on_pace_page
    assert overall[0].startswith("about ")
