"""What sign-up asks besides e-mail and password: the name others see, the browser's time zone, and a
choice about reminders."""

import zoneinfo

from django import forms

from . import names
from .models import User

NAME_HELP = (
    "How mentors, e-mails and your public portfolio name you. Keep the suggestion or write your own; "
    "your e-mail address is never shown. You can change it in your profile at any time."
)


class SignupExtrasForm(forms.Form):
    """allauth's `ACCOUNT_SIGNUP_FORM_CLASS`: its fields join the sign-up form, `signup()` saves them."""

    # allauth orders the whole sign-up form by this: the name right under the address.
    field_order = ["email", "name", "password1", "password2", "reminders", "timezone"]

    name = forms.CharField(
        label="Display name",
        max_length=User._meta.get_field("name").max_length,
        required=False,
        help_text=NAME_HELP,
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    # Filled in by static/js/timezone.js from the browser; without JavaScript the account starts on UTC
    # and the learner can change it in the profile.
    timezone = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    reminders = forms.BooleanField(
        required=False,
        initial=True,
        label="E-mail me a reminder after 7 days without activity",
        label_suffix="",  # beside its checkbox: no colon
        help_text="At 18:00 your time. You can switch to weekly or turn reminders off in your profile at any time.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A new suggestion per page: "Learner 4821", never taken from the e-mail address.
        self.fields["name"].initial = names.suggested_name()

    def clean_name(self) -> str:
        # Left empty (or not sent at all): a suggestion of the same kind, never the e-mail's local part.
        return " ".join(self.cleaned_data.get("name", "").split()) or names.suggested_name()

    def clean_timezone(self) -> str:
        name = self.cleaned_data.get("timezone", "").strip()
        # An unknown or tampered value is not worth an error the person cannot fix: fall back to UTC.
        return name if name in zoneinfo.available_timezones() else "UTC"

    def signup(self, request, user: User) -> None:
        user.name = self.cleaned_data["name"]
        user.timezone = self.cleaned_data["timezone"]
        if not self.cleaned_data.get("reminders"):
            user.reminder_frequency = User.ReminderFrequency.OFF
        user.save(update_fields=["name", "timezone", "reminder_frequency"])
