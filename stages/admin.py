from adminsortable2.admin import SortableAdminBase, SortableAdminMixin, SortableTabularInline
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, F, Q
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html, format_html_join
from reversion.admin import VersionAdmin

from dlcurriculum.tasks import enqueue_on_commit

from . import curriculum_export, history
from .admin_preview import MarkdownPreviewMixin, TextAsSavedMixin
from .admin_revert import SingleObjectRevertMixin
from .linkhealth import selectors as link_selectors
from .linkhealth import services as link_services
from .models import (
    CapstoneBrief,
    Framework,
    LinkState,
    LinkStatus,
    ProjectIdea,
    Resource,
    RubricCriterion,
    RubricLevel,
    SeededKey,
    Stage,
)
from .tasks import check_links

# Before any VersionAdmin below registers the models itself (with followed inlines, whose revert deletes).
history.register()


class ResourceInline(TextAsSavedMixin, SortableTabularInline):
    """Drag to reorder; the rest of a resource's fields are on its own page (the change link)."""

    model = Resource
    extra = 0
    # The heading says how: the handle is the row's caption (arrow keys once it has focus).
    verbose_name_plural = "Resources (drag a row by its ⠿ caption, or focus it and use the arrow keys)"

    class Media:
        js = ["stages/admin_sortable_keys.js"]
        css = {"all": ["stages/admin_preview.css"]}

    fields = ["order", "title", "url", "kind", "optional", "key"]
    # Plain inputs of a set size: the admin's URL widget ("Currently: ... Change:") doubles each row's width.
    formfield_overrides = {
        models.CharField: {"widget": forms.TextInput(attrs={"size": 24})},
        models.SlugField: {"widget": forms.TextInput(attrs={"size": 14})},
        models.URLField: {"widget": forms.URLInput(attrs={"size": 26})},
    }
    prepopulated_fields = {"key": ["title"]}
    ordering = ["order"]
    show_change_link = True


class _VersionedStageAdmin(VersionAdmin):
    # The sortable mixin wraps whatever change list this names (export and "recover deleted" links).
    change_list_template = "admin/stages/stage/change_list.html"


@admin.register(Stage)
class StageAdmin(
    SingleObjectRevertMixin, SortableAdminMixin, TextAsSavedMixin, MarkdownPreviewMixin, _VersionedStageAdmin
):
    markdown_fields = ["body"]
    list_display = ["order", "title", "slug", "resource_count", "updated_at"]
    list_display_links = ["title"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    ordering = ["order"]
    inlines = [ResourceInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(resource_total=Count("resources"))

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for inline_form in formset.forms:
            if (
                isinstance(inline_form.instance, Resource)
                and "url" in inline_form.changed_data
                and inline_form.instance.pk
            ):
                link_services.reset_link_status(inline_form.instance)

    @admin.display(ordering="resource_total", description="resources")
    def resource_count(self, obj):
        return obj.resource_total

    def get_urls(self):
        export = path("export/", self.admin_site.admin_view(self.export_view), name="stages_stage_export_curriculum")
        return [export, *super().get_urls()]

    def export_view(self, request):
        """The current curriculum as the file `load_curriculum` reads, to review, version or move elsewhere."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        response = HttpResponse(curriculum_export.export_text(), content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="curriculum.yaml"'
        return response


class LinkStateFilter(admin.SimpleListFilter):
    title = "link status"
    parameter_name = "link"

    def lookups(self, request, model_admin):
        return [("flagged", "Flagged as broken"), *LinkState.choices]

    def queryset(self, request, queryset):
        if self.value() == "flagged":
            return queryset.filter(link_status__flagged=True, link_status__url=F("url"))
        if self.value() == LinkState.UNCHECKED:
            return queryset.filter(Q(link_status__isnull=True) | Q(link_status__status=LinkState.UNCHECKED))
        if self.value():
            return queryset.filter(link_status__status=self.value())
        return queryset


# The change page shows the latest checks only: the history grows by a row per run.
RECENT_CHECKS_SHOWN = 20


@admin.register(Resource)
class ResourceAdmin(SingleObjectRevertMixin, TextAsSavedMixin, MarkdownPreviewMixin, VersionAdmin):
    markdown_fields = ["description"]
    change_list_template = "admin/stages/resource/change_list.html"
    list_display = [
        "title",
        "stage",
        "order",
        "kind",
        "cost",
        "optional",
        "effort_hours",
        "updated_at",
        "link_state",
        "link_last_checked",
        "link_failures",
        "link_suggestion",
    ]
    list_filter = [LinkStateFilter, "stage", "kind", "cost", "optional"]
    list_select_related = ["stage", "link_status"]
    search_fields = ["title", "authors", "url", "key", "description"]
    prepopulated_fields = {"key": ["title"]}
    ordering = ["stage__order", "order"]
    autocomplete_fields = ["stage"]
    list_per_page = 100
    actions = ["check_links_now", "clear_link_flags"]
    readonly_fields = ["recent_link_checks"]

    @admin.display(description="recent link checks")
    def recent_link_checks(self, obj):
        if obj.pk is None:
            return "Not checked yet."
        checks = list(obj.link_checks.order_by("-checked_at")[:RECENT_CHECKS_SHOWN])
        if not checks:
            return "Not checked yet."
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (c.checked_at.strftime("%Y-%m-%d %H:%M"), c.get_status_display(), c.http_status or "", c.url, c.detail)
                for c in checks
            ),
        )
        return format_html(
            "<table><thead><tr><th>checked</th><th>status</th><th>HTTP</th><th>URL</th><th>detail</th></tr></thead>"
            "<tbody>{}</tbody></table><p>The latest {} checks, newest first.</p>",
            rows,
            len(checks),
        )

    def _status(self, obj) -> LinkStatus | None:
        status = getattr(obj, "link_status", None)
        return status if status is not None and status.is_current else None

    @admin.display(description="link status", ordering="link_status__status")
    def link_state(self, obj):
        status = self._status(obj)
        if status is None:
            return LinkState.UNCHECKED.label
        label = status.get_status_display()
        return f"{label} (flagged)" if status.flagged else label

    @admin.display(description="last checked", ordering="link_status__last_checked")
    def link_last_checked(self, obj):
        status = self._status(obj)
        return status.last_checked if status else None

    @admin.display(description="failures in a row", ordering="link_status__consecutive_failures")
    def link_failures(self, obj):
        status = self._status(obj)
        return status.consecutive_failures if status else 0

    @admin.display(description="suggested new URL")
    def link_suggestion(self, obj):
        status = self._status(obj)
        if status is None or not status.suggested_url:
            return ""
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', status.suggested_url, status.suggested_url)

    @admin.action(description="Check these links now", permissions=["view"])
    def check_links_now(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        enqueue_on_commit(check_links, ids)
        self.message_user(
            request,
            f"Checking {len(ids)} link(s) in the background; reload in a minute for the results.",
            messages.INFO,
        )

    @admin.action(description="Clear the broken-link flag (the link works)", permissions=["change"])
    def clear_link_flags(self, request, queryset):
        cleared = link_services.clear_flags(queryset.values_list("pk", flat=True))
        self.message_user(request, f"Cleared {cleared} flag(s).", messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "url" in form.changed_data:
            link_services.reset_link_status(obj)

    def after_revert(self, request, obj, fields):
        if "url" in fields:
            link_services.reset_link_status(obj)

    def get_urls(self):
        report = path(
            "link-report/", self.admin_site.admin_view(self.link_report_view), name="stages_resource_link_report"
        )
        return [report, *super().get_urls()]

    def link_report_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "Link report",
            "opts": self.model._meta,
            **link_selectors.link_report(),
        }
        return TemplateResponse(request, "admin/stages/link_report.html", context)


@admin.register(SeededKey)
class SeededKeyAdmin(admin.ModelAdmin):
    list_display = ["model", "key", "created_at"]
    list_filter = ["model"]
    search_fields = ["key"]


class ProjectIdeaInline(SortableTabularInline):
    class Media:
        js = ["stages/admin_sortable_keys.js"]

    model = ProjectIdea
    extra = 0
    fields = ["order", "title", "url"]
    ordering = ["order"]


class RubricCriterionInline(TextAsSavedMixin, SortableTabularInline):
    """The brief's rubric in order; each criterion's levels are on its own page (the change link)."""

    class Media:
        js = ["stages/admin_sortable_keys.js"]

    model = RubricCriterion
    extra = 0
    verbose_name_plural = (
        "Rubric (drag a row by its ⠿ caption, or focus it and use the arrow keys; each row's page has its levels)"
    )
    fields = ["order", "key", "title", "level_count"]
    readonly_fields = ["level_count"]
    formfield_overrides = {
        models.CharField: {"widget": forms.TextInput(attrs={"size": 40})},
        models.SlugField: {"widget": forms.TextInput(attrs={"size": 20})},
    }
    prepopulated_fields = {"key": ["title"]}
    ordering = ["order"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(level_total=Count("levels"))

    @admin.display(description="levels")
    def level_count(self, obj):
        return getattr(obj, "level_total", None) if obj.pk else "—"


@admin.register(CapstoneBrief)
class CapstoneBriefAdmin(
    SingleObjectRevertMixin, SortableAdminBase, TextAsSavedMixin, MarkdownPreviewMixin, VersionAdmin
):
    markdown_fields = ["rules"]
    list_display = ["title", "stage", "focus"]
    list_select_related = ["stage"]
    search_fields = ["title", "focus", "rules"]
    filter_horizontal = ["allowed_frameworks", "forbidden_frameworks"]
    inlines = [ProjectIdeaInline, RubricCriterionInline]
    autocomplete_fields = ["stage"]


@admin.register(Framework)
class FrameworkAdmin(SingleObjectRevertMixin, TextAsSavedMixin, VersionAdmin):
    list_display = ["name", "module", "url"]
    search_fields = ["name", "module"]


@admin.register(ProjectIdea)
class ProjectIdeaAdmin(SingleObjectRevertMixin, TextAsSavedMixin, VersionAdmin):
    list_display = ["title", "brief", "order", "url"]
    list_filter = ["brief"]
    list_select_related = ["brief"]
    search_fields = ["title", "url"]


class RubricLevelInline(SortableTabularInline):
    class Media:
        js = ["stages/admin_sortable_keys.js"]

    model = RubricLevel
    extra = 0
    verbose_name_plural = "Levels, weakest first (drag a row by its ⠿ caption, or focus it and use the arrow keys)"
    fields = ["order", "label", "description"]
    formfield_overrides = {models.CharField: {"widget": forms.TextInput(attrs={"size": 60})}}
    ordering = ["order"]


@admin.register(RubricCriterion)
class RubricCriterionAdmin(
    SingleObjectRevertMixin, SortableAdminBase, TextAsSavedMixin, MarkdownPreviewMixin, VersionAdmin
):
    """A criterion with its levels; a level scored in a review cannot be deleted (its scores keep it)."""

    markdown_fields = ["description"]
    list_display = ["title", "brief", "order", "key"]
    list_filter = ["brief"]
    list_select_related = ["brief"]
    search_fields = ["title", "key", "description"]
    prepopulated_fields = {"key": ["title"]}
    inlines = [RubricLevelInline]
    autocomplete_fields = ["brief"]


@admin.register(RubricLevel)
class RubricLevelAdmin(SingleObjectRevertMixin, TextAsSavedMixin, VersionAdmin):
    list_display = ["label", "criterion", "order"]
    list_select_related = ["criterion__brief"]
    search_fields = ["label", "description"]
