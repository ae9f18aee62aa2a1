"""Study group pages, composed here: the groups' own reads (members, messages, who shares) with
progress's figures of the members who share their progress and capstones' public links. Writes are
the groups' services; who may do what is ``dlcurriculum.groups.policy``.

Nothing of a group exists for a non-member (404, staff included); the owner's actions answer a
member with 403. Every form works without JavaScript; a refused post answers the page with the text
kept and the reason (400, or 429 for the rate limit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from capstones import selectors as capstone_selectors
from dlcurriculum.groups import policy, selectors, services
from dlcurriculum.groups.forms import (
    GroupForm,
    InviteEmailForm,
    MembershipSettingsForm,
    MessageForm,
    ReportForm,
    TransferForm,
)
from progress import selectors as progress_selectors


@dataclass(frozen=True)
class MemberRow:
    member: selectors.Member
    figures: progress_selectors.MemberFigures | None  # None: they keep their progress to themselves
    capstones: list[tuple[str, str]]  # (title, public address)


@dataclass(frozen=True)
class ProjectedFinish:
    name: str
    stage_title: str
    day: date


@dataclass(frozen=True)
class GroupPage:
    group: object
    is_owner: bool
    members: list[MemberRow]
    hours_this_week: int
    goal_percent: int | None
    finished_this_week: list[tuple[str, str]]  # (member name, stage title)
    projected: list[ProjectedFinish]
    messages: selectors.MessagePage
    invite_url: str | None  # the owner's only
    sharing: int


def group_page(access: policy.Access, viewer, *, before: int | None = None) -> GroupPage:
    """A fixed number of queries whatever the number of members or messages: the members (1), their
    approvals (1), their public capstones (1), progress's figures (5), the messages (1)."""
    group = access.group
    people = selectors.members(group)
    sharing = {m.user_id: m for m in people if m.shares_progress}
    approvals = capstone_selectors.approvals_for(list(sharing))
    links = capstone_selectors.public_capstone_links(list(sharing))
    week_start, today = progress_selectors.week_start_for(viewer.timezone)
    figures = progress_selectors.members_figures(
        {uid: m.timezone for uid, m in sharing.items()}, approvals, week_start=week_start, today=today
    )
    rows = [MemberRow(m, figures.get(m.user_id), links.get(m.user_id, []) if m.shares_progress else []) for m in people]
    hours = sum(f.hours_this_week for f in figures.values())
    whole = round(hours)
    goal = group.weekly_goal_hours
    finished = [(sharing[uid].name, s.title) for uid, f in figures.items() for s in f.finished_this_week]
    projected = sorted(
        (
            ProjectedFinish(sharing[uid].name, f.next_finish[0].title, f.next_finish[1])
            for uid, f in figures.items()
            if f.next_finish is not None
        ),
        key=lambda p: (p.day, p.name),
    )
    names = {m.user_id: m.name for m in people}
    return GroupPage(
        group=group,
        is_owner=access.is_owner,
        members=rows,
        hours_this_week=whole,
        goal_percent=min(100, round(100 * hours / goal)) if goal else None,
        finished_this_week=finished,
        projected=projected,
        messages=selectors.message_page(group, names, viewer.pk, before=before),
        invite_url=services.invite_url(group) if access.is_owner else None,
        sharing=len(sharing),
    )


def _detail(request, access, *, message_form=None, invite_form=None, status=200, error=None):
    before = request.GET.get("before")
    page = group_page(access, request.user, before=int(before) if before and before.isdigit() else None)
    members = [row.member for row in page.members if not row.member.is_owner]
    context = {
        "page": page,
        "membership": access.membership,
        "message_form": message_form or MessageForm(),
        "settings_form": MembershipSettingsForm(instance=access.membership),
        "invite_form": invite_form or InviteEmailForm(),
        "transfer_form": TransferForm(members=members) if page.is_owner and members else None,
        "error": error,
    }
    return render(request, "pages/groups/detail.html", context, status=status)


@login_required
def group_list(request):
    return render(request, "pages/groups/list.html", {"groups": selectors.groups_of(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def group_create(request):
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.create_group(request.user, **form.cleaned_data)
        except services.GroupError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your group is started. Share its invite link with the people you study with.")
            return redirect("groups:detail", pk=group.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "pages/groups/create.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request, pk: int):
    access = policy.access_group_owner(request.user, pk)
    form = GroupForm(request.POST or None, instance=access.group)
    if request.method == "POST" and form.is_valid():
        services.update_group(access.group, **form.cleaned_data)
        messages.success(request, "The group's details are saved.")
        return redirect("groups:detail", pk=pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "pages/groups/edit.html", {"form": form, "group": access.group}, status=status)


@login_required
def group_detail(request, pk: int):
    return _detail(request, policy.access_group(request.user, pk))


@login_required
@require_http_methods(["GET", "POST"])
def join(request, token: str):
    """A confirm page: following the link joins nobody, only the button does."""
    invitation = selectors.invitation(token, request.user)
    if invitation is None:
        return render(request, "pages/groups/join.html", {"invitation": None}, status=404)
    if invitation.is_member:
        return redirect("groups:detail", pk=invitation.group.pk)
    if request.method == "POST":
        try:
            membership = services.join(request.user, token)
        except services.GroupError as error:
            return render(
                request, "pages/groups/join.html", {"invitation": invitation, "error": str(error)}, status=400
            )
        messages.success(request, f"You joined {invitation.group.name}.")
        return redirect("groups:detail", pk=membership.group_id)
    return render(request, "pages/groups/join.html", {"invitation": invitation, "token": token})


@login_required
@require_POST
def leave(request, pk: int):
    access = policy.access_group(request.user, pk)
    try:
        deleted = services.leave(access.membership)
    except services.GroupError as error:
        return _detail(request, access, status=400, error=str(error))
    messages.success(request, "The group is deleted." if deleted else f"You left {access.group.name}.")
    return redirect("groups:list")


@login_required
@require_POST
def my_settings(request, pk: int):
    access = policy.access_group(request.user, pk)
    form = MembershipSettingsForm(request.POST, instance=access.membership)
    form.is_valid()  # three checkboxes: always valid
    services.update_settings(access.membership, **{k: bool(form.cleaned_data.get(k)) for k in form.fields})
    messages.success(request, "Your settings for this group are saved.")
    return redirect("groups:detail", pk=pk)


@login_required
@require_POST
def post_message(request, pk: int):
    access = policy.access_group(request.user, pk)
    form = MessageForm(request.POST)
    if not form.is_valid():
        return _detail(request, access, message_form=form, status=400)
    try:
        services.post_message(access.membership, form.cleaned_data["body"])
    except services.MessageRateLimitError as error:
        form.add_error("body", str(error))
        return _detail(request, access, message_form=form, status=429)
    except services.GroupError as error:
        form.add_error("body", str(error))
        return _detail(request, access, message_form=form, status=400)
    return redirect(reverse("groups:detail", kwargs={"pk": pk}) + "#messages")


@login_required
@require_POST
def delete_message(request, pk: int, message_id: int):
    access, message = policy.access_group_message(request.user, pk, message_id)
    if not policy.may_delete_message(access, message):
        raise PermissionDenied("Only the group's owner deletes other members' messages.")
    services.delete_message(message)
    messages.success(request, "The message is deleted.")
    return redirect("groups:detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def report_message(request, pk: int, message_id: int):
    access, message = policy.access_group_message(request.user, pk, message_id)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.report_message(message, request.user, form.cleaned_data["reason"])
        messages.success(request, "Thank you: the site's staff will look at the message.")
        return redirect("groups:detail", pk=pk)
    context = {"group": access.group, "message": message, "form": form}
    return render(request, "pages/groups/report.html", context, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def remove_member(request, pk: int, user_id: int):
    access = policy.access_group_owner(request.user, pk)
    try:
        removed = services.remove_member(access.group, user_id)
    except services.GroupError as error:
        return _detail(request, access, status=400, error=str(error))
    if not removed:
        raise Http404("Not a member.")
    messages.success(request, "The member is removed from the group.")
    return redirect("groups:detail", pk=pk)


@login_required
@require_POST
def transfer(request, pk: int):
    access = policy.access_group_owner(request.user, pk)
    members = [m for m in selectors.members(access.group) if not m.is_owner]
    form = TransferForm(request.POST, members=members)
    if not form.is_valid():
        return _detail(request, access, status=400, error="Choose the member who is to own the group.")
    services.transfer_ownership(access.group, form.cleaned_data["new_owner"])
    messages.success(request, "The group has a new owner; you stay a member.")
    return redirect("groups:detail", pk=pk)


@login_required
@require_POST
def reset_invite(request, pk: int):
    access = policy.access_group_owner(request.user, pk)
    services.reset_invite(access.group)
    messages.success(request, "The invite link is new: links shared before no longer work.")
    return redirect("groups:detail", pk=pk)


@login_required
@require_POST
def invite_email(request, pk: int):
    access = policy.access_group_owner(request.user, pk)
    form = InviteEmailForm(request.POST)
    if not form.is_valid():
        return _detail(request, access, invite_form=form, status=400)
    try:
        services.invite_by_email(access.group, request.user, form.cleaned_data["email"])
    except services.GroupError as error:
        form.add_error("email", str(error))
        return _detail(request, access, invite_form=form, status=429)
    messages.success(request, f"The invitation is on its way to {form.cleaned_data['email']}.")
    return redirect("groups:detail", pk=pk)


@login_required
@require_POST
def delete_group(request, pk: int):
    access = policy.access_group_owner(request.user, pk)
    if not request.POST.get("confirm"):
        return _detail(request, access, status=400, error="Tick the box to confirm that the group is to be deleted.")
    services.delete_group(access.group)
    messages.success(request, "The group is deleted.")
    return redirect("groups:list")
