from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from . import second_factor, sessions
from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_active", "second_factor", "date_joined", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups", "reminder_frequency"]
    search_fields = ["email", "name"]
    actions = ["reset_second_factor"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("name", "why")}),
        (
            "Reminders",
            {
                "fields": (
                    "reminder_frequency",
                    "reminder_inactivity_days",
                    "reminder_weekday",
                    "reminder_hour",
                    "timezone",
                )
            },
        ),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def get_queryset(self, request):
        # The roles and the second factor in the list's one query (User.objects.with_roles).
        return User.objects.with_roles()

    @admin.display(description="second factor", boolean=True, ordering="_has_second_factor")
    def second_factor(self, user) -> bool | None:
        if second_factor.has_second_factor(user):
            return True
        # Mentors and admins without one are a red cross (must enrol); learners, a blank.
        return False if second_factor.second_factor_required(user) else None

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = User.objects.with_roles().get(pk=form.instance.pk)
        if second_factor.second_factor_required(user) and not second_factor.has_second_factor(user):
            messages.warning(
                request,
                f"{user.email} must set up two-factor authentication: a mentor or an admin without a second "
                "factor is sent to set one up (an authenticator app or a security key) at their next page, "
                "before review pages, notebooks or the admin open.",
            )

    @admin.action(description="Reset two-factor authentication (lost device): remove factors, end sessions")
    def reset_second_factor(self, request, queryset):
        """The documented way back for a person who lost their device and their recovery codes (README):
        their authenticators and recovery codes go, every session of theirs ends, and the admin log
        records who did it. A mentor or admin then sets a new factor up at their next sign-in."""
        for user in queryset:
            removed = Authenticator.objects.filter(user=user).delete()[0]
            ended = sessions.end_other_sessions(user, current_session_key=None)
            self.log_change(
                request,
                user,
                f"Reset two-factor authentication (lost device): {removed} authenticator(s) removed, "
                f"{ended} session(s) ended.",
            )
            self.message_user(
                request,
                f"Two-factor authentication of {user.email} reset: {removed} authenticator(s) removed, "
                f"{ended} session(s) ended.",
                messages.SUCCESS,
            )
