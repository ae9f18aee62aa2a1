"""Learners' progress in the admin: read-only rows, and the maintainers' insight page."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path

from .insight import insight
from .models import ResourceProgress


@admin.register(ResourceProgress)
class ResourceProgressAdmin(admin.ModelAdmin):
    """Progress belongs to the learner: staff may look (support questions), never edit."""

    list_display = ["user", "resource", "status", "updated_at"]
    list_filter = ["status", "resource__stage"]
    list_select_related = ["user", "resource"]
    search_fields = ["resource__title"]
    readonly_fields = ["user", "resource", "status", "note", "created_at", "updated_at"]
    change_list_template = "admin/progress/resourceprogress/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        page = path("insight/", self.admin_site.admin_view(self.insight_view), name="progress_insight")
        return [page, *super().get_urls()]

    def insight_view(self, request):
        # Counts only, no names: whoever may see the resources may see how they are used.
        if not request.user.has_perm("stages.view_resource"):
            raise PermissionDenied
        data = insight()
        widest = max((r.started + r.skipped for s in data.stages for r in s.resources), default=0)
        context = {
            **self.admin_site.each_context(request),
            "title": "How learners use the curriculum",
            "opts": self.model._meta,
            "insight": data,
            "widest": widest,
        }
        return TemplateResponse(request, "admin/progress/insight.html", context)
