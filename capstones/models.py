from django.db import models
from django.db.models import Q

from stages.models import Stage


class Framework(models.Model):
    """A library a capstone may or may not use, named by its import name."""

    name = models.CharField(max_length=80, unique=True)
    module = models.CharField(
        max_length=80, unique=True, help_text="Top-level import name, e.g. torch, tensorflow, keras."
    )
    url = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CapstoneBrief(models.Model):
    stage = models.OneToOneField(Stage, on_delete=models.CASCADE, related_name="capstone")
    key = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    focus = models.CharField(max_length=200)
    rules = models.TextField(help_text="The rules in prose (Markdown).")
    allowed_frameworks = models.ManyToManyField(Framework, related_name="allowed_in", blank=True)
    forbidden_frameworks = models.ManyToManyField(Framework, related_name="forbidden_in", blank=True)

    class Meta:
        ordering = ["stage__order"]

    def __str__(self) -> str:
        return self.title


class ProjectIdea(models.Model):
    brief = models.ForeignKey(CapstoneBrief, on_delete=models.CASCADE, related_name="ideas")
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=1000, blank=True)

    class Meta:
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
