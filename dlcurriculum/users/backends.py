"""Authentication backends that load the signed-in user together with their role.

Every page's menu asks ``user.is_mentor``; answering it in the query that loads the
user saves a query on every request of every signed-in user.

The same query checks that the request's session still exists in the database. The
session's data comes from the cache (``cached_db``), and a cache that was unreachable
while someone signed out comes back holding the old session: Redis is only a copy, so
who is signed in is decided by the database row, at no extra query.
"""

from contextvars import ContextVar

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.contrib.sessions.models import Session
from django.db import models
from django.utils import timezone

# The session key the current request came with; None outside a request (shell, tasks, tests calling
# the backend directly), where there is no session to check.
current_session_key: ContextVar[str | None] = ContextVar("current_session_key", default=None)


class _UserWithRoles:
    def get_user(self, user_id):
        users = get_user_model().objects.with_roles()
        session_key = current_session_key.get()
        check_session = session_key is not None and settings.SESSION_ENGINE.endswith(("cached_db", ".db"))
        if check_session:
            alive = Session.objects.filter(session_key=session_key, expire_date__gt=timezone.now())
            users = users.annotate(_session_alive=models.Exists(alive))
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        if check_session and not user._session_alive:
            return None
        return user if self.user_can_authenticate(user) else None


class ModelBackend(_UserWithRoles, DjangoModelBackend):
    pass


class AuthenticationBackend(_UserWithRoles, AllauthBackend):
    pass


class SessionKeyMiddleware:
    """Tells the backends which session the request came with (after SessionMiddleware).

    A session found in the cache but no longer in the database (signed out while the
    cache was unreachable) then authenticates nobody.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_session_key.set(request.session.session_key)
        try:
            return self.get_response(request)
        finally:
            current_session_key.reset(token)
