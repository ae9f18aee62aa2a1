"""Authentication backends that load the signed-in user together with their role.

Every page's menu asks ``user.is_mentor``; answering it in the query that loads the
user saves a query on every request of every signed-in user.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend


class _UserWithRoles:
    def get_user(self, user_id):
        try:
            user = get_user_model().objects.with_roles().get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class ModelBackend(_UserWithRoles, DjangoModelBackend):
    pass


class AuthenticationBackend(_UserWithRoles, AllauthBackend):
    pass
