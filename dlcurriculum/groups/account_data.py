"""A person's study groups for the account export, and what erasing the account does here.

Export: the groups they are in (with what they chose to share), the groups they own, the messages
they wrote and the messages they reported (4 queries).

Erase (README "Study groups"): a group they own passes to its longest-standing other member, or
goes when they were alone in it; their memberships and reports go with the account; their messages
stay with the group, signed "a former member" (the author is set to nobody): the conversation keeps
its sense for the others. A member who wants their words gone deletes them first, or asks the owner.
"""

from __future__ import annotations

from dlcurriculum.users import lifecycle

from .models import GroupMessage, Membership, MessageReport, StudyGroup

TABLES = {
    "study_groups": ("group", "joined_at", "is_owner", "hide_progress", "group_news_in_reminders", "weekly_digest"),
    "study_groups_owned": ("group", "description", "weekly_goal_hours", "start_date", "created_at"),
    "group_messages": ("group", "body", "created_at"),
    "group_message_reports": ("group", "message", "reason", "created_at"),
}


def _iso(value):
    return value.isoformat() if value is not None else None


def export_rows(user) -> dict[str, list[dict]]:
    memberships = [
        {
            "group": m.group.name,
            "joined_at": _iso(m.joined_at),
            "is_owner": m.group.owner_id == user.pk,
            "hide_progress": m.hide_progress,
            "group_news_in_reminders": m.group_news_in_reminders,
            "weekly_digest": m.weekly_digest,
        }
        for m in Membership.objects.filter(user=user).select_related("group").order_by("joined_at", "pk")
    ]
    owned = [
        {
            "group": g.name,
            "description": g.description,
            "weekly_goal_hours": g.weekly_goal_hours,
            "start_date": _iso(g.start_date),
            "created_at": _iso(g.created_at),
        }
        for g in StudyGroup.objects.filter(owner=user).order_by("created_at", "pk")
    ]
    messages = [
        {"group": m.group.name, "body": m.body, "created_at": _iso(m.created_at)}
        for m in GroupMessage.objects.filter(author=user).select_related("group").order_by("created_at", "pk")
    ]
    reports = [
        {
            "group": r.message.group.name,
            "message": r.message.body,
            "reason": r.reason,
            "created_at": _iso(r.created_at),
        }
        for r in MessageReport.objects.filter(reporter=user).select_related("message__group").order_by("created_at")
    ]
    return {
        "study_groups": memberships,
        "study_groups_owned": owned,
        "group_messages": messages,
        "group_message_reports": reports,
    }


def erase(user) -> None:
    from .services import erase_member

    erase_member(user)


def register() -> None:
    lifecycle.register(
        "groups",
        tables=TABLES,
        export=export_rows,
        erase=erase,
        models={
            "groups.StudyGroup.owner": (("study_groups_owned",), lifecycle.ERASED),
            "groups.Membership.user": (("study_groups",), lifecycle.CASCADE),
            "groups.GroupMessage.author": (("group_messages",), lifecycle.KEPT),
            "groups.MessageReport.reporter": (("group_message_reports",), lifecycle.CASCADE),
        },
    )
