"""The local GitHub (tests/oauth_provider.py) as a running process, and the app pointed at it."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import urllib.request
from contextlib import contextmanager
from pathlib import Path

CLIENT_ID = "local-client-id"
CLIENT_SECRET = "local-client-secret"


class LocalGitHub:
    def __init__(self, port: int):
        self.url = f"http://127.0.0.1:{port}"

    def sign_in_as(self, *, uid: int, login: str, emails: list[tuple[str, bool]], name: str = "") -> None:
        """Who the next "Authorize" on the local GitHub is: ``emails`` as (address, verified), the first primary."""
        identity = {
            "id": uid,
            "login": login,
            "name": name,
            "emails": [{"email": e, "verified": v, "primary": i == 0} for i, (e, v) in enumerate(emails)],
        }
        request = urllib.request.Request(
            f"{self.url}/_test/identity", data=json.dumps(identity).encode(), method="POST"
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200

    def authorize(self, authorize_url: str) -> str:
        """What the browser does at GitHub's authorize page: the redirect back to the app (not followed)."""

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        try:
            opener.open(authorize_url, timeout=5)
        except urllib.error.HTTPError as redirect:
            if redirect.code != 302:
                raise AssertionError(f"the local GitHub answered {redirect.code}") from redirect
            return redirect.headers["Location"]
        raise AssertionError("the local GitHub did not redirect back")


@contextmanager
def local_github():
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oauth_provider", CLIENT_ID, CLIENT_SECRET],
        cwd=Path(__file__).resolve().parent.parent,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        port = int(process.stdout.readline())
        yield LocalGitHub(port)
    finally:
        process.terminate()
        process.wait(timeout=10)


def point_the_app_at(github: LocalGitHub, settings, monkeypatch) -> None:
    """Sign-in with GitHub on (as GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET do), against the local GitHub.

    allauth's GitHub adapter reads its URLs once, at import (GITHUB_URL); the test's port is known later."""
    from allauth.socialaccount.providers.github.views import GitHubOAuth2Adapter

    settings.GITHUB_SIGN_IN_ENABLED = True
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"].append(github.url)  # as settings add GITHUB_URL
    settings.CONTENT_SECURITY_POLICY = policy
    settings.SOCIALACCOUNT_PROVIDERS = {
        "github": {
            **settings.SOCIALACCOUNT_PROVIDERS["github"],
            "APPS": [{"client_id": CLIENT_ID, "secret": CLIENT_SECRET, "key": ""}],
        }
    }
    monkeypatch.setattr(GitHubOAuth2Adapter, "authorize_url", f"{github.url}/login/oauth/authorize")
    monkeypatch.setattr(GitHubOAuth2Adapter, "access_token_url", f"{github.url}/login/oauth/access_token")
    monkeypatch.setattr(GitHubOAuth2Adapter, "profile_url", f"{github.url}/api/v3/user")
    monkeypatch.setattr(GitHubOAuth2Adapter, "emails_url", f"{github.url}/api/v3/user/emails")
