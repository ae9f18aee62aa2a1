from django.contrib import admin

from .models import CapstoneBrief, Framework, ProjectIdea


class ProjectIdeaInline(admin.TabularInline):
    model = ProjectIdea
    extra = 0
    fields = ["order", "title", "url"]
    ordering = ["order"]


@admin.register(CapstoneBrief)
class CapstoneBriefAdmin(admin.ModelAdmin):
    list_display = ["title", "stage", "focus"]
    list_select_related = ["stage"]
    search_fields = ["title", "focus", "rules"]
    filter_horizontal = ["allowed_frameworks", "forbidden_frameworks"]
    inlines = [ProjectIdeaInline]
    autocomplete_fields = ["stage"]


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "module", "url"]
    search_fields = ["name", "module"]


@admin.register(ProjectIdea)
class ProjectIdeaAdmin(admin.ModelAdmin):
    list_display = ["title", "brief", "order", "url"]
    list_filter = ["brief"]
    list_select_related = ["brief"]
    search_fields = ["title", "url"]
