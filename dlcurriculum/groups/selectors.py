"""Reads of study groups as plain data: a fixed number of queries whatever the group's size or age.

What a member may see of another member is decided here: a member who hid their progress from a
group is listed by name only (``shares_progress`` False), and nobody's e-mail address, notes,
notebooks or "why" ever leave this module (the page asks progress and capstones for the figures of
the members who share, by id).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Exists, OuterRef

from dlcurriculum.users import names

from .models import GroupMessage, Membership, MessageReport, StudyGroup

FORMER_MEMBER = "a former member"


@dataclass(frozen=True)
class GroupSummary:
    id: int
    name: str
    description: str
    members: int
    is_owner: bool


def groups_of(user) -> list[GroupSummary]:
    """The groups the learner is in, with their sizes (1 query)."""
    rows = (
        StudyGroup.objects.filter(memberships__user=user)
        .annotate(size=Count("memberships", distinct=True))
        .order_by("name", "pk")
        .values_list("pk", "name", "description", "size", "owner_id")
    )
    return [GroupSummary(pk, name, desc, size, owner_id == user.pk) for pk, name, desc, size, owner_id in rows]


@dataclass(frozen=True)
class Invitation:
    group: StudyGroup
    members: int
    owner_name: str
    is_member: bool
    is_full: bool


def invitation(token: str, user) -> Invitation | None:
    """What the join page shows of the group behind an invite link (1 query): its name, description,
    size and owner's display name, nothing of its members."""
    mine = Membership.objects.filter(group=OuterRef("pk"), user_id=user.pk or 0)
    group = (
        StudyGroup.objects.filter(invite_token=token)
        .select_related("owner")
        .only("pk", "name", "description", "weekly_goal_hours", "start_date", "owner__name", "invite_token")
        .annotate(size=Count("memberships"), mine=Exists(mine))
        .first()
    )
    if group is None:
        return None
    return Invitation(
        group=group,
        members=group.size,
        owner_name=group.owner.display_name,
        is_member=group.mine,
        is_full=group.size >= settings.GROUP_MAX_MEMBERS,
    )


@dataclass(frozen=True)
class Member:
    user_id: int
    name: str
    joined_at: datetime
    is_owner: bool
    shares_progress: bool
    timezone: str  # for their pace projection only; never shown


def members(group: StudyGroup) -> list[Member]:
    """Everyone in the group, the owner first, then by joining (1 query)."""
    rows = (
        Membership.objects.filter(group=group)
        .order_by("joined_at", "pk")
        .values_list("user_id", "user__name", "joined_at", "hide_progress", "user__timezone")
    )
    found = [
        Member(uid, names.display_name(name, uid), joined, uid == group.owner_id, not hidden, zone)
        for uid, name, joined, hidden, zone in rows
    ]
    return sorted(found, key=lambda m: not m.is_owner)


@dataclass(frozen=True)
class Message:
    id: int
    author_id: int | None
    author: str  # "a former member" once they left or erased their account
    body: str  # Markdown: the template renders it with the site's sanitising filter (|markdown)
    created_at: datetime
    reported_by_viewer: bool


@dataclass(frozen=True)
class MessagePage:
    messages: list[Message]
    earlier_before: int | None  # the id to ask "before" for the next page, None: no more


def message_page(group: StudyGroup, member_names: dict[int, str], viewer_id: int, before: int | None = None):
    """The latest GROUP_MESSAGES_PAGE_SIZE messages (before message id ``before``), signed with the
    names of current members (1 query, whatever the group's history)."""
    size = settings.GROUP_MESSAGES_PAGE_SIZE
    mine = MessageReport.objects.filter(message=OuterRef("pk"), reporter_id=viewer_id)
    rows = GroupMessage.objects.filter(group=group)
    if before is not None:
        rows = rows.filter(pk__lt=before)
    rows = list(
        rows.annotate(reported=Exists(mine))
        .order_by("-pk")
        .values_list("pk", "author_id", "body", "created_at", "reported")[: size + 1]
    )
    messages = [
        Message(
            id=pk,
            author_id=author_id if author_id in member_names else None,
            author=member_names.get(author_id, FORMER_MEMBER),
            body=body,
            created_at=created,
            reported_by_viewer=reported,
        )
        for pk, author_id, body, created, reported in rows[:size]
    ]
    more = len(rows) > size
    return MessagePage(messages=messages, earlier_before=messages[-1].id if more and messages else None)


# --- For progress's reminders and digests ----------------------------------------------------------


def consents_to_group_news():
    """An expression for a user queryset: the user asked for their groups' week in their reminders."""
    return Exists(Membership.objects.filter(user=OuterRef("pk"), group_news_in_reminders=True))


@dataclass(frozen=True)
class GroupPeers:
    group_id: int
    name: str
    weekly_goal_hours: int | None
    sharing_ids: tuple[int, ...]  # members who share their progress, the recipient left out
    members: int
    recipient_shares: bool = False


def group_news_for(user_ids: list[int]) -> dict[int, list[GroupPeers]]:
    """For each of these learners, the groups whose week they asked to hear of in their reminders,
    with the ids of the other members who share their progress (2 queries)."""
    asked = list(
        Membership.objects.filter(user_id__in=user_ids, group_news_in_reminders=True)
        .order_by("group__name", "group_id")
        .values_list("user_id", "group_id", "group__name", "group__weekly_goal_hours")
    )
    return _peers(asked)


def digest_recipients(after_user_id: int = 0, limit: int = 200) -> dict[int, list[GroupPeers]]:
    """The next ``limit`` learners by id above ``after_user_id`` who asked for a group's weekly digest,
    each with those groups (3 queries, keyset pagination)."""
    user_ids = list(
        Membership.objects.filter(user_id__gt=after_user_id, weekly_digest=True)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()[:limit]
    )
    asked = list(
        Membership.objects.filter(user_id__in=user_ids, weekly_digest=True)
        .order_by("user_id", "group__name", "group_id")
        .values_list("user_id", "group_id", "group__name", "group__weekly_goal_hours")
    )
    return _peers(asked)


def _peers(asked) -> dict[int, list[GroupPeers]]:
    group_ids = {gid for _uid, gid, _name, _goal in asked}
    sharing: dict[int, list[int]] = defaultdict(list)
    sizes: dict[int, int] = defaultdict(int)
    for gid, uid, hidden in Membership.objects.filter(group_id__in=group_ids).values_list(
        "group_id", "user_id", "hide_progress"
    ):
        sizes[gid] += 1
        if not hidden:
            sharing[gid].append(uid)
    result: dict[int, list[GroupPeers]] = defaultdict(list)
    for uid, gid, name, goal in asked:
        peers = tuple(m for m in sharing[gid] if m != uid)
        result[uid].append(GroupPeers(gid, name, goal, peers, sizes[gid], recipient_shares=uid in sharing[gid]))
    return result


def message_counts(group_ids, since: datetime) -> dict[int, int]:
    """Messages posted in each group since ``since`` (1 query)."""
    return dict(
        GroupMessage.objects.filter(group_id__in=list(group_ids), created_at__gte=since)
        .values("group_id")
        .annotate(n=Count("pk"))
        .values_list("group_id", "n")
    )


def open_reports() -> int:
    return MessageReport.objects.filter(resolved_at__isnull=True).count()
