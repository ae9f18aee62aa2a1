"""Issue 28: a whole capstone conversation, through the pages, reaches each party exactly once.

Each step is what a person does in the browser (a POST to the page's form); after each step the
batches are given their time and each party's new e-mails are counted and read. Run twice: with
nothing configured (tasks in-process, the local beat sending the due batches, as under
``make run``), and with a real Celery worker on Redis sending over a real SMTP server.
"""

import time
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from capstones.models import Submission
from dlcurriculum import local_beat
from tests import factories
from tests.capstones.notebook_builders import code, md, notebook
from tests.submitting import submission_form, upload


@dataclass
class Step:
    """What one person does, and the subjects each party finds in their inbox afterwards."""

    actor: str
    does: str
    expect: dict  # party -> list of subject fragments, one per e-mail, in order


def conversation(brief):
    """The conversation of the issue: ready for review, a claim, a message on a cell and a reply, a
    request for changes, a new iteration back to the same mentor, a claim returned to the queue
    and taken by another mentor, an approval. Other parties get nothing."""
    return [
        Step("learner", "submit", {"mentor": ["submitted it; it is ready for review"], "second": ["ready for review"]}),
        Step("mentor", "claim", {}),
        Step("mentor", "comment on cell 2", {"learner": ["commented on cell 2"]}),
        Step("learner", "reply", {"mentor": ["Ana Learner commented"]}),
        Step("mentor", "ask for changes", {"learner": ["Changes requested on your capstone"]}),
        Step("learner", "upload iteration 2", {"mentor": ["uploaded a new iteration; it is back with you"]}),
        Step("mentor", "release", {"second": ["back in the review queue, free to claim"]}),
        Step("second", "claim", {}),
        Step("second", "approve", {"learner": ["is approved"]}),
    ]


def act(client, people, brief, step: Step) -> None:
    """Post the form the person's page offers for ``step.does``."""
    user = people[step.actor]
    submission = Submission.objects.filter(learner=people["learner"]).first()
    latest = submission.iterations.order_by("-number").first().number if submission else 1
    comment_url = submission and reverse("capstones:comment", args=[submission.pk, latest])
    url, data = {
        "submit": (reverse("capstones:submit", kwargs={"key": brief.key}), submission_form(brief)),
        "claim": (submission and reverse("capstones:claim", args=[submission.pk]), {}),
        "comment on cell 2": (comment_url, {"body": "Why this loss?", "cell": 2}),
        "reply": (comment_url, {"body": "It is a classification."}),
        "ask for changes": (comment_url, {"body": "Explain it in the notebook.", "decision": "changes_requested"}),
        "upload iteration 2": (
            reverse("capstones:submit", kwargs={"key": brief.key}),
            submission_form(brief, notebook=upload(notebook(md(), code("import torch\nprint('v2')")))),
        ),
        "release": (submission and reverse("capstones:release", args=[submission.pk]), {}),
        "approve": (comment_url, {"body": "Good work.", "decision": "approved"}),
    }[step.does]
    client.force_login(user)
    response = client.post(url, data)
    assert response.status_code == 302, f"{step.actor} could not {step.does}: {response.content[:500]!r}"


@pytest.fixture
def people(db):
    return {
        "learner": factories.UserFactory(name="Ana Learner", email="ana@example.com"),
        "mentor": factories.MentorFactory(name="Grace Mentor", email="grace@example.com"),
        "second": factories.MentorFactory(name="Alan Mentor", email="alan@example.com"),
    }


def received(messages, people) -> dict:
    """party -> subjects of the e-mails addressed to them, in the order sent."""
    by_address = {user.email: party for party, user in people.items()}
    inbox = {party: [] for party in people}
    for to, subject in messages:
        for address in to:
            inbox[by_address[address]].append(subject)
    return inbox


def assert_each_party_got(step: Step, inbox: dict) -> None:
    for party, subjects in inbox.items():
        wanted = step.expect.get(party, [])
        assert len(subjects) == len(wanted), f"after {step.actor} {step.does}: {party} got {subjects}"
        for subject, fragment in zip(subjects, wanted, strict=True):
            assert fragment in subject, f"after {step.actor} {step.does}: {party} got {subject!r}"


# --------------------------------------------------------------------------- nothing configured


@pytest.mark.django_db
def test_with_nothing_configured_each_event_reaches_the_other_side_once(
    client, people, brief, mailoutbox, time_machine, settings, django_capture_on_commit_callbacks
):
    settings.CAPSTONE_NOTIFY_DELAY_SECONDS = 30
    for step in conversation(brief):
        with django_capture_on_commit_callbacks(execute=True):
            act(client, people, brief, step)
        # The local beat's next ticks, after the burst's quiet time: the due batches go out once.
        time_machine.move_to(timezone.now() + timedelta(seconds=31), tick=False)
        local_beat.run_once()
        local_beat.run_once()
        assert_each_party_got(step, received([(m.to, m.subject) for m in mailoutbox], people))
        mailoutbox.clear()
    time_machine.move_to(timezone.now() + timedelta(hours=1), tick=False)
    local_beat.run_once()
    assert mailoutbox == []


@pytest.mark.django_db
def test_with_nothing_configured_a_human_review_request_reaches_every_mentor_once(
    client, people, brief, mailoutbox, time_machine, settings, django_capture_on_commit_callbacks
):
    settings.CAPSTONE_NOTIFY_DELAY_SECONDS = 30
    keras = notebook(md(), code("from keras import layers\nlayers.Dense(10)"))
    client.force_login(people["learner"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("capstones:submit", kwargs={"key": brief.key}), submission_form(brief, notebook=upload(keras))
        )
    submission = Submission.objects.get()
    assert submission.status == Submission.Status.RULES_BROKEN
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("capstones:ask_review", args=[submission.pk]), {"reason": "Keras is only named in a comment."}
        )
    assert response.status_code == 302
    time_machine.move_to(timezone.now() + timedelta(seconds=31), tick=False)
    local_beat.run_once()
    local_beat.run_once()
    inbox = received([(m.to, m.subject) for m in mailoutbox], people)
    assert {party: len(subjects) for party, subjects in inbox.items()} == {"learner": 0, "mentor": 1, "second": 1}
    assert all("asked for a human review" in subjects[0] for subjects in (inbox["mentor"], inbox["second"]))


# --------------------------------------------------------------------------- a real worker


@pytest.fixture
def celery_app(project_celery_app):
    return project_celery_app


def unfolded(header: str) -> str:
    """A long subject comes folded over lines (RFC 5322 2.2.3): unfolding removes the line breaks."""
    return header.replace("\r\n", "").replace("\n", "")


def wait_until(predicate, seconds=30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


@pytest.mark.redis
@pytest.mark.mail_queue
@pytest.mark.django_db(transaction=True)
def test_with_a_worker_and_smtp_each_event_reaches_the_other_side_once(
    worker_closes_db_connections, celery_app, celery_worker, smtp_server, client, people, brief, settings
):
    settings.CAPSTONE_NOTIFY_DELAY_SECONDS = 1
    seen = 0
    for step in conversation(brief):
        act(client, people, brief, step)
        wanted = seen + sum(len(subjects) for subjects in step.expect.values())
        assert wait_until(lambda wanted=wanted: len(smtp_server.received) >= wanted), (
            f"after {step.actor} {step.does}: only {smtp_server.received[seen:]}"
        )
        time.sleep(1.5)  # a batch sent twice would arrive by now
        new = [(rcpts, unfolded(message["Subject"])) for rcpts, message in smtp_server.received[seen:]]
        assert_each_party_got(step, received(new, people))
        seen = len(smtp_server.received)
