"""Models that moved between apps keep their tables and every row (state-only moves)."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import CapstoneBriefFactory, UserFactory

BEFORE = [
    ("stages", "0002_link_health"),
    ("capstones", "0002_submissions_review_portfolio"),
    ("progress", "0002_why_prompt_dismissal"),
    ("mail", "0001_initial"),
    ("users", "0003_reminder_weekday"),
]


@pytest.fixture(autouse=True)
def _back_to_the_latest_migrations():
    """Later tests need the whole schema, including migrations added after these moves."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _migrate(targets=None):
    """Migrate to ``targets`` (default: the latest migrations); the apps of that state."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_latest():
    """Leave the schema at the latest migrations for the tests that follow, whatever comes after AFTER."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_latest")
def test_moving_briefs_frameworks_ideas_reminders_and_why_dismissals_keeps_every_row():
    old = _migrate(BEFORE)
    Stage = old.get_model("stages", "Stage")
    # The users app is not part of the move; the user of that state (later columns do not exist yet).
    learner = old.get_model("users", "User").objects.create(email="kept@example.com", password="!")
    stage = Stage.objects.create(order=1, slug="capstone-1", title="Capstone I", summary="s")
    torch = old.get_model("capstones", "Framework").objects.create(name="PyTorch", module="torch")
    brief = old.get_model("capstones", "CapstoneBrief").objects.create(
        stage=stage, key="capstone-1", title="Capstone I", focus="f", rules="r"
    )
    brief.allowed_frameworks.add(torch)
    idea = old.get_model("capstones", "ProjectIdea").objects.create(brief=brief, order=1, title="Digits")
    old.get_model("capstones", "Submission").objects.create(learner_id=learner.pk, brief=brief, idea=idea, title="Mine")
    old.get_model("mail", "Reminder").objects.create(user_id=learner.pk, period="weekly:2026-W48")
    old.get_model("progress", "WhyPromptDismissal").objects.create(user_id=learner.pk)

    new = _migrate()

    brief = new.get_model("stages", "CapstoneBrief").objects.get(key="capstone-1")
    assert [f.module for f in brief.allowed_frameworks.all()] == ["torch"]
    assert [i.title for i in brief.ideas.all()] == ["Digits"]
    submission = new.get_model("capstones", "Submission").objects.get(title="Mine")
    assert (submission.brief_id, submission.idea.title) == (brief.pk, "Digits")
    assert new.get_model("progress", "Reminder").objects.get(user__email="kept@example.com").period == "weekly:2026-W48"
    assert new.get_model("users", "WhyPromptDismissal").objects.filter(user_id=learner.pk).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_latest")
def test_a_pace_plan_stated_before_started_at_existed_starts_at_its_last_change():
    """Issue #28: a plan's start instant is kept (its baseline); an older plan takes ``updated_at``,
    which moved only when the plan was restated."""
    learner = UserFactory()  # with today's columns: the users app does not move here
    old = _migrate([("progress", "0008_resource_progress_plural")])
    plans = old.get_model("progress", "PacePlan").objects
    plan = plans.create(user_id=learner.pk, hours_per_week=5, started_on=date(2026, 3, 2))
    stated = datetime(2026, 3, 2, 9, 15, tzinfo=UTC)
    plans.filter(pk=plan.pk).update(updated_at=stated)

    new = _migrate()

    assert new.get_model("progress", "PacePlan").objects.get(pk=plan.pk).started_at == stated


@pytest.mark.django_db(transaction=True)
def test_a_learner_who_had_turned_reminders_off_hears_no_review_emails_either():
    """Until review e-mails had a switch of their own, reminders off stopped them too: kept as chosen."""
    old = _migrate([("users", "0005_change_stamp")])
    users = old.get_model("users", "User").objects
    quiet = users.create(email="quiet@example.com", reminder_frequency="off")
    weekly = users.create(email="weekly@example.com", reminder_frequency="weekly")

    new = _migrate()

    by_pk = dict(new.get_model("users", "User").objects.values_list("pk", "review_emails"))
    assert (by_pk[quiet.pk], by_pk[weekly.pk]) == (False, True)


@pytest.mark.django_db(transaction=True)
def test_renaming_the_mentors_hold_and_the_outboxs_lease_keeps_their_times():
    """Issue #29: a mentor's hold on a resubmission is "held", a worker's hold on a message a lease."""
    learner, brief = UserFactory(), CapstoneBriefFactory()  # today's columns: their apps do not move here
    held, leased = datetime(2026, 12, 9, 10, 0, tzinfo=UTC), datetime(2026, 12, 7, 12, 5, tzinfo=UTC)
    old = _migrate([("capstones", "0008_mentors_told_decisions_seen"), ("mail", "0003_outbox_message_id_lease")])
    submission = old.get_model("capstones", "Submission").objects.create(
        learner_id=learner.pk,
        brief_id=brief.pk,
        title="Held",
        own_problem="Digits",
        status="in_review",
        mentor_id=learner.pk,
        claimed_at=leased,
        lease_until=held,
    )
    email = old.get_model("mail", "SentEmail").objects.create(to="a@example.com", template="t", lease_until=leased)

    new = _migrate()

    assert new.get_model("capstones", "Submission").objects.get(pk=submission.pk).held_for_mentor_until == held
    assert new.get_model("mail", "SentEmail").objects.get(pk=email.pk).lease_expires_at == leased
