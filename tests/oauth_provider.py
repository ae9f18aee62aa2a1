"""A small OAuth2 server playing GitHub for the tests of "Sign in with GitHub", run as its own process.

It answers the endpoints allauth's GitHub provider calls, over real HTTP:

- ``GET /login/oauth/authorize``: approves at once (the person "clicked Authorize") and redirects to
  the ``redirect_uri`` with a one-time code and the ``state``;
- ``POST /login/oauth/access_token``: exchanges a code for a token, checking the client id and secret;
- ``GET /api/v3/user`` and ``GET /api/v3/user/emails``: the GitHub user and their addresses, each
  with GitHub's ``verified`` flag, for ``Authorization: token ...``.

Who signs in is set by the test: ``POST /_test/identity`` with the JSON of the next person
(``{"id", "login", "name", "emails": [{"email", "verified", "primary"}]}``).

    python -m tests.oauth_provider CLIENT_ID CLIENT_SECRET  # prints the port it listens on
"""

from __future__ import annotations

import json
import secrets
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit


class GitHubPlay:
    def __init__(self, client_id: str, client_secret: str):
        self.client_id = client_id
        self.client_secret = client_secret
        self.identity: dict = {}
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}


class Handler(BaseHTTPRequestHandler):
    play: GitHubPlay  # set by main()

    def log_message(self, *args):  # quiet: the test output is the test's
        pass

    def _json(self, status: int, body) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _identity_for_token(self) -> dict | None:
        scheme, _, token = (self.headers.get("Authorization") or "").partition(" ")
        return self.play.tokens.get(token) if scheme.lower() in ("token", "bearer") else None

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path == "/login/oauth/authorize":
            return self._authorize({k: v[0] for k, v in parse_qs(url.query).items()})
        identity = self._identity_for_token()
        if identity is None:
            return self._json(401, {"message": "Bad credentials"})
        if url.path == "/api/v3/user":
            primary = next((e["email"] for e in identity["emails"] if e.get("primary")), None)
            profile = {"id": identity["id"], "login": identity["login"], "name": identity.get("name"), "email": primary}
            return self._json(200, profile)
        if url.path == "/api/v3/user/emails":
            return self._json(200, [{"visibility": "private", **e} for e in identity["emails"]])
        return self._json(404, {"message": "Not Found"})

    def do_POST(self):
        url = urlsplit(self.path)
        body = self._body()
        if url.path == "/_test/identity":
            self.play.identity = json.loads(body)
            return self._json(200, {"ok": True})
        if url.path == "/login/oauth/access_token":
            return self._access_token({k: v[0] for k, v in parse_qs(body.decode()).items()})
        return self._json(404, {"message": "Not Found"})

    def _authorize(self, query: dict) -> None:
        if query.get("client_id") != self.play.client_id or not query.get("redirect_uri"):
            return self._json(400, {"error": "bad client or redirect_uri"})
        code = secrets.token_urlsafe(12)
        self.play.codes[code] = {"identity": dict(self.play.identity), "redirect_uri": query["redirect_uri"]}
        self.send_response(302)
        self.send_header(
            "Location", f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query.get('state', '')})}"
        )
        self.send_header("Content-Length", "0")
        self.end_headers()
        return None

    def _access_token(self, form: dict) -> None:
        if (form.get("client_id"), form.get("client_secret")) != (self.play.client_id, self.play.client_secret):
            return self._json(200, {"error": "incorrect_client_credentials"})
        grant = self.play.codes.pop(form.get("code", ""), None)  # each code once
        if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
            return self._json(200, {"error": "bad_verification_code"})
        token = secrets.token_urlsafe(16)
        self.play.tokens[token] = grant["identity"]
        return self._json(200, {"access_token": token, "token_type": "bearer", "scope": "read:user,user:email"})


def main(argv: list[str]) -> None:
    client_id, client_secret = argv[1], argv[2]
    Handler.play = GitHubPlay(client_id, client_secret)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)  # noqa: T201 - the parent reads the port
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv)
