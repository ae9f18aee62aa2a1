"""Words defined twice (once in a Django-free core, once as model choices) mean the same.

Each test holds one pair together; where one side can simply use the other (progress
statuses from the completion core, constraint lists from the choices) it does, and the
test says so too.
"""

import pytest
from django.db.models import CheckConstraint

from capstones.models import Report, Review, Submission
from capstones.notebooks import Verdict
from dlcurriculum.mail.models import SentEmail
from dlcurriculum.users.models import User
from progress import completion
from progress.models import Reminder, ResourceProgress, Status
from progress.reminders import schedule
from stages import curriculum
from stages.linkhealth import checker as linkcheck
from stages.models import LinkState, Resource


def test_link_states_are_the_checker_statuses_plus_not_checked_yet():
    assert set(LinkState.values) == {s.value for s in linkcheck.Status} | {LinkState.UNCHECKED}


def test_resource_kinds_the_curriculum_file_accepts_are_the_models_kinds():
    assert set(Resource.Kind.values) == curriculum.RESOURCE_KINDS


def test_resource_costs_the_curriculum_file_accepts_are_the_models_costs():
    assert set(Resource.Cost.values) == curriculum.COSTS


def test_progress_statuses_are_the_completion_cores():
    core = {completion.NOT_STARTED, completion.IN_PROGRESS, completion.DONE, completion.SKIPPED}
    assert set(Status.values) == core


def test_finished_statuses_are_progress_statuses():
    assert set(Status.values) >= completion.FINISHED


def test_report_verdicts_are_the_notebook_analysis_verdicts_with_the_same_labels():
    analysis = {Verdict.PASS, Verdict.ATTENTION, Verdict.BREAKS_RULES}
    assert set(Report.Verdict.values) == analysis
    assert {v: Report.Verdict(v).label for v in analysis} == Verdict.LABELS


def test_reminder_frequencies_of_the_profile_are_the_schedules():
    assert set(User.ReminderFrequency.values) == {schedule.OFF, schedule.WEEKLY, schedule.INACTIVITY}


@pytest.mark.parametrize(
    ("model", "field", "constraint"),
    [
        (Submission, "status", "capstones_submission_status_valid"),
        (Review, "decision", "capstones_review_decision_valid"),
        (SentEmail, "status", "mail_sentemail_status_valid"),
        (Reminder, "status", "mail_reminder_status_valid"),
        (ResourceProgress, "status", "progress_status_valid"),
    ],
)
def test_status_constraints_allow_exactly_the_fields_choices(model, field, constraint):
    choices = [value for value, _ in model._meta.get_field(field).choices]
    (check,) = [c for c in model._meta.constraints if isinstance(c, CheckConstraint) and c.name == constraint]
    (lookup, allowed) = check.condition.children[0]
    assert (lookup, list(allowed)) == (f"{field}__in", choices)
