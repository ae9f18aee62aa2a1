from allauth.core import ratelimit
from django.contrib import admin

from .forms import AdminLoginForm


class AdminSite(admin.AdminSite):
    """The default admin site, with its sign-in under the same rate limits as the site's."""

    site_header = "dlcurriculum administration"
    site_title = "dlcurriculum admin"
    login_form = AdminLoginForm

    def login(self, request, extra_context=None):
        refused = ratelimit.consume_or_429(request, action="login")
        if refused is not None:
            return refused
        return super().login(request, extra_context)
