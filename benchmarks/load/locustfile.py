"""One page under load: every virtual user requests BENCH_PAGE of the plan, back to back.

Started by run.py (locust --headless); the plan (written by seed.py) holds the requests and the
logged-in sessions. Each virtual user takes its own learner (or mentor) session.
"""

import itertools
import json
import os
import random
from pathlib import Path

from locust import FastHttpUser, constant, task

PLAN = json.loads(Path(os.environ["BENCH_PLAN"]).read_text(encoding="utf-8"))
PAGE_NAME = os.environ["BENCH_PAGE"]
PAGE = PLAN["pages"][PAGE_NAME]
_next_account = itertools.count()


def account_headers(role: str) -> dict:
    """Cookie and CSRF headers of the next account in the pool.

    Set by hand because the app's cookies are Secure (production settings) and this test speaks
    plain HTTP to 127.0.0.1, so no cookie jar would send them back.
    """
    if role == "anonymous":
        return {}
    pool = PLAN[f"{role}s"]
    account = pool[next(_next_account) % len(pool)]
    cookie = f"{PLAN['session_cookie']}={account['session']}; {PLAN['csrf_cookie']}={account['csrf']}"
    return {"Cookie": cookie, "X-CSRFToken": account["csrf"]}


class PageVisitor(FastHttpUser):
    wait_time = constant(0)
    network_timeout = 30.0
    connection_timeout = 10.0

    def on_start(self):
        self.headers = account_headers(PAGE["as"])
        requests = list(PAGE["requests"])
        start = random.randrange(len(requests))
        self.requests = itertools.cycle(requests[start:] + requests[:start])

    @task
    def visit(self):
        req = next(self.requests)
        with self.client.request(
            req["method"],
            req["path"],
            name=PAGE_NAME,
            data=req["data"],
            headers={**self.headers, **req["headers"]},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location") or ""
            if response.status_code not in req["ok"]:
                response.failure(f"HTTP {response.status_code}")
            elif PLAN["login_path"] in location:
                response.failure("redirected to the login page: the session was not accepted")
            else:
                response.success()
