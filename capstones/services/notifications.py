"""Both sides of a conversation hear of what happened: batched activity e-mails, the decision e-mail,
the unread count, and the mentors' nudges and weekly queue note."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from capstones.models import Notification, Review, Submission
from capstones.notebooks import diff as notebook_diff
from dlcurriculum.mail.services import send_templated
from dlcurriculum.tasks import enqueue_later_on_commit

from .common import capstone_tasks, read_notebook
from .digest import build_digest

logger = logging.getLogger(__name__)

Status = Submission.Status


def notify(recipient, submission: Submission, kind: str, *, actor=None, comment=None, now=None) -> Notification:
    """Record something waiting for ``recipient``; it is e-mailed with the rest of its burst."""
    now = now or timezone.now()
    notification = Notification.objects.create(
        recipient=recipient, submission=submission, actor=actor, kind=kind, comment=comment, created_at=now
    )
    forget_unread(recipient.pk)
    enqueue_later_on_commit(
        capstone_tasks().send_notifications, recipient.pk, countdown=settings.CAPSTONE_NOTIFY_DELAY_SECONDS
    )
    return notification


# What all mentors are told while nobody has the submission; settled for all once one claims it.
GROUP_KINDS = (Notification.Kind.READY, Notification.Kind.REVIEW_ASKED, Notification.Kind.RETURNED)


def notify_mentors(submission: Submission, kind: str, *, actor=None, exclude=(), now=None) -> int:
    """Tell every mentor (not the learner, nor ``exclude``) that ``submission`` waits for one of them.
    Earlier notices of the group on it that nobody read are settled first: one notice says where it is now."""
    from capstones.policy import mentors

    now = now or timezone.now()
    close_group_notices(submission, now=now)
    skip = {submission.learner_id, *(u.pk for u in exclude if u is not None)}
    recipients = [m for m in mentors().only("pk") if m.pk not in skip]
    for mentor in recipients:
        notify(mentor, submission, kind, actor=actor, now=now)
    return len(recipients)


def close_group_notices(submission: Submission, now=None) -> int:
    """A mentor claimed it (or the learner uploaded again): the others' pending "ready for review"
    notices are settled, in the app and in the e-mail batches still to go."""
    pending = Notification.objects.filter(submission=submission, kind__in=GROUP_KINDS, read_at__isnull=True)
    recipients = set(pending.values_list("recipient_id", flat=True))
    if not recipients:
        return 0
    closed = pending.update(read_at=now or timezone.now())
    for recipient_id in recipients:
        forget_unread(recipient_id)
    return closed


def mark_seen(user, notifications: list[Notification], now=None) -> int:
    """``user`` saw these listed on their Waiting page: they no longer count in the navigation,
    and stay listed until the submission is opened."""
    ids = [n.pk for n in notifications if n.seen_at is None]
    if not ids:
        return 0
    seen = Notification.objects.filter(pk__in=ids, recipient=user).update(seen_at=now or timezone.now())
    forget_unread(user.pk)
    return seen


def mark_read(user, submission: Submission, now=None) -> int:
    """Opening a submission settles what waited there for ``user``."""
    read = Notification.objects.filter(recipient=user, submission=submission, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )
    if read:
        forget_unread(user.pk)
    return read


def forget_unread(user_id: int) -> None:
    """Drop the cached unread count (selectors.unread_count): now, and again once the change
    commits, so a page read in between cannot keep the old count."""
    from django.core.cache import cache

    from capstones.selectors import unread_cache_key

    key = unread_cache_key(user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def forget_queue_count() -> None:
    """Drop the cached count of waiting submissions (selectors.queue_count), now and after commit."""
    from django.core.cache import cache

    from capstones.selectors import QUEUE_COUNT_CACHE_KEY

    cache.delete(QUEUE_COUNT_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(QUEUE_COUNT_CACHE_KEY))


def send_notifications(recipient_id: int, now: datetime | None = None) -> int:
    """E-mail ``recipient`` everything pending in one message, once the burst is over.

    Each notification enqueues this task for after the delay, so the run after the last
    one of a burst finds it quiet and sends; earlier runs find a newer one and leave the
    work to it. Idempotent: the pending rows are locked and marked in the same transaction.
    Returns how many notifications the e-mail carried.
    """
    now = now or timezone.now()
    quiet = now - timedelta(seconds=settings.CAPSTONE_NOTIFY_DELAY_SECONDS)
    overdue = now - timedelta(seconds=settings.CAPSTONE_NOTIFY_MAX_WAIT_SECONDS)
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update(of=("self",))
            .filter(recipient_id=recipient_id, emailed_at__isnull=True, read_at__isnull=True)
            .select_related("recipient", "actor", "submission__brief", "comment__iteration", "review")
            .order_by("created_at", "pk")
        )
        if not pending:
            return 0
        if pending[-1].created_at > quiet and pending[0].created_at > overdue:
            return 0
        recipient = pending[0].recipient
        ids = [n.pk for n in pending]
        if recipient.review_emails:
            _send_activity_email(recipient, pending, key=f"capstone-activity:{recipient_id}:{ids[-1]}")
        Notification.objects.filter(pk__in=ids).update(emailed_at=now)
    return len(pending)


def send_due_notifications(now: datetime | None = None) -> int:
    """Send every batch whose burst is over (or has waited the maximum): the periodic safety net
    under the per-notification countdown task, which local mode (tasks run at once, so the
    countdown is lost) and a broker outage at enqueue time both drop. Each batch goes through
    :func:`send_notifications`, so a batch the countdown task sent meanwhile is not sent again.
    Returns how many notifications went out."""
    from django.db.models import Max, Min, Q

    now = now or timezone.now()
    quiet = now - timedelta(seconds=settings.CAPSTONE_NOTIFY_DELAY_SECONDS)
    overdue = now - timedelta(seconds=settings.CAPSTONE_NOTIFY_MAX_WAIT_SECONDS)
    due = (
        Notification.objects.filter(emailed_at__isnull=True, read_at__isnull=True)
        .values("recipient_id")
        .annotate(last=Max("created_at"), first=Min("created_at"))
        .filter(Q(last__lte=quiet) | Q(first__lte=overdue))
        .values_list("recipient_id", flat=True)
    )
    return sum(send_notifications(recipient_id, now=now) for recipient_id in list(due))


def with_cell_excerpts(comments) -> None:
    """Give each comment on a cell ``cell_excerpt``: the first lines of that cell, so an e-mail
    shows the comment beside its cell. Reads each notebook once; only ever run in a worker job."""
    by_iteration: dict[int, list] = {}
    for comment in comments:
        comment.cell_excerpt = comment.cell_quote = ""
        if comment.cell:
            by_iteration.setdefault(comment.iteration_id, []).append(comment)
    for items in by_iteration.values():
        try:
            notebook = read_notebook(items[0].iteration)
        except Exception:  # an unreadable notebook costs the excerpt, never the e-mail
            logger.warning("No cell excerpts for iteration %s", items[0].iteration_id, exc_info=True)
            continue
        for comment in items:
            comment.cell_excerpt = notebook_diff.cell_excerpt(notebook, comment.cell)
            # The plain-text e-mail quotes the cell like a reply quotes a message.
            comment.cell_quote = "\n".join(f"  | {line}" for line in comment.cell_excerpt.splitlines())


def _send_activity_email(recipient, pending: list[Notification], *, key: str) -> None:
    from dlcurriculum.mail.unsubscribe import MailTopic, unsubscribe_headers, unsubscribe_url

    digest = build_digest(pending, site_url=settings.SITE_URL)  # capped: items and bytes
    with_cell_excerpts([n.comment for n in digest.shown if n.comment_id])
    unsubscribe = unsubscribe_url(recipient.pk, MailTopic.REVIEWS)
    send_templated(
        to=[recipient.email],
        template="capstone_activity",
        context={
            "recipient": recipient,
            "count": len(pending),
            "submissions": digest.submissions,
            "left_out": digest.left_out,
            "inbox_url": settings.SITE_URL + reverse("capstones:inbox"),
            "unsubscribe_url": unsubscribe,
        },
        headers=unsubscribe_headers(unsubscribe),
        reason="capstone activity",
        user=recipient,
        key=key,
    )


def nudge_idle_claims(now: datetime | None = None) -> int:
    """Nudge each mentor once about a claim untouched for ``CAPSTONE_CLAIM_NUDGE_DAYS``."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.CAPSTONE_CLAIM_NUDGE_DAYS)
    already = Notification.objects.filter(
        submission=OuterRef("pk"), kind=Notification.Kind.IDLE_CLAIM, created_at__gte=OuterRef("claimed_at")
    )
    idle = (
        Submission.objects.filter(status=Status.IN_REVIEW, claimed_at__lt=cutoff, mentor__isnull=False)
        .exclude(Exists(already))
        .select_related("mentor")
    )
    count = 0
    for submission in idle:
        notify(submission.mentor, submission, Notification.Kind.IDLE_CLAIM, now=now)
        count += 1
    return count


def send_weekly_queue_notes(now: datetime | None = None) -> int:
    """On each mentor's reminder weekday and hour, one e-mail saying what waits in the queue."""
    from zoneinfo import ZoneInfo

    from capstones.policy import mentors
    from dlcurriculum.mail.unsubscribe import MailTopic, unsubscribe_headers, unsubscribe_url

    now = now or timezone.now()
    waiting = Submission.objects.filter(status=Status.WAITING).count()
    if not waiting:
        return 0
    oldest = Submission.objects.filter(status=Status.WAITING).order_by("waiting_since").first()
    sent = 0
    for mentor in mentors().filter(review_emails=True):
        local = now.astimezone(ZoneInfo(mentor.timezone))
        if local.weekday() != mentor.reminder_weekday or local.hour != mentor.reminder_hour:
            continue
        unsubscribe = unsubscribe_url(mentor.pk, MailTopic.REVIEWS)
        send_templated(
            to=[mentor.email],
            template="capstone_queue_note",
            context={
                "mentor": mentor,
                "waiting": waiting,
                "oldest": oldest,
                "queue_url": settings.SITE_URL + reverse("capstones:queue"),
                "unsubscribe_url": unsubscribe,
            },
            headers=unsubscribe_headers(unsubscribe),
            reason="weekly review queue note",
            user=mentor,
            key=f"capstone-queue-note:{mentor.pk}:{local.date().isoformat()}",
        )
        sent += 1
    return sent


def notify_decision(review_id: int) -> bool:
    """Queue the e-mail telling the learner about a decision, once (the outbox sends and retries it)."""
    with transaction.atomic():
        review = (
            Review.objects.select_for_update(of=("self",))
            .select_related("iteration__submission__learner", "iteration__submission__brief", "mentor")
            .filter(pk=review_id, notified_at__isnull=True)
            .first()
        )
        if review is None:
            return False
        submission = review.iteration.submission
        feedback = list(
            review.iteration.comments.filter(author=review.mentor).select_related("iteration").order_by("created_at")
        )
        with_cell_excerpts(feedback)
        send_templated(
            to=[submission.learner.email],
            template="capstone_decision",
            context={
                "review": review,
                "submission": submission,
                "iteration": review.iteration,
                "learner": submission.learner,
                "mentor": review.mentor,
                "approved": review.decision == Review.Decision.APPROVED,
                "feedback": feedback,
                "url": settings.SITE_URL + review.iteration.get_absolute_url(),
            },
            reason=f"capstone decision (review {review.pk})",
            user=submission.learner,
            key=f"capstone-decision:{review.pk}",
        )
        Review.objects.filter(pk=review.pk).update(notified_at=timezone.now())
    return True
