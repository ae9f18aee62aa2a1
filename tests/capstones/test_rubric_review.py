"""Issue 30: a mentor's decision scores every criterion of the brief's rubric; the learner sees the scores,
each iteration keeps its own, and the public page shows them when the learner chose to."""

import re

import pytest
from django.urls import reverse

from capstones import selectors, services
from capstones.models import CriterionScore, Review, Submission
from tests import factories
from tests.queries import assert_database_query_count
from tests.rubrics import add_rubric, all_scored, form_scores


@pytest.fixture
def rubric(brief):
    return add_rubric(brief, criteria=2, levels=3)


@pytest.fixture
def mentor_client(client, mentor):
    client.force_login(mentor)
    return client


def checked(text, name, value) -> bool:
    return re.search(rf'name="{name}" value="{value}" id="[^"]+"[^>]* checked', text) is not None


def comment_url(submission, number=1):
    return reverse("capstones:comment", kwargs={"pk": submission.pk, "number": number})


def test_the_mentor_deciding_sees_every_criterion_with_its_levels_and_their_meaning(mentor_client, claimed, rubric):
    page = mentor_client.get(claimed.get_absolute_url()).text
    for criterion in rubric:
        assert f"<legend>{criterion.order}. {criterion.title}</legend>" in page
        for level in criterion.levels.all():
            assert level.label in page
            assert level.description in page
    # Each criterion starts "Not scored yet" (a radio can be unset without a script).
    assert all(checked(page, f"score_{c.pk}", "") for c in rubric)
    assert page.index("Criterion 2") < page.index('name="decision"')


def test_a_learner_and_a_mentor_not_deciding_get_no_scoring_form(client, learner, submission, rubric):
    client.force_login(learner)
    assert "rubric-criterion" not in client.get(submission.get_absolute_url()).text


def test_a_decision_without_every_criterion_scored_is_refused_and_keeps_everything(mentor_client, claimed, rubric):
    first = rubric[0].levels.order_by("order")[1]
    response = mentor_client.post(
        comment_url(claimed),
        {
            "body": "Good work, see the scores.",
            "decision": "approved",
            f"score_{rubric[0].pk}": first.pk,
            f"score_comment_{rubric[0].pk}": "Nicely argued.",
            f"score_{rubric[1].pk}": "",  # as a browser sends the "Not scored yet" it started with
        },
    )
    assert response.status_code == 400
    text = response.text
    assert "Score every criterion of the rubric before approving or requesting changes (1 of 2 not scored)" in text
    assert "Choose a level for this criterion." in text
    # Nothing typed is lost: the message, the chosen level, its comment and the decision are in the form again.
    assert "Good work, see the scores." in text
    assert "Nicely argued." in text
    assert checked(text, f"score_{rubric[0].pk}", first.pk)
    assert checked(text, f"score_{rubric[1].pk}", "")
    assert checked(text, "decision", "approved")
    claimed.refresh_from_db()
    assert claimed.status == Submission.Status.IN_REVIEW
    assert not Review.objects.exists()


def test_scores_without_a_decision_are_refused_rather_than_dropped(mentor_client, claimed, rubric):
    response = mentor_client.post(
        comment_url(claimed), {"body": "A question first.", "decision": "", **form_scores(claimed.brief)}
    )
    assert response.status_code == 400
    assert "Rubric scores are saved with a decision" in response.text
    assert "A question first." in response.text
    assert not claimed.iterations.get().comments.exists()


def test_a_level_of_another_criterion_is_not_a_score(mentor_client, claimed, rubric):
    other = rubric[1].levels.first()
    data = {"body": "x", "decision": "approved", **form_scores(claimed.brief)}
    data[f"score_{rubric[0].pk}"] = other.pk
    assert mentor_client.post(comment_url(claimed), data).status_code == 400
    assert not Review.objects.exists()


def test_approving_with_every_criterion_scored_saves_the_scores_with_the_review(mentor_client, claimed, rubric):
    data = {"body": "Well done.", "decision": "approved", **form_scores(claimed.brief, level=1)}
    data[f"score_comment_{rubric[1].pk}"] = "The *baseline* is missing."
    response = mentor_client.post(comment_url(claimed), data)
    assert response.status_code == 302
    review = Review.objects.get()
    assert review.decision == "approved"
    scores = list(CriterionScore.objects.filter(review=review).order_by("criterion__order"))
    assert [(s.criterion_id, s.level.label, s.comment) for s in scores] == [
        (rubric[0].pk, "Level 1.2", ""),
        (rubric[1].pk, "Level 2.2", "The *baseline* is missing."),
    ]


def test_the_decide_url_requires_the_scores_too(mentor_client, claimed, rubric):
    url = reverse("capstones:decide", kwargs={"pk": claimed.pk})
    response = mentor_client.post(url, {"decision": "changes_requested", "body": "Please add a baseline."})
    assert response.status_code == 400
    assert "Score every criterion" in response.text
    assert "Please add a baseline." in response.text
    data = {"decision": "changes_requested", "body": "Please add a baseline.", **form_scores(claimed.brief, level=0)}
    assert mentor_client.post(url, data).status_code == 302
    assert Review.objects.get().scores.count() == 2


def test_the_service_refuses_a_decision_missing_a_score_and_changes_nothing(claimed, mentor, rubric):
    partial = all_scored(claimed.brief)
    partial.pop(rubric[1].pk)
    with pytest.raises(services.RubricIncompleteError, match="not scored: Criterion 2"):
        services.decide(claimed, mentor=mentor, decision="approved", feedback="", scores=partial)
    claimed.refresh_from_db()
    assert claimed.status == Submission.Status.IN_REVIEW
    assert not Review.objects.exists()


def test_a_brief_without_a_rubric_is_decided_as_before(claimed, mentor):
    decided = services.decide(claimed, mentor=mentor, decision="approved", feedback="")
    assert decided.status == Submission.Status.APPROVED
    assert not CriterionScore.objects.exists()


def test_the_learner_sees_the_scores_and_each_iteration_keeps_its_own(
    client, learner, mentor, claimed, rubric, make_submission
):
    services.decide(
        claimed,
        mentor=mentor,
        decision="changes_requested",
        feedback="Explain the loss.",
        scores=all_scored(claimed.brief, level=0, comment="Say *why* cross-entropy."),
    )
    make_submission(learner, claimed.brief)  # iteration 2 goes back to the same mentor
    services.decide(
        Submission.objects.get(pk=claimed.pk),
        mentor=mentor,
        decision="approved",
        feedback="Much better.",
        scores=all_scored(claimed.brief),
    )
    client.force_login(learner)
    first = client.get(reverse("capstones:iteration", kwargs={"pk": claimed.pk, "number": 1})).text
    latest = client.get(claimed.get_absolute_url()).text
    assert "The mentor’s scores for iteration 1" in first
    assert "Level 1.1 <small>(1 of 3)</small>" in first
    assert "Say <em>why</em> cross-entropy." in first
    assert "later iterations have their own" in first
    assert "The mentor’s scores for iteration 2" in latest
    assert "Level 2.3 <small>(3 of 3)</small>" in latest
    assert "Level 1.1" not in latest


def test_a_score_comment_is_sanitised_like_any_message(client, learner, mentor, claimed, rubric):
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    services.decide(
        claimed, mentor=mentor, decision="approved", feedback="", scores=all_scored(claimed.brief, comment=hostile)
    )
    client.force_login(learner)
    page = client.get(claimed.get_absolute_url()).text
    assert "<script>alert(1)" not in page
    assert not re.search(r"<img[^>]*onerror", page)


def _rubric_of_size(brief, criteria, levels):
    brief.criteria.all().delete()
    add_rubric(brief, criteria=criteria, levels=levels)


@pytest.mark.parametrize("viewer", ["learner", "mentor"])
def test_the_submission_page_costs_the_same_queries_whatever_the_rubrics_size(
    client, learner, mentor, brief, make_submission, viewer
):
    """The learner reads a scored review; the mentor reads it and scores the next iteration."""
    counts = []
    for criteria, levels in ((1, 2), (8, 6)):
        Review.objects.all().delete()
        Submission.objects.all().delete()
        _rubric_of_size(brief, criteria, levels)
        submission = services.claim(make_submission(learner, brief), mentor=mentor)
        services.decide(submission, mentor=mentor, decision="changes_requested", feedback="f", scores=all_scored(brief))
        make_submission(learner, brief)  # back with the same mentor, to decide again
        url = reverse("capstones:iteration", kwargs={"pk": submission.pk, "number": 1})
        client.force_login(learner if viewer == "learner" else mentor)
        client.get(url)  # warm-up
        client.get(submission.get_absolute_url())
        pages = []
        for page_url in (url, submission.get_absolute_url()):
            with assert_database_query_count(QUERIES[viewer][page_url == url]) as queries:
                response = client.get(page_url)
            pages.append(len(queries))
            assert response.status_code == 200
        counts.append(pages)
        if viewer == "mentor":
            assert response.text.count('<fieldset class="rubric-criterion') == criteria
    assert counts[0] == counts[1]


# (latest iteration, the first, scored) per viewer: user, submission, iterations, comments, marked read, and
# the stored diff (iteration 2) or the scores (iteration 1: iteration 2 is not reviewed yet). The rubric of
# the mentor's form comes from the shared cache (selectors.RUBRICS).
QUERIES = {
    "learner": {False: 6, True: 6},
    "mentor": {False: 6, True: 6},
}


def test_the_rubric_cache_follows_an_admin_edit(brief, rubric):
    from capstones.selectors import rubric_for

    assert [c.title for c in rubric_for(brief.pk)] == ["Criterion 1", "Criterion 2"]
    rubric[1].title = "Renamed"
    rubric[1].save()
    assert [c.title for c in rubric_for(brief.pk)] == ["Criterion 1", "Renamed"]
    rubric[0].levels.first().delete()
    assert len(rubric_for(brief.pk)[0].levels) == 2


def test_the_public_page_shows_the_scores_only_when_the_learner_chose_to(client, learner, mentor, claimed, rubric):
    approved = services.decide(
        claimed, mentor=mentor, decision="approved", feedback="", scores=all_scored(claimed.brief)
    )
    services.set_submission_public(approved, learner=learner, public=True)
    services.update_portfolio(learner, is_public=True, headline="", handle="ada-l")
    url = reverse("portfolio:capstone", kwargs={"handle": "ada-l", "key": claimed.brief.key})
    assert "How the mentor scored it" not in client.get(url).text
    services.update_portfolio(learner, is_public=True, headline="", handle="ada-l", show_scores=True)
    page = client.get(url).text
    assert "How the mentor scored it" in page
    assert "Level 2.3" in page


def test_the_learner_chooses_in_the_portfolio_settings(client, learner):
    client.force_login(learner)
    page = client.get(reverse("capstones:portfolio_settings")).text
    assert "Show the mentor’s rubric scores on the page of each public capstone" in page
    client.post(reverse("capstones:portfolio_settings"), {"is_public": "on", "headline": "", "show_scores": "on"})
    assert learner.portfolio.show_scores is True


def test_the_submit_page_shows_what_will_be_scored(client, learner, brief, rubric):
    client.force_login(learner)
    page = client.get(reverse("capstones:submit", kwargs={"key": brief.key})).text
    assert "What the mentor will score" in page
    assert "Work at level 2.3." in page


def test_the_account_export_has_the_scores_received_and_given(learner, mentor, claimed, rubric):
    from capstones.account_data import export_rows

    services.decide(
        claimed, mentor=mentor, decision="approved", feedback="", scores=all_scored(claimed.brief, comment="ok")
    )
    received = export_rows(learner)["reviews_received"][0]["scores"]
    given = export_rows(mentor)["reviews_given"][0]["scores"]
    assert (
        received
        == given
        == [
            {"criterion": "Criterion 1", "level": "Level 1.3", "comment": "ok"},
            {"criterion": "Criterion 2", "level": "Level 2.3", "comment": "ok"},
        ]
    )


def test_a_criterion_without_levels_is_not_asked_for(claimed, mentor, rubric):
    from stages.models import RubricCriterion

    RubricCriterion.objects.create(brief=claimed.brief, order=9, key="draft", title="Not finished by the admin")
    assert [c.key for c in selectors.rubric_for(claimed.brief_id)] == ["criterion-1", "criterion-2"]
    services.decide(claimed, mentor=mentor, decision="approved", feedback="", scores=all_scored(claimed.brief))


def test_a_peer_is_nobody_here_yet_a_learner_cannot_score(client, claimed, rubric):
    """Only the mentor who has it in review decides (and so scores); another learner's post is refused."""
    other = factories.UserFactory()
    client.force_login(other)
    data = {"body": "x", "decision": "approved", **form_scores(claimed.brief)}
    assert client.post(comment_url(claimed), data).status_code == 404
    assert not Review.objects.exists()
