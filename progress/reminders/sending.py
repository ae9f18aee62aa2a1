"""The reminder pass: who is due, claim once, send over one connection, record the outcome.

Exactly once, step by step, per batch of learners:

1. Insert a ``Reminder`` row per due learner and period; the unique constraint
   makes a second insert (another run, a retried task) a no-op.
2. Claim the batch's pending rows with one UPDATE that also pushes
   ``not_before`` out by a lease. Concurrent runs serialise on the row locks and
   the loser's WHERE no longer matches, so each row has one sender.
3. Send, then record every outcome in one transaction. A failed send is retried
   with backoff; a permanent failure is kept (visible in the admin). If the run
   dies between sending and recording, the lease expires and the row is sent
   again with the same Message-ID, so a learner is never skipped for good.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from dlcurriculum.mail.delivery import BatchSender, Delivery, Outcome
from dlcurriculum.mail.models import SentEmail
from dlcurriculum.mail.services import build_message
from dlcurriculum.mail.unsubscribe import unsubscribe_headers, unsubscribe_urls
from progress import pace
from progress.models import Reminder
from progress.selectors import project_pace
from stages.outline import outline

from . import selectors
from .digest import Curriculum, Digest, build_digest
from .groups import group_news
from .schedule import INACTIVITY, WEEKLY, due_period
from .services import preferences_url

TEMPLATE = "reminder"
WHY_CHARS = 300  # of the learner's own words, quoted back in each reminder
SUBJECT_TITLE_CHARS = 80


@dataclass(frozen=True)
class Planned:
    email: str
    period: str
    next_up: str
    new_resources: int


@dataclass
class PassResult:
    checked: int = 0
    due: int = 0
    finished: int = 0
    held: int = 0  # due, but paused or on track with their pace plan
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    batches: int = 0
    kinds: Counter = field(default_factory=Counter)
    sample: list[Planned] = field(default_factory=list)

    @classmethod
    def total(cls, parts: list[dict]) -> PassResult:
        """The results of a pass's ranges (``as_dict`` each) added up."""
        total = cls()
        for part in parts:
            for name in ("checked", "due", "finished", "held", "sent", "retrying", "failed", "batches"):
                setattr(total, name, getattr(total, name) + part.get(name, 0))  # "held" is newer
            total.kinds.update(part["kinds"])
        return total

    def as_dict(self) -> dict:
        return {
            "checked": self.checked,
            "due": self.due,
            "finished": self.finished,
            "held": self.held,
            "sent": self.sent,
            "retrying": self.retrying,
            "failed": self.failed,
            "batches": self.batches,
            "kinds": dict(self.kinds),
        }


def retry_delay(attempts: int) -> timedelta:
    seconds = settings.REMINDER_RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, settings.REMINDER_RETRY_MAX_SECONDS))


class _Renderer:
    """What every reminder of one run shares, computed once."""

    def __init__(self, curriculum: Curriculum):
        self.curriculum = curriculum
        self.outline = outline()  # the resources' effort, for pace plans
        self.stage_urls = {
            s.id: settings.SITE_URL + reverse("stages:detail", kwargs={"slug": s.slug}) for s in curriculum.stages
        }
        self.preferences_url = preferences_url()
        self.pace_url = settings.SITE_URL + reverse("progress:pace")
        self.domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
        self.unsubscribe_url = unsubscribe_urls()

    def message(
        self,
        candidate: selectors.Candidate,
        digest: Digest,
        reminder_id: int,
        projection: pace.Projection | None = None,
        group_news: list[str] | None = None,
    ) -> EmailMultiAlternatives:
        unsubscribe = self.unsubscribe_url(candidate.id)
        next_up = digest.next_up
        context = {
            "name": candidate.display_name,
            "why": shortened(candidate.why, WHY_CHARS),
            # Plain strings: cheaper to render 20,000 times than attribute lookups in the template.
            "lines": [f"{line.stage.order}. {line.stage.title}: {line.text}" for line in digest.lines],
            "next_up": next_up,
            "next_up_title": shortened(next_up.title, SUBJECT_TITLE_CHARS) if next_up else "",
            "next_stage": digest.next_stage,
            "next_url": f"{self.stage_urls[next_up.stage_id]}#resource-{next_up.id}" if next_up else "",
            "new_resources": [
                {"title": r.title, "stage": stage.title, "url": f"{self.stage_urls[stage.id]}#resource-{r.id}"}
                for stage, r in digest.new_resources
            ],
            "preferences_url": self.preferences_url,
            "unsubscribe_url": unsubscribe,
            # Where they stand against their own plan: "6 hours behind your 5 h/week plan; projected finish ...".
            "pace": projection.summary if projection else "",
            "pace_url": self.pace_url,
            # Their study groups' week, as counts, when they asked for it (progress/reminders/groups.py).
            "group_news": group_news or [],
        }
        headers = {
            **unsubscribe_headers(unsubscribe),
            # Stable per reminder: if a crash makes us send it again, mail systems can tell it is the same message.
            "Message-ID": f"<reminder-{reminder_id}@{self.domain}>",
            "Auto-Submitted": "auto-generated",
        }
        return build_message(to=[candidate.email], template=TEMPLATE, context=context, headers=headers)


def shortened(text: str, chars: int) -> str:
    """``text|truncatechars:chars``, worked out here: once per e-mail, and cheap for a short text."""
    text = unicodedata.normalize("NFC", text)  # as Truncator does, so a short text comes out the same
    return text if len(text) <= chars else Truncator(text).chars(chars)


def run_reminder_pass(
    *,
    now: datetime | None = None,
    batch_size: int | None = None,
    dry_run: bool = False,
    connection=None,
    on_batch: Callable[[PassResult], None] | None = None,
    sample_size: int = 5,
    after_id: int = 0,
    upto_id: int | None = None,
) -> PassResult:
    """One pass over every learner who may get reminders (or those with ids in (after_id, upto_id]), by batches."""
    now = now or timezone.now()
    batch_size = batch_size or settings.REMINDER_BATCH_SIZE
    result = PassResult()
    renderer = _Renderer(selectors.curriculum_snapshot())
    while True:
        candidates = selectors.reminder_candidates(after_id=after_id, limit=batch_size, now=now, upto_id=upto_id)
        if not candidates:
            break
        after_id = candidates[-1].id
        result.batches += 1
        result.checked += len(candidates)
        _run_batch(
            candidates,
            renderer,
            now=now,
            dry_run=dry_run,
            connection=connection,
            result=result,
            sample_size=sample_size,
        )
        if on_batch:
            on_batch(result)
    return result


def _run_batch(  # noqa: C901 - the steps of one batch in order; the dry run stops half-way
    candidates, renderer: _Renderer, *, now, dry_run, connection, result: PassResult, sample_size
) -> None:
    window = timedelta(hours=settings.REMINDER_SEND_WINDOW_HOURS)
    periods = {}
    for c in candidates:
        period = due_period(
            c.preferences,
            last_active=c.last_visit,
            now=now,
            window=window,
            max_inactivity_reminders=settings.REMINDER_INACTIVITY_MAX_REPEATS,
        )
        if period:
            periods[c.id] = period
    # The batch's pace plans and pauses (3 queries). Behind their plan while still active, a learner
    # on inactivity reminders hears nothing from the schedule: they may be due a weekly "behind" one.
    pace_data = selectors.pace_for([c.id for c in candidates], now.date())
    behind_slots = {
        c.id: slot for c in candidates if c.id not in periods and (slot := _behind_slot(c, pace_data, now, window))
    }
    targets = {c.id: c for c in candidates if c.id in periods or c.id in behind_slots or c.has_retry_due}
    if not targets:
        return
    statuses = selectors.statuses_for(list(targets))
    digests = {
        uid: build_digest(renderer.curriculum, statuses.get(uid, {}), c.last_visit) for uid, c in targets.items()
    }
    finished = {uid for uid, d in digests.items() if d.finished}
    result.finished += len(finished & periods.keys())
    projections, held = _pace(targets, statuses, renderer, pace_data, now=now)
    result.held += len((held - finished) & periods.keys())
    finished |= held  # nothing to send to them now: a due period is not recorded, a retry is cancelled
    periods = {uid: p for uid, p in periods.items() if uid not in finished}
    periods.update({uid: p for uid, p in behind_slots.items() if uid not in finished})  # behind: sent

    if dry_run:
        for uid, period in periods.items():
            result.due += 1
            result.kinds[period.partition(":")[0]] += 1
            if len(result.sample) < sample_size:
                d = digests[uid]
                result.sample.append(
                    Planned(targets[uid].email, period, d.next_up.title if d.next_up else "", len(d.new_resources))
                )
        return

    Reminder.objects.bulk_create(
        [Reminder(user_id=uid, period=p, not_before=now, created_at=now) for uid, p in periods.items()],
        ignore_conflicts=True,
    )
    claim = uuid.uuid4()
    Reminder.objects.filter(user_id__in=list(targets), status=Reminder.Status.PENDING, not_before__lte=now).update(
        claim=claim,
        # From the clock, not only the pass's start: a long pass must not hand out leases that already ran out.
        not_before=max(now, timezone.now()) + timedelta(seconds=settings.REMINDER_LEASE_SECONDS),
        attempts=F("attempts") + 1,
    )
    claimed = list(Reminder.objects.filter(claim=claim).order_by("user_id", "-created_at", "-pk"))

    to_send: list[Reminder] = []
    settled: list[Reminder] = []
    seen: set[int] = set()
    for row in claimed:
        if row.user_id in finished or row.user_id in seen:
            # Finished meanwhile, or an older retry superseded by a newer period: nothing to send.
            row.status, row.claim = Reminder.Status.CANCELLED, None
            settled.append(row)
            continue
        seen.add(row.user_id)
        to_send.append(row)
    result.due += len(to_send)
    for row in to_send:
        result.kinds[row.period.partition(":")[0]] += 1

    # Only when someone in the batch asked for their groups' week: otherwise no query at all.
    consenting = [row.user_id for row in to_send if targets[row.user_id].group_news]
    news = group_news(consenting, now) if consenting else {}
    deliveries: list[tuple[Reminder, EmailMultiAlternatives, Delivery]] = []
    try:
        with BatchSender(connection) as sender:
            for row in to_send:
                message = renderer.message(
                    targets[row.user_id],
                    digests[row.user_id],
                    row.pk,
                    projections.get(row.user_id),
                    news.get(row.user_id),
                )
                deliveries.append((row, message, sender.send(message)))
    finally:
        _record(deliveries, to_send, settled, now=now, result=result)


def _behind_slot(candidate: selectors.Candidate, data: selectors.PaceData, now, window) -> str | None:
    """The weekly "behind" period of a learner with a plan and inactivity reminders who is still
    active (an inactive one gets the inactivity reminder instead), at their weekly slot; whether
    they are behind is checked with the rest of the batch."""
    prefs = candidate.preferences
    if candidate.id not in data.plans or prefs.frequency != INACTIVITY:
        return None
    if now - candidate.last_visit >= timedelta(days=max(1, prefs.inactivity_days)):
        return None
    weekly = due_period(replace(prefs, frequency=WEEKLY), last_active=candidate.last_visit, now=now, window=window)
    return f"behind:{weekly.partition(':')[2]}" if weekly else None


def _pace(
    targets, statuses, renderer: _Renderer, data: selectors.PaceData, *, now
) -> tuple[dict[int, pace.Projection], set[int]]:
    """Each target's projection against their pace plan, and who is held back: a pause covers
    their today, or they are on track with their plan (reminders go only to those behind it)."""
    projections: dict[int, pace.Projection] = {}
    held: set[int] = set()
    for uid, candidate in targets.items():
        zone = candidate.preferences.timezone
        today = pace.learner_today(now, zone)
        pauses = data.pauses.get(uid, [])
        plan = data.plans.get(uid)
        if plan is not None:
            projection = project_pace(
                plan,
                pauses,
                curriculum=renderer.outline,
                statuses=statuses.get(uid, {}),
                done_at=data.done_at.get(uid, {}),
                zone=zone,
                today=today,
                approvals=data.approvals.get(uid, {}),
                medians=data.medians,
            )
            projections[uid] = projection
            if projection.paused or projection.on_track:
                held.add(uid)
        elif any(p.start <= today <= p.end for p in pauses):
            held.add(uid)
    return projections, held


def _record(deliveries, to_send: list[Reminder], settled: list[Reminder], *, now, result: PassResult) -> None:
    """Write every outcome of a batch in one transaction (at most three queries)."""
    now = max(now, timezone.now())  # the pass may have started a while ago
    records = []
    attempted = set()
    for row, message, delivery in deliveries:
        attempted.add(row.pk)
        row.claim = None
        if delivery.outcome is Outcome.SENT:
            row.status, row.sent_at, row.last_error = Reminder.Status.SENT, now, ""
            result.sent += 1
        elif delivery.outcome is Outcome.PERMANENT or row.attempts >= settings.REMINDER_MAX_ATTEMPTS:
            row.status, row.last_error = Reminder.Status.FAILED, delivery.error
            result.failed += 1
        else:
            row.not_before, row.last_error = now + retry_delay(row.attempts), delivery.error
            result.retrying += 1
            continue
        records.append(
            SentEmail(
                user_id=row.user_id,
                to=", ".join(message.to),
                template=TEMPLATE,
                reason=f"reminder {row.period}",
                subject=message.subject[:300],
                status=SentEmail.Status.SENT if row.status == Reminder.Status.SENT else SentEmail.Status.FAILED,
                attempts=row.attempts,
                last_error=row.last_error,
                created_at=now,
                sent_at=row.sent_at,
            )
        )
    for row in to_send:
        if row.pk not in attempted:
            # The batch stopped before this one (an error): free it for the next run at once.
            row.claim, row.not_before, row.attempts = None, now, row.attempts - 1
    sent = [row.pk for row in to_send if row.status == Reminder.Status.SENT]
    others = [row for row in to_send + settled if row.status != Reminder.Status.SENT]
    with transaction.atomic():
        # The usual case, all sent, is one plain UPDATE; bulk_update's CASE per row is kept for the rest.
        if sent:
            Reminder.objects.filter(pk__in=sent).update(
                status=Reminder.Status.SENT, sent_at=now, last_error="", claim=None
            )
        if others:
            Reminder.objects.bulk_update(others, ["status", "not_before", "last_error", "claim", "attempts"])
        if records:
            SentEmail.objects.bulk_create(records)
