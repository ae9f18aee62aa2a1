import zoneinfo

from allauth.account import app_settings as account_settings
from allauth.account.adapter import get_adapter
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from django import forms

from . import names, selectors
from .models import User


class WhyForm(forms.Form):
    why = forms.CharField(
        label="Why are you learning deep learning?",
        max_length=User._meta.get_field("why").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A sentence or two is enough. You'll see it on your dashboard when motivation runs low.",
    )


class NameForm(forms.Form):
    """The first visit of an account that has no display name (made by an admin, say): which name to show."""

    name = forms.CharField(
        label="Display name",
        max_length=User._meta.get_field("name").max_length,
        required=False,
        help_text="How mentors, e-mails and your public portfolio name you; your e-mail address is never shown. "
        "You can change it in your profile at any time.",
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )

    def clean_name(self) -> str:
        # Left empty: the suggestion of the same kind, never the e-mail's local part.
        return " ".join(self.cleaned_data["name"].split()) or names.suggested_name()


def _timezone_choices():
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class ProfileForm(forms.ModelForm):
    timezone = forms.TypedChoiceField(
        choices=_timezone_choices, help_text="Reminders are sent at your preferred hour in this time zone."
    )
    reminder_hour = forms.TypedChoiceField(
        label="Preferred hour (local time)",
        coerce=int,
        choices=[(h, f"{h:02d}:00") for h in range(24)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].help_text = (
            "How mentors, e-mails and your public portfolio name you. Left empty, you are shown as "
            f"“{names.display_name('', self.instance.pk)}”; your e-mail address is never shown."
        )

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    class Meta:
        model = User
        fields = [
            "name",
            "why",
            "reminder_frequency",
            "reminder_inactivity_days",
            "reminder_weekday",
            "reminder_hour",
            "review_emails",
            "timezone",
        ]
        labels = {
            "name": "Display name",
            "why": "Why I am learning deep learning",
            "reminder_frequency": "Reminders",
            "reminder_inactivity_days": "Days without activity before a reminder",
            "reminder_weekday": "Day of the weekly reminder",
            "review_emails": "E-mail me about capstone reviews",
        }
        widgets = {
            "why": forms.Textarea(attrs={"rows": 4}),
            "reminder_frequency": forms.RadioSelect,
            "reminder_inactivity_days": forms.NumberInput(attrs={"min": 1, "max": 90}),
        }


class DeleteAccountForm(forms.Form):
    email = forms.CharField(
        label="Type your e-mail address to confirm",
        help_text="This cannot be undone.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self):
        value = self.cleaned_data["email"].strip()
        if value.lower() != self.user.email.lower():
            raise forms.ValidationError("That is not the e-mail address of this account; nothing was deleted.")
        return value


class ResetPasswordForm(AllauthResetPasswordForm):
    """Password resets go to verified addresses only.

    allauth also sends one to an address nobody has confirmed yet (a mistyped
    second address, say): whoever owns that address could take the account over.
    """

    def clean_email(self):
        email = super().clean_email()
        self.users = selectors.verified_owners(self.users, email)
        if not self.users and not account_settings.PREVENT_ENUMERATION:
            raise get_adapter().validation_error("unknown_email")
        return email
