"""After signing in: an account without a display name is asked for one, then a learner (not a mentor
or an admin) who has not written down their "why" is asked for it; each continues to where the
person was going."""

from urllib.parse import urlencode

from allauth.account.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.urls import reverse

from .services import should_ask_name, should_ask_why


@receiver(user_logged_in, dispatch_uid="users_ask_why_after_login")
def ask_why_after_login(sender, request, user, response=None, **kwargs):
    # allauth passes the redirect it is about to return; point it at the prompts,
    # which then continue to where the person was going.
    if not isinstance(response, HttpResponseRedirect):
        return
    if should_ask_why(user):
        response["Location"] = f"{reverse('users:why')}?{urlencode({'next': response['Location']})}"
    if should_ask_name(user):
        response["Location"] = f"{reverse('users:name')}?{urlencode({'next': response['Location']})}"
