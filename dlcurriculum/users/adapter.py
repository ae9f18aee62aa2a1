"""allauth's adapter with one change: the client address never turns into a server error."""

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ImproperlyConfigured


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request):
        """The address rate limits count by (see ALLAUTH_TRUSTED_PROXY_COUNT in settings).

        allauth raises ImproperlyConfigured (a 500) when X-Forwarded-For has fewer
        entries than the trusted proxies, i.e. the request did not come through all
        of them. The peer address is then the only one the client did not choose.
        """
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured:
            return request.META["REMOTE_ADDR"]
