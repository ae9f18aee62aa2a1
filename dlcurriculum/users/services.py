import secrets
from collections.abc import Callable

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction

from . import lifecycle
from .models import MENTORS_GROUP, User, WhyPromptDismissal

DEMO_ACCOUNTS = (
    ("learner@example.com", "Demo Learner", "learner"),
    ("mentor@example.com", "Demo Mentor", "mentor"),
    ("admin@example.com", "Demo Admin", "admin"),
)


@transaction.atomic
def create_verified_user(email: str, password: str, *, name: str = "", role: str = "learner") -> User:
    user, _ = User.objects.get_or_create(email=email, defaults={"name": name})
    user.name = user.name or name
    user.set_password(password)
    user.is_active = True
    user.is_staff = user.is_superuser = role == "admin"
    user.save()
    if role == "mentor":
        user.groups.add(Group.objects.get_or_create(name=MENTORS_GROUP)[0])
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def create_demo_accounts() -> list[tuple[str, str, str]]:
    """(email, password, role) for each demo account; passwords are new on every call."""
    accounts = []
    for email, name, role in DEMO_ACCOUNTS:
        password = secrets.token_urlsafe(9)
        create_verified_user(email, password, name=name, role=role)
        accounts.append((email, password, role))
    return accounts


# Who is not a learner, as the apps that know say it (capstones registers its policy's mentors and
# admins): users cannot import them. The first sign-in "why" prompt is a learner's.
_NOT_LEARNERS: list[Callable[[User], bool]] = []


def register_not_a_learner(predicate: Callable[[User], bool]) -> None:
    """``predicate(user)`` true: the user reviews or runs the site, and is never asked for their "why"."""
    if predicate not in _NOT_LEARNERS:
        _NOT_LEARNERS.append(predicate)


def should_ask_why(user) -> bool:
    if user.why or any(predicate(user) for predicate in _NOT_LEARNERS):
        return False
    return not WhyPromptDismissal.objects.filter(user=user).exists()


def dismiss_why_prompt(user) -> None:
    WhyPromptDismissal.objects.get_or_create(user=user)


@transaction.atomic
def save_why(user, why: str) -> None:
    user.why = why.strip()
    user.save(update_fields=["why"])
    dismiss_why_prompt(user)


def should_ask_name(user) -> bool:
    """Sign-up asks for the name; an account made another way (the admin, createsuperuser) is asked on
    its first visit."""
    return not user.name.strip()


def save_name(user, name: str) -> None:
    user.name = name
    user.save(update_fields=["name"])


def delete_account(user) -> None:
    """Delete the user and everything that belongs to them in every app (see lifecycle)."""
    lifecycle.erase_user(user)


def stop_review_emails(user) -> None:
    """Turn e-mails about capstone reviews off (their unsubscribe link); reminders stay as chosen.
    Idempotent: a second click or the one-click POST changes nothing."""
    User.objects.filter(pk=user.pk).update(review_emails=False)
