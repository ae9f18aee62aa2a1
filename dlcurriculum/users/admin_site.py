from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


class AdminSite(admin.AdminSite):
    """The default admin site, signing in through the site's own sign-in (allauth).

    One way in for everybody: the same rate limits per client, the sign-in by e-mailed code, and the
    second factor (allauth.mfa) that admins must have (users.second_factor). The admin's own
    password form would skip the second factor, so /admin/login/ only sends people on.
    """

    site_header = "dlcurriculum administration"
    site_title = "dlcurriculum admin"

    def login(self, request, extra_context=None):
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
            next_url = reverse("admin:index", current_app=self.name)
        if request.user.is_authenticated:
            if not (request.user.is_active and request.user.is_staff):
                raise PermissionDenied("Admins only.")
            return redirect(next_url)
        return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
