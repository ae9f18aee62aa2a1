"""python manage.py send_reminders [--dry-run]."""

import pytest
from django.core.management import CommandError, call_command

from dlcurriculum.mail.models import SentEmail
from progress.models import Reminder

pytestmark = pytest.mark.django_db


def test_dry_run_prints_counts_and_a_sample_and_sends_nothing(
    small_curriculum, make_learner, frozen_now, mailoutbox, capsys
):
    due = [make_learner() for _ in range(3)]
    make_learner(reminder_frequency="off")
    call_command("send_reminders", "--dry-run", "--sample", "2")
    out = capsys.readouterr().out
    assert "Dry run: 3 reminder(s) would be sent (3 inactive) to 3 learner(s) checked" in out
    assert f"  {due[0].email}: inactive:" in out and "next up: Fastai" in out
    assert due[2].email not in out
    assert mailoutbox == [] and not Reminder.objects.exists() and not SentEmail.objects.exists()


def test_command_sends_due_reminders_and_reports_progress_per_batch(
    small_curriculum, make_learner, frozen_now, mailoutbox, capsys
):
    for _ in range(5):
        make_learner()
    call_command("send_reminders", "--batch-size", "2")
    captured = capsys.readouterr()
    assert "Sent 5 reminder(s) (5 inactive) after checking 5 learner(s)" in captured.out
    assert captured.err.count("… batch") == 3
    assert len(mailoutbox) == 5


def test_command_refuses_a_batch_size_below_one(db):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("send_reminders", "--batch-size", "0")
