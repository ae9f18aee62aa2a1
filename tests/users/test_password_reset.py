"""Password resets reach verified addresses only."""

from allauth.account.models import EmailAddress
from django.urls import reverse

from tests.factories import UserFactory

RESET_LINK = "/accounts/password/reset/key/"


def request_reset(client, email):
    return client.post(reverse("account_reset_password"), {"email": email})


def reset_links_sent_to(mailoutbox, email) -> list:
    return [m for m in mailoutbox if m.to == [email] and RESET_LINK in m.body]


def test_a_never_verified_second_address_gets_no_reset_link(client, learner, mailoutbox):
    EmailAddress.objects.create(user=learner, email="typo@example.org", verified=False, primary=False)
    response = request_reset(client, "typo@example.org")
    assert response.status_code == 302
    assert reset_links_sent_to(mailoutbox, "typo@example.org") == []


def test_a_verified_second_address_gets_a_reset_link(client, learner, mailoutbox):
    EmailAddress.objects.create(user=learner, email="second@example.org", verified=True, primary=False)
    request_reset(client, "second@example.org")
    assert len(reset_links_sent_to(mailoutbox, "second@example.org")) == 1


def test_an_account_whose_only_address_is_unverified_gets_no_reset_link(client, db, mailoutbox):
    user = UserFactory(verified=False)
    request_reset(client, user.email)
    assert reset_links_sent_to(mailoutbox, user.email) == []


def test_the_verified_primary_address_gets_a_reset_link_whatever_its_case(client, learner, mailoutbox):
    request_reset(client, learner.email.upper())
    assert len([m for m in mailoutbox if RESET_LINK in m.body]) == 1
