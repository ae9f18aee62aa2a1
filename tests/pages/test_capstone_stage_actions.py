"""A capstone stage's page follows the learner's capstone (issue 28): once it is approved it offers the
portfolio, not "Submit your notebook" again. Page-layer behaviour (progress with capstones)."""

import pytest

from capstones.models import Submission
from stages.models import CapstoneBrief
from tests.pages.test_finishing import approve

pytestmark = pytest.mark.django_db


def _actions(html: str) -> str:
    return html.split('<p class="capstone-actions">', 1)[1].split("</p>", 1)[0]


def test_before_approval_the_stage_page_offers_the_submission(curriculum, learner, learner_client):
    brief = CapstoneBrief.objects.get(key="capstone-1")
    actions = _actions(learner_client.get(brief.stage.get_absolute_url()).text)
    assert "Submit your notebook" in actions
    assert "Your portfolio" not in actions


def test_after_approval_the_stage_page_offers_the_portfolio_not_a_new_submission(curriculum, learner, learner_client):
    brief = CapstoneBrief.objects.get(key="capstone-1")
    submission = approve(learner, brief)
    actions = _actions(learner_client.get(brief.stage.get_absolute_url()).text)
    assert "Submit your notebook" not in actions
    assert 'href="/capstones/portfolio/">Your portfolio</a>' in actions
    assert f'href="{submission.get_absolute_url()}">Your approved submission</a>' in actions


def test_a_capstone_in_review_still_offers_the_submission(curriculum, learner, learner_client):
    brief = CapstoneBrief.objects.get(key="capstone-1")
    Submission.objects.create(
        learner=learner, brief=brief, title="My project", own_problem="Mine", status=Submission.Status.CHANGES_REQUESTED
    )
    assert "Submit your notebook" in _actions(learner_client.get(brief.stage.get_absolute_url()).text)


def test_another_learners_approval_changes_nothing_on_my_page(curriculum, learner_client, other_learner):
    brief = CapstoneBrief.objects.get(key="capstone-1")
    approve(other_learner, brief)
    assert "Submit your notebook" in _actions(learner_client.get(brief.stage.get_absolute_url()).text)
