"""Deleting an account leaves no trace of the person, never fails for any role, and
keeps a mentor's feedback with the learners; the export holds everything; every
model with a user foreign key has an export and an erase rule (users.lifecycle)."""

import io
import json
import zipfile
from datetime import date, time
from pathlib import Path

import pytest
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.cached_db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection, models
from django.test.utils import CaptureQueriesContext, isolate_apps
from django.urls import reverse

from capstones import services as capstone_services
from capstones.models import Comment, Iteration, Review, Submission
from dlcurriculum.groups import services as group_services
from dlcurriculum.groups.models import Membership
from dlcurriculum.mail.models import SentEmail
from dlcurriculum.users import lifecycle
from dlcurriculum.users.models import User, WhyPromptDismissal
from progress import services as progress_services
from progress.models import Reminder, Status
from tests import factories
from tests.capstones.notebook_builders import as_bytes, good_notebook

pytestmark = pytest.mark.django_db

ON_DELETE = {lifecycle.CASCADE: models.CASCADE, lifecycle.KEPT: models.SET_NULL}


# --- every user foreign key has both rules ----------------------------------------


def user_foreign_keys(model_classes):
    """``"app_label.Model.field"`` -> field, for every foreign key or one-to-one to the user model."""
    return {
        f"{model._meta.label}.{field.name}": field
        for model in model_classes
        for field in model._meta.get_fields()
        if field.concrete and (field.many_to_one or field.one_to_one) and field.related_model is User
    }


def missing_rules(model_classes) -> list[str]:
    rules = lifecycle.model_rules()
    tables = set(lifecycle.table_columns())
    problems = []
    for name, field in user_foreign_keys(model_classes).items():
        if name not in rules:
            problems.append(f"{name}: no export and erase rule in users.lifecycle")
            continue
        exported, rule, part = rules[name]
        if not exported or not set(exported) <= tables:
            problems.append(f"{name}: exported in {exported}, which are not all export tables")
        if rule in ON_DELETE and field.remote_field.on_delete is not ON_DELETE[rule]:
            problems.append(f"{name}: rule {rule!r} but on_delete is {field.remote_field.on_delete.__name__}")
        if rule == lifecycle.ERASED and part.erase is None:
            problems.append(f"{name}: rule 'erased' but its part has no erase function")
    return problems


def test_every_model_with_a_user_foreign_key_has_an_export_and_an_erase_rule():
    assert missing_rules(apps.get_models()) == []


def test_every_rule_names_a_user_foreign_key_that_exists():
    assert set(lifecycle.model_rules()) <= set(user_foreign_keys(apps.get_models()))


@isolate_apps("tests")
def test_a_new_model_with_a_user_foreign_key_and_no_rule_is_caught():
    class Bookmark(models.Model):  # noqa: DJ008 - never shown
        owner = models.ForeignKey(User, on_delete=models.CASCADE)

        class Meta:
            app_label = "tests"

    assert missing_rules([Bookmark]) == ["tests.Bookmark.owner: no export and erase rule in users.lifecycle"]


# --- a world with every kind of row -------------------------------------------------


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(db, tasks_in_process, django_capture_on_commit_callbacks):
    """A learner, a mentor and an admin, each with every kind of row the app keeps about people."""
    learner = factories.UserFactory(email="lena.learner@example.com")
    other = factories.UserFactory(email="otto.other@example.com")
    mentor = factories.MentorFactory(email="mira.mentor@example.com")
    admin = factories.AdminFactory(email="adam.admin@example.com")
    brief = factories.CapstoneBriefFactory(key="capstone-1")
    factories.ProjectIdeaFactory(brief=brief, order=1, title="Digits")
    second_brief = factories.CapstoneBriefFactory(key="capstone-2")
    factories.ProjectIdeaFactory(brief=second_brief, order=1, title="Sentiment")
    resource = factories.ResourceFactory()

    for person in (learner, mentor, admin):
        progress_services.set_status(person, resource, Status.IN_PROGRESS)
        progress_services.save_note(person, resource, f"Note of {person.email}")
        WhyPromptDismissal.objects.create(user=person)
        Reminder.objects.create(user=person, period="weekly:2026-W48", last_error=f"550 {person.email} busy")
        done = factories.ResourceFactory(stage=resource.stage, order=resource.order + 1 + person.pk)
        progress_services.set_status(person, done, Status.DONE)
        progress_services.answer_time_spent(person, done, 7.5)  # how long it took (issue #31)
        progress_services.set_pace_plan(person, today=date(2026, 11, 2), hours_per_week=5)
        # The calendar feed (issue #31): study blocks are exported, the feed's secret never.
        progress_services.set_study_blocks(person, today=date(2026, 11, 2), weekdays=[0, 2], start=time(19), minutes=90)
        progress_services.reset_calendar_feed(person)
        progress_services.add_pause(
            person, start=date(2026, 12, 20), end=date(2027, 1, 3), label=f"{person.email} away"
        )
        progress_services.record_completion(person, public=False)
        SentEmail.objects.create(user=person, to=person.email, template="reminder", subject=f"Hi {person.email}")

    def submit(owner, on_brief):
        with django_capture_on_commit_callbacks(execute=True):
            return capstone_services.submit_iteration(
                learner=owner,
                brief=on_brief,
                title=f"Work of {owner.email}",
                idea=on_brief.ideas.first(),
                own_problem="",
                repository_url="https://example.com/repo",
                write_up=f"Write-up by {owner.email}",
                notebook_bytes=as_bytes(good_notebook()),
                filename=f"{owner.email}.ipynb",
            ).submission

    # The learner's capstone, reviewed by the mentor (review and feedback), commented by all three.
    reviewed = capstone_services.claim(submit(learner, brief), mentor=mentor)
    with django_capture_on_commit_callbacks(execute=True):
        reviewed = capstone_services.decide(
            reviewed, mentor=mentor, decision="changes_requested", feedback="Explain the loss, please."
        )
    iteration = reviewed.iterations.get()
    capstone_services.add_comment(iteration, author=learner, body="Thanks, will do.")
    capstone_services.add_comment(iteration, author=admin, body="Admin note: looks fine.")
    capstone_services.update_portfolio(learner, is_public=True, headline=f"Portfolio of {learner.email}")
    # The mentor is reviewing another learner's capstone right now (a claim).
    capstone_services.claim(submit(other, brief), mentor=mentor)
    # The learner's second capstone waits for review.
    submit(learner, second_brief)

    # The admin changed the learner's account in the admin, and e-mailed a summary to all admins.
    LogEntry.objects.create(
        user=admin,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(learner.pk),
        object_repr=str(learner),
        action_flag=CHANGE,
        change_message="[]",
    )
    LogEntry.objects.create(
        user=admin,
        content_type=ContentType.objects.get_for_model(Submission),
        object_id=str(reviewed.pk),
        object_repr=str(reviewed),
        action_flag=CHANGE,
        change_message="[]",
    )
    # The admin edited the curriculum (its version history names them as the author).
    import reversion

    with reversion.create_revision():
        stage = reviewed.brief.stage
        stage.title = "Edited by the admin"
        stage.save()
        reversion.set_user(admin)
        reversion.set_comment("Changed title.")
    SentEmail.objects.create(
        to=f"{admin.email}, other.admin@example.com",
        template="linkcheck_broken",
        subject="2 broken links",
        last_error=f"4.2.2 mailbox of {admin.email} full",
    )
    # Each is signed in on a phone (a session allauth.usersessions recorded); the learner linked GitHub.
    for person in (learner, mentor, admin):
        store = SessionStore()
        store["_auth_user_id"] = str(person.pk)
        store.create()
        UserSession.objects.create(
            user=person, session_key=store.session_key, ip="203.0.113.9", user_agent=f"Phone of {person.email}"
        )
    SocialAccount.objects.create(
        user=learner, provider="github", uid="4242", extra_data={"login": "lena", "email": learner.email}
    )
    # A study group the learner started, with the other learner in it; a message each, one reported.
    group = group_services.create_group(learner, name="Lena's reading club", weekly_goal_hours=5)
    other_membership = group_services.join(other, group.invite_token)
    group_services.post_message(Membership.objects.get(group=group, user=learner), "See you on Friday.")
    their_message = group_services.post_message(other_membership, "Shall we do chapter 2?")
    group_services.report_message(their_message, learner, "Testing the report")
    return {"learner": learner, "mentor": mentor, "admin": admin, "other": other, "reviewed": reviewed}


def traces_in_database(text: str) -> list[str]:
    """``table.column`` of every value in the database that contains ``text`` (any case)."""
    found = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                cursor.execute(
                    f"SELECT COUNT(*) FROM {quote(table)} WHERE LOWER(CAST({quote(column.name)} AS TEXT)) LIKE %s",  # noqa: S608 - names from introspection
                    [f"%{text.lower()}%"],
                )
                if cursor.fetchone()[0]:
                    found.append(f"{table}.{column.name}")
    return found


def traces_in_storage(media_root: Path, text: str, names: list[str]) -> list[str]:
    if not media_root.exists():
        return []
    files = [path for path in media_root.rglob("*") if path.is_file()]
    return [
        str(path)
        for path in files
        if any(path.as_posix().endswith(name) for name in names) or text.encode() in path.read_bytes()
    ]


def delete_through_the_page(client, user, django_capture_on_commit_callbacks):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("users:delete_account"), {"email": user.email})
    assert response.status_code == 302, response.content[:500]
    return response


@pytest.mark.parametrize("role", ["learner", "mentor", "admin"])
def test_deleting_an_account_leaves_no_trace_of_the_address_in_any_table(
    client, world, role, django_capture_on_commit_callbacks
):
    person = world[role]
    assert traces_in_database(person.email)  # the scan sees the address before
    delete_through_the_page(client, person, django_capture_on_commit_callbacks)
    assert traces_in_database(person.email) == []
    assert not User.objects.filter(pk=person.pk).exists()
    # The phone's session ended with the account (its session row holds no user column to cascade).
    assert Session.objects.count() == 2


def test_deleting_a_learner_removes_their_notebook_files(client, world, settings, django_capture_on_commit_callbacks):
    learner = world["learner"]
    names = list(Iteration.objects.filter(submission__learner=learner).values_list("notebook", flat=True))
    assert len(names) == 2
    assert all((Path(settings.MEDIA_ROOT) / name).exists() for name in names)
    delete_through_the_page(client, learner, django_capture_on_commit_callbacks)
    assert traces_in_storage(Path(settings.MEDIA_ROOT), learner.email, names) == []


def test_the_other_learners_notebook_stays_when_a_learner_is_deleted(
    client, world, settings, django_capture_on_commit_callbacks
):
    kept = Iteration.objects.get(submission__learner=world["other"]).notebook.name
    delete_through_the_page(client, world["learner"], django_capture_on_commit_callbacks)
    assert (Path(settings.MEDIA_ROOT) / kept).exists()


def test_a_deleted_mentors_review_and_feedback_stay_with_the_learner_as_a_former_mentor(
    client, world, django_capture_on_commit_callbacks
):
    delete_through_the_page(client, world["mentor"], django_capture_on_commit_callbacks)
    review = Review.objects.get(iteration__submission=world["reviewed"])
    assert review.mentor is None
    assert Comment.objects.filter(body="Explain the loss, please.", author=None).exists()
    client.force_login(world["learner"])
    page = client.get(world["reviewed"].iterations.get().get_absolute_url())
    assert page.text.count("A former mentor") == 2  # the feedback and the decision


def test_a_deleted_mentors_claims_go_back_to_the_queue(client, world, django_capture_on_commit_callbacks):
    delete_through_the_page(client, world["mentor"], django_capture_on_commit_callbacks)
    claimed = Submission.objects.get(learner=world["other"])
    assert (claimed.status, claimed.mentor_id, claimed.claimed_at) == (Submission.Status.WAITING, None, None)


def test_a_shared_e_mail_record_keeps_the_other_recipients_when_an_admin_is_deleted(
    client, world, django_capture_on_commit_callbacks
):
    delete_through_the_page(client, world["admin"], django_capture_on_commit_callbacks)
    record = SentEmail.objects.get(template="linkcheck_broken")
    assert record.to == "other.admin@example.com"


# --- export ------------------------------------------------------------------------


def test_every_export_table_has_rows_for_someone_in_a_world_with_every_kind_of_data(client, world):
    filled = set()
    for role in ("learner", "mentor", "admin"):
        client.force_login(world[role])
        data = json.loads(client.get(reverse("users:export_json")).content)
        filled |= {name for name in lifecycle.table_columns() if name != "profile" and data[name]}
    assert set(lifecycle.table_columns()) - filled == {"profile"}


def test_the_export_holds_the_study_blocks_but_never_the_calendar_feeds_secret_or_address(client, world):
    from progress.models import PacePlan
    from progress.selectors import calendar_token

    learner = world["learner"]
    plan = PacePlan.objects.get(user=learner)
    client.force_login(learner)
    text = client.get(reverse("users:export_json")).text
    data = json.loads(text)
    assert {k: data["pace_plan"][0][k] for k in ("study_days", "study_start", "study_minutes")} == {
        "study_days": "Monday, Wednesday",
        "study_start": "19:00:00",
        "study_minutes": 90,
    }
    token = calendar_token(plan)
    assert plan.feed_secret not in text
    assert token not in text
    assert token.split("-", 1)[1] not in text
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("users:export_csv")).content))
    everything = b"".join(archive.read(name) for name in archive.namelist() if name.endswith(".csv"))
    assert plan.feed_secret.encode() not in everything
    assert token.split("-", 1)[1].encode() not in everything


def test_the_learners_export_holds_their_capstones_feedback_and_portfolio(client, world):
    client.force_login(world["learner"])
    data = json.loads(client.get(reverse("users:export_json")).content)
    assert {s["title"] for s in data["submissions"]} == {"Work of lena.learner@example.com"}
    assert [i["write_up"] for i in data["iterations"]] == ["Write-up by lena.learner@example.com"] * 2
    assert data["reviews_received"][0]["decision"] == "changes_requested"
    assert {c["body"] for c in data["comments_received"]} == {"Explain the loss, please.", "Admin note: looks fine."}
    assert data["portfolio"][0]["headline"] == "Portfolio of lena.learner@example.com"
    assert data["emails"][0]["to"] == "lena.learner@example.com"
    assert data["reminders"][0]["period"] == "weekly:2026-W48"


def test_the_csv_zip_has_one_file_per_table_and_the_notebooks(client, world):
    learner = world["learner"]
    client.force_login(learner)
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("users:export_csv")).content))
    names = set(archive.namelist())
    assert {f"{table}.csv" for table in lifecycle.table_columns()} <= names
    for iteration in Iteration.objects.filter(submission__learner=learner):
        stored = iteration.notebook.open("rb").read()
        assert archive.read(f"notebooks/submission-{iteration.submission_id}-iteration-{iteration.number}.ipynb") == (
            stored
        )


def test_a_notebook_missing_from_storage_does_not_break_the_export(client, world):
    learner = world["learner"]
    iteration = Iteration.objects.filter(submission__learner=learner).first()
    iteration.notebook.storage.delete(iteration.notebook.name)
    client.force_login(learner)
    response = client.get(reverse("users:export_csv"))
    assert response.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert any(name.endswith(".missing.txt") for name in names)


def test_the_export_takes_no_more_queries_with_more_data(
    world, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    learner = world["learner"]
    with CaptureQueriesContext(connection) as small:
        lifecycle.export_user(learner)
    third = factories.CapstoneBriefFactory(key="capstone-3")
    factories.ProjectIdeaFactory(brief=third, order=1, title="Games")
    with django_capture_on_commit_callbacks(execute=True):
        iteration = capstone_services.submit_iteration(
            learner=learner,
            brief=third,
            title="More work",
            idea=third.ideas.first(),
            own_problem="",
            repository_url="",
            write_up="More.",
            notebook_bytes=as_bytes(good_notebook()),
            filename="more.ipynb",
        )
    capstone_services.add_comment(iteration, author=learner, body="Another comment.")
    for resource in factories.ResourceFactory.create_batch(3):
        progress_services.save_note(learner, resource, "More notes.")
    with django_assert_max_num_queries(len(small)):
        lifecycle.export_user(learner)
