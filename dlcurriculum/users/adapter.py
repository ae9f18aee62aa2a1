"""allauth's adapter: its e-mails go through the app's outbox, and the client address never turns
into a server error.

allauth sends verification and reset e-mails inside the sign-up or reset request; an SMTP server that
is down or slow would answer that request with a 500 (after the account was created) and use up the
person's resend allowance for nothing. Queued, the request answers at once and the e-mail goes out
when the server is back, retried like every other e-mail.
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ImproperlyConfigured, ValidationError

from dlcurriculum.mail import outbox


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # The pause is per address and anyone can cause it: the owner is shown the way that stays open.
        "too_many_login_attempts": (
            "Too many failed login attempts for this address, so password sign-in for it is paused for a few "
            "minutes. "
            "You can sign in now with a one-time code sent to your e-mail (“Send me a sign-in code” on the "
            "site's sign-in page), "
            "or reset your password."
        ),
    }

    def pre_authenticate(self, request, **credentials):
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            # Tries refused by the pause count as failures too: the guessing goes on.
            self._note_failure(request, credentials)
            raise

    def authentication_failed(self, request, **credentials):
        super().authentication_failed(request, **credentials)
        self._note_failure(request, credentials)

    def _note_failure(self, request, credentials) -> None:
        from .signin_alerts import note_failed_sign_in

        note_failed_sign_in(credentials.get("email", ""), address=self.get_client_ip(request))

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

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        message = self.render_mail(template_prefix, email, ctx)
        user = context.get("user")
        outbox.queue(
            message,
            template=template_prefix.rsplit("/", 1)[-1],
            reason=f"allauth: {template_prefix}",
            user=user if getattr(user, "pk", None) else None,
        )
