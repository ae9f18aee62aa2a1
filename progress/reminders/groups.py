"""The study groups' week in e-mails: a line or two in a member's reminder ("3 of your group
“Friday club” finished Mathematical Foundations this week"), only for members who asked for it on
their membership, and the weekly group digest, off by default (each member turns it on per group).

Counts only, never a name, and only of the members who share their progress with the group (the
group's selectors leave out those who hid it). "This week" is the seven days before the e-mail.

The digest goes through the outbox (``send_templated``): recorded before it is sent, retried by the
outbox's sweep, and keyed by learner and ISO week, so a pass run twice (a retried task, two beats)
records and sends it once. Its unsubscribe link stops digests only (``MailTopic.GROUP_DIGEST``).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from dlcurriculum.groups import selectors as group_selectors
from dlcurriculum.mail.services import send_templated
from dlcurriculum.mail.unsubscribe import MailTopic, unsubscribe_headers, unsubscribe_url
from progress.selectors import MemberFigures, members_figures
from stages import approvals as capstone_approvals

logger = logging.getLogger(__name__)

DIGEST_TEMPLATE = "group_digest"
WEEK = timedelta(days=7)


def _figures(user_ids: Iterable[int], now: datetime) -> dict[int, MemberFigures]:
    """The figures of these learners over the last seven days (6 queries)."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    approvals = capstone_approvals.approvals_for(ids)
    return members_figures(dict.fromkeys(ids, "UTC"), approvals, week_start=now - WEEK, today=now.date())


def _finished_lines(name: str, member_ids: Iterable[int], figures: dict[int, MemberFigures], *, you: str) -> list[str]:
    counts: Counter = Counter()
    titles = {}
    for uid in member_ids:
        f = figures.get(uid)
        for stage in f.finished_this_week if f else ():
            counts[stage.order] += 1
            titles[stage.order] = stage.title
    return [f"{counts[order]} of {you} “{name}” finished {titles[order]} this week." for order in sorted(counts)]


def group_news(user_ids: list[int], now: datetime) -> dict[int, list[str]]:
    """The lines about their groups' week for the reminders of these learners (who consented;
    8 queries for a whole batch): who finished which stage, as counts."""
    asked = group_selectors.group_news_for(user_ids)
    if not asked:
        return {}
    figures = _figures((m for groups in asked.values() for g in groups for m in g.sharing_ids), now)
    news: dict[int, list[str]] = {}
    for uid, groups in asked.items():
        lines = []
        for g in groups:
            lines += _finished_lines(g.name, g.sharing_ids, figures, you="your group")
        if lines:
            news[uid] = lines
    return news


def _week_key(now: datetime) -> str:
    year, week, _day = now.isocalendar()
    return f"{year}-W{week:02d}"


def run_group_digests(*, now: datetime | None = None, batch_size: int = 200) -> int:
    """One e-mail per learner who asked for a group's digest, with each of those groups' week
    (a fixed number of queries per batch of learners, and one outbox record per e-mail)."""
    now = now or timezone.now()
    week = _week_key(now)
    groups_url = settings.SITE_URL + reverse("groups:list")
    after = 0
    queued = 0
    users = get_user_model().objects
    verified = EmailAddress.objects.filter(user=OuterRef("pk"), email__iexact=OuterRef("email"), verified=True)
    while True:
        asked = group_selectors.digest_recipients(after_user_id=after, limit=batch_size)
        if not asked:
            break
        after = max(asked)
        recipients = {
            u.pk: u
            for u in users.filter(pk__in=list(asked), is_active=True)
            .filter(Exists(verified))
            .only("pk", "email", "name")
        }
        everyone = {m for groups in asked.values() for g in groups for m in g.sharing_ids}
        everyone |= {uid for uid, groups in asked.items() for g in groups if g.recipient_shares}
        figures = _figures(everyone, now)
        messages = group_selectors.message_counts({g.group_id for gs in asked.values() for g in gs}, now - WEEK)
        for uid, groups in asked.items():
            user = recipients.get(uid)
            if user is None:
                continue
            shown = []
            for g in groups:
                ids = (*g.sharing_ids, uid) if g.recipient_shares else g.sharing_ids
                hours = round(sum(figures[i].hours_this_week for i in ids if i in figures))
                shown.append(
                    {
                        "name": g.name,
                        "goal": g.weekly_goal_hours,
                        "hours": hours,
                        "finished": _finished_lines(g.name, ids, figures, you="the group"),
                        "messages": messages.get(g.group_id, 0),
                        "url": settings.SITE_URL + reverse("groups:detail", kwargs={"pk": g.group_id}),
                    }
                )
            unsubscribe = unsubscribe_url(uid, MailTopic.GROUP_DIGEST)
            send_templated(
                to=[user.email],
                template=DIGEST_TEMPLATE,
                context={
                    "name": user.display_name,
                    "groups": shown,
                    "unsubscribe_url": unsubscribe,
                    "groups_url": groups_url,
                },
                headers={**unsubscribe_headers(unsubscribe), "Auto-Submitted": "auto-generated"},
                reason=f"group digest {week}",
                user=user,
                key=f"group-digest:{uid}:{week}",
            )
            queued += 1
    logger.info("Group digests queued: %s", queued)
    return queued
