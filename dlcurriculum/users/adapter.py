"""allauth's e-mails (address verification, password reset) go through the app's outbox.

allauth sends them inside the sign-up or reset request; an SMTP server that is down or
slow would answer that request with a 500 (after the account was created) and use up
the person's resend allowance for nothing. Queued, the request answers at once and the
e-mail goes out when the server is back, retried like every other e-mail.
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from dlcurriculum.mail import outbox


class AccountAdapter(DefaultAccountAdapter):
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
