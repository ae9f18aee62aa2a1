"""E-mails that know the group, asserted from what was sent: the invitation, the line in a member's
reminder (only with their consent, counts only, never naming who hid their progress), and the weekly
digest (off by default, sent once a week, its own unsubscribe link)."""

import re

import pytest
from django.urls import reverse

from dlcurriculum.groups import services
from dlcurriculum.groups.models import Membership
from dlcurriculum.mail.models import SentEmail
from progress import services as progress_services
from progress.reminders.groups import run_group_digests
from progress.reminders.sending import run_reminder_pass
from tests import factories
from tests.progress.reminders.conftest import frozen_now, make_learner, small_curriculum  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def test_the_owner_invites_by_e_mail_with_the_join_link_and_a_limit(client, settings, mailoutbox):
    settings.GROUP_INVITES_PER_HOUR = 1
    owner = factories.UserFactory(name="Olga")
    group = services.create_group(owner, name="Friday club", description="Fridays at six")
    client.force_login(owner)
    url = reverse("groups:invite_email", kwargs={"pk": group.pk})
    assert client.post(url, {"email": "friend@example.com"}).status_code == 302
    (sent,) = mailoutbox
    assert sent.to == ["friend@example.com"]
    assert sent.subject == 'Olga invites you to the study group "Friday club"'
    assert settings.SITE_URL + reverse("groups:join", kwargs={"token": group.invite_token}) in sent.body
    assert "Fridays at six" in sent.body
    page = client.post(url, {"email": "second@example.com"})
    assert page.status_code == 429
    assert "sent 1 invitations in the last hour" in page.text
    assert len(mailoutbox) == 1


@pytest.fixture
def club(small_curriculum, make_learner, frozen_now):  # noqa: F811 - the fixtures above
    """A due, inactive recipient in a group where two sharing members and one hiding member finished
    stage 1 this week."""
    recipient = make_learner(name="Rita Recipient")
    group = services.create_group(recipient, name="Club", weekly_goal_hours=50)
    peers = []
    for name in ("Ada Sharer", "Ben Sharer", "Hidden Hanna"):
        peer = make_learner(name=name, reminder_frequency="off")
        services.join(peer, group.invite_token)
        for key in ("fastai", "talk", "crash-course"):
            progress_services.set_status(peer, small_curriculum.resources[key], "done")
        peers.append(peer)
    Membership.objects.filter(user=peers[2]).update(hide_progress=True)
    return {"recipient": recipient, "group": group, "peers": peers}


NEWS = "2 of your group “Club” finished A Practical Encounter this week."


def test_a_reminder_tells_the_groups_week_only_with_consent_and_names_nobody(club, mailoutbox):
    run_reminder_pass()
    (first,) = mailoutbox
    assert "Your study groups this week" not in first.body  # no consent: nothing about the group
    Membership.objects.filter(user=club["recipient"]).update(group_news_in_reminders=True)
    from progress.models import Reminder

    Reminder.objects.all().delete()
    mailoutbox.clear()
    run_reminder_pass()
    (reminder,) = mailoutbox
    assert NEWS in reminder.body
    html = reminder.alternatives[0][0]
    assert NEWS in html
    for name in ("Ada", "Ben", "Hanna"):
        assert name not in reminder.body
        assert name not in html


def test_the_weekly_digest_is_off_by_default_then_sent_once_a_week_with_its_own_unsubscribe(
    club, client, mailoutbox, time_machine
):
    assert run_group_digests() == 0
    assert mailoutbox == []
    Membership.objects.filter(user=club["recipient"]).update(weekly_digest=True)
    assert run_group_digests() == 1
    (digest,) = mailoutbox
    assert digest.to == [club["recipient"].email]
    assert digest.subject == "Your study group this week: Club"
    assert "60 hours of work done of the group's goal of 50" in digest.body  # Ada's and Ben's 30 each
    assert "2 of the group “Club” finished A Practical Encounter this week." in digest.body
    assert "Hanna" not in digest.body
    assert "Ada" not in digest.body
    # Run again (a retried task, a second beat): nothing is sent twice.
    run_group_digests()
    assert len(mailoutbox) == 1
    assert SentEmail.objects.filter(template="group_digest").count() == 1
    # The unsubscribe link stops digests only.
    link = digest.extra_headers["List-Unsubscribe"].strip("<>")
    assert re.search(r"/mail/unsubscribe/", link)
    assert client.post(link.removeprefix("http://localhost:8000")).status_code == 200
    membership = Membership.objects.get(user=club["recipient"])
    assert membership.weekly_digest is False
    club["recipient"].refresh_from_db()
    assert club["recipient"].reminder_frequency == "inactivity"
    time_machine.shift(7 * 24 * 3600)
    assert run_group_digests() == 0
