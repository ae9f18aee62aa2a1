"""Study groups in the admin: the groups, and the messages members reported (open ones first)."""

from django.contrib import admin
from django.utils import timezone

from .models import GroupMessage, Membership, MessageReport, StudyGroup


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "joined_at", "hide_progress"]
    readonly_fields = ["user", "joined_at", "hide_progress"]
    can_delete = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(StudyGroup)
class StudyGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "created_at"]
    search_fields = ["name", "owner__email"]
    list_select_related = ["owner"]
    readonly_fields = ["owner", "invite_token", "created_at"]
    inlines = [MembershipInline]

    def has_add_permission(self, request):
        return False


@admin.register(GroupMessage)
class GroupMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "group", "author", "short_body"]
    search_fields = ["body", "group__name"]
    list_select_related = ["group", "author"]
    readonly_fields = ["group", "author", "body", "created_at"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="message")
    def short_body(self, obj):
        return obj.body[:80]


@admin.register(MessageReport)
class MessageReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "group", "message_text", "reporter", "reason", "resolved_at"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter)]
    list_select_related = ["message__group", "reporter"]
    readonly_fields = ["message", "reporter", "reason", "created_at", "resolved_at"]
    ordering = ["resolved_at", "-created_at"]
    actions = ["resolve", "delete_reported_messages"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="group")
    def group(self, obj):
        return obj.message.group.name

    @admin.display(description="message")
    def message_text(self, obj):
        return obj.message.body[:120]

    @admin.action(description="Mark the selected reports as dealt with")
    def resolve(self, request, queryset):
        n = queryset.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
        self.message_user(request, f"{n} report(s) marked as dealt with.")

    @admin.action(description="Delete the reported messages (and their reports)")
    def delete_reported_messages(self, request, queryset):
        ids = set(queryset.values_list("message_id", flat=True))
        GroupMessage.objects.filter(pk__in=ids).delete()
        self.message_user(request, f"{len(ids)} message(s) deleted.")
