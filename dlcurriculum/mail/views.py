"""The unsubscribe page every e-mail links to: one page for every kind of e-mail, each kind turned off
by the feature that registered it (dlcurriculum.mail.unsubscribe)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import unsubscribe as links


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
        user_id, topic_name = links.read_link(token)
    except signing.SignatureExpired:
        return render(request, "mail/unsubscribe/invalid.html", {"expired": True}, status=410)
    except signing.BadSignature:
        return render(request, "mail/unsubscribe/invalid.html", {"expired": False}, status=400)
    user = get_user_model().objects.filter(pk=user_id).only("email").first()
    if user is None:
        return render(request, "mail/unsubscribe/invalid.html", {"expired": False, "gone": True}, status=404)
    topic = links.topic(topic_name)
    context = {
        "email": _mask(user.email),
        "what": topic_name.label,
        "stopped_title": topic.stopped_title,
        "preferences_url": settings.SITE_URL + reverse(topic.preferences_url_name),
    }
    if request.method == "POST":
        topic.stop(user)
        return render(request, "mail/unsubscribe/done.html", context)
    return render(request, "mail/unsubscribe/confirm.html", context)
