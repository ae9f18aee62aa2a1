"""Notifications both ways: in the app at once, by e-mail in batches."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from capstones import services
from capstones.models import Notification
from tests import factories
from tests.queries import assert_database_query_count


@pytest.fixture
def quiet_later(settings):
    settings.CAPSTONE_NOTIFY_DELAY_SECONDS = 120
    settings.CAPSTONE_NOTIFY_MAX_WAIT_SECONDS = 900
    return lambda: timezone.now() + timedelta(seconds=121)


def test_a_learners_message_notifies_their_mentor(claimed, mentor, learner):
    services.add_comment(claimed.iterations.get(), author=learner, body="Question")
    assert Notification.objects.get().recipient == mentor


def test_a_mentors_message_notifies_the_learner(claimed, mentor, learner):
    services.add_comment(claimed.iterations.get(), author=mentor, body="Hint")
    assert Notification.objects.get().recipient == learner


def test_a_decision_shows_in_the_learners_inbox(claimed, mentor, learner):
    services.decide(claimed, mentor=mentor, decision="approved", feedback="")
    assert Notification.objects.get(recipient=learner).kind == Notification.Kind.DECISION


def test_a_burst_of_messages_is_one_email(claimed, mentor, learner, mailoutbox, quiet_later):
    for body in ("First thought", "Second thought", "Third thought"):
        services.add_comment(claimed.iterations.get(), author=mentor, body=body, cell=2)
    assert services.send_notifications(learner.pk, now=quiet_later()) == 3
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert "First thought" in body
    assert "Third thought" in body
    assert "on cell 2" in body


def test_the_email_shows_a_comment_beside_its_cell(claimed, mentor, learner, mailoutbox, quiet_later):
    services.add_comment(claimed.iterations.get(), author=mentor, body="Why both imports?", cell=2)
    services.send_notifications(learner.pk, now=quiet_later())
    body = mailoutbox[0].body
    # The cell's first lines, quoted, then the comment.
    assert body.index("  | import torch") < body.index("Why both imports?")
    html = mailoutbox[0].alternatives[0][0]
    assert html.index("import torch") < html.index("Why both imports?")


def test_the_decision_email_shows_feedback_beside_its_cell(claimed, mentor, learner, mailoutbox):
    services.decide(claimed, mentor=mentor, decision="changes_requested", feedback="Explain this import.", cell=2)
    services.notify_decision(claimed.iterations.get().review.pk)
    body = mailoutbox[-1].body
    assert body.index("  | import torch") < body.index("Explain this import.")


def test_nothing_is_emailed_while_the_burst_goes_on(claimed, mentor, learner, mailoutbox, quiet_later):
    services.add_comment(claimed.iterations.get(), author=mentor, body="Hint")
    assert services.send_notifications(learner.pk, now=timezone.now()) == 0
    assert mailoutbox == []


def test_a_long_burst_is_emailed_after_the_maximum_wait(claimed, mentor, learner, mailoutbox, settings):
    settings.CAPSTONE_NOTIFY_DELAY_SECONDS = 120
    settings.CAPSTONE_NOTIFY_MAX_WAIT_SECONDS = 60
    services.add_comment(claimed.iterations.get(), author=mentor, body="Hint")
    assert services.send_notifications(learner.pk, now=timezone.now() + timedelta(seconds=61)) == 1


def test_sending_twice_emails_once(claimed, mentor, learner, mailoutbox, quiet_later):
    services.add_comment(claimed.iterations.get(), author=mentor, body="Hint")
    services.send_notifications(learner.pk, now=quiet_later())
    services.send_notifications(learner.pk, now=quiet_later())
    assert len(mailoutbox) == 1


def test_the_email_has_one_click_unsubscribe(claimed, mentor, learner, mailoutbox, quiet_later):
    services.add_comment(claimed.iterations.get(), author=mentor, body="Hint")
    services.send_notifications(learner.pk, now=quiet_later())
    assert mailoutbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_review_emails_off_means_no_email_but_the_inbox_still_shows_it(
    claimed, mentor, learner, mailoutbox, quiet_later
):
    type(learner).objects.filter(pk=learner.pk).update(review_emails=False)
    services.add_comment(claimed.iterations.get(), author=mentor, body="Hint")
    services.send_notifications(learner.pk, now=quiet_later())
    assert mailoutbox == []
    assert Notification.objects.filter(recipient=learner, read_at__isnull=True).count() == 1


def test_the_emails_unsubscribe_link_stops_review_emails_only(
    claimed, mentor, learner, mailoutbox, quiet_later, client
):
    from dlcurriculum.mail.unsubscribe import MailTopic, read_link

    services.add_comment(claimed.iterations.get(), author=mentor, body="Hint")
    services.send_notifications(learner.pk, now=quiet_later())
    link = mailoutbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    assert read_link(link.rstrip("/").rpartition("/")[2]) == (learner.pk, MailTopic.REVIEWS)
    client.post(link.split("://", 1)[1].partition("/")[2].join(["/", ""]))
    learner.refresh_from_db()
    assert learner.review_emails is False
    assert learner.reminder_frequency != "off"


def test_reminders_off_keeps_review_emails(claimed, mentor, learner, mailoutbox, quiet_later):
    type(learner).objects.filter(pk=learner.pk).update(reminder_frequency="off")
    services.add_comment(claimed.iterations.get(), author=mentor, body="Hint")
    services.send_notifications(learner.pk, now=quiet_later())
    assert [m.to for m in mailoutbox] == [[learner.email]]


def test_opening_the_submission_marks_its_notifications_read(claimed, mentor, learner, client):
    services.add_comment(claimed.iterations.get(), author=mentor, body="Hint")
    client.force_login(learner)
    client.get(claimed.get_absolute_url())
    assert not Notification.objects.filter(recipient=learner, read_at__isnull=True).exists()


def test_a_read_notification_is_not_emailed(claimed, mentor, learner, client, mailoutbox, quiet_later):
    services.add_comment(claimed.iterations.get(), author=mentor, body="Hint")
    client.force_login(learner)
    client.get(claimed.get_absolute_url())
    assert services.send_notifications(learner.pk, now=quiet_later()) == 0


def test_the_navigation_shows_the_unread_count(claimed, mentor, learner, client):
    services.add_comment(claimed.iterations.get(), author=mentor, body="Hint")
    services.add_comment(claimed.iterations.get(), author=mentor, body="Another")
    client.force_login(learner)
    assert 'aria-label="2 unread"' in client.get(reverse("dashboard")).text


def test_the_unread_count_costs_no_query_once_known(claimed, mentor, learner, client):
    services.add_comment(claimed.iterations.get(), author=mentor, body="Hint")
    client.force_login(learner)
    url = reverse("capstones:mine")
    client.get(url)  # warm-up: the count is now in the cache
    with assert_database_query_count(2) as queries:  # user, the learner's submissions
        client.get(url)
    assert not any("capstones_notification" in q["sql"] for q in queries)


def test_a_new_notification_shows_in_the_count_at_once(claimed, mentor, learner, client):
    client.force_login(learner)
    client.get(reverse("capstones:mine"))  # the count (0) is now in the cache
    services.add_comment(claimed.iterations.get(), author=mentor, body="Hint")
    assert 'aria-label="1 unread"' in client.get(reverse("capstones:mine")).text


def test_reading_a_submission_takes_its_notifications_off_the_count(claimed, mentor, learner, client):
    services.add_comment(claimed.iterations.get(), author=mentor, body="Hint")
    client.force_login(learner)
    assert 'aria-label="1 unread"' in client.get(reverse("capstones:mine")).text
    client.get(claimed.get_absolute_url())
    assert "unread" not in client.get(reverse("capstones:mine")).text


def test_the_waiting_page_lists_what_waits(claimed, mentor, learner, client):
    services.add_comment(claimed.iterations.get(), author=mentor, body="Have a look at the loss")
    client.force_login(learner)
    text = client.get(reverse("capstones:inbox")).text
    assert "Have a look at the loss" in text


def test_the_waiting_page_costs_the_same_with_many_notifications(claimed, mentor, learner, client, settings):
    settings.CAPSTONE_MESSAGES_PER_USER = settings.CAPSTONE_MESSAGES_PER_SUBMISSION = 100
    services.add_comment(claimed.iterations.get(), author=mentor, body="Hint")
    client.force_login(learner)
    url = reverse("capstones:inbox")
    client.get(url)  # warm-up
    # user, the unread notifications (with what they are about), the claims in review
    with assert_database_query_count(3):
        client.get(url)
    for n in range(20):
        services.add_comment(claimed.iterations.get(), author=mentor, body=f"Hint {n}")
    client.get(url)  # the count changed: read once more into the cache
    with assert_database_query_count(3):
        client.get(url)


def test_the_waiting_page_lists_a_mentors_claims(claimed, mentor, client):
    client.force_login(mentor)
    assert claimed.title in client.get(reverse("capstones:inbox")).text


def test_an_idle_claim_nudges_its_mentor_once(claimed, mentor, settings):
    settings.CAPSTONE_CLAIM_NUDGE_DAYS = 2
    later = timezone.now() + timedelta(days=2, hours=1)
    assert services.nudge_idle_claims(later) == 1
    assert services.nudge_idle_claims(later + timedelta(hours=1)) == 0
    assert Notification.objects.get(kind=Notification.Kind.IDLE_CLAIM).recipient == mentor


def test_a_fresh_claim_is_not_nudged(claimed, settings):
    settings.CAPSTONE_CLAIM_NUDGE_DAYS = 2
    assert services.nudge_idle_claims(timezone.now() + timedelta(days=1)) == 0


def test_weekly_queue_note_goes_to_mentors_at_their_hour(submission, mentor, mailoutbox):
    type(mentor).objects.filter(pk=mentor.pk).update(reminder_frequency="weekly", reminder_weekday=2, reminder_hour=9)
    wednesday_9 = datetime(2026, 11, 25, 9, 5, tzinfo=UTC)
    assert services.send_weekly_queue_notes(wednesday_9) == 1
    assert "1 capstone waits" in mailoutbox[0].body


def test_weekly_queue_note_follows_review_emails_off(submission, mentor, mailoutbox):
    type(mentor).objects.filter(pk=mentor.pk).update(review_emails=False, reminder_weekday=2, reminder_hour=9)
    wednesday_9 = datetime(2026, 11, 25, 9, 5, tzinfo=UTC)
    assert services.send_weekly_queue_notes(wednesday_9) == 0


def test_weekly_queue_note_comes_with_reminders_off(submission, mentor, mailoutbox):
    type(mentor).objects.filter(pk=mentor.pk).update(reminder_frequency="off", reminder_weekday=2, reminder_hour=9)
    wednesday_9 = datetime(2026, 11, 25, 9, 5, tzinfo=UTC)
    assert services.send_weekly_queue_notes(wednesday_9) == 1


def test_the_sweep_reenqueues_emails_left_behind(claimed, mentor, learner, settings):
    services.add_comment(claimed.iterations.get(), author=mentor, body="Hint")
    Notification.objects.update(created_at=timezone.now() - timedelta(hours=1))
    assert services.sweep()["notifications"] == 1


def test_a_message_from_an_admin_to_the_learner_is_not_sent_to_the_admin(claimed, learner):
    admin = factories.AdminFactory()
    services.add_comment(claimed.iterations.get(), author=admin, body="Admin note")
    assert list(Notification.objects.values_list("recipient", flat=True)) == [learner.pk]
