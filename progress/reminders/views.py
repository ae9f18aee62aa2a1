from django.contrib.auth import get_user_model
from django.core import signing
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from dlcurriculum.mail import unsubscribe as links

from .services import preferences_url, stop_reminders


def _mask(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}{'•' * max(1, len(local) - 1)}@{domain}"


# CSRF-exempt because mail clients POST here without a session (RFC 8058 one-click).
# The signed token in the URL is what authorises the change, and a GET never changes anything
# (link scanners follow GETs).
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    try:
        user_id = links.read_token(token)
    except signing.SignatureExpired:
        return render(request, "mail/unsubscribe/invalid.html", {"expired": True}, status=410)
    except signing.BadSignature:
        return render(request, "mail/unsubscribe/invalid.html", {"expired": False}, status=400)
    user = get_user_model().objects.filter(pk=user_id).only("email", "reminder_frequency").first()
    if user is None:
        return render(request, "mail/unsubscribe/invalid.html", {"expired": False, "gone": True}, status=404)
    context = {"email": _mask(user.email), "preferences_url": preferences_url()}
    if request.method == "POST":
        stop_reminders(user)
        return render(request, "mail/unsubscribe/done.html", context)
    return render(request, "mail/unsubscribe/confirm.html", context)
