"""After signing in: an account without a display name is asked for one, then a learner (not a mentor
or an admin) who has not written down their "why" is asked for it; each continues to where the
person was going. Sessions end where trust changed (below)."""

from urllib.parse import urlencode

from allauth.account.signals import password_changed, password_reset, password_set, user_logged_in
from allauth.mfa.signals import authenticator_added
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.urls import reverse

from . import sessions
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


# --- Sessions end where trust changed (users.sessions) ---------------------------------------------
# A password changed, set or reset, or a second factor added: whoever else held a session (a
# shared computer, a stolen cookie) is signed out; the person keeps the session they did it in.


@receiver(password_changed, dispatch_uid="users_end_sessions_on_password_changed")
@receiver(password_set, dispatch_uid="users_end_sessions_on_password_set")
@receiver(password_reset, dispatch_uid="users_end_sessions_on_password_reset")
@receiver(authenticator_added, dispatch_uid="users_end_sessions_on_second_factor")
def end_other_sessions_when_trust_changes(sender, request, user, **kwargs):
    sessions.end_other_sessions(user, current_session_key=request.session.session_key)
