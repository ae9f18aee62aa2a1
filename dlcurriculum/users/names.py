"""The one rule for the name a person is shown by: the display name they chose, else a neutral
"Learner <number>", never anything taken from the e-mail address.

Pure (no Django): ``User.display_name`` and the reminders' plain-data candidates both ask here, so
mentors' pages, e-mails and public pages name a person the same way.
"""

import secrets

FALLBACK_PREFIX = "Learner"


def display_name(name: str, pk: int | None) -> str:
    """What others see: the chosen name, else "Learner 17" (the account's number, stable)."""
    chosen = (name or "").strip()
    if chosen:
        return chosen
    return f"{FALLBACK_PREFIX} {pk}" if pk else FALLBACK_PREFIX


def suggested_name() -> str:
    """The default sign-up offers, to keep or replace: "Learner 4821" (random, not from the address)."""
    return f"{FALLBACK_PREFIX} {1000 + secrets.randbelow(9000)}"


def user_display(user) -> str:
    """allauth's ACCOUNT_USER_DISPLAY: its messages and e-mails ("Successfully signed in as ...") say the
    same name as every other page."""
    return user.display_name
