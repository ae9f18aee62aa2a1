import time_machine
from django.utils import timezone

from capstones import services
from capstones.models import Review


def decide(claimed, mentor, decision, feedback, capture, cell=None):
    with capture(execute=True):
        return services.decide(claimed, mentor=mentor, decision=decision, feedback=feedback, cell=cell)


def test_approval_emails_the_learner(claimed, mentor, learner, mailoutbox, django_capture_on_commit_callbacks):
    decide(claimed, mentor, "approved", "Lovely explanations.", django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [learner.email]
    assert mail.subject == f'Your capstone "{claimed.title}" is approved'
    assert "Lovely explanations." in mail.body
    assert claimed.get_absolute_url() in mail.body


def test_changes_requested_emails_the_learner_with_cell_feedback(
    claimed, mentor, mailoutbox, django_capture_on_commit_callbacks
):
    decide(claimed, mentor, "changes_requested", "Why this learning rate?", django_capture_on_commit_callbacks, cell=3)
    assert mailoutbox[0].subject == f'Changes requested on your capstone "{claimed.title}"'
    # The feedback beside its cell: the cell's first lines quoted, then the text.
    assert "On cell 3:\n  | We explain" in mailoutbox[0].body
    assert "\nWhy this learning rate?" in mailoutbox[0].body
    html = mailoutbox[0].alternatives[0][0]
    assert "Why this learning rate?" in html


def test_review_is_marked_notified(claimed, mentor, django_capture_on_commit_callbacks, mailoutbox):
    decide(claimed, mentor, "approved", "", django_capture_on_commit_callbacks)
    assert Review.objects.get().notified_at is not None


def test_decision_email_is_never_sent_twice(claimed, mentor, mailoutbox, django_capture_on_commit_callbacks):
    decide(claimed, mentor, "approved", "", django_capture_on_commit_callbacks)
    assert services.notify_decision(Review.objects.get().pk) is False
    assert len(mailoutbox) == 1


def test_sweep_sends_a_decision_email_that_was_never_enqueued(
    claimed, mentor, mailoutbox, django_capture_on_commit_callbacks
):
    services.decide(claimed, mentor=mentor, decision="approved", feedback="")  # on-commit work dropped: broker down
    assert mailoutbox == []
    with (
        time_machine.travel(timezone.now() + timezone.timedelta(minutes=30)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = services.sweep()
    assert result["reviews"] == 1
    assert len(mailoutbox) == 1


def test_email_subject_and_text_are_not_html_escaped(
    make_submission, learner, brief, mentor, mailoutbox, django_capture_on_commit_callbacks
):
    sub = make_submission(learner, brief, title="Cats & <Dogs>")
    services.claim(sub, mentor=mentor)
    decide(sub, mentor, "approved", "Use 'ReLU' & <sigmoid>", django_capture_on_commit_callbacks)
    assert mailoutbox[0].subject == 'Your capstone "Cats & <Dogs>" is approved'
    assert "Use 'ReLU' & <sigmoid>" in mailoutbox[0].body
    assert "&lt;sigmoid&gt;" in mailoutbox[0].alternatives[0][0]
