"""One conversation per submission: the resubmission goes back to its mentor on a lease."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from capstones import policy, services
from capstones.models import Notification, Submission
from tests.capstones.notebook_builders import code, md, notebook

Status = Submission.Status


@pytest.fixture
def handed_back(claimed, mentor, learner, brief, make_submission):
    services.decide(claimed, mentor=mentor, decision="changes_requested", feedback="Explain the loss.")
    return make_submission(learner, brief, notebook(md(), code("import torch\nprint('v2')")))


def test_resubmission_is_claimed_for_the_mentor_who_asked_for_changes(handed_back, mentor):
    assert (handed_back.status, handed_back.mentor) == (Status.IN_REVIEW, mentor)


def test_handed_back_resubmission_has_a_lease_of_the_configured_days(
    claimed, mentor, learner, brief, make_submission, settings
):
    settings.CAPSTONE_RESUBMISSION_HOLD_DAYS = 5
    services.decide(claimed, mentor=mentor, decision="changes_requested", feedback="More prose.")
    again = make_submission(learner, brief)
    assert again.held_for_mentor_until - again.claimed_at == timedelta(days=5)


def test_the_mentor_is_notified_of_the_resubmission(handed_back, mentor):
    assert Notification.objects.filter(recipient=mentor, kind=Notification.Kind.RESUBMISSION).count() == 1


def test_lapsed_lease_returns_the_submission_to_the_queue(handed_back):
    released = services.release_idle_claims(handed_back.held_for_mentor_until + timedelta(minutes=1))
    handed_back.refresh_from_db()
    assert released == 1
    assert (handed_back.status, handed_back.mentor, handed_back.held_for_mentor_until) == (Status.WAITING, None, None)


def test_lapsed_lease_tells_the_mentor(handed_back, mentor):
    services.release_idle_claims(handed_back.held_for_mentor_until + timedelta(minutes=1))
    assert Notification.objects.filter(recipient=mentor, kind=Notification.Kind.LEASE_EXPIRED).exists()


def test_lease_still_running_is_left_alone(handed_back):
    assert services.release_idle_claims(handed_back.held_for_mentor_until - timedelta(minutes=1)) == 0


def test_a_message_from_the_mentor_turns_the_lease_into_an_ordinary_claim(handed_back, mentor):
    services.add_comment(handed_back.iterations.latest("number"), author=mentor, body="Looking now.")
    handed_back.refresh_from_db()
    assert handed_back.held_for_mentor_until is None
    assert not policy.claim_is_stale(handed_back)


def test_the_learner_can_write_after_approval(claimed, mentor, learner):
    approved = services.decide(claimed, mentor=mentor, decision="approved", feedback="")
    comment = services.add_comment(approved.iterations.get(), author=learner, body="Thank you!")
    assert comment.pk


def test_the_mentor_can_write_while_changes_are_requested(claimed, mentor):
    waiting = services.decide(claimed, mentor=mentor, decision="changes_requested", feedback="x")
    assert services.add_comment(waiting.iterations.get(), author=mentor, body="One more hint.").pk


def test_the_page_shows_the_conversation_of_every_iteration(handed_back, client, learner):
    client.force_login(learner)
    text = client.get(handed_back.get_absolute_url()).text
    assert "Explain the loss." in text
    assert "Iteration 1" in text
    assert "Iteration 2" in text


def test_the_mentor_sees_the_diff_of_the_resubmission(handed_back, mentor, client):
    client.force_login(mentor)
    text = client.get(handed_back.get_absolute_url()).text
    assert "What changed since iteration 1" in text
    assert "+ print('v2')" in text


def test_the_diff_is_made_by_the_rendering_job_not_the_request(handed_back, mentor, client, monkeypatch):
    from capstones.notebooks import diff as notebook_diff

    monkeypatch.setattr(notebook_diff, "diff_notebooks", lambda *a, **k: pytest.fail("diffed in the request"))
    client.force_login(mentor)
    assert "What changed since iteration 1" in client.get(handed_back.get_absolute_url()).text
    assert handed_back.iterations.get(number=2).rendering.diff_summary == "2 removed, 1 changed"


def test_script_in_a_changed_cell_is_shown_as_text_in_the_diff(
    claimed, mentor, learner, brief, make_submission, client
):
    services.decide(claimed, mentor=mentor, decision="changes_requested", feedback="x")
    hostile = "print('<script>alert(9)</script><img src=x onerror=alert(8)>')"
    again = make_submission(learner, brief, notebook(md(), code(hostile)))
    client.force_login(mentor)
    text = client.get(again.get_absolute_url()).text
    diff = text[text.index('<div class="notebook-diff">') : text.index("</section>", text.index("notebook-diff"))]
    assert "&lt;script&gt;alert(9)&lt;/script&gt;" in diff
    assert "<script" not in diff
    assert "<img" not in diff


def test_a_resubmission_breaking_the_rules_stays_with_the_learner_and_remembers_the_mentor(
    claimed, mentor, learner, brief, make_submission
):
    services.decide(claimed, mentor=mentor, decision="changes_requested", feedback="x")
    broken = make_submission(learner, brief, notebook(md(), code("import keras")))
    assert (broken.status, broken.mentor, broken.claimed_at) == (Status.RULES_BROKEN, mentor, None)


def test_asking_for_a_review_hands_the_resubmission_back_to_its_mentor(
    claimed, mentor, learner, brief, make_submission
):
    services.decide(claimed, mentor=mentor, decision="changes_requested", feedback="x")
    broken = make_submission(learner, brief, notebook(md(), code("import keras")))
    again = services.ask_for_review(broken, learner=learner, reason="keras is only for loading data")
    assert (again.status, again.mentor) == (Status.IN_REVIEW, mentor)
    assert again.held_for_mentor_until is not None


def test_a_first_submission_goes_to_the_queue_unclaimed(learner, brief, make_submission):
    first = make_submission(learner, brief)
    assert (first.status, first.mentor, first.held_for_mentor_until) == (Status.WAITING, None, None)


def test_one_form_sends_a_message_with_a_decision(handed_back, mentor, client):
    client.force_login(mentor)
    url = reverse("capstones:comment", kwargs={"pk": handed_back.pk, "number": 2})
    client.post(url, {"body": "All good now.", "cell": "2", "decision": "approved"})
    handed_back.refresh_from_db()
    assert handed_back.status == Status.APPROVED
    assert handed_back.iterations.get(number=2).comments.get().cell == 2


def test_one_form_without_a_decision_only_sends_the_message(handed_back, mentor, client):
    client.force_login(mentor)
    url = reverse("capstones:comment", kwargs={"pk": handed_back.pk, "number": 2})
    client.post(url, {"body": "Still reading.", "decision": ""})
    handed_back.refresh_from_db()
    assert handed_back.status == Status.IN_REVIEW


def test_the_learner_cannot_decide_through_the_one_form(handed_back, learner, client):
    client.force_login(learner)
    url = reverse("capstones:comment", kwargs={"pk": handed_back.pk, "number": 2})
    client.post(url, {"body": "I approve myself", "decision": "approved"})
    handed_back.refresh_from_db()
    assert handed_back.status == Status.IN_REVIEW


def test_an_invalid_message_keeps_what_was_typed(handed_back, mentor, client):
    client.force_login(mentor)
    url = reverse("capstones:comment", kwargs={"pk": handed_back.pk, "number": 2})
    response = client.post(url, {"body": "My long careful feedback", "cell": "99"})
    assert response.status_code == 400
    assert "My long careful feedback" in response.text
    assert "less than or equal to" in response.text


def test_a_cell_link_prefills_the_cell(handed_back, mentor, client):
    client.force_login(mentor)
    text = client.get(handed_back.get_absolute_url() + "?cell=2").text
    assert 'name="cell" value="2"' in text


def test_cell_comments_are_shown_beside_their_cell_in_the_rendered_notebook(handed_back, mentor, client):
    services.add_comment(handed_back.iterations.get(number=2), author=mentor, body="Why **this** print?", cell=2)
    client.force_login(mentor)
    response = client.get(reverse("capstones:notebook", kwargs={"pk": handed_back.pk, "number": 2}))
    html = response.text
    assert "sandbox" in response["Content-Security-Policy"]
    block = html.index('id="comments-cell-2"')
    # After cell 2's code, and nowhere near cell 1.
    assert html.index("v2") < block
    assert "<strong>this</strong>" in html[block:]


def test_script_in_a_cell_comment_never_reaches_the_notebook_document(handed_back, mentor, client):
    services.add_comment(handed_back.iterations.get(number=2), author=mentor, body="<script>alert(1)</script>", cell=1)
    client.force_login(mentor)
    html = client.get(reverse("capstones:notebook", kwargs={"pk": handed_back.pk, "number": 2})).text
    assert "<script>" not in html


def test_a_remote_image_in_a_cell_comment_is_a_link_in_the_notebook_document(handed_back, mentor, client):
    services.add_comment(
        handed_back.iterations.get(number=2), author=mentor, body="![x](https://t.example/a.png)", cell=1
    )
    client.force_login(mentor)
    html = client.get(reverse("capstones:notebook", kwargs={"pk": handed_back.pk, "number": 2})).text
    assert ">Image: x</a>" in html
    assert "<img" not in html.split('id="comments-cell-1"', 1)[1]


def test_claim_is_stale_after_the_lease_even_when_the_idle_period_is_longer(handed_back, settings):
    settings.CAPSTONE_CLAIM_IDLE_DAYS = 30
    assert policy.claim_is_stale(handed_back, handed_back.held_for_mentor_until + timedelta(seconds=1))
    assert not policy.claim_is_stale(handed_back, timezone.now())


def test_an_identical_resubmission_says_no_cell_changed(claimed, mentor, learner, brief, make_submission, client):
    services.decide(claimed, mentor=mentor, decision="changes_requested", feedback="x")
    again = make_submission(learner, brief)
    client.force_login(mentor)
    assert "No cell changed." in client.get(again.get_absolute_url()).text


def test_an_iteration_rendered_before_diffs_existed_says_so(handed_back, mentor, client):
    from capstones.models import Rendering

    Rendering.objects.filter(iteration__submission=handed_back).update(diff_summary="", diff_html="")
    client.force_login(mentor)
    assert "uploaded before comparisons were made" in client.get(handed_back.get_absolute_url()).text


def test_the_reports_differences_are_shown_in_words(learner, brief, make_submission, client):
    make_submission(learner, brief, notebook(md(), code("import keras\nmodel = keras.Sequential()")))
    fixed = make_submission(learner, brief)
    client.force_login(learner)
    text = client.get(fixed.get_absolute_url()).text
    assert "keras no longer used" in text
