"""Nothing typed is lost: posts that fail because the session ended or the CSRF
token rotated get a page that explains and shows the text back.

The browser side is static/js/drafts.js: forms marked ``data-draft="<form>:<object>"``
keep a draft in localStorage as the person types, restore it on the next visit,
and drop it once the server confirms the save (``mark_saved`` below, read back
by the ``saved_drafts`` context processor).
"""

from __future__ import annotations

import functools
import json
from urllib.parse import urlsplit

from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

SAVED_SESSION_KEY = "drafts_saved"
# A hostile post is not echoed in full: enough fields and characters for any form of the app.
MAX_FIELDS = 12
MAX_CHARS = 25_000
# Never shown back, even to their owner: the page may be read over a shoulder or cached.
SECRET_MARKERS = ("password", "csrf", "token", "secret", "key", "otp", "code")
# Hidden fields of our forms, not typed by anyone.
NOT_TYPED = {"next", "skip"}


def mark_saved(request, key: str) -> None:
    """The server has stored the form ``key``; the browser may drop its draft."""
    saved = request.session.get(SAVED_SESSION_KEY, [])
    if key not in saved:
        request.session[SAVED_SESSION_KEY] = [*saved, key][-20:]


def saved_drafts(request) -> dict:
    """Context processor: the drafts saved since the last page, for drafts.js (then forgotten)."""
    session = getattr(request, "session", None)
    # Only touch a session that exists: anonymous pages must not create one.
    if session is None or not session.session_key or SAVED_SESSION_KEY not in session:
        return {}
    return {"drafts_saved_json": json.dumps(session.pop(SAVED_SESSION_KEY))}


def posted_text(request) -> list[tuple[str, str]]:
    """The text fields of a POST, without secrets, bounded in number and length."""
    fields = []
    for name, values in request.POST.lists():
        if name in NOT_TYPED or any(marker in name.lower() for marker in SECRET_MARKERS):
            continue
        value = "\n".join(v for v in values if v.strip())
        if not value.strip():
            continue
        fields.append((name[:100], value[:MAX_CHARS]))
        if len(fields) == MAX_FIELDS:
            break
    return fields


def _same_origin(request) -> bool:
    """Whether the failed post came from one of our own pages (the browser says so).

    A cross-site post must not get its text displayed inside our origin.
    """
    if request.headers.get("Sec-Fetch-Site") == "same-origin":
        return True
    origin = request.headers.get("Origin", "")
    if not origin or origin == "null":
        return False
    return urlsplit(origin).netloc == request.get_host()


def _form_page(request) -> str:
    """Where the learner finds the form again: the page that sent it, else the address posted to."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure()):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.path


def csrf_failure(request, reason: str = ""):
    """CSRF_FAILURE_VIEW: the form's token no longer matches (signed in or out in another
    tab, or the page was open for a long time). Explain, and show the text back."""
    kept = posted_text(request) if _same_origin(request) else []
    page = _form_page(request)
    context = {"kept": kept, "form_page": page, "login_url": _login_url(page), "reason": "csrf"}
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(
            {"error": "Not saved: this page is out of date (you signed in or out elsewhere). Reload the page."},
            status=403,
        )
    return render(request, "errors/not_sent.html", context, status=403)


def login_required_keeping_text(view=None, *, form_page=None):
    """``login_required`` for views that receive typed text.

    A POST from a visitor whose session has ended is not redirected to the login
    page (the text would be dropped): it gets a page that explains, shows the
    text back and links to the sign-in with ``next`` leading to the form, where
    drafts.js restores the draft. Fetch requests get a JSON 401 that says so.
    ``form_page(request, **kwargs)`` names the form's page; default: the address posted to.
    """

    def decorator(view_func):
        @functools.wraps(view_func)
        def wrapped(request, *args, **kwargs):
            if request.user.is_authenticated:
                return view_func(request, *args, **kwargs)
            if request.method != "POST":
                return redirect_to_login(request.get_full_path())
            page = form_page(request, *args, **kwargs) if form_page else request.path
            login_url = _login_url(page)
            if "application/json" in request.headers.get("Accept", ""):
                return JsonResponse(
                    {
                        "error": "Your session has ended, so this was not saved. Your text is kept in this "
                        "browser: sign in again and it will be restored.",
                        "login_url": login_url,
                    },
                    status=401,
                )
            context = {"kept": posted_text(request), "form_page": page, "login_url": login_url, "reason": "session"}
            return render(request, "errors/not_sent.html", context, status=401)

        return wrapped

    return decorator(view) if view is not None else decorator


def _login_url(page: str) -> str:
    return f"{reverse('account_login')}?{urlencode({'next': page})}"
