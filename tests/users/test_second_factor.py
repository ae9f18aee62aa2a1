"""Two-factor sign-in (allauth.mfa): anyone may turn it on from the profile; mentors and admins must
(users.second_factor); recovery codes work once each; an admin resets a lost device, logged."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.urls import reverse

from dlcurriculum.users.models import MENTORS_GROUP
from tests import factories
from tests.factories import PASSWORD
from tests.totp import current_code, pass_second_factor

pytestmark = pytest.mark.django_db


def sign_in(client, user, **extra):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD}, **extra)
    return pass_second_factor(client, response, **extra)


def confirm_password(client):
    # allauth asks for the password again before a second factor is added or removed.
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


def activate_totp(client) -> tuple[str, list[str]]:
    """Through the pages, as a person does: the QR code's secret into the app, the app's code back.
    Returns the secret and the recovery codes shown afterwards."""
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200, page
    assert 'src="data:image/svg+xml;base64,' in page.text  # the QR code
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.url == reverse("mfa_view_recovery_codes")
    codes = client.get(response.url).context["unused_codes"]
    return secret, list(codes)


def test_a_learner_turns_on_two_factor_from_the_profile_then_signs_in_with_the_apps_code(client, learner):
    sign_in(client, learner)
    profile = client.get(reverse("users:profile")).text
    assert "Set up two-factor authentication" in profile
    assert reverse("mfa_index") in profile
    confirm_password(client)
    secret, codes = activate_totp(client)
    assert len(codes) == 10
    assert "Manage two-factor authentication" in client.get(reverse("users:profile")).text
    client.post(reverse("account_logout"))

    response = client.post(reverse("account_login"), {"login": learner.email, "password": PASSWORD})
    assert response.url == reverse("mfa_authenticate")
    assert client.get(reverse("dashboard")).status_code == 302  # the password alone is not enough
    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_recovery_code_signs_in_once(client, learner):
    sign_in(client, learner)
    confirm_password(client)
    _secret, codes = activate_totp(client)
    client.post(reverse("account_logout"))

    client.post(reverse("account_login"), {"login": learner.email, "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200
    client.post(reverse("account_logout"))

    client.post(reverse("account_login"), {"login": learner.email, "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == 200
    assert "Incorrect code" in response.text
    assert client.get(reverse("dashboard")).status_code == 302
    response = client.post(reverse("mfa_authenticate"), {"code": codes[1]})  # another one still works
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_mentor_without_a_second_factor_sets_one_up_then_reviews(client, db):
    mentor = factories.MentorFactory(second_factor=False)
    response = sign_in(client, mentor)
    queue = reverse("capstones:queue")
    response = client.get(queue)
    assert response.url == reverse("mfa_index")
    page = client.get(response.url).text
    assert "Mentors and admins sign in with a second factor" in page
    assert reverse("mfa_activate_totp") in page
    confirm_password(client)
    activate_totp(client)
    assert client.get(queue).status_code == 200


def test_an_admin_without_a_second_factor_is_sent_from_the_admin_to_set_one_up(client, db):
    admin = factories.AdminFactory(second_factor=False)
    client.force_login(admin)
    response = client.get(reverse("admin:users_user_changelist"))
    assert response.url == reverse("mfa_index")


def test_recovery_codes_alone_are_not_a_second_factor(client, db):
    mentor = factories.MentorFactory(second_factor=False)
    Authenticator.objects.create(user=mentor, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "00" * 20})
    client.force_login(mentor)
    assert client.get(reverse("capstones:queue")).url == reverse("mfa_index")


def test_turning_the_last_factor_off_sends_a_mentor_back_to_set_one_up(client, mentor):
    client.force_login(mentor)
    assert client.get(reverse("capstones:queue")).status_code == 200
    Authenticator.objects.filter(user=mentor).delete()
    assert client.get(reverse("capstones:queue")).url == reverse("mfa_index")


# --- The admin --------------------------------------------------------------------------------------


def test_an_admin_making_someone_a_mentor_is_told_they_must_enrol(client, staff, learner):
    client.force_login(staff)
    mentors = Group.objects.get_or_create(name=MENTORS_GROUP)[0]
    url = reverse("admin:users_user_change", args=[learner.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update(
        groups=[mentors.pk],
        user_permissions=[],
        last_login_0="",
        last_login_1="",
        date_joined_0="2026-01-01",
        date_joined_1="00:00:00",
        is_active="on",
    )
    response = client.post(url, data, follow=True)
    assert learner.groups.filter(name=MENTORS_GROUP).exists(), response.context["adminform"].form.errors
    shown = [str(m) for m in response.context["messages"]]
    assert any(f"{learner.email} must set up two-factor authentication" in message for message in shown), shown


def test_the_user_list_shows_who_has_a_second_factor(client, staff):
    enrolled = factories.MentorFactory()
    missing = factories.MentorFactory(second_factor=False)
    client.force_login(staff)
    page = client.get(reverse("admin:users_user_changelist")).text
    rows = {email: row for row in page.split("<tr") for email in (enrolled.email, missing.email) if email in row}
    assert 'alt="True"' in rows[enrolled.email]
    assert 'alt="False"' in rows[missing.email]


def test_an_admin_resets_a_lost_device_and_the_admin_log_records_it(client, staff):
    mentor = factories.MentorFactory()
    phone = client.__class__()
    sign_in(phone, mentor)
    assert phone.get(reverse("capstones:queue")).status_code == 200

    client.force_login(staff)
    response = client.post(
        reverse("admin:users_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [mentor.pk]},
        follow=True,
    )
    assert "Two-factor authentication of" in response.text
    assert not Authenticator.objects.filter(user=mentor).exists()
    entry = LogEntry.objects.get(object_id=str(mentor.pk))
    assert (entry.user, entry.get_change_message()) == (
        staff,
        "Reset two-factor authentication (lost device): 1 authenticator(s) removed, 1 session(s) ended.",
    )
    assert phone.get(reverse("capstones:queue")).status_code == 302  # the lost phone is signed out
    # Signing in again, the mentor is sent to set up a new factor.
    phone = client.__class__()
    response = phone.post(reverse("account_login"), {"login": mentor.email, "password": PASSWORD})
    assert response.status_code == 302
    assert phone.get(reverse("capstones:queue")).url == reverse("mfa_index")


def test_the_mentors_secret_is_never_in_the_export(client, mentor):
    client.force_login(mentor)
    data = client.get(reverse("users:export_json")).json()
    assert data["second_factors"] == [
        {"type": "totp", "created_at": data["second_factors"][0]["created_at"], "last_used_at": None}
    ]
    assert factories.TOTP_SECRET not in client.get(reverse("users:export_json")).text
    assert not re.search(factories.TOTP_SECRET, client.get(reverse("users:export_csv")).content.decode("latin-1"))
