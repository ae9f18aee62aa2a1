from allauth.account import app_settings as account_settings
from allauth.account.adapter import get_adapter
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from django.contrib.admin.forms import AdminAuthenticationForm

from . import selectors


class ResetPasswordForm(AllauthResetPasswordForm):
    """Password resets go to verified addresses only.

    allauth also sends one to an address nobody has confirmed yet (a mistyped
    second address, say): whoever owns that address could take the account over.
    """

    def clean_email(self):
        email = super().clean_email()
        self.users = selectors.verified_owners(self.users, email)
        if not self.users and not account_settings.PREVENT_ENUMERATION:
            raise get_adapter().validation_error("unknown_email")
        return email


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's sign-in authenticates through allauth, so its failed-login limits apply here too.

    Per client address and per e-mail address, shared with the site's own sign-in.
    """

    def clean(self):
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email is not None and password:
            self.user_cache = get_adapter(self.request).authenticate(self.request, email=email, password=password)
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data
