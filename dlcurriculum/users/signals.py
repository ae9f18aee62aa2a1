"""Send a learner (not a mentor or an admin) who has not written down their "why" to the prompt after signing in."""

from urllib.parse import urlencode

from allauth.account.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.urls import reverse

from .services import should_ask_why


@receiver(user_logged_in, dispatch_uid="users_ask_why_after_login")
def ask_why_after_login(sender, request, user, response=None, **kwargs):
    # allauth passes the redirect it is about to return; point it at the prompt,
    # which then continues to where the learner was going.
    if isinstance(response, HttpResponseRedirect) and should_ask_why(user):
        response["Location"] = f"{reverse('users:why')}?{urlencode({'next': response['Location']})}"
