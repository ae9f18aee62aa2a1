from django.contrib import admin
from django.db.models import Count

from .models import Resource, SeededKey, Stage


class ResourceInline(admin.TabularInline):
    model = Resource
    extra = 0
    fields = ["order", "title", "url", "kind", "authors", "optional", "cost", "key"]
    prepopulated_fields = {"key": ["title"]}
    ordering = ["order"]
    show_change_link = True


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["order", "title", "slug", "resource_count", "updated_at"]
    list_display_links = ["title"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    ordering = ["order"]
    inlines = [ResourceInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(resource_total=Count("resources"))

    @admin.display(ordering="resource_total", description="resources")
    def resource_count(self, obj):
        return obj.resource_total


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["title", "stage", "order", "kind", "cost", "optional", "updated_at"]
    list_filter = ["stage", "kind", "cost", "optional"]
    list_select_related = ["stage"]
    search_fields = ["title", "authors", "url", "key", "description"]
    prepopulated_fields = {"key": ["title"]}
    ordering = ["stage__order", "order"]
    autocomplete_fields = ["stage"]
    list_per_page = 100


@admin.register(SeededKey)
class SeededKeyAdmin(admin.ModelAdmin):
    list_display = ["model", "key", "created_at"]
    list_filter = ["model"]
    search_fields = ["key"]
