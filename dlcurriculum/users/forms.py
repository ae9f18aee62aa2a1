import zoneinfo

from django import forms

from .models import User


class WhyForm(forms.Form):
    why = forms.CharField(
        label="Why are you learning deep learning?",
        max_length=User._meta.get_field("why").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A sentence or two is enough. You'll see it on your dashboard when motivation runs low.",
    )


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

    class Meta:
        model = User
        fields = [
            "name",
            "why",
            "reminder_frequency",
            "reminder_inactivity_days",
            "reminder_weekday",
            "reminder_hour",
            "timezone",
        ]
        labels = {
            "name": "Display name",
            "why": "Why I am learning deep learning",
            "reminder_frequency": "Reminders",
            "reminder_inactivity_days": "Days without activity before a reminder",
            "reminder_weekday": "Day of the weekly reminder",
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
