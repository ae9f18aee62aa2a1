"""What sign-up asks besides e-mail and password: the browser's time zone, and a choice about reminders."""

import zoneinfo

from django import forms

from .models import User


class SignupExtrasForm(forms.Form):
    """allauth's `ACCOUNT_SIGNUP_FORM_CLASS`: its fields join the sign-up form, `signup()` saves them."""

    # Filled in by static/js/timezone.js from the browser; without JavaScript the account starts on UTC
    # and the learner can change it in the profile.
    timezone = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    reminders = forms.BooleanField(
        required=False,
        initial=True,
        label="E-mail me a reminder after 7 days without activity",
        help_text="At 18:00 your time. You can switch to weekly or turn reminders off in your profile at any time.",
    )

    def clean_timezone(self) -> str:
        name = self.cleaned_data.get("timezone", "").strip()
        # An unknown or tampered value is not worth an error the person cannot fix: fall back to UTC.
        return name if name in zoneinfo.available_timezones() else "UTC"

    def signup(self, request, user: User) -> None:
        user.timezone = self.cleaned_data["timezone"]
        if not self.cleaned_data.get("reminders"):
            user.reminder_frequency = User.ReminderFrequency.OFF
        user.save(update_fields=["timezone", "reminder_frequency"])
