"""Writes of study groups: one function per action, each in one transaction.

Nothing here changes what a learner's own cached pages show (the dashboard does not show groups),
so the change stamp (dlcurriculum.users.changes) does not move; the group page is never cached.
"""

from __future__ import annotations

import logging
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from dlcurriculum.mail.models import SentEmail
from dlcurriculum.mail.services import send_templated
from dlcurriculum.rate_window import WindowLimit, first_refusal

from .models import GroupMessage, Membership, MessageReport, StudyGroup

logger = logging.getLogger(__name__)

INVITE_TEMPLATE = "group_invite"


class GroupError(Exception):
    """An action the group's rules refuse; the message says why, for the page."""


class MessageRateLimitError(GroupError):
    """Too many messages in a short while (the text is kept in the form)."""


def new_token() -> str:
    return secrets.token_urlsafe(32)


def invite_url(group: StudyGroup) -> str:
    return settings.SITE_URL + reverse("groups:join", kwargs={"token": group.invite_token})


def _check_room_for(user) -> None:
    if Membership.objects.filter(user=user).count() >= settings.GROUP_MAX_PER_LEARNER:
        raise GroupError(
            f"You are in {settings.GROUP_MAX_PER_LEARNER} groups already, the most one learner may be in. "
            "Leave one to start or join another."
        )


@transaction.atomic
def create_group(owner, *, name: str, description: str = "", weekly_goal_hours=None, start_date=None) -> StudyGroup:
    _check_room_for(owner)
    group = StudyGroup.objects.create(
        owner=owner,
        name=name,
        description=description,
        weekly_goal_hours=weekly_goal_hours,
        start_date=start_date,
        invite_token=new_token(),
    )
    Membership.objects.create(group=group, user=owner)
    return group


def update_group(group: StudyGroup, *, name: str, description: str, weekly_goal_hours, start_date) -> None:
    """The owner's edit of what the group is: its name, description, weekly goal and start."""
    group.name, group.description = name, description
    group.weekly_goal_hours, group.start_date = weekly_goal_hours, start_date
    group.save(update_fields=["name", "description", "weekly_goal_hours", "start_date"])


def reset_invite(group: StudyGroup) -> str:
    """A new secret for the invite link: links shared before stop working."""
    group.invite_token = new_token()
    StudyGroup.objects.filter(pk=group.pk).update(invite_token=group.invite_token)
    return group.invite_token


@transaction.atomic
def join(user, token: str) -> Membership:
    """``user`` joins the group of ``token``, once; a full group refuses. Concurrent joins of one
    group are counted one after the other (its row is locked)."""
    group = StudyGroup.objects.select_for_update().filter(invite_token=token).first()
    if group is None:
        raise GroupError("This invite link does not work (any more). Ask the group's owner for the current one.")
    existing = Membership.objects.filter(group=group, user=user).first()
    if existing is not None:
        return existing
    if group.memberships.count() >= settings.GROUP_MAX_MEMBERS:
        raise GroupError(f"This group is full: it has {settings.GROUP_MAX_MEMBERS} members, the most a group takes.")
    _check_room_for(user)
    try:
        with transaction.atomic():
            return Membership.objects.create(group=group, user=user)
    except IntegrityError:  # joined in another tab meanwhile
        return Membership.objects.get(group=group, user=user)


@transaction.atomic
def leave(membership: Membership) -> bool:
    """The member leaves: their progress leaves the page at once; their messages stay, signed "a
    former member". The owner hands the group over first; the last member's leaving deletes it.
    Returns whether the group was deleted."""
    group = StudyGroup.objects.select_for_update().get(pk=membership.group_id)
    others = group.memberships.exclude(pk=membership.pk)
    if group.owner_id == membership.user_id:
        if others.exists():
            raise GroupError("You own this group: hand it over to another member before you leave.")
        group.delete()
        return True
    membership.delete()
    return False


@transaction.atomic
def remove_member(group: StudyGroup, user_id: int) -> bool:
    """The owner removes a member (never themselves). False when they were not a member."""
    if user_id == group.owner_id:
        raise GroupError("You own this group: hand it over before you leave it.")
    deleted, _ = Membership.objects.filter(group=group, user_id=user_id).delete()
    return bool(deleted)


@transaction.atomic
def transfer_ownership(group: StudyGroup, new_owner_id: int) -> None:
    """The owner hands the group to another member; they stay a member."""
    if not Membership.objects.filter(group=group, user_id=new_owner_id).exists():
        raise GroupError("Only a member of the group can own it.")
    StudyGroup.objects.filter(pk=group.pk).update(owner_id=new_owner_id)
    group.owner_id = new_owner_id


@transaction.atomic
def delete_group(group: StudyGroup) -> None:
    group.delete()


def update_settings(membership: Membership, *, hide_progress: bool, group_news_in_reminders: bool, weekly_digest: bool):
    membership.hide_progress = hide_progress
    membership.group_news_in_reminders = group_news_in_reminders
    membership.weekly_digest = weekly_digest
    membership.save(update_fields=["hide_progress", "group_news_in_reminders", "weekly_digest"])


def stop_digests(user) -> None:
    """The unsubscribe link of a digest: no group's weekly digest any more. Idempotent."""
    Membership.objects.filter(user=user, weekly_digest=True).update(weekly_digest=False)
    logger.info("Group digests turned off by unsubscribe link for user %s", user.pk)


def _check_message_rate(author_id: int, group: StudyGroup, now) -> None:
    """The project's windowed limits (dlcurriculum/rate_window.py), run under the group's row lock."""
    refusal = first_refusal(
        [
            WindowLimit(
                settings.GROUP_MESSAGES_PER_USER,
                lambda since: GroupMessage.objects.filter(author_id=author_id, created_at__gte=since).count(),
                "You have posted {most} messages in the last {minutes} minutes, the most we take in that time. "
                "Wait a few minutes and post it again: your text is kept below.",
            ),
            WindowLimit(
                settings.GROUP_MESSAGES_PER_GROUP,
                lambda since: GroupMessage.objects.filter(group=group, created_at__gte=since).count(),
                "This group had {most} messages in the last {minutes} minutes, the most it takes in that time. "
                "Wait a few minutes and post it again: your text is kept below.",
            ),
        ],
        window_seconds=settings.GROUP_MESSAGE_WINDOW_SECONDS,
        now=now,
    )
    if refusal:
        raise MessageRateLimitError(refusal)


@transaction.atomic
def post_message(membership: Membership, body: str) -> GroupMessage:
    body = (body or "").strip()
    if not body:
        raise GroupError("Write something first.")
    if len(body) > settings.GROUP_MESSAGE_MAX_CHARS:
        raise GroupError(f"A message is at most {settings.GROUP_MESSAGE_MAX_CHARS} characters; yours has {len(body)}.")
    group = StudyGroup.objects.select_for_update().get(pk=membership.group_id)
    _check_message_rate(membership.user_id, group, timezone.now())
    return GroupMessage.objects.create(group=group, author_id=membership.user_id, body=body)


def delete_message(message: GroupMessage) -> None:
    message.delete()


def report_message(message: GroupMessage, reporter, reason: str = "") -> MessageReport:
    """Staff see it in the admin (open reports first). A second report by the same member updates the reason."""
    report, created = MessageReport.objects.get_or_create(
        message=message, reporter=reporter, defaults={"reason": reason}
    )
    if not created and reason:
        report.reason = reason
        report.save(update_fields=["reason"])
    if created:
        logger.info("Group message %s reported to staff", message.pk)
    return report


def invite_by_email(group: StudyGroup, inviter, email: str) -> None:
    """E-mail the invite link (through the outbox: recorded, retried, sent once). At most
    GROUP_INVITES_PER_HOUR a group, counted from the outbox's own records."""
    reason = f"group invite {group.pk}"
    refusal = first_refusal(
        [
            WindowLimit(
                settings.GROUP_INVITES_PER_HOUR,
                lambda since: SentEmail.objects.filter(
                    template=INVITE_TEMPLATE, reason=reason, created_at__gte=since
                ).count(),
                "This group sent {most} invitations in the last hour, the most it may. "
                "Share the link instead, or try again later.",
            )
        ],
        window_seconds=3600,
        now=timezone.now(),
    )
    if refusal:
        raise GroupError(refusal)
    send_templated(
        to=[email],
        template=INVITE_TEMPLATE,
        context={
            "inviter": inviter.display_name,
            "group_name": group.name,
            "description": group.description,
            "join_url": invite_url(group),
        },
        reason=reason,
    )


@transaction.atomic
def erase_member(user) -> None:
    """Account erasure: each group the person owns passes to its longest-standing other member (or
    goes, when they were its only member); their messages stay, signed "a former member" (the
    author is set to nobody by the foreign key); memberships and reports go with the account."""
    for group in StudyGroup.objects.select_for_update().filter(owner=user):
        heir = group.memberships.exclude(user=user).order_by("joined_at", "pk").first()
        if heir is None:
            group.delete()
        else:
            StudyGroup.objects.filter(pk=group.pk).update(owner_id=heir.user_id)
