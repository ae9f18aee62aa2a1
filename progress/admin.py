"""Learners' progress in the admin: reminders and read-only progress rows (the maintainers' insight
page, which combines progress with capstones, is composed in dlcurriculum.pages)."""

from django.contrib import admin
from django.utils import timezone

from dlcurriculum.users.changes_admin import StaffEditsMoveTheStamp

from .models import PacePlan, Pause, Reminder, ResourceProgress


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "period", "status", "attempts", "not_before", "sent_at", "short_error"]
    list_filter = ["status"]
    search_fields = ["user__email", "period"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    readonly_fields = ["user", "period", "attempts", "claim", "last_error", "created_at", "sent_at"]
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="error")
    def short_error(self, obj):
        return obj.last_error[:80]

    @admin.action(description="Retry the selected failed reminders at the next run")
    def retry_now(self, request, queryset):
        n = queryset.filter(status=Reminder.Status.FAILED).update(
            status=Reminder.Status.PENDING, attempts=0, not_before=timezone.now()
        )
        self.message_user(request, f"{n} reminder(s) will be retried at the next run.")


# Staff may only delete these rows (a support request); a deletion leaves the learner's dashboard
# at once (StaffEditsMoveTheStamp).


@admin.register(ResourceProgress)
class ResourceProgressAdmin(StaffEditsMoveTheStamp):
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


class _ReadOnlyForStaff(StaffEditsMoveTheStamp):
    """A learner's plan and pauses are theirs: staff may look (support questions), never change."""

    list_select_related = ["user"]
    search_fields = ["user__email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PacePlan)
class PacePlanAdmin(_ReadOnlyForStaff):
    list_display = ["user", "hours_per_week", "target_date", "started_on", "updated_at"]


@admin.register(Pause)
class PauseAdmin(_ReadOnlyForStaff):
    list_display = ["user", "start", "end", "label"]
    date_hierarchy = "start"
