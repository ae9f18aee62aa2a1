from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse


def effort_hours_field() -> models.DecimalField:
    """A learner's estimated hours of work, the same for resources and capstones."""
    return models.DecimalField(
        "estimated effort (hours)",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1"))],
        help_text="Hours of work for a learner, all of it (videos, reading, exercises).",
    )


def effort_basis_field() -> models.CharField:
    """What an effort estimate rests on."""
    return models.CharField(
        "basis of the estimate",
        max_length=300,
        blank=True,
        help_text="What the figure rests on, e.g. '7 lessons x ~10 h (the course's own syllabus)'.",
    )


class Stage(models.Model):
    order = models.PositiveSmallIntegerField(help_text="Position in the curriculum, from 1.")
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=500, help_text="One or two sentences for the overview (plain text).")
    body = models.TextField(blank=True, help_text="The stage's text (Markdown).")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order"]
        constraints = [
            models.CheckConstraint(condition=Q(order__gte=1), name="stages_stage_order_positive"),
            # Deferred so that reordering (dragging in the admin) may pass through duplicates within one save.
            models.UniqueConstraint(
                fields=["order"], name="stages_stage_unique_order", deferrable=models.Deferrable.DEFERRED
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("stages:detail", kwargs={"slug": self.slug})


class Resource(models.Model):
    class Kind(models.TextChoices):
        COURSE = "course", "Course"
        BOOK = "book", "Book"
        VIDEO = "video", "Video"
        PLAYLIST = "playlist", "Playlist"
        PAPER = "paper", "Paper"
        ARTICLE = "article", "Article"
        TALK = "talk", "Talk"
        REPOSITORY = "repository", "Repository"
        DOCS = "docs", "Docs"
        NOTEBOOKS = "notebooks", "Notebooks"

    class Cost(models.TextChoices):
        FREE = "free", "Free"
        PAID = "paid", "Paid"
        UNKNOWN = "unknown", "Unknown"

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="resources")
    order = models.PositiveSmallIntegerField()
    key = models.SlugField(
        max_length=80, unique=True, help_text="Stable identifier; the curriculum file refers to resources by it."
    )
    title = models.CharField(max_length=300)
    url = models.URLField(max_length=1000)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    authors = models.CharField(max_length=300, blank=True)
    description = models.TextField(
        blank=True, help_text="Shown under the title on the stage page (Markdown: **bold**, [a link](https://…))."
    )
    optional = models.BooleanField(
        default=False, help_text="Recommended in the text but not on the stage's core resource list."
    )
    cost = models.CharField(max_length=8, choices=Cost.choices, default=Cost.UNKNOWN)
    effort_hours = effort_hours_field()
    effort_basis = effort_basis_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["stage__order", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "order"],
                name="stages_resource_unique_order_in_stage",
                # Deferred so an admin can swap two positions in one save.
                deferrable=models.Deferrable.DEFERRED,
            ),
            models.UniqueConstraint(fields=["stage", "url"], name="stages_resource_unique_url_in_stage"),
            models.CheckConstraint(
                condition=Q(url__startswith="http://") | Q(url__startswith="https://"),
                name="stages_resource_url_http",
            ),
            models.CheckConstraint(condition=Q(order__gte=1), name="stages_resource_order_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class Framework(models.Model):
    """A library a capstone may or may not use, named by its import name."""

    name = models.CharField(max_length=80, unique=True)
    module = models.CharField(
        max_length=80, unique=True, help_text="Top-level import name, e.g. torch, tensorflow, keras."
    )
    url = models.URLField(blank=True)
    # The notebook check's data: what else means this library, what to use instead, what builds its models.
    family = models.JSONField(
        default=list,
        blank=True,
        help_text='Import paths and package names that mean this library, "*" for any characters, '
        'e.g. ["keras", "keras_*", "tf_keras", "tensorflow.keras"]. The module itself always counts.',
    )
    instead = models.CharField(
        max_length=300, blank=True, help_text="What a learner should use instead, at the low level."
    )
    wrappers = models.JSONField(
        default=list,
        blank=True,
        help_text="Entry points of other libraries known to build this library's models, reported as needing "
        'a look: [{"pattern": "tensorflow_hub.KerasLayer", "reason": "..."}].',
    )

    class Meta:
        # Moved from the capstones app; the table keeps its name and rows.
        db_table = "capstones_framework"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        # JSON shapes differ between databases' check constraints: the same rules as the curriculum file, here.
        from .curriculum import PATTERN_RE

        if not isinstance(self.family, list) or not all(
            isinstance(p, str) and PATTERN_RE.match(p) for p in self.family
        ):
            raise ValidationError({"family": 'A list of dotted import paths, "*" for any characters.'})
        if not isinstance(self.wrappers, list) or not all(
            isinstance(w, dict)
            and isinstance(w.get("pattern"), str)
            and PATTERN_RE.match(w["pattern"])
            and isinstance(w.get("reason", ""), str)
            for w in self.wrappers
        ):
            raise ValidationError({"wrappers": 'A list of {"pattern": "dotted.path", "reason": "why"} entries.'})


class CapstoneBrief(models.Model):
    """A capstone stage's brief: its rules and project ideas, as curriculum content."""

    stage = models.OneToOneField(Stage, on_delete=models.CASCADE, related_name="capstone")
    key = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    focus = models.CharField(max_length=200, help_text="A few words (plain text), e.g. 'Supervised Deep Learning'.")
    rules = models.TextField(help_text="The rules in prose (Markdown).")
    effort_hours = effort_hours_field()
    effort_basis = effort_basis_field()
    allowed_frameworks = models.ManyToManyField(Framework, related_name="allowed_in", blank=True)
    forbidden_frameworks = models.ManyToManyField(Framework, related_name="forbidden_in", blank=True)

    class Meta:
        db_table = "capstones_capstonebrief"
        ordering = ["stage__order"]

    def __str__(self) -> str:
        return self.title


class ProjectIdea(models.Model):
    brief = models.ForeignKey(CapstoneBrief, on_delete=models.CASCADE, related_name="ideas")
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=1000, blank=True)

    class Meta:
        db_table = "capstones_projectidea"
        ordering = ["brief", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["brief", "order"], name="capstones_idea_unique_order", deferrable=models.Deferrable.DEFERRED
            ),
            models.UniqueConstraint(fields=["brief", "title"], name="capstones_idea_unique_title"),
            models.CheckConstraint(
                condition=Q(url="") | Q(url__startswith="http://") | Q(url__startswith="https://"),
                name="capstones_idea_url_http",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class RubricCriterion(models.Model):
    """What a mentor judges a capstone of this brief on; every review scores every criterion."""

    brief = models.ForeignKey(CapstoneBrief, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField()
    key = models.SlugField(
        max_length=80, help_text="Stable identifier within the brief; the curriculum file and scores refer to it."
    )
    title = models.CharField(max_length=200)
    description = models.TextField(
        max_length=1000, blank=True, help_text="What the criterion asks, shown above its levels (Markdown)."
    )

    class Meta:
        db_table = "stages_rubriccriterion"
        ordering = ["brief", "order"]
        verbose_name = "rubric criterion"
        verbose_name_plural = "rubric criteria"
        constraints = [
            models.UniqueConstraint(
                fields=["brief", "order"], name="stages_criterion_unique_order", deferrable=models.Deferrable.DEFERRED
            ),
            models.UniqueConstraint(fields=["brief", "key"], name="stages_criterion_unique_key"),
            models.CheckConstraint(condition=Q(order__gte=1), name="stages_criterion_order_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.brief.key}: {self.title}" if self.brief_id else self.title


class RubricLevel(models.Model):
    """One level of a criterion; ``order`` 1 is the weakest."""

    criterion = models.ForeignKey(RubricCriterion, on_delete=models.CASCADE, related_name="levels")
    order = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=80)
    description = models.CharField(max_length=300, help_text="What work at this level looks like (plain text).")

    class Meta:
        db_table = "stages_rubriclevel"
        ordering = ["criterion", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "order"],
                name="stages_level_unique_order",
                deferrable=models.Deferrable.DEFERRED,
            ),
            models.UniqueConstraint(fields=["criterion", "label"], name="stages_level_unique_label"),
            models.CheckConstraint(condition=Q(order__gte=1), name="stages_level_order_positive"),
        ]

    def __str__(self) -> str:
        return self.label


class SeededKey(models.Model):
    """Keys the curriculum loader has created once.

    The loader never recreates what an admin deleted, so it remembers what it made.
    """

    model = models.CharField(max_length=32)
    key = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["model", "key"], name="stages_seededkey_unique")]

    def __str__(self) -> str:
        return f"{self.model}:{self.key}"


class LinkState(models.TextChoices):
    """What the last check of a resource's link found (see stages.linkhealth.checker.Status)."""

    UNCHECKED = "unchecked", "Not checked yet"
    OK = "ok", "OK"
    REDIRECTED = "redirected", "Redirected"
    BROKEN = "broken", "Broken"
    UNVERIFIABLE = "unverifiable", "Unverifiable (site refuses robots)"
    TIMEOUT = "timeout", "Timed out"
    SERVER_ERROR = "server_error", "Server error"
    INVALID = "invalid", "Invalid URL"


class LinkStatus(models.Model):
    """The current health of one resource's link; a separate row so checks never overwrite admin edits."""

    resource = models.OneToOneField(Resource, on_delete=models.CASCADE, primary_key=True, related_name="link_status")
    url = models.URLField(max_length=1000, help_text="The URL these results are about.")
    status = models.CharField(max_length=16, choices=LinkState.choices, default=LinkState.UNCHECKED)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    last_checked = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    suggested_url = models.URLField(max_length=1000, blank=True, help_text="Where a permanent redirect points.")
    flagged = models.BooleanField(default=False, help_text="Broken or timed out several checks in a row.")
    flagged_at = models.DateTimeField(null=True, blank=True)
    admins_notified_at = models.DateTimeField(null=True, blank=True)
    # What the next run learns from: each host's slowest links start first, and an unchanged
    # page answers a conditional request with a 304.
    elapsed_seconds = models.FloatField(null=True, blank=True, help_text="How long the last check took.")
    etag = models.CharField(max_length=256, blank=True, help_text="The ETag of the last OK answer.")
    last_modified = models.CharField(max_length=256, blank=True, help_text="The Last-Modified of the last OK answer.")
    not_modified = models.BooleanField(
        default=False, help_text="The last check was answered 304 Not Modified: unchanged, not downloaded again."
    )

    class Meta:
        verbose_name_plural = "link statuses"
        indexes = [models.Index(fields=["flagged", "admins_notified_at"], name="stages_linkstatus_flag_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(flagged=False) | Q(flagged_at__isnull=False), name="stages_linkstatus_flagged_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.url}: {self.status}"

    @property
    def is_current(self) -> bool:
        """False once an admin changed the resource's URL: these results are about the old one."""
        return self.url == self.resource.url

    @property
    def shows_badge(self) -> bool:
        return self.flagged and self.is_current


class LinkCheck(models.Model):
    """One check of one resource's link: the history behind LinkStatus."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="link_checks")
    url = models.URLField(max_length=1000)
    checked_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=LinkState.choices)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    final_url = models.URLField(max_length=1000, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    elapsed_seconds = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-checked_at"]
        indexes = [models.Index(fields=["resource", "-checked_at"], name="stages_linkcheck_history_idx")]
        constraints = [
            models.UniqueConstraint(fields=["resource", "checked_at"], name="stages_linkcheck_unique_per_time"),
        ]

    def __str__(self) -> str:
        return f"{self.url} {self.status} at {self.checked_at:%Y-%m-%d %H:%M}"
