from __future__ import annotations

from django import forms
from django.conf import settings

from .models import DESCRIPTION_CHARS, NAME_CHARS, REPORT_REASON_CHARS, Membership, StudyGroup


class GroupForm(forms.ModelForm):
    class Meta:
        model = StudyGroup
        fields = ["name", "description", "weekly_goal_hours", "start_date"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3, "maxlength": DESCRIPTION_CHARS}),
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "name": forms.TextInput(attrs={"maxlength": NAME_CHARS}),
        }
        help_texts = {"description": "A line or two: who you are, what you aim for."}


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Message",
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Markdown works; links are shown, images as links.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.GROUP_MESSAGE_MAX_CHARS
        self.fields["body"].max_length = limit
        self.fields["body"].widget.attrs["maxlength"] = limit
        self.fields["body"].validators.append(forms.CharField(max_length=limit).validators[0])


class MembershipSettingsForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["hide_progress", "group_news_in_reminders", "weekly_digest"]


class InviteEmailForm(forms.Form):
    email = forms.EmailField(label="E-mail address")


class ReportForm(forms.Form):
    reason = forms.CharField(
        label="What is wrong with it? (optional)",
        required=False,
        max_length=REPORT_REASON_CHARS,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": REPORT_REASON_CHARS}),
    )


class TransferForm(forms.Form):
    new_owner = forms.TypedChoiceField(label="New owner", coerce=int)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_owner"].choices = [(m.user_id, m.name) for m in members]
