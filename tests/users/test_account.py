"""Profile, the first sign-in "why" prompt, and deleting an account with everything in it."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse

from dlcurriculum.users import services as account_services
from dlcurriculum.users.models import WhyPromptDismissal
from progress import services
from progress.models import Activity, ResourceProgress, Status
from stages.models import Resource
from tests import factories

pytestmark = pytest.mark.django_db
User = get_user_model()

PROFILE = {
    "name": "Ada",
    "why": "Robots",
    "reminder_frequency": "weekly",
    "reminder_inactivity_days": 7,
    "reminder_weekday": 4,
    "reminder_hour": 8,
    "timezone": "Europe/Berlin",
}


# --- Profile -------------------------------------------------------------------


def test_profile_saves_why_and_reminder_preferences(learner_client, learner):
    response = learner_client.post(reverse("users:profile"), PROFILE)
    assert response.status_code == 302
    learner.refresh_from_db()
    assert (
        learner.why,
        learner.reminder_frequency,
        learner.reminder_weekday,
        learner.reminder_hour,
        learner.timezone,
    ) == ("Robots", "weekly", 4, 8, "Europe/Berlin")


def test_profile_refuses_an_unknown_time_zone_with_a_message_and_keeps_the_input(learner_client, learner):
    response = learner_client.post(reverse("users:profile"), {**PROFILE, "timezone": "Mars/Olympus"})
    assert response.status_code == 200
    assert "Mars/Olympus is not one of the available choices" in response.content.decode()
    assert "Robots</textarea>" in response.content.decode()
    learner.refresh_from_db()
    assert learner.timezone == "UTC"


@pytest.mark.parametrize("hour", [-1, 24, "noon"])
def test_profile_refuses_an_hour_outside_0_to_23(learner_client, learner, hour):
    response = learner_client.post(reverse("users:profile"), {**PROFILE, "reminder_hour": hour})
    assert "reminder_hour" in response.context["form"].errors
    learner.refresh_from_db()
    assert learner.reminder_hour == 18


@pytest.mark.parametrize("weekday", [-1, 7, "friday"])
def test_profile_refuses_a_weekday_outside_monday_to_sunday(learner_client, learner, weekday):
    response = learner_client.post(reverse("users:profile"), {**PROFILE, "reminder_weekday": weekday})
    assert "reminder_weekday" in response.context["form"].errors
    learner.refresh_from_db()
    assert learner.reminder_weekday == 0


def test_profile_refuses_inactivity_days_above_90(learner_client, learner):
    response = learner_client.post(reverse("users:profile"), {**PROFILE, "reminder_inactivity_days": 91})
    assert "reminder_inactivity_days" in response.context["form"].errors


# --- Why prompt -----------------------------------------------------------------


def login(client, user, next_url=None):
    url = reverse("account_login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"login": user.email, "password": factories.PASSWORD})


def test_first_sign_in_without_a_why_goes_to_the_why_prompt(client, learner):
    response = login(client, learner)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("users:why") + "?next=")


def test_why_prompt_keeps_where_the_learner_was_going(client, learner):
    response = login(client, learner, next_url="/stages/")
    assert response["Location"] == reverse("users:why") + "?next=%2Fstages%2F"


def test_sign_in_with_a_why_goes_straight_on(client, learner):
    learner.why = "Because"
    learner.save()
    assert login(client, learner)["Location"] == reverse("home")


def test_skipping_the_why_prompt_stops_it_coming_back(client, learner):
    login(client, learner)
    client.post(reverse("users:why"), {"skip": "1", "next": "/stages/"})
    client.logout()
    assert login(client, learner)["Location"] == reverse("home")


def test_answering_the_why_prompt_saves_it_and_continues(client, learner):
    login(client, learner)
    response = client.post(reverse("users:why"), {"why": "To build a tutor", "next": "/stages/"})
    learner.refresh_from_db()
    assert (response["Location"], learner.why) == ("/stages/", "To build a tutor")


def test_why_prompt_does_not_redirect_to_another_site(learner_client):
    response = learner_client.post(reverse("users:why"), {"skip": "1", "next": "https://evil.example/"})
    assert response["Location"] == reverse("progress:dashboard")


def test_empty_why_is_refused_with_a_message(learner_client, learner):
    response = learner_client.post(reverse("users:why"), {"why": "   "})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not WhyPromptDismissal.objects.filter(user=learner).exists()


# --- Deletion -------------------------------------------------------------------


@pytest.fixture
def two_learners_with_history(learner, other_learner):
    resource = factories.ResourceFactory()
    for user in (learner, other_learner):
        services.set_status(user, resource, Status.DONE)
        services.save_note(user, resource, f"note of {user.email}")
        account_services.dismiss_why_prompt(user)
    return resource


def test_deleting_an_account_removes_the_learners_rows(learner_client, learner, two_learners_with_history):
    learner_client.post(reverse("users:delete_account"), {"email": learner.email.upper()})
    assert not User.objects.filter(pk=learner.pk).exists()
    assert not ResourceProgress.objects.filter(user_id=learner.pk).exists()
    assert not Activity.objects.filter(user_id=learner.pk).exists()
    assert not EmailAddress.objects.filter(user_id=learner.pk).exists()
    assert not WhyPromptDismissal.objects.filter(user_id=learner.pk).exists()


def test_deleting_an_account_keeps_everyone_elses_rows_and_the_curriculum(
    learner_client, learner, other_learner, two_learners_with_history
):
    before = (
        ResourceProgress.objects.filter(user=other_learner).count(),
        Activity.objects.filter(user=other_learner).count(),
    )
    learner_client.post(reverse("users:delete_account"), {"email": learner.email})
    after = (
        ResourceProgress.objects.filter(user=other_learner).count(),
        Activity.objects.filter(user=other_learner).count(),
    )
    assert after == before
    assert EmailAddress.objects.filter(user=other_learner).exists()
    assert Resource.objects.filter(pk=two_learners_with_history.pk).exists()


def test_deleting_an_account_logs_out_and_goes_home(learner_client, learner):
    response = learner_client.post(reverse("users:delete_account"), {"email": learner.email})
    assert response["Location"] == reverse("home")
    assert learner_client.get(reverse("progress:dashboard")).status_code == 302


def test_deletion_with_the_wrong_confirmation_deletes_nothing_and_says_why(learner_client, learner):
    response = learner_client.post(reverse("users:delete_account"), {"email": "someone@else.com"})
    assert "nothing was deleted" in response.content.decode()
    assert User.objects.filter(pk=learner.pk).exists()


def test_deletion_page_on_get_only_asks_for_confirmation(learner_client, learner):
    response = learner_client.get(reverse("users:delete_account"))
    assert response.status_code == 200
    assert User.objects.filter(pk=learner.pk).exists()
