"""No HTML e-mail the app sends loads anything from elsewhere, whatever users wrote into it."""

from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings

from dlcurriculum.mail.remote import remote_resources
from dlcurriculum.mail.services import build_message

PIXEL = "http://tracker.example/pixel.gif"
HOSTILE_TEXT = f'<img src="{PIXEL}"> ![pixel]({PIXEL}) <style>@import url({PIXEL})</style>'


def _decision_context():
    person = SimpleNamespace(display_name=HOSTILE_TEXT)
    return {
        "learner": person,
        "mentor": person,
        "approved": False,
        "iteration": SimpleNamespace(number=2),
        "submission": SimpleNamespace(title=HOSTILE_TEXT, brief=SimpleNamespace(title=HOSTILE_TEXT)),
        "feedback": [
            SimpleNamespace(cell=3, body=f"See ![the plot]({PIXEL}) and [![badge]({PIXEL})](https://example.com/)"),
            SimpleNamespace(cell=None, body=f'Raw HTML too: <img src="{PIXEL}"> and ![]({PIXEL}?id=42)'),
        ],
        "url": "https://dlcurriculum.example/capstones/submissions/1/",
    }


def _activity_context():
    person = SimpleNamespace(display_name=HOSTILE_TEXT)
    submission = SimpleNamespace(title=HOSTILE_TEXT, brief=SimpleNamespace(title=HOSTILE_TEXT))
    comment = SimpleNamespace(
        cell=2,
        cell_excerpt=HOSTILE_TEXT,
        cell_quote=HOSTILE_TEXT,
        iteration=SimpleNamespace(number=2),
        body=f"See ![the plot]({PIXEL}) and {HOSTILE_TEXT}",
    )
    items = [
        SimpleNamespace(
            kind=kind, actor=person, comment=comment, digest_body=comment.body, digest_cut=kind == "message"
        )
        for kind in ("message", "resubmission", "reassigned")
    ]
    return {
        "recipient": person,
        "count": 3,
        "left_out": 4,
        "submissions": [{"submission": submission, "url": "https://dlcurriculum.example/c/1/", "items": items}],
        "inbox_url": "https://dlcurriculum.example/capstones/waiting/",
        "unsubscribe_url": "https://dlcurriculum.example/mail/unsubscribe/x/",
    }


def _queue_note_context():
    return {
        "mentor": SimpleNamespace(display_name=HOSTILE_TEXT),
        "waiting": 3,
        "oldest": SimpleNamespace(title=HOSTILE_TEXT, waiting_since=None),
        "queue_url": "https://dlcurriculum.example/capstones/review/",
        "unsubscribe_url": "https://dlcurriculum.example/mail/unsubscribe/x/",
    }


def _linkcheck_context():
    stage = SimpleNamespace(order=1, title=HOSTILE_TEXT)
    status = SimpleNamespace(
        resource=SimpleNamespace(title=HOSTILE_TEXT, stage=stage),
        url=PIXEL,
        get_status_display="Broken",
        http_status=404,
        detail=HOSTILE_TEXT,
        consecutive_failures=2,
    )
    return {"statuses": [status], "report_url": "https://dlcurriculum.example/admin/"}


def _reminder_context():
    return {
        "name": HOSTILE_TEXT,
        "why": HOSTILE_TEXT,
        "lines": [HOSTILE_TEXT],
        "next_up": SimpleNamespace(title=HOSTILE_TEXT),
        "next_stage": SimpleNamespace(title=HOSTILE_TEXT),
        "next_url": PIXEL,
        "new_resources": [{"title": HOSTILE_TEXT, "stage": HOSTILE_TEXT, "url": PIXEL}],
        "preferences_url": "https://dlcurriculum.example/me/",
        "unsubscribe_url": "https://dlcurriculum.example/mail/unsubscribe/x/",
        "group_news": [HOSTILE_TEXT],
    }


def _signin_alert_context():
    return {
        "account": SimpleNamespace(email=HOSTILE_TEXT),
        "failures": 5,
        "minutes": 15,
        "address": HOSTILE_TEXT,
        "code_url": "https://dlcurriculum.example/accounts/login/code/",
        "reset_url": "https://dlcurriculum.example/accounts/password/reset/",
    }


def _group_invite_context():
    return {
        "inviter": HOSTILE_TEXT,
        "group_name": HOSTILE_TEXT,
        "description": HOSTILE_TEXT,
        "join_url": "https://dlcurriculum.example/groups/join/token/",
    }


def _group_digest_context():
    group = {
        "name": HOSTILE_TEXT,
        "goal": 10,
        "hours": 4,
        "finished": [HOSTILE_TEXT],
        "messages": 3,
        "url": "https://dlcurriculum.example/groups/1/",
    }
    return {
        "name": HOSTILE_TEXT,
        "groups": [group],
        "unsubscribe_url": "https://dlcurriculum.example/mail/unsubscribe/x/",
        "groups_url": "https://dlcurriculum.example/groups/",
    }


CONTEXTS = {
    "group_digest": _group_digest_context,
    "group_invite": _group_invite_context,
    "capstone_activity": _activity_context,
    "capstone_decision": _decision_context,
    "capstone_queue_note": _queue_note_context,
    "linkcheck_broken": _linkcheck_context,
    "reminder": _reminder_context,
    "staff_signin_alert": _signin_alert_context,
}


def test_every_html_email_template_is_covered_here():
    on_disk = {p.stem for p in (Path(settings.BASE_DIR) / "templates" / "mail").glob("*.html")}
    assert on_disk == set(CONTEXTS)


@pytest.mark.parametrize("template", sorted(CONTEXTS))
def test_html_email_loads_nothing_remote_even_with_hostile_content(template):
    message = build_message(to=["learner@example.com"], template=template, context=CONTEXTS[template]())
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert remote_resources(html) == []
    assert "<img" not in html.lower()


def test_decision_email_turns_feedback_images_into_links():
    message = build_message(to=["learner@example.com"], template="capstone_decision", context=_decision_context())
    html = message.alternatives[0][0]
    assert f'<a href="{PIXEL}" rel="noopener noreferrer nofollow">Image: the plot</a>' in html


def test_html_that_would_load_a_remote_image_is_not_attached(settings, tmp_path, caplog):
    (tmp_path / "mail").mkdir()
    (tmp_path / "mail" / "leaky_subject.txt").write_text("Leaky")
    (tmp_path / "mail" / "leaky.txt").write_text("Text part")
    (tmp_path / "mail" / "leaky.html").write_text(f'<p>Hi</p><img src="{PIXEL}">')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    message = build_message(to=["learner@example.com"], template="leaky", context={})
    assert message.alternatives == []
    assert message.body == "Text part"
    assert "sent as plain text only" in caplog.text
