"""Issue #35, finding 5: one claiming rule for the page and the service; an admin takes over an
active claim only explicitly, on a confirmation page; the mentor who had it is told, keeps reading
the conversation, and their unsent text stays a draft (the page offers it back)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from capstones import policy, services
from capstones.models import Notification, Submission
from tests import factories


@pytest.fixture
def staff(db):
    return factories.AdminFactory(name="Grace Admin")


@pytest.fixture
def other_mentor(db):
    return factories.MentorFactory(name="Nina Mentor")


def test_the_page_and_the_service_agree_an_admin_cannot_claim_an_active_claim(claimed, staff):
    assert not policy.may_claim(staff, claimed)
    with pytest.raises(services.TransitionError, match="already claimed"):
        services.claim(claimed, mentor=staff)
    assert Submission.objects.get(pk=claimed.pk).mentor_id == claimed.mentor_id


def test_posting_to_claim_as_an_admin_leaves_the_claim_alone(client, claimed, staff, mentor):
    client.force_login(staff)
    response = client.post(reverse("capstones:claim", kwargs={"pk": claimed.pk}), follow=True)
    assert "already claimed" in response.text
    assert Submission.objects.get(pk=claimed.pk).mentor == mentor
    assert not Notification.objects.filter(recipient=mentor).exists()


@pytest.mark.parametrize("role", ["mentor", "other_mentor", "staff", "learner"])
def test_one_rule_for_claiming_whoever_asks(request, claimed, role):
    """For every role and both states, the service does exactly what policy.may_claim says."""
    user = request.getfixturevalue(role)
    for stale in (False, True):
        if stale:
            Submission.objects.filter(pk=claimed.pk).update(claimed_at=timezone.now() - timedelta(days=30))
        current = Submission.objects.get(pk=claimed.pk)
        allowed = policy.may_claim(user, current)
        try:
            services.claim(current, mentor=user)
            did = True
        except (services.TransitionError, PermissionDenied):
            did = False
        assert did == allowed, (role, stale)


def test_an_admin_sees_a_confirmation_naming_who_has_it(client, claimed, staff, mentor):
    client.force_login(staff)
    page = client.get(reverse("capstones:submission", kwargs={"pk": claimed.pk})).text
    assert reverse("capstones:reassign", kwargs={"pk": claimed.pk}) in page
    assert "Claim for review" not in page
    confirm = client.get(reverse("capstones:reassign", kwargs={"pk": claimed.pk})).text
    assert "Reassign this review?" in confirm
    assert f"<strong>{mentor.display_name}</strong> has" in confirm
    assert "can still read the conversation" in confirm
    assert Submission.objects.get(pk=claimed.pk).mentor == mentor  # a GET changes nothing


def test_reassigning_tells_the_previous_mentor_who_keeps_reading(client, claimed, staff, mentor, other_mentor):
    client.force_login(staff)
    response = client.post(reverse("capstones:reassign", kwargs={"pk": claimed.pk}), {"mentor": other_mentor.pk})
    assert response.status_code == 302
    after = Submission.objects.get(pk=claimed.pk)
    assert (after.mentor, after.status) == (other_mentor, Submission.Status.IN_REVIEW)
    note = Notification.objects.get(recipient=mentor)
    assert (note.kind, note.actor) == (Notification.Kind.REASSIGNED, staff)

    client.force_login(mentor)
    page = client.get(reverse("capstones:submission", kwargs={"pk": claimed.pk}))
    assert page.status_code == 200
    assert "An admin gave this review to Nina Mentor" in page.text
    iteration = claimed.iterations.get()
    # The message form's draft key: drafts.js offers the unsent text back here.
    assert f'data-draft="comment:{iteration.pk}"' in page.text
    assert 'action="' + reverse("capstones:comment", kwargs={"pk": claimed.pk, "number": 1}) not in page.text


def test_a_decision_sent_after_the_reassignment_is_shown_back_not_lost(client, claimed, staff, mentor, other_mentor):
    services.reassign(claimed, admin=staff, mentor=other_mentor)
    client.force_login(mentor)
    url = reverse("capstones:comment", kwargs={"pk": claimed.pk, "number": 1})
    response = client.post(url, {"body": "My careful feedback", "decision": "approved", "cell": ""})
    assert response.status_code == 403
    assert "My careful feedback</textarea>" in response.text
    assert Submission.objects.get(pk=claimed.pk).status == Submission.Status.IN_REVIEW


def test_the_previous_mentor_is_emailed(claimed, staff, mentor, other_mentor, mailoutbox):
    services.reassign(claimed, admin=staff, mentor=other_mentor)
    services.send_notifications(mentor.pk, now=timezone.now() + timedelta(hours=1))
    assert "Grace Admin gave this review to another mentor" in mailoutbox[-1].body


def test_an_admin_may_take_the_review_themselves(claimed, staff, mentor):
    assert services.reassign(claimed, admin=staff, mentor=staff).mentor == staff


def test_only_admins_reassign(client, claimed, other_mentor):
    client.force_login(other_mentor)
    url = reverse("capstones:reassign", kwargs={"pk": claimed.pk})
    assert client.post(url, {"mentor": other_mentor.pk}).status_code in (403, 404)
    with pytest.raises(PermissionDenied):
        services.reassign(claimed, admin=other_mentor, mentor=other_mentor)


def test_a_review_is_not_reassigned_to_the_learner(claimed, staff, learner):
    learner.is_staff = True  # even a learner who is also an admin
    with pytest.raises(PermissionDenied, match="other than the learner"):
        services.reassign(claimed, admin=staff, mentor=learner)


def test_the_admin_form_does_not_move_an_active_claim(admin_client_for, claimed, other_mentor, mentor):
    response = admin_client_for.post(
        reverse("admin:capstones_submission_change", args=[claimed.pk]),
        {
            "title": claimed.title,
            "idea": claimed.idea_id,
            "own_problem": "",
            "mentor": other_mentor.pk,
            "iterations-TOTAL_FORMS": "1",
            "iterations-INITIAL_FORMS": "1",
            "iterations-MIN_NUM_FORMS": "0",
            "iterations-MAX_NUM_FORMS": "1000",
            "iterations-0-id": claimed.iterations.get().pk,
            "iterations-0-submission": claimed.pk,
        },
        follow=True,
    )
    assert "another mentor has it in review" in response.text
    assert reverse("capstones:reassign", kwargs={"pk": claimed.pk}) in response.text
    assert Submission.objects.get(pk=claimed.pk).mentor == mentor


@pytest.fixture
def admin_client_for(client, staff):
    client.force_login(staff)
    return client
