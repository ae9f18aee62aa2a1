import calendar
from datetime import date, timedelta

from django import forms

from . import pace, time_spent
from .models import Pause, ResourceProgress, Status


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)


class NoteForm(forms.Form):
    note = forms.CharField(
        required=False,
        strip=True,
        max_length=ResourceProgress._meta.get_field("note").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TimeSpentForm(forms.Form):
    """How long a resource took: a preset button (``preset``), a number of hours (``hours``), or
    ``skip``. ``cleaned_data["hours"]`` is the answer, None when skipped."""

    BOUNDS = f"a number of hours from {time_spent.format_hours(time_spent.MIN_HOURS)} to {time_spent.MAX_HOURS}"

    preset = forms.FloatField(required=False)
    hours = forms.FloatField(required=False, label="Hours")
    skip = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        if data.get("skip"):
            data["hours"] = None
            return data
        # A preset button wins over whatever is in the number field (the learner clicked it).
        field = "preset" if self.data.get("preset") else "hours"
        value = data.get(field)
        if field in self.errors or value is None:
            raise forms.ValidationError(f"How long did it take? Choose an answer or type {self.BOUNDS}.")
        if not time_spent.MIN_HOURS <= value <= time_spent.MAX_HOURS:
            raise forms.ValidationError(f"How long did it take? Choose an answer or type {self.BOUNDS}.")
        data["hours"] = value
        return data

    def is_valid(self) -> bool:
        # Only the non-field error counts: a bad number beside a preset that was clicked is ignored.
        super().is_valid()
        return not self.non_field_errors()

    def error_text(self) -> str:
        return " ".join(self.non_field_errors()) or f"How long did it take? Choose an answer or type {self.BOUNDS}."


# A plan or pause further out than this is a typo, not a plan.
MAX_DAYS_AHEAD = 20 * 366
MAX_PAUSE_DAYS = 366


class PaceForm(forms.Form):
    """Hours per week or a date to finish by. ``today`` is the learner's local day."""

    HOURS, TARGET = "hours", "target"
    mode = forms.ChoiceField(
        label="Plan by",
        choices=[(HOURS, "A number of hours each week"), (TARGET, "A date to finish by")],
        widget=forms.RadioSelect,
        initial=HOURS,
    )
    hours_per_week = forms.IntegerField(
        label="Hours per week",
        help_text="When planning by hours: a whole number from 1 to 100.",
        required=False,
        min_value=pace.MIN_HOURS_PER_WEEK,
        max_value=pace.MAX_HOURS_PER_WEEK,
    )
    target_date = forms.DateField(
        label="Finish by",
        help_text="When planning by a date: a day after today.",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self):
        data = super().clean()
        mode = data.get("mode")
        if mode == self.HOURS:
            if data.get("hours_per_week") is None and "hours_per_week" not in self.errors:
                self.add_error("hours_per_week", "How many hours a week? A whole number from 1 to 100.")
            data["target_date"] = None
        elif mode == self.TARGET:
            target = data.get("target_date")
            if target is None:
                if "target_date" not in self.errors:
                    self.add_error("target_date", "Which day do you want to finish by?")
            elif target <= self.today:
                self.add_error("target_date", "Choose a day after today.")
            elif target > self.today + timedelta(days=MAX_DAYS_AHEAD):
                self.add_error("target_date", "Choose a day within the next 20 years.")
            data["hours_per_week"] = None
        return data


class PauseForm(forms.ModelForm):
    """A pause of up to a year, within 20 years of the learner's ``today`` either way."""

    class Meta:
        model = Pause
        fields = ["start", "end", "label"]
        labels = {"start": "First day", "end": "Last day", "label": "What for (optional)"}
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        window = timedelta(days=MAX_DAYS_AHEAD)
        for name, day in (("start", start), ("end", end)):
            if day and not self.today - window <= day <= self.today + window:
                self.add_error(name, "Choose a day within 20 years of today.")
                data[name] = None
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The last day is on or after the first day.")
            elif (end - start).days + 1 > MAX_PAUSE_DAYS:
                self.add_error("end", "A pause is at most a year long; add another one after it if you need to.")
        return data


class StudyBlocksForm(forms.Form):
    """The weekly study blocks of the calendar feed: weekdays, a start time in the learner's time
    zone and a length. No weekday chosen: no study blocks."""

    MIN_MINUTES, MAX_MINUTES = 15, 720
    weekdays = forms.TypedMultipleChoiceField(
        label="Study days",
        choices=[(i, name) for i, name in enumerate(calendar.day_name)],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: no study blocks in the calendar.",
    )
    start = forms.TimeField(
        label="Starting at",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="In your time zone (profile).",
    )
    minutes = forms.IntegerField(
        label="Length in minutes",
        required=False,
        min_value=MIN_MINUTES,
        max_value=MAX_MINUTES,
        help_text="From 15 to 720.",
    )

    def clean(self):
        data = super().clean()
        if data.get("weekdays"):
            if data.get("start") is None and "start" not in self.errors:
                self.add_error("start", "At what time do your study blocks start?")
            if data.get("minutes") is None and "minutes" not in self.errors:
                self.add_error("minutes", "How long is a study block? From 15 to 720 minutes.")
        else:
            data["start"] = data["minutes"] = None
        return data
