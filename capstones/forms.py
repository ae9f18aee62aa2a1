import logging

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, URLValidator

from . import notebooks
from .models import HANDLE_PATTERN, Review

logger = logging.getLogger(__name__)


class SubmissionForm(forms.Form):
    title = forms.CharField(max_length=200)
    idea = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="My own problem (describe it below)", label="Problem"
    )
    own_problem = forms.CharField(
        max_length=300, required=False, label="Your own problem", help_text="Only if you chose your own problem."
    )
    notebook = forms.FileField(
        label="Jupyter notebook (.ipynb)",
        widget=forms.ClearableFileInput(attrs={"accept": ".ipynb,application/x-ipynb+json,application/json"}),
    )
    repository_url = forms.CharField(
        max_length=500,
        required=False,
        label="Public repository URL (optional)",
        validators=[URLValidator(schemes=["http", "https"], message="Enter an http:// or https:// address.")],
    )
    write_up = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20_000,
        help_text="What you built, what you learned, what you would do next (Markdown).",
    )

    # The file last: browsers send fields in this order, so an upload stopped at the size limit
    # while it streams (dlcurriculum.uploads) has already delivered everything the learner typed.
    field_order = ["title", "idea", "own_problem", "repository_url", "write_up", "notebook"]

    def __init__(self, *args, brief, refused_uploads=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.refused_size = (refused_uploads or {}).get("notebook")
        self.fields["idea"].queryset = brief.ideas.order_by("order")
        limit_mb = settings.CAPSTONE_MAX_NOTEBOOK_BYTES / (1024 * 1024)
        self.fields["notebook"].help_text = f"At most {limit_mb:.0f} MB. Save it in Jupyter first."

    def clean_notebook(self):
        upload = self.cleaned_data["notebook"]
        if not upload.name.lower().endswith(".ipynb"):
            raise forms.ValidationError(
                "Upload the notebook's .ipynb file (this file is named %(name)s).", params={"name": upload.name}
            )
        limit = settings.CAPSTONE_MAX_NOTEBOOK_BYTES
        if upload.size > limit:
            # Checked before reading: a huge file is never loaded into memory.
            raise forms.ValidationError(
                f"The file is {upload.size / 1048576:.1f} MB; notebooks may be at most {limit / 1048576:.1f} MB. "
                "Clear large outputs and upload it again."
            )
        data = upload.read()
        try:
            notebooks.load_notebook(data, max_bytes=limit)
        except notebooks.NotebookError as exc:
            raise forms.ValidationError(str(exc)) from None
        except Exception as exc:  # no upload may end in a server error
            logger.warning("Unexpected error reading an uploaded notebook", exc_info=True)
            raise forms.ValidationError(
                f"The file could not be read as a notebook ({type(exc).__name__}). "
                "Open it in Jupyter, save it again and upload the saved .ipynb."
            ) from None
        self.notebook_bytes = data
        return upload

    def clean(self):
        if self.refused_size:
            limit = settings.CAPSTONE_MAX_NOTEBOOK_BYTES
            self.errors.pop("notebook", None)
            self.add_error(
                "notebook",
                f"The file is larger than {limit / 1048576:.0f} MB, the most a notebook may be, so it was not "
                "uploaded. Clear large outputs (Edit, Clear outputs of the biggest cells), save, and upload it "
                "again; everything else you typed is kept.",
            )
        cleaned = super().clean()
        if not cleaned.get("idea") and not (cleaned.get("own_problem") or "").strip():
            self.add_error("own_problem", "Choose one of the project ideas or describe your own problem.")
        return cleaned


NOT_SCORED = ""


class CommentForm(forms.Form):
    body = forms.CharField(label="Message", widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000)
    # A number, not a list of every cell: the page must not grow with the notebook. The rendered
    # notebook's per-cell "Comment on this cell" links (?cell=N#comment-form) prefill it, no
    # JavaScript needed.
    cell = forms.IntegerField(
        required=False,
        min_value=1,
        label="On cell (optional)",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    decision = forms.ChoiceField(
        required=False,
        choices=[("", "Just send the message"), *Review.Decision.choices],
        widget=forms.RadioSelect,
        label="Decision",
    )

    def __init__(self, *args, cells: int, may_decide: bool = False, rubric=(), **kwargs):
        """``rubric``: the brief's criteria (selectors.rubric_for), scored with a decision."""
        super().__init__(*args, **kwargs)
        self.cells = cells
        self.rubric = list(rubric) if may_decide else []
        if cells:
            self.fields["cell"].max_value = cells
            self.fields["cell"].validators.append(MaxValueValidator(cells))
            self.fields["cell"].widget.attrs["max"] = cells
            self.fields["cell"].help_text = f"A cell number from 1 to {cells}; empty for the whole notebook."
        else:
            # The cells are counted by the automatic check: until then, comments are on the whole notebook.
            del self.fields["cell"]
        if not may_decide:
            del self.fields["decision"]
        for criterion in self.rubric:
            self.fields[score_field(criterion)] = forms.ChoiceField(
                required=False,
                label=criterion.title,
                choices=[(NOT_SCORED, "Not scored yet"), *((str(level.pk), level.label) for level in criterion.levels)],
                widget=forms.RadioSelect,
            )
            self.fields[score_comment_field(criterion)] = forms.CharField(
                required=False,
                max_length=2_000,
                label=f"Comment on “{criterion.title}” (optional)",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        if self.rubric:
            # The rubric between the message and the decision: the order a mentor fills them in.
            self.order_fields(["body", "cell", *self.rubric_field_names(), "decision"])

    def rubric_field_names(self) -> list[str]:
        return [name for c in self.rubric for name in (score_field(c), score_comment_field(c))]

    def rubric_rows(self):
        """Per criterion: the criterion, its level field, the field's radio buttons each with its level's
        description (the template shows it under the label), and its comment field."""
        rows = []
        for c in self.rubric:
            score = self[score_field(c)]
            descriptions = ["", *(level.description for level in c.levels)]
            rows.append(
                (c, score, list(zip(score.subwidgets, descriptions, strict=True)), self[score_comment_field(c)])
            )
        return rows

    def other_fields(self):
        names = set(self.rubric_field_names()) | {"decision"}
        return [field for field in self if field.name not in names]

    def clean(self):
        cleaned = super().clean()
        if not self.rubric:
            return cleaned
        scored = [c for c in self.rubric if cleaned.get(score_field(c))]
        if cleaned.get("decision"):
            missing = [c for c in self.rubric if c not in scored]
            for criterion in missing:
                self.add_error(score_field(criterion), "Choose a level for this criterion.")
            if missing:
                raise forms.ValidationError(
                    f"Score every criterion of the rubric before approving or requesting changes "
                    f"({len(missing)} of {len(self.rubric)} not scored); everything you wrote is kept below."
                )
        elif scored:
            raise forms.ValidationError(
                "Rubric scores are saved with a decision: choose one, or set the criteria back to "
                "“Not scored yet” to send only the message. Everything you wrote is kept below."
            )
        return cleaned

    def scores(self) -> dict:
        """The chosen levels by criterion id, for services.decide (after is_valid)."""
        from .services import Score

        return {
            c.pk: Score(
                level_id=int(self.cleaned_data[score_field(c)]),
                comment=self.cleaned_data.get(score_comment_field(c), ""),
            )
            for c in self.rubric
            if self.cleaned_data.get(score_field(c))
        }


def score_field(criterion) -> str:
    return f"score_{criterion.pk}"


def score_comment_field(criterion) -> str:
    return f"score_comment_{criterion.pk}"


class ReviewRequestForm(forms.Form):
    reason = forms.CharField(
        label="Why is the automatic check wrong?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2_000,
        help_text="A mentor reads this before reviewing your notebook.",
    )


class DecisionForm(CommentForm):
    """The same form posted to the decide URL: a decision is required there."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, may_decide=True, **kwargs)
        self.fields["decision"].required = True
        self.fields["decision"].choices = Review.Decision.choices
        self.fields["body"].label = "Feedback"


# Stands for the handle in the address the handle's help shows (no handle can contain "_").
HANDLE_PLACEHOLDER = "_handle_"


class PortfolioForm(forms.Form):
    is_public = forms.BooleanField(required=False, label="Make my portfolio page public", label_suffix="")
    handle = forms.RegexField(
        regex=HANDLE_PATTERN,
        required=False,
        max_length=30,
        label="Your handle",
        error_messages={
            "invalid": "Use 3 to 30 lower-case letters, digits and dashes, starting and ending with a letter or digit."
        },
    )
    headline = forms.CharField(max_length=200, required=False, label="Headline")
    allow_download = forms.BooleanField(
        required=False, label="Let visitors download the notebooks of my public capstones", label_suffix=""
    )
    show_scores = forms.BooleanField(
        required=False,
        label="Show the mentor’s rubric scores on the page of each public capstone",
        label_suffix="",
        help_text="The level the approving review gave each criterion, with the mentor’s comments on them.",
    )

    def __init__(self, *args, address: str, saved_handle: str | None, **kwargs):
        """``address``: the page's absolute address with HANDLE_PLACEHOLDER where the handle goes;
        ``saved_handle``: the portfolio's handle now (None while it has none)."""
        super().__init__(*args, **kwargs)
        days = settings.CAPSTONE_HANDLE_HOLD_DAYS
        handle = saved_handle
        where = (
            f"Your page's address: {address.replace(HANDLE_PLACEHOLDER, handle)}"
            if handle
            else f"Your page's address will be {address.replace(HANDLE_PLACEHOLDER, 'your-handle')}"
        )
        self.fields["handle"].help_text = (
            f"{where} (3 to 30 lower-case letters, digits and dashes). "
            "Changing it breaks the links you have shared: for "
            f"{days} days they lead to your new address, then someone else may take the old handle."
        )

    def clean_handle(self):
        return (self.cleaned_data["handle"] or "").strip().lower() or None


class DescriptionForm(forms.Form):
    description = forms.CharField(
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        label="Public description",
        help_text="What your portfolio page says about this capstone (Markdown). Your iteration notes stay private.",
    )


class ReassignForm(forms.Form):
    """An admin moves an active claim: to whom (themselves by default)."""

    mentor = forms.ModelChoiceField(queryset=None, label="Give the review to", empty_label=None)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = choices
        # Names people know each other by; the address tells two of the same name apart (staff only).
        self.fields["mentor"].label_from_instance = lambda user: f"{user.display_name} ({user.email})"
