"""Each kind of e-mail has its own unsubscribe link: stopping reminders keeps the e-mails about a
capstone's review, and stopping those keeps the reminders (issue #29)."""

import pytest
from django.core import signing

from dlcurriculum.mail.unsubscribe import SALT, MailTopic, make_token, read_link, unsubscribe_url
from tests import factories

pytestmark = pytest.mark.django_db


def _path(url: str) -> str:
    return url.split("://", 1)[1].partition("/")[2].join(["/", ""])


def _fresh(user):
    return type(user).objects.only("reminder_frequency", "review_emails").get(pk=user.pk)


def test_the_review_emails_link_stops_them_and_keeps_the_reminders(client):
    learner = factories.UserFactory(reminder_frequency="weekly")
    link = _path(unsubscribe_url(learner.pk, MailTopic.REVIEWS))

    page = client.get(link)
    assert b"Stop e-mails about capstone reviews?" in page.content
    assert _fresh(learner).review_emails is True

    done = client.post(link)
    assert b"E-mails about capstone reviews stopped" in done.content
    assert (_fresh(learner).review_emails, _fresh(learner).reminder_frequency) == (False, "weekly")


def test_the_reminders_link_keeps_the_review_emails(client):
    learner = factories.UserFactory(reminder_frequency="weekly")
    client.post(_path(unsubscribe_url(learner.pk)))
    assert (_fresh(learner).review_emails, _fresh(learner).reminder_frequency) == (True, "off")


def test_a_link_made_before_topics_stops_reminders():
    learner = factories.UserFactory()
    old = signing.dumps({"u": learner.pk}, salt=SALT)
    assert read_link(old) == (learner.pk, MailTopic.REMINDERS)
    assert read_link(make_token(learner.pk)) == (learner.pk, MailTopic.REMINDERS)
    assert read_link(make_token(learner.pk, MailTopic.REVIEWS)) == (learner.pk, MailTopic.REVIEWS)


def test_a_link_naming_an_unknown_topic_is_refused(client):
    learner = factories.UserFactory(reminder_frequency="weekly")
    forged = signing.dumps({"u": learner.pk, "t": "everything"}, salt=SALT)
    response = client.post(f"/mail/unsubscribe/{forged}/")
    assert response.status_code == 400
    assert (_fresh(learner).review_emails, _fresh(learner).reminder_frequency) == (True, "weekly")


def test_the_profile_keeps_the_two_apart(client):
    learner = factories.UserFactory(reminder_frequency="weekly")
    client.force_login(learner)
    form = client.get("/me/profile/").context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    data.update(reminder_frequency="off", review_emails="on")
    response = client.post("/me/profile/", data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert (_fresh(learner).review_emails, _fresh(learner).reminder_frequency) == (True, "off")
