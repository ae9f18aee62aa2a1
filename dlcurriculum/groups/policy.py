"""Who may see and do what in a study group: the one place these rules are written (views, services
and templates ask here, so a form the page hides is refused by the same rule when posted directly).

Nothing of a group is visible outside it: to anyone who is not a member (staff included: they see
reported messages in the admin) a group's pages do not exist (404). Inside, every member reads the
page and posts; the owner also removes members, hands over ownership, deletes messages, resets the
invite link and invites by e-mail.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import GroupMessage, Membership, StudyGroup


@dataclass(frozen=True)
class Access:
    group: StudyGroup
    membership: Membership

    @property
    def is_owner(self) -> bool:
        return self.group.owner_id == self.membership.user_id


def access_group(user, group_id: int) -> Access:
    """The signed-in member's view of the group (1 query), or 404 for everyone else."""
    if not user.is_authenticated:
        raise Http404("No such group.")
    membership = Membership.objects.select_related("group").filter(group_id=group_id, user_id=user.pk).first()
    if membership is None:
        raise Http404("No such group.")
    return Access(group=membership.group, membership=membership)


def access_group_owner(user, group_id: int) -> Access:
    """As :func:`access_group`, and only the owner may go on (403 for the other members)."""
    access = access_group(user, group_id)
    if not access.is_owner:
        raise PermissionDenied("Only the group's owner may do this.")
    return access


def may_delete_message(access: Access, message: GroupMessage) -> bool:
    """The owner deletes any message of the group; a member their own."""
    return message.group_id == access.group.pk and (access.is_owner or message.author_id == access.membership.user_id)


def access_group_message(user, group_id: int, message_id: int) -> tuple[Access, GroupMessage]:
    """A member and a message of their group (2 queries); another group's message is not found."""
    access = access_group(user, group_id)
    message = GroupMessage.objects.filter(pk=message_id, group_id=group_id).first()
    if message is None:
        raise Http404("No such message.")
    return access, message
