from django import forms

from .models import ResourceProgress, Status


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)


class NoteForm(forms.Form):
    note = forms.CharField(
        required=False,
        strip=True,
        max_length=ResourceProgress._meta.get_field("note").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
