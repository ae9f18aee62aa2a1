"""Finishing: stages complete (capstone stages once the capstone is approved), the prompt to the
next stage, the completion record, and the activity chart counting distinct resources a day.

Page-layer behaviour (progress combined with capstones), so at the top of tests/ like the pages."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from capstones.models import Submission
from dlcurriculum.pages.selectors import public_completion_record
from dlcurriculum.users.changes import note_change
from progress import selectors, services
from progress.models import CompletionRecord, Status
from stages.models import CapstoneBrief, Resource, Stage

pytestmark = pytest.mark.django_db


def finish_stage(learner, stage):
    for resource in stage.resources.filter(optional=False):
        services.set_status(learner, resource, Status.DONE)


def approve(learner, brief):
    submission = Submission.objects.create(
        learner=learner,
        brief=brief,
        title="My project",
        own_problem="Something of my own",
        status=Submission.Status.APPROVED,
        approved_at=timezone.now(),
    )
    note_change(learner.pk)  # as the mentor's approval (capstones' transition) moves the stamp
    return submission


def finish_everything(learner):
    for stage in Stage.objects.all():
        finish_stage(learner, stage)
    for brief in CapstoneBrief.objects.all():
        approve(learner, brief)


def test_finished_stage_is_marked_complete_on_its_page_with_a_prompt_to_the_next(curriculum, learner, learner_client):
    stage = Stage.objects.get(order=1)
    finish_stage(learner, stage)
    html = learner_client.get(stage.get_absolute_url()).content.decode()
    assert "Stage complete" in html
    assert f'href="{Stage.objects.get(order=2).get_absolute_url()}">Stage 2,' in html


def test_stage_with_a_resource_left_is_not_marked_complete(curriculum, learner, learner_client):
    stage = Stage.objects.get(order=1)
    finish_stage(learner, stage)
    services.set_status(learner, stage.resources.filter(optional=False).first(), Status.IN_PROGRESS)
    assert "Stage complete" not in learner_client.get(stage.get_absolute_url()).content.decode()


def test_capstone_stage_is_complete_only_once_the_capstone_is_approved(curriculum, learner, learner_client):
    brief = CapstoneBrief.objects.get(key="capstone-1")
    url = brief.stage.get_absolute_url()
    assert "Stage complete" not in learner_client.get(url).content.decode()
    approve(learner, brief)
    assert "Stage complete" in learner_client.get(url).content.decode()


def test_overview_marks_the_approved_capstone_stage_complete(curriculum, learner, learner_client):
    brief = CapstoneBrief.objects.get(key="capstone-1")
    approve(learner, brief)
    html = learner_client.get(reverse("stages:overview")).content.decode()
    card = html.split(f'id="stage-{brief.stage.slug}"')[1].split("</li>")[0]
    assert "Stage complete" in card


def test_dashboard_marks_each_complete_stage(curriculum, learner, learner_client):
    finish_stage(learner, Stage.objects.get(order=1))
    html = learner_client.get(reverse("dashboard")).content.decode()
    assert html.count("Stage complete") == 1


def test_dashboard_prompts_from_a_complete_stage_to_the_next(curriculum, learner, learner_client):
    finish_stage(learner, Stage.objects.get(order=1))
    html = learner_client.get(reverse("dashboard")).content.decode()
    assert f'href="{Stage.objects.get(order=2).get_absolute_url()}">Stage 2,' in html


def test_dashboard_offers_the_completion_record_only_when_everything_is_complete(curriculum, learner, learner_client):
    for stage in Stage.objects.all():
        finish_stage(learner, stage)
    assert "Curriculum complete" not in learner_client.get(reverse("dashboard")).content.decode()
    for brief in CapstoneBrief.objects.all():
        approve(learner, brief)
    assert "Curriculum complete" in learner_client.get(reverse("dashboard")).content.decode()


def test_learner_can_make_the_completion_record_public(curriculum, learner, learner_client):
    finish_everything(learner)
    learner_client.post(reverse("completion_record"), {"public": "1"})
    assert public_completion_record(learner) is not None


def test_completion_record_is_private_until_made_public(curriculum, learner, learner_client):
    finish_everything(learner)
    learner_client.post(reverse("completion_record"), {"public": "0"})
    assert CompletionRecord.objects.filter(user=learner).exists()
    assert public_completion_record(learner) is None


def test_no_completion_record_before_the_curriculum_is_complete(curriculum, learner, learner_client):
    finish_stage(learner, Stage.objects.get(order=1))
    response = learner_client.post(reverse("completion_record"), {"public": "1"}, follow=True)
    assert "once every stage is complete" in response.content.decode()
    assert not CompletionRecord.objects.exists()


def test_activity_chart_counts_a_resource_flipped_back_and_forth_once_a_day(curriculum, learner):
    first, second = Resource.objects.filter(optional=False).order_by("stage__order", "order")[:2]
    for status in (Status.DONE, Status.IN_PROGRESS, Status.DONE, Status.SKIPPED):
        services.set_status(learner, first, status)
    services.set_status(learner, second, Status.DONE)
    today = datetime.now(UTC).date()
    assert selectors.activity_by_day(learner, today, UTC)[today] == 2


def test_dashboard_says_how_many_hours_are_left_with_capstones_included(curriculum, learner_client):
    resources = sum(float(r.effort_hours) for r in Resource.objects.filter(optional=False))
    capstones = sum(float(b.effort_hours) for b in CapstoneBrief.objects.all())
    html = learner_client.get(reverse("dashboard")).content.decode()
    overall = html.split('id="overall-title"')[1].split("</section>")[0]
    assert f"about {round(resources + capstones)} hours left" in overall


def test_skipping_a_resource_takes_its_hours_out_and_says_so(curriculum, learner, learner_client):
    fastai = Resource.objects.get(key="fastai-practical-deep-learning")
    services.set_status(learner, fastai, Status.SKIPPED)
    html = learner_client.get(fastai.stage.get_absolute_url()).content.decode()
    assert f"({round(fastai.effort_hours)} h skipped, left out)" in html


def test_a_public_completion_record_is_shown_to_anyone_at_its_address(curriculum, learner, learner_client, client):
    learner.name = "Ada"
    learner.save()
    finish_everything(learner)
    learner_client.post(reverse("completion_record"), {"public": "1"})
    dashboard = learner_client.get(reverse("dashboard"))
    url = dashboard.context["dashboard"].completion_record_url
    assert url in dashboard.content.decode()
    page = client.get(url)
    assert page.status_code == 200
    assert "Ada finished every stage" in page.content.decode()


def test_a_private_completion_record_is_not_found_at_its_address(curriculum, learner, learner_client, client):
    finish_everything(learner)
    learner_client.post(reverse("completion_record"), {"public": "1"})
    url = learner_client.get(reverse("dashboard")).context["dashboard"].completion_record_url
    learner_client.post(reverse("completion_record"), {"public": "0"})
    assert client.get(url).status_code == 404


def test_the_public_completion_record_never_shows_the_e_mail_address(curriculum, learner, learner_client, client):
    finish_everything(learner)
    learner_client.post(reverse("completion_record"), {"public": "1"})
    url = learner_client.get(reverse("dashboard")).context["dashboard"].completion_record_url
    assert learner.email.split("@")[0] not in client.get(url).content.decode()


def _public_portfolio(learner, handle=None):
    from capstones import services as capstone_services

    learner.name = "Ada"
    learner.save()
    return capstone_services.update_portfolio(learner, is_public=True, headline="My work", handle=handle)


def test_the_portfolio_by_handle_shows_the_public_completion_record(curriculum, learner, learner_client, client):
    finish_everything(learner)
    learner_client.post(reverse("completion_record"), {"public": "1"})
    _public_portfolio(learner, handle="ada-learns")
    page = client.get(reverse("portfolio:home", kwargs={"handle": "ada-learns"}))
    assert page.status_code == 200
    assert "Ada finished every stage" in page.content.decode()


def test_the_first_portfolio_address_shows_the_public_completion_record(curriculum, learner, learner_client, client):
    finish_everything(learner)
    learner_client.post(reverse("completion_record"), {"public": "1"})
    portfolio = _public_portfolio(learner)
    page = client.get(reverse("capstones:portfolio", kwargs={"slug": portfolio.slug}))
    assert page.status_code == 200
    assert "Ada finished every stage" in page.content.decode()


def test_the_portfolio_leaves_out_a_private_completion_record(curriculum, learner, learner_client, client):
    finish_everything(learner)
    learner_client.post(reverse("completion_record"), {"public": "0"})
    _public_portfolio(learner, handle="ada-learns")
    page = client.get(reverse("portfolio:home", kwargs={"handle": "ada-learns"}))
    assert page.status_code == 200
    assert "finished every stage" not in page.content.decode()
