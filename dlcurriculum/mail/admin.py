from django.contrib import admin

from .models import Reminder, SentEmail


@admin.register(SentEmail)
class SentEmailAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "to",
        "template",
        "reason",
        "status",
        "attempts",
        "maybe_delivered",
        "sent_at",
        "short_error",
    ]
    list_filter = ["status", "maybe_delivered", "template"]
    search_fields = ["to", "subject", "reason", "key", "message_id"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    # The stored message may hold a sign-in or reset link: staff see what was sent and how it went, not that.
    exclude = ["message"]
    readonly_fields = [f.name for f in SentEmail._meta.fields if f.name != "message"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="error")
    def short_error(self, obj):
        return obj.last_error[:80]


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
        from django.utils import timezone

        n = queryset.filter(status=Reminder.Status.FAILED).update(
            status=Reminder.Status.PENDING, attempts=0, not_before=timezone.now()
        )
        self.message_user(request, f"{n} reminder(s) will be retried at the next run.")
