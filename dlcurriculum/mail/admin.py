from django.contrib import admin

from .models import SentEmail


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
