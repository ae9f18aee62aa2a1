"""The rules of study groups: joining (explicit, once, bounded), leaving, the owner's powers,
the invite link, messages (length, rate, Markdown sanitised), reports to staff."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dlcurriculum.groups import services
from dlcurriculum.groups.models import GroupMessage, Membership, MessageReport, StudyGroup
from tests import factories

from .conftest import membership


def test_following_the_invite_link_joins_nobody_only_the_button_does(client, people):
    group, outsider = people["group"], people["outsider"]
    client.force_login(outsider)
    url = reverse("groups:join", kwargs={"token": group.invite_token})
    page = client.get(url)
    assert page.status_code == 200
    assert "Join “Friday club”?" in page.text
    assert "Mia Member" not in page.text  # the confirm page names the owner, never the members
    assert not Membership.objects.filter(group=group, user=outsider).exists()
    response = client.post(url)
    assert response.status_code == 302
    assert response.url == reverse("groups:detail", kwargs={"pk": group.pk})
    assert Membership.objects.filter(group=group, user=outsider).count() == 1
    client.post(url)  # a second click changes nothing
    assert Membership.objects.filter(group=group, user=outsider).count() == 1


def test_an_anonymous_visitor_signs_in_first_and_comes_back_to_the_invite(client, people):
    url = reverse("groups:join", kwargs={"token": people["group"].invite_token})
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response.url
    assert "next=" in response.url


def test_resetting_the_invite_link_makes_the_old_one_stop_working(client, people):
    group = people["group"]
    old = group.invite_token
    client.force_login(people["owner"])
    assert client.post(reverse("groups:reset_invite", kwargs={"pk": group.pk})).status_code == 302
    group.refresh_from_db()
    assert group.invite_token != old
    client.force_login(people["outsider"])
    page = client.post(reverse("groups:join", kwargs={"token": old}))
    assert page.status_code == 404
    assert "does not work" in page.text
    assert not Membership.objects.filter(group=group, user=people["outsider"]).exists()
    assert client.post(reverse("groups:join", kwargs={"token": group.invite_token})).status_code == 302


def test_a_full_group_refuses_with_a_message(client, people, settings):
    settings.GROUP_MAX_MEMBERS = 2
    client.force_login(people["outsider"])
    page = client.post(reverse("groups:join", kwargs={"token": people["group"].invite_token}))
    assert page.status_code == 400
    assert "This group is full" in page.text
    assert people["group"].memberships.count() == 2


def test_a_learner_is_in_several_groups_up_to_the_limit(people, settings):
    settings.GROUP_MAX_PER_LEARNER = 3
    member = people["member"]
    second = services.create_group(people["outsider"], name="Second")
    services.join(member, second.invite_token)
    services.create_group(member, name="Mine")
    assert Membership.objects.filter(user=member).count() == 3
    with pytest.raises(services.GroupError, match="in 3 groups already"):
        services.create_group(member, name="One too many")


def test_leaving_removes_the_member_from_the_page_and_keeps_their_words_as_a_former_members(client, people):
    group, member = people["group"], people["member"]
    services.post_message(membership(group, member), "My last words")
    client.force_login(member)
    assert client.post(reverse("groups:leave", kwargs={"pk": group.pk})).status_code == 302
    assert client.get(reverse("groups:detail", kwargs={"pk": group.pk})).status_code == 404
    client.force_login(people["owner"])
    page = client.get(reverse("groups:detail", kwargs={"pk": group.pk})).text
    assert "Mia Member" not in page
    assert "My last words" in page
    assert "a former member" in page


def test_the_owner_hands_over_before_leaving_and_the_last_members_leaving_deletes_the_group(client, people):
    group, owner, member = people["group"], people["owner"], people["member"]
    client.force_login(owner)
    page = client.post(reverse("groups:leave", kwargs={"pk": group.pk}))
    assert page.status_code == 400
    assert "hand it over" in page.text
    client.post(reverse("groups:transfer", kwargs={"pk": group.pk}), {"new_owner": member.pk})
    group.refresh_from_db()
    assert group.owner_id == member.pk
    assert client.post(reverse("groups:leave", kwargs={"pk": group.pk})).status_code == 302
    client.force_login(member)
    assert client.post(reverse("groups:leave", kwargs={"pk": group.pk})).status_code == 302
    assert not StudyGroup.objects.filter(pk=group.pk).exists()


def test_ownership_goes_only_to_a_member(people):
    with pytest.raises(services.GroupError):
        services.transfer_ownership(people["group"], people["outsider"].pk)
    assert StudyGroup.objects.get(pk=people["group"].pk).owner_id == people["owner"].pk


def test_the_owner_removes_a_member_and_deletes_any_message(client, people):
    group, member = people["group"], people["member"]
    message = services.post_message(membership(group, member), "Off-topic")
    client.force_login(people["owner"])
    client.post(reverse("groups:delete_message", kwargs={"pk": group.pk, "message_id": message.pk}))
    assert not GroupMessage.objects.filter(pk=message.pk).exists()
    client.post(reverse("groups:remove_member", kwargs={"pk": group.pk, "user_id": member.pk}))
    assert not Membership.objects.filter(group=group, user=member).exists()
    client.force_login(member)
    assert client.get(reverse("groups:detail", kwargs={"pk": group.pk})).status_code == 404


def test_a_member_deletes_their_own_message_only(client, people):
    group = people["group"]
    theirs = services.post_message(membership(group, people["owner"]), "Owner's")
    mine = services.post_message(membership(group, people["member"]), "Mine")
    client.force_login(people["member"])
    url = "groups:delete_message"
    assert client.post(reverse(url, kwargs={"pk": group.pk, "message_id": theirs.pk})).status_code == 403
    assert client.post(reverse(url, kwargs={"pk": group.pk, "message_id": mine.pk})).status_code == 302
    assert list(GroupMessage.objects.values_list("body", flat=True)) == ["Owner's"]


def test_another_groups_message_is_not_found_through_this_group(client, people):
    other = services.create_group(people["outsider"], name="Other")
    message = services.post_message(membership(other, people["outsider"]), "Elsewhere")
    client.force_login(people["owner"])
    url = reverse("groups:delete_message", kwargs={"pk": people["group"].pk, "message_id": message.pk})
    assert client.post(url).status_code == 404
    assert GroupMessage.objects.filter(pk=message.pk).exists()


def test_messages_are_markdown_sanitised(client, people):
    group = people["group"]
    body = "**bold** <script>alert(1)</script> [x](javascript:alert(2)) ![pixel](https://tracker.example/p.png)"
    services.post_message(membership(group, people["member"]), body)
    client.force_login(people["owner"])
    page = client.get(reverse("groups:detail", kwargs={"pk": group.pk})).text
    assert "<strong>bold</strong>" in page
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;" in page
    assert 'href="javascript' not in page
    assert '<img src="https://tracker.example' not in page


def test_a_message_too_long_is_refused_with_the_text_kept(client, people, settings):
    settings.GROUP_MESSAGE_MAX_CHARS = 50
    client.force_login(people["member"])
    text = "x" * 51
    page = client.post(reverse("groups:post_message", kwargs={"pk": people["group"].pk}), {"body": text})
    assert page.status_code == 400
    assert text in page.text
    assert not GroupMessage.objects.exists()


def test_posting_is_rate_limited_per_person_and_per_group_with_the_text_kept(client, people, settings):
    settings.GROUP_MESSAGES_PER_USER = 2
    settings.GROUP_MESSAGES_PER_GROUP = 3
    group = people["group"]
    url = reverse("groups:post_message", kwargs={"pk": group.pk})
    client.force_login(people["member"])
    for n in range(2):
        assert client.post(url, {"body": f"m{n}"}).status_code == 302
    page = client.post(url, {"body": "one too many"})
    assert page.status_code == 429
    assert "one too many" in page.text
    assert "posted 2 messages" in page.text
    client.force_login(people["owner"])
    assert client.post(url, {"body": "owner 1"}).status_code == 302
    page = client.post(url, {"body": "owner 2"})
    assert page.status_code == 429
    assert "This group had 3 messages" in page.text
    # Outside the window, posting works again.
    GroupMessage.objects.update(created_at=timezone.now() - timedelta(hours=1))
    assert client.post(url, {"body": "later"}).status_code == 302


def test_a_member_reports_a_message_to_staff_who_see_it_in_the_admin(client, people):
    group = people["group"]
    message = services.post_message(membership(group, people["owner"]), "Buy cheap pills")
    client.force_login(people["member"])
    url = reverse("groups:report_message", kwargs={"pk": group.pk, "message_id": message.pk})
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "Spam"}).status_code == 302
    assert MessageReport.objects.get().reason == "Spam"
    assert "Reported" in client.get(reverse("groups:detail", kwargs={"pk": group.pk})).text
    staff = factories.AdminFactory()
    client.force_login(staff)
    listing = client.get(reverse("admin:groups_messagereport_changelist"))
    assert listing.status_code == 200
    assert "Buy cheap pills" in listing.text
    assert "Spam" in listing.text
    assert "Friday club" in listing.text


def test_creating_a_group_with_bad_input_keeps_what_was_typed(client, people):
    client.force_login(people["member"])
    page = client.post(reverse("groups:create"), {"name": "", "description": "Kept text", "weekly_goal_hours": "0"})
    assert page.status_code == 400
    assert "Kept text" in page.text
    response = client.post(
        reverse("groups:create"),
        {"name": "Deep club", "description": "d", "weekly_goal_hours": "6", "start_date": "2026-12-01"},
    )
    group = StudyGroup.objects.get(name="Deep club")
    assert response.url == reverse("groups:detail", kwargs={"pk": group.pk})
    assert (group.owner_id, group.weekly_goal_hours, str(group.start_date)) == (people["member"].pk, 6, "2026-12-01")
    assert list(group.memberships.values_list("user_id", flat=True)) == [people["member"].pk]


def test_the_owner_edits_the_groups_name_and_goal_and_bad_input_keeps_what_was_typed(client, people):
    group = people["group"]
    client.force_login(people["owner"])
    url = reverse("groups:edit", kwargs={"pk": group.pk})
    assert "Edit name and goal" in client.get(reverse("groups:detail", kwargs={"pk": group.pk})).text
    page = client.post(url, {"name": "", "description": "Still typed", "weekly_goal_hours": "7"})
    assert page.status_code == 400
    assert "Still typed" in page.text
    group.refresh_from_db()
    assert group.name == "Friday club"
    response = client.post(url, {"name": "Saturday club", "description": "New aims", "weekly_goal_hours": "7"})
    assert response.url == reverse("groups:detail", kwargs={"pk": group.pk})
    group.refresh_from_db()
    assert (group.name, group.description, group.weekly_goal_hours) == ("Saturday club", "New aims", 7)
    client.force_login(people["member"])
    assert "Edit name and goal" not in client.get(reverse("groups:detail", kwargs={"pk": group.pk})).text
    assert client.post(url, {"name": "Hijacked"}).status_code == 403
    group.refresh_from_db()
    assert group.name == "Saturday club"
