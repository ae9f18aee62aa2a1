"""Nothing of a member is visible outside their groups; inside, only what they share: a member who
hides their progress is a name, notes, notebooks and the "why" never appear, a capstone only once
public."""

from django.urls import reverse

from capstones import services as capstone_services
from dlcurriculum.groups import services
from progress import services as progress_services
from stages.models import Resource

from .conftest import membership


def _page(client, user, group):
    client.force_login(user)
    return client.get(reverse("groups:detail", kwargs={"pk": group.pk}))


def test_outsiders_and_staff_find_no_group_and_no_member(client, people):
    group = people["group"]
    for who in ("outsider", "staff"):
        response = _page(client, people[who], group)
        assert response.status_code == 404
        assert "Mia Member" not in response.text
        assert "Friday club" not in response.text
        listing = client.get(reverse("groups:list")).text
        assert "Friday club" not in listing


def test_members_see_each_others_progress_never_notes_or_why(client, people):
    group = people["group"]
    text = _page(client, people["owner"], group).text
    assert "Mia Member" in text
    assert "Working on" in text  # her stage progress
    assert "Mia's private note" not in text
    assert "Mia&#x27;s private note" not in text
    assert "secret why" not in text
    assert people["member"].email not in text
    assert people["owner"].email not in text


def test_a_member_who_hides_their_progress_is_listed_by_name_only(client, people):
    group, member = people["group"], people["member"]
    Resource.objects.get(key="matrix-calculus")
    client.force_login(member)
    client.post(reverse("groups:my_settings", kwargs={"pk": group.pk}), {"hide_progress": "on"})
    assert membership(group, member).hide_progress
    text = _page(client, people["owner"], group).text
    assert "Mia Member" in text
    assert "Keeps their progress to themselves" in text
    assert text.count("Working on") == 1  # the owner's own line only
    # ... and the group's hours leave hers out.
    assert "by the 1 member who shares their progress" in text


def test_hiding_is_per_group(client, people):
    member = people["member"]
    second = services.create_group(people["outsider"], name="Second club")
    services.join(member, second.invite_token)
    services.update_settings(
        membership(people["group"], member), hide_progress=True, group_news_in_reminders=False, weekly_digest=False
    )
    assert "Keeps their progress to themselves" in _page(client, people["owner"], people["group"]).text
    assert "Keeps their progress to themselves" not in _page(client, people["outsider"], second).text


def test_a_capstone_is_linked_only_once_public_on_a_public_portfolio(
    client, people, django_capture_on_commit_callbacks, tasks_in_process, settings, tmp_path
):
    from stages.models import CapstoneBrief
    from tests import factories
    from tests.rubrics import all_scored
    from tests.submitting import submit_capstone

    settings.MEDIA_ROOT = tmp_path
    member, mentor = people["member"], factories.MentorFactory()
    brief = CapstoneBrief.objects.order_by("stage__order").first()
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit_capstone(member, brief, title="Mia's digits").submission
    submission = capstone_services.claim(submission, mentor=mentor)
    with django_capture_on_commit_callbacks(execute=True):
        submission = capstone_services.decide(
            submission, mentor=mentor, decision="approved", feedback="Good.", scores=all_scored(brief)
        )
    group = people["group"]
    assert "Mia&#x27;s digits" not in _page(client, people["owner"], group).text  # approved, still private
    capstone_services.set_submission_public(submission, learner=member, public=True)
    capstone_services.update_portfolio(member, is_public=True, headline="", handle="mia-m")
    text = _page(client, people["owner"], group).text
    assert "Mia&#x27;s digits" in text
    assert reverse("portfolio:capstone", kwargs={"handle": "mia-m", "key": brief.key}) in text
    services.update_settings(
        membership(group, member), hide_progress=True, group_news_in_reminders=False, weekly_digest=False
    )
    assert "Mia&#x27;s digits" not in _page(client, people["owner"], group).text


def test_the_week_shows_hours_against_the_goal_and_who_finished_a_stage(client, people):
    group, member = people["group"], people["member"]
    stage_resources = Resource.objects.filter(stage__order=1, optional=False)
    for resource in stage_resources:
        progress_services.set_status(member, resource, "done")
    text = _page(client, people["owner"], group).text
    done = Resource.objects.filter(progress__user=member, progress__status="done", optional=False)
    hours = round(sum(float(r.effort_hours or 0) for r in done))
    assert f"<strong>{hours} hours</strong> of work marked done of the group's goal of 10 hours" in text
    first = stage_resources.first().stage
    if not hasattr(first, "capstone"):
        assert f"Mia Member: {first.title}" in text


def test_the_export_holds_groups_and_messages_written(client, people):
    group, member = people["group"], people["member"]
    services.post_message(membership(group, member), "Written by Mia")
    client.force_login(member)
    data = client.get(reverse("users:export_json")).json()
    assert [g["group"] for g in data["study_groups"]] == ["Friday club"]
    assert data["group_messages"][0]["body"] == "Written by Mia"


def test_erasure_keeps_messages_as_a_former_members_and_hands_owned_groups_on(client, people):
    from dlcurriculum.users.lifecycle import erase_user

    group, owner, member = people["group"], people["owner"], people["member"]
    services.post_message(membership(group, owner), "Welcome, all")
    erase_user(owner)
    group.refresh_from_db()
    assert group.owner_id == member.pk
    text = _page(client, member, group).text
    assert "Welcome, all" in text
    assert "a former member" in text
    assert "Olga Owner" not in text
    alone = services.create_group(member, name="Alone")
    erase_user(member)
    assert not type(group).objects.filter(pk__in=[group.pk, alone.pk]).exists()
