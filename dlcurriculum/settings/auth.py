"""Accounts: the user model, passwords, allauth, rate limits, sign-in alerts, the second factor,
sessions and sign in with GitHub."""

from django.core.exceptions import ImproperlyConfigured

from .core import GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET, GITHUB_SIGN_IN_ENABLED, GITHUB_WEB_URL
from .env import DEBUG, env

AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = [
    "dlcurriculum.users.backends.ModelBackend",
    "dlcurriculum.users.backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
# Returning learners pick up where they left off.
LOGIN_REDIRECT_URL = "dashboard"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "dlcurriculum.users.signup.SignupExtrasForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[dlcurriculum] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_ADAPTER = "dlcurriculum.users.adapter.AccountAdapter"
# allauth's messages and e-mails name people as every page does (never by their e-mail address).
ACCOUNT_USER_DISPLAY = "dlcurriculum.users.names.user_display"
ACCOUNT_FORMS = {"reset_password": "dlcurriculum.users.forms.ResetPasswordForm"}
# Rate limits count per client address. Behind reverse proxies that each append the address
# they saw to X-Forwarded-For, set how many there are: the client is that many entries from
# the right (the entries further left are whatever the client sent). 0: the header is ignored
# and the peer address counts, as anyone can send the header. Or name a header that the one
# trusted proxy sets to the client's address (X-Real-IP, CF-Connecting-IP); it wins when set.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
if ALLAUTH_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("ALLAUTH_TRUSTED_PROXY_COUNT must be 0 (no proxy) or the number of proxies in front.")
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("ALLAUTH_TRUSTED_CLIENT_IP_HEADER", default="") or None
ACCOUNT_RATE_LIMITS = {
    "login": env("RATE_LIMIT_LOGIN", default="30/m/ip"),
    "login_failed": env("RATE_LIMIT_LOGIN_FAILED", default="10/m/ip,5/5m/key"),
    "signup": env("RATE_LIMIT_SIGNUP", default="20/m/ip"),
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    # Codes by e-mail (below): 3 a minute per address, so a stranger cannot flood the inbox.
    "request_login_code": env("RATE_LIMIT_LOGIN_CODE", default="20/m/ip,3/m/key"),
}
# The way in that a lockout never closes: five wrong passwords pause password sign-in for the
# address ("login_failed" above, which anyone who knows the address can trigger, again and again),
# but the owner signs in with a one-time code e-mailed to them (allauth's login by code: no password,
# not counted by "login_failed"), on /accounts/login/ and for the admin too (same session). A
# password reset also lifts the pause (allauth clears it).
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 10 * 60
# Repeated failed sign-ins on a staff account are e-mailed to that person and every other active
# admin, once per burst: at SIGNIN_ALERT_FAILURES failures within SIGNIN_ALERT_WINDOW_SECONDS, then
# not again for that account until SIGNIN_ALERT_QUIET_SECONDS after the alert.
SIGNIN_ALERT_FAILURES = env.int("SIGNIN_ALERT_FAILURES", default=5)
SIGNIN_ALERT_WINDOW_SECONDS = env.int("SIGNIN_ALERT_WINDOW_SECONDS", default=900)
SIGNIN_ALERT_QUIET_SECONDS = env.int("SIGNIN_ALERT_QUIET_SECONDS", default=3600)

# --- Second factor, sessions, sign in with GitHub (allauth.mfa, usersessions, socialaccount) ------
# Mentors and admins must have a second factor (dlcurriculum/users/second_factor.py); anyone may.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", default="dlcurriculum")
# Each recovery code signs in once (allauth strikes it off). Wrong codes count as failed sign-ins
# (the "login_failed" limit above, per client address and per account), as wrong passwords do.
MFA_RECOVERY_CODE_COUNT = 10
# Security keys and passkeys as a second factor. Browsers offer WebAuthn only on https:// and on
# http://localhost (never on an IP address: open the site as localhost locally), and fido2 accepts
# exactly those origins for the host the page was served on, so the origin check stays on in local
# mode too: turning it off would let any page's key answers count (phishing) and buy nothing.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False
MFA_PASSKEY_LOGIN_ENABLED = False
# Sessions are listed from allauth's record of each sign-in (no write per request: TRACK_ACTIVITY off;
# dlcurriculum/users/sessions.py).
USERSESSIONS_TRACK_ACTIVITY = False
# GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET are read in core.py (the content security policy allows GitHub).
SOCIALACCOUNT_PROVIDERS = {
    "github": {
        "APPS": (
            [{"client_id": GITHUB_CLIENT_ID, "secret": GITHUB_CLIENT_SECRET, "key": ""}]
            if GITHUB_SIGN_IN_ENABLED
            else []
        ),
        # The addresses with GitHub's "verified" flag: only verified ones may link (dlcurriculum/users/social.py).
        "SCOPE": ["read:user", "user:email"],
        **({"GITHUB_URL": GITHUB_WEB_URL} if GITHUB_WEB_URL != "https://github.com" else {}),
    }
}
SOCIALACCOUNT_ADAPTER = "dlcurriculum.users.social.SocialAccountAdapter"
SOCIALACCOUNT_QUERY_EMAIL = True
SOCIALACCOUNT_EMAIL_REQUIRED = True
# A GitHub address that GitHub verified is taken as verified here; any other is sent a confirmation.
SOCIALACCOUNT_EMAIL_VERIFICATION = "mandatory"
# A GitHub sign-in whose address both GitHub and an account here verified signs into that account
# and links GitHub to it; an address unverified on either side never does (the adapter checks).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_AUTO_SIGNUP = True
# Only a POST starts a sign-in with GitHub (a link or an image could otherwise sign someone in).
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
