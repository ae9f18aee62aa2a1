"""Housekeeping (dlcurriculum/retention.py): a year of history is pruned to what the settings keep,
in bounded batches, and the pages that read those tables cost the same queries afterwards."""

import time
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from capstones.models import Notification
from dlcurriculum import retention
from dlcurriculum.mail.models import SentEmail
from progress.models import Reminder
from stages.models import LinkCheck
from tests.factories import ResourceFactory, SubmissionFactory, UserFactory

pytestmark = pytest.mark.django_db

DAYS = 365


def _a_year_of_history(now):
    """Daily link checks of two resources, a weekly reminder and e-mail, and notifications read and unread."""
    resources = [ResourceFactory(), ResourceFactory()]
    learner = UserFactory()
    submission = SubmissionFactory(learner=learner)
    checks, mails, reminders, notifications = [], [], [], []
    for day in range(DAYS):
        at = now - timedelta(days=day, hours=12)  # half a day off the cut-offs
        checks += [LinkCheck(resource=r, url=r.url, checked_at=at, status="ok") for r in resources]
        if day % 7 == 0:
            iso = at.isocalendar()
            reminders.append(
                Reminder(user=learner, period=f"weekly:{iso.year}-W{iso.week:02d}", status="sent", created_at=at)
            )
            mails.append(SentEmail(to=learner.email, template="reminder", status="sent", created_at=at, key=f"m{day}"))
            notifications.append(
                Notification(
                    recipient=learner, submission=submission, kind="message", created_at=at, read_at=at, emailed_at=at
                )
            )
    LinkCheck.objects.bulk_create(checks)
    SentEmail.objects.bulk_create(mails)
    Reminder.objects.bulk_create(reminders)
    Notification.objects.bulk_create(notifications)
    # Unread and not yet e-mailed ones wait for their reader whatever their age.
    Notification.objects.create(
        recipient=learner, submission=submission, kind="message", created_at=now - timedelta(days=300)
    )
    return learner, submission


def test_a_year_of_history_is_pruned_to_what_the_settings_keep(settings):
    settings.LINKCHECK_HISTORY_DAYS = 30
    settings.SENT_EMAIL_RETENTION_DAYS = 90
    settings.REMINDER_RETENTION_DAYS = 60
    settings.NOTIFICATION_RETENTION_DAYS = 45
    settings.HOUSEKEEPING_BATCH_SIZE = 50
    now = timezone.now()
    _a_year_of_history(now)
    expired = SessionStore()
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(expire_date=now - timedelta(days=1))
    live = SessionStore()
    live.create()

    deleted = retention.prune_expired.apply().get()

    assert deleted["link check history"] == 2 * (DAYS - 30)
    assert LinkCheck.objects.count() == 2 * 30
    assert not LinkCheck.objects.filter(checked_at__lt=now - timedelta(days=30)).exists()
    assert not SentEmail.objects.filter(created_at__lt=now - timedelta(days=90)).exists()
    assert SentEmail.objects.count() == len(range(0, 90, 7))
    assert Reminder.objects.count() == len(range(0, 60, 7))
    assert Notification.objects.filter(read_at__isnull=False).count() == len(range(0, 45, 7))
    assert Notification.objects.filter(read_at__isnull=True).count() == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert deleted["expired sessions"] == 1
    # A second run finds nothing: safe to run twice.
    assert set(retention.prune_expired.apply().get().values()) == {0}


def test_batches_are_bounded_and_the_time_limit_leaves_the_rest_for_the_next_run(settings):
    settings.LINKCHECK_HISTORY_DAYS = 1
    resource = ResourceFactory()
    now = timezone.now()
    LinkCheck.objects.bulk_create(
        LinkCheck(resource=resource, url=resource.url, checked_at=now - timedelta(days=10 + d), status="ok")
        for d in range(25)
    )
    rule = next(r for r in retention.rules() if r.name == "link check history")

    stopped = retention.prune(rule, now=now, batch_size=10, deadline=time.monotonic())
    assert (stopped.deleted, stopped.complete) == (0, False)
    done = retention.prune(rule, now=now, batch_size=10, deadline=time.monotonic() + 60)
    assert (done.deleted, done.batches, done.complete) == (25, 3, True)


def test_a_learner_away_for_years_keeps_their_last_inactivity_reminder(settings):
    """The capped n-th inactivity key repeats while the learner stays away; pruning it would send it again."""
    settings.REMINDER_RETENTION_DAYS = 30
    learner = UserFactory()
    long_ago = timezone.now() - timedelta(days=700)
    for n in (1, 2, 3):
        Reminder.objects.create(
            user=learner, period=f"inactive:20250101T000000Z:{n}", status="sent", created_at=long_ago + timedelta(n)
        )
    retention.prune_expired.apply().get()
    assert list(Reminder.objects.values_list("period", flat=True)) == ["inactive:20250101T000000Z:3"]


def test_a_pending_reminder_or_queued_email_is_never_pruned(settings):
    settings.REMINDER_RETENTION_DAYS = settings.SENT_EMAIL_RETENTION_DAYS = 1
    learner = UserFactory()
    old = timezone.now() - timedelta(days=500)
    Reminder.objects.create(user=learner, period="weekly:2025-W01", status="pending", created_at=old)
    SentEmail.objects.create(to=learner.email, template="reminder", status="queued", created_at=old)
    retention.prune_expired.apply().get()
    assert (Reminder.objects.count(), SentEmail.objects.count()) == (1, 1)


def test_the_pages_that_read_the_history_cost_the_same_queries_after_a_year(client, settings, staff):
    settings.NOTIFICATION_RETENTION_DAYS = 45
    now = timezone.now()
    learner, _ = _a_year_of_history(now)
    resource = LinkCheck.objects.first().resource
    pages = [
        (learner, reverse("capstones:inbox")),
        (staff, reverse("admin:stages_resource_change", args=[resource.pk])),
        (staff, reverse("admin:mail_sentemail_changelist")),
    ]

    def counts():
        result = []
        for user, url in pages:
            client.force_login(user)
            client.get(url)  # warm the per-session caches
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries.captured_queries))
        return result

    with_a_year = counts()
    retention.prune_expired.apply().get()
    assert counts() == with_a_year
