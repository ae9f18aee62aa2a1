"""Sign in with GitHub (allauth.socialaccount) against a real local OAuth2 server playing GitHub
(tests/oauth_provider.py, its own process): sign-up, linking through an address verified on both
sides only, the refused takeover by an unverified address, connecting and disconnecting on the
profile without locking oneself out, and the feature off without its settings."""

from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from dlcurriculum.users.models import User
from tests import factories
from tests.factories import PASSWORD
from tests.totp import pass_second_factor

pytestmark = pytest.mark.django_db


def through_github(client, github, *, process="login", next_url=None):
    """Press "Sign in with GitHub", authorize on the local GitHub, come back; the app's answer."""
    data = {"process": process, **({"next": next_url} if next_url else {})}
    response = client.post(reverse("github_login"), data)
    assert response.status_code == 302, response
    assert response.url.startswith(f"{github.url}/login/oauth/authorize?")
    back = urlsplit(github.authorize(response.url))
    return client.get(f"{back.path}?{back.query}")


def signed_in_as(client):
    response = client.get(reverse("dashboard"))
    return response.context["user"] if response.status_code == 200 else None


def test_a_new_learner_signs_up_with_github(client, github):
    github.sign_in_as(uid=101, login="ada", name="Ada Lovelace", emails=[("ada@example.org", True)])
    response = through_github(client, github)
    assert response.status_code == 302
    user = User.objects.get(email="ada@example.org")
    assert signed_in_as(client) == user
    assert EmailAddress.objects.get(user=user).verified  # GitHub verified it
    assert SocialAccount.objects.get(user=user).uid == "101"
    assert user.name == "Ada Lovelace"
    assert not user.has_usable_password()


def test_signing_in_again_with_github_finds_the_same_account(client, github):
    github.sign_in_as(uid=102, login="grace", emails=[("grace@example.org", True)])
    through_github(client, github)
    client.post(reverse("account_logout"))
    github.sign_in_as(uid=102, login="grace", emails=[("grace-new@example.org", True)])
    through_github(client, github)
    assert signed_in_as(client).email == "grace@example.org"
    assert User.objects.count() == 1


def test_github_links_to_an_account_by_an_address_verified_on_both_sides(client, github, learner):
    github.sign_in_as(uid=103, login="lena", emails=[(learner.email.upper(), True)])
    through_github(client, github)
    assert signed_in_as(client) == learner
    assert SocialAccount.objects.get(uid="103").user == learner
    learner.refresh_from_db()
    assert learner.check_password(PASSWORD)  # nothing wiped


def test_an_unverified_github_address_never_takes_over_an_account(client, github, learner):
    github.sign_in_as(uid=666, login="mallory", emails=[(learner.email, False)])
    response = through_github(client, github)
    assert response.status_code == 302
    assert response.url == reverse("account_login")
    assert "already uses an address of that GitHub account" in client.get(response.url).text
    assert signed_in_as(client) is None
    assert not SocialAccount.objects.exists()
    assert User.objects.filter(email__iexact=learner.email).count() == 1
    learner.refresh_from_db()
    assert learner.check_password(PASSWORD)


def test_an_address_the_account_never_confirmed_is_not_linked_either(client, github, db):
    """Someone signed up with the address and never confirmed it: GitHub's verified owner is not let
    into that account (allauth would, wiping its password), nor is a second account made."""
    squatter = factories.UserFactory(email="victim@example.org", verified=False)
    EmailAddress.objects.create(user=squatter, email="victim@example.org", verified=False, primary=True)
    github.sign_in_as(uid=104, login="victim", emails=[("victim@example.org", True)])
    response = through_github(client, github)
    assert response.url == reverse("account_login")
    assert signed_in_as(client) is None
    squatter.refresh_from_db()
    assert squatter.check_password(PASSWORD)
    assert not SocialAccount.objects.exists()


def test_a_mentor_signing_in_with_github_still_gives_the_second_factor(client, github, mentor):
    github.sign_in_as(uid=105, login="mira", emails=[(mentor.email, True)])
    response = through_github(client, github)
    assert response.url == reverse("mfa_authenticate")
    assert signed_in_as(client) is None
    pass_second_factor(client, response)
    assert signed_in_as(client) == mentor


def test_a_learner_connects_github_on_the_profile_then_disconnects_it(client, github, learner):
    client.force_login(learner)
    assert "Connect GitHub" in client.get(reverse("users:profile")).text
    github.sign_in_as(uid=106, login="lena-gh", emails=[("lena.elsewhere@example.org", True)])
    response = through_github(client, github, process="connect", next_url=reverse("users:profile"))
    assert response.url == reverse("users:profile")
    account = SocialAccount.objects.get(user=learner)
    assert "lena-gh" in client.get(reverse("users:profile")).text
    response = client.post(reverse("socialaccount_connections"), {"account": account.pk})
    assert response.status_code == 302
    assert not SocialAccount.objects.filter(user=learner).exists()
    assert signed_in_as(client) == learner


def test_a_github_account_of_someone_else_is_not_connected(client, github, learner, other_learner):
    github.sign_in_as(uid=107, login="otto", emails=[("otto@example.org", True)])
    SocialAccount.objects.create(user=other_learner, provider="github", uid="107")
    client.force_login(learner)
    through_github(client, github, process="connect", next_url=reverse("users:profile"))
    assert SocialAccount.objects.get(uid="107").user == other_learner


def test_the_only_way_in_cannot_be_disconnected(client, github):
    """An account made with GitHub has no password: disconnecting would lock its owner out."""
    github.sign_in_as(uid=108, login="solo", emails=[("solo@example.org", True)])
    through_github(client, github)
    account = SocialAccount.objects.get(uid="108")
    response = client.post(reverse("socialaccount_connections"), {"account": account.pk})
    assert response.status_code == 200
    assert "no password" in response.text
    assert SocialAccount.objects.filter(pk=account.pk).exists()


def test_disconnecting_needs_the_csrf_token(github, learner):
    from django.test import Client

    account = SocialAccount.objects.create(user=learner, provider="github", uid="109")
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    assert client.post(reverse("socialaccount_connections"), {"account": account.pk}).status_code == 403
    assert SocialAccount.objects.filter(pk=account.pk).exists()


def test_sign_in_with_github_is_limited_per_client_like_the_password(client, github, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    github.sign_in_as(uid=110, login="many", emails=[("many@example.org", True)])
    statuses = []
    for _ in range(3):
        client.post(reverse("account_logout"))
        statuses.append(through_github(client, github).status_code)
    assert statuses[-1] == 429


def test_the_sign_in_page_offers_github_only_when_it_is_set_up(client, db, settings):
    assert "Sign in with GitHub" not in client.get(reverse("account_login")).text
    assert client.post(reverse("github_login")).status_code == 404


def test_the_sign_in_page_offers_github_when_it_is_set_up(client, github):
    assert "Sign in with GitHub" in client.get(reverse("account_login")).text
    assert "Sign up with GitHub" in client.get(reverse("account_signup")).text


def test_the_export_names_the_github_link(client, github, learner):
    SocialAccount.objects.create(user=learner, provider="github", uid="111")
    client.force_login(learner)
    assert client.get(reverse("users:export_json")).json()["social_accounts"][0]["uid"] == "111"


def _settings_with(**env) -> dict:
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps({'on': s.GITHUB_SIGN_IN_ENABLED, 'apps': s.SOCIALACCOUNT_PROVIDERS['github']['APPS'], "
        "'form_action': s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'], "
        "'url': s.SOCIALACCOUNT_PROVIDERS['github'].get('GITHUB_URL')}))"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    environment.update(DJANGO_SETTINGS_MODULE="dlcurriculum.settings", **env)
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=Path(__file__).resolve().parents[2],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_github_is_off_until_both_settings_are_set():
    assert _settings_with()["on"] is False
    assert _settings_with(GITHUB_CLIENT_ID="id")["apps"] == []
    on = _settings_with(GITHUB_CLIENT_ID="id", GITHUB_CLIENT_SECRET="secret")
    assert on["on"] is True
    assert on["apps"] == [{"client_id": "id", "secret": "secret", "key": ""}]
    assert "https://github.com" in on["form_action"]  # the sign-in form's redirect to GitHub is allowed


def test_github_enterprise_is_one_setting():
    on = _settings_with(GITHUB_CLIENT_ID="id", GITHUB_CLIENT_SECRET="secret", GITHUB_URL="https://git.example.com/")
    assert on["url"] == "https://git.example.com"
    assert "https://git.example.com" in on["form_action"]
