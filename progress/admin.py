from django.contrib import admin
from django.utils import timezone

from .models import Reminder


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
