"""Reads for the reminder pass: a constant number of queries per batch of learners."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Subquery

from dlcurriculum.groups import selectors as group_selectors
from dlcurriculum.users import names
from progress.models import Activity, PacePlan, Pause, Reminder, ResourceProgress
from progress.selectors import done_at_for, reported_medians
from stages import approvals as capstone_approvals
from stages.outline import outline

from .digest import Curriculum, ResourceInfo, StageInfo
from .schedule import OFF, Preferences


@dataclass(frozen=True)
class Candidate:
    """A learner who may get reminders: active, verified address, not opted out."""

    id: int
    email: str
    name: str
    why: str
    preferences: Preferences
    last_visit: datetime
    has_retry_due: bool
    # Asked (on a study group membership) for their groups' week in the reminder.
    group_news: bool = False

    @property
    def display_name(self) -> str:
        return names.display_name(self.name, self.id)


def curriculum_snapshot() -> Curriculum:
    """The whole curriculum as plain data, from the outline the dashboards share (cached)."""
    shared = outline()
    return Curriculum(
        stages=tuple(StageInfo(id=s.pk, order=s.order, slug=s.slug, title=s.title) for s in shared.stages),
        resources=tuple(
            ResourceInfo(
                id=r.pk, stage_id=r.stage_id, order=r.order, title=r.title, optional=r.optional, created_at=r.created_at
            )
            for r in shared.resources
        ),
    )


def learner_id_ranges(size: int) -> list[tuple[int, int | None]]:
    """The active accounts cut into ranges of about ``size`` ids, as (after this id, up to this id; None: no end).

    One query; the ranges share a pass out to several workers (each learner in exactly one).
    """
    ids = list(get_user_model().objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    ranges: list[tuple[int, int | None]] = []
    after = 0
    for start in range(0, len(ids), size):
        last = ids[min(start + size, len(ids)) - 1]
        ranges.append((after, last))
        after = last
    if ranges:
        ranges[-1] = (ranges[-1][0], None)  # accounts made during the pass belong to the last range
    return ranges


def reminder_candidates(*, after_id: int, limit: int, now: datetime, upto_id: int | None = None) -> list[Candidate]:
    """The next page of possible recipients by id (keyset pagination: one query, whatever the page)."""
    verified = EmailAddress.objects.filter(user=OuterRef("pk"), email__iexact=OuterRef("email"), verified=True)
    last_activity = Activity.objects.filter(user=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
    retry_due = Reminder.objects.filter(user=OuterRef("pk"), status=Reminder.Status.PENDING, not_before__lte=now)
    rows = (
        get_user_model()
        .objects.filter(pk__gt=after_id, is_active=True, **({} if upto_id is None else {"pk__lte": upto_id}))
        .exclude(reminder_frequency=OFF)
        .filter(Exists(verified))
        .annotate(
            last_activity=Subquery(last_activity),
            has_retry_due=Exists(retry_due),
            group_news=group_selectors.consents_to_group_news(),
        )
        .order_by("pk")
        .values_list(
            "pk",
            "email",
            "name",
            "why",
            "reminder_frequency",
            "reminder_inactivity_days",
            "reminder_hour",
            "reminder_weekday",
            "timezone",
            "date_joined",
            "last_login",
            "last_activity",
            "has_retry_due",
            "group_news",
        )[:limit]
    )
    candidates = []
    for (
        pk,
        email,
        name,
        why,
        frequency,
        days,
        hour,
        weekday,
        tz,
        joined,
        last_login,
        last_activity,
        retry,
        news,
    ) in rows:
        # A visit is a login or any progress change, whichever is later.
        last_visit = max(t for t in (joined, last_login, last_activity) if t is not None)
        candidates.append(
            Candidate(
                id=pk,
                email=email,
                name=name,
                why=why,
                preferences=Preferences(
                    frequency=frequency, inactivity_days=days, hour=hour, timezone=tz, weekday=weekday
                ),
                last_visit=last_visit,
                has_retry_due=retry,
                group_news=news,
            )
        )
    return candidates


def statuses_for(user_ids: list[int]) -> dict[int, dict[int, str]]:
    """Each learner's status per resource, for a whole batch in one query."""
    statuses: dict[int, dict[int, str]] = defaultdict(dict)
    if not user_ids:
        return statuses
    rows = ResourceProgress.objects.filter(user_id__in=user_ids).values_list("user_id", "resource_id", "status")
    for user_id, resource_id, status in rows:
        statuses[user_id][resource_id] = status
    return statuses


@dataclass
class PaceData:
    """A batch's pace plans and pauses, and when each learner with a plan last marked resources done."""

    plans: dict[int, PacePlan]
    pauses: dict[int, list[Pause]]
    done_at: dict[int, dict[int, datetime]]
    # Approved capstones by stage (from capstones, through stages.approvals): the same figures as the dashboard's.
    approvals: dict[int, dict[int, datetime]] = field(default_factory=dict)
    # What learners reported per resource (progress.selectors.reported_medians): plans count it as the pages do.
    medians: dict[int, tuple[float, int]] = field(default_factory=dict)


def pace_for(user_ids: list[int], today: date) -> PaceData:
    """The pace plans, pauses, done times and capstone approvals of a batch (4 queries, whatever its
    size or plans), and the reported medians (cached, shared by every page: 1 more when not)."""
    plans = {p.user_id: p for p in PacePlan.objects.filter(user_id__in=user_ids)}
    pauses: dict[int, list[Pause]] = defaultdict(list)
    for pause in Pause.objects.filter(user_id__in=user_ids):
        pauses[pause.user_id].append(pause)
    # Done times of those with a plan from the earliest start; with no plan in the batch, the
    # query still runs (around today only), so the count is the same whoever has a plan.
    since = min((p.started_on for p in plans.values()), default=today)
    with_plans = list(plans) or user_ids
    return PaceData(
        plans=plans,
        pauses=pauses,
        done_at=done_at_for(with_plans, since),
        approvals=capstone_approvals.approvals_for(with_plans),
        medians=reported_medians(),
    )
