"""Load test of dlcurriculum as it runs in production, on this machine only.

    .venv/bin/python benchmarks/load/run.py            # 2-5 minutes
    .venv/bin/python benchmarks/load/run.py --duration 5 --users 1,8

1. Creates a fresh PostgreSQL database (dlc_bench_load), migrates, loads the curriculum and
   seeds 10,000 learners with progress and activity (seed.py).
2. Serves the app with gunicorn (DEBUG off, a generated SECRET_KEY, Redis db 7) on a free port
   of 127.0.0.1.
3. Checks that the real allauth login form accepts a seeded learner, then drives each page
   (health check, stage page, dashboard, review queue, progress updates) alone with locust,
   at each concurrency level, as logged-in learners (mentors for the review queue). Sessions
   are created in the database by seed.py: allauth's per-IP login rate limit would refuse
   dozens of logins from 127.0.0.1 a minute.
4. Prints requests/s and p50/p95/p99 latency per page and level, the errors, and the throughput
   of the dashboard relative to /healthz served by the same process, and relative to the cheapest
   signed-in response (target: at least 0.6 of it, with zero errors).

Stops gunicorn, drops the database and empties Redis db 7 at the end, also on Ctrl-C.
Environment: BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432),
BENCH_REDIS_URL (default redis://127.0.0.1:6379/7), BENCH_DATABASE (default dlc_bench_load).
"""

import argparse
import contextlib
import csv
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import redis
import requests

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
DATABASE = os.environ.get("BENCH_DATABASE", "dlc_bench_load")
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
HOST = "127.0.0.1"
# The order pages are driven in at each level, and the page compared with /healthz.
PAGES = ["healthz", "robots_txt", "signed_in_floor", "stage", "dashboard", "review_queue", "progress_update"]
RATIO_TARGET = 0.5
# The fair reference for a signed-in page: the cheapest signed-in response through the same stack.
FLOOR_RATIO_TARGET = 0.6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", default="1,8,32", help="concurrency levels, comma-separated (default 1,8,32)")
    parser.add_argument("--duration", type=int, default=8, help="seconds of load per page and level (default 8)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers")
    parser.add_argument("--pages", default=",".join(PAGES), help="pages to drive, comma-separated (default all)")
    args = parser.parse_args()
    levels = [int(n) for n in args.users.split(",")]
    if not 1 <= args.duration <= 60 or not all(1 <= n <= 200 for n in levels):
        parser.error("keep it bounded: 1-60 s per run, 1-200 users")

    signal.signal(signal.SIGTERM, interrupt)
    workdir = Path(tempfile.mkdtemp(prefix="dlc-bench-load-"))
    port = free_port()
    env = bench_env(port, workdir)
    gunicorn = None
    started = time.monotonic()
    try:
        step("Database", create_database)
        step("Migrate", manage, env, "migrate", "--no-input", "-v", "0")
        step("Curriculum", manage, env, "load_curriculum")
        step("Static files", manage, env, "collectstatic", "--no-input", "-v", "0")
        plan_path = workdir / "plan.json"
        step("Seed", run, [sys.executable, str(HERE / "seed.py"), str(plan_path)], env=env, timeout=600)
        plan = json.loads(plan_path.read_text())
        redis.Redis.from_url(REDIS_URL).flushdb()
        base = f"http://{HOST}:{port}"
        gunicorn = start_gunicorn(env, port, args.workers, workdir / "gunicorn.log")
        step("Gunicorn", wait_until_up, base, gunicorn, workdir / "gunicorn.log")
        step("Login form", check_login_form, base, plan)
        wanted = set(args.pages.split(","))
        pages = [p for p in PAGES if p in plan["pages"] and p in wanted]
        step("Each page once", check_pages, base, plan, pages, workdir / "gunicorn.log")
        for note in plan["notes"]:
            print(f"NOTE: {note}")
        results = []
        for users in levels:
            for page in pages:
                print(f"  {page} with {users} user(s) for {args.duration}s ...", flush=True)
                results.append(drive(base, plan_path, page, users, args.duration, workdir))
                wait_until_idle(base)
        print()
        print(report(results, levels, args.workers))
        print(f"Whole run: {time.monotonic() - started:.0f}s")
        return 1 if sum(r["errors"] for r in results) else 0
    except KeyboardInterrupt:
        print("\nInterrupted; cleaning up.", file=sys.stderr)
        return 130
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        print(f"Failed: {exc}", file=sys.stderr)
        return 1
    finally:
        # A second Ctrl-C (or a kill) must not skip the cleanup.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if gunicorn:
            stop(gunicorn)
        drop_database()
        with contextlib.suppress(redis.RedisError):
            redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).flushdb()
        shutil.rmtree(workdir, ignore_errors=True)


def interrupt(signum, frame):
    """A `kill` cleans up like Ctrl-C does."""
    raise KeyboardInterrupt


def step(title: str, function, *args, **kwargs):
    print(f"{title} ...", flush=True)
    started = time.monotonic()
    result = function(*args, **kwargs)
    print(f"{title}: done in {time.monotonic() - started:.1f}s", flush=True)
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def bench_env(port: int, workdir: Path) -> dict:
    """Production settings, pointed at the bench database and Redis db."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS=HOST,
        DATABASE_URL=f"{POSTGRES_URL}/{DATABASE}",
        REDIS_URL=REDIS_URL,
        # Production settings refuse a mail backend that delivers nothing; the pages driven here send
        # no mail, and one sent by mistake fails (nothing listens on the discard port) instead of leaving.
        EMAIL_URL="smtp://127.0.0.1:9",
        SITE_URL="https://dlcurriculum.example",
        MEDIA_ROOT=str(workdir / "media"),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def run(command: list[str], env: dict, timeout: int = 300) -> None:
    subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=timeout)


def manage(env: dict, *arguments: str) -> None:
    run([sys.executable, "manage.py", *arguments], env=env)


def admin_connection():
    return psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True, connect_timeout=5)


def create_database() -> None:
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')


def drop_database() -> None:
    try:
        with admin_connection() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    except psycopg.Error as exc:
        print(f"Could not drop the database {DATABASE}: {exc}", file=sys.stderr)


def start_gunicorn(env: dict, port: int, workers: int, log: Path) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "gunicorn", "dlcurriculum.wsgi:application",
        "--bind", f"{HOST}:{port}", "--workers", str(workers), "--timeout", "30", "--graceful-timeout", "5",
        "--error-logfile", str(log),
    ]  # fmt: skip
    print(f"Gunicorn: {workers} sync workers on {HOST}:{port}", flush=True)
    # Its own session: Ctrl-C reaches only this script, which then stops gunicorn in order.
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def wait_until_up(base: str, gunicorn: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if gunicorn.poll() is not None:
            raise SystemExit(f"gunicorn exited ({gunicorn.returncode}):\n{tail(log)}")
        try:
            if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer /healthz within {timeout:.0f}s:\n{tail(log)}")


def wait_until_idle(base: str, timeout: float = 60) -> None:
    """Let gunicorn finish requests the last run abandoned, so they don't slow down the next run.

    Sync workers don't notice a client that went away, and the listen queue is first in, first
    out: once /healthz answers quickly, the backlog is gone.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            requests.get(f"{base}/healthz", timeout=max(0.1, deadline - started))
        except requests.RequestException:
            time.sleep(0.5)
            continue
        if time.monotonic() - started < 0.1:
            return


def stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    except ProcessLookupError:
        pass


def tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


def check_login_form(base: str, plan: dict) -> None:
    """One real login through allauth's form, with CSRF, as a seeded learner."""
    email = plan["learners"][0]["email"]
    page = requests.get(base + plan["login_path"], timeout=10)
    token = page.cookies.get(plan["csrf_cookie"])
    response = requests.post(
        base + plan["login_path"],
        data={"login": email, "password": plan["password"], "csrfmiddlewaretoken": token},
        # Set by hand: the cookie is Secure and this is plain HTTP.
        headers={"Cookie": f"{plan['csrf_cookie']}={token}"},
        allow_redirects=False,
        timeout=10,
    )
    if response.status_code != 302 or plan["session_cookie"] not in response.cookies:
        raise SystemExit(f"Logging in through the form failed: HTTP {response.status_code}")


def check_pages(base: str, plan: dict, pages: list[str], log: Path) -> None:
    """Each page answers as expected once before any load (and warms the workers)."""
    for page in pages:
        spec = plan["pages"][page]
        headers = {}
        if spec["as"] != "anonymous":
            account = plan[f"{spec['as']}s"][0]
            headers = {
                "Cookie": f"{plan['session_cookie']}={account['session']}; {plan['csrf_cookie']}={account['csrf']}",
                "X-CSRFToken": account["csrf"],
            }
        req = spec["requests"][0]
        response = requests.request(
            req["method"],
            base + req["path"],
            data=req["data"],
            headers={**headers, **req["headers"]},
            allow_redirects=False,
            timeout=30,
        )
        if response.status_code not in req["ok"] or plan["login_path"] in response.headers.get("Location", ""):
            raise SystemExit(
                f"{page}: {req['method']} {req['path']} answered HTTP {response.status_code} "
                f"{response.headers.get('Location', '')}\n{tail(log)}"
            )


def drive(base: str, plan_path: Path, page: str, users: int, duration: int, workdir: Path) -> dict:
    prefix = workdir / f"{page}-{users}"
    command = [
        sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless", "--only-summary",
        "--host", base, "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{duration}s",
        "--reset-stats", "--stop-timeout", "5", "--csv", str(prefix), "--loglevel", "ERROR",
    ]  # fmt: skip
    env = {**os.environ, "BENCH_PLAN": str(plan_path), "BENCH_PAGE": page}
    with (workdir / f"{page}-{users}.log").open("w") as log:
        # Locust exits 1 when a request failed; the failures are counted from its CSV.
        subprocess.run(
            command, cwd=HERE, env=env, stdout=log, stderr=subprocess.STDOUT, timeout=duration + 60, check=False
        )
    row = None
    stats = Path(f"{prefix}_stats.csv")
    if stats.exists():
        with stats.open(newline="") as f:
            row = next((r for r in csv.DictReader(f) if r["Name"] == page), None)
    if row is None:
        log = tail(workdir / f"{page}-{users}.log", 5)
        return {
            "page": page,
            "users": users,
            "requests": 0,
            "errors": 1,
            "rps": 0.0,
            "p50": "-",
            "p95": "-",
            "p99": "-",
            "failures": [f"no request completed within {duration}s; locust said: {log}"],
        }
    return {
        "page": page,
        "users": users,
        "requests": int(row["Request Count"]),
        "errors": int(row["Failure Count"]),
        "rps": float(row["Requests/s"]),
        "p50": row["50%"],
        "p95": row["95%"],
        "p99": row["99%"],
        "failures": failures(f"{prefix}_failures.csv"),
    }


def failures(path: str) -> list[str]:
    with Path(path).open(newline="") as f:
        return [f"{r['Occurrences']}x {r['Method']} {r['Error']}" for r in csv.DictReader(f)]


def report(results: list[dict], levels: list[int], workers: int) -> str:
    lines = [
        f"gunicorn: {workers} sync workers, {os.cpu_count()} CPU cores shared with the load generator",
        "",
        "| users | page | req/s | p50 ms | p95 ms | p99 ms | requests | errors |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    lines.extend(
        f"| {r['users']} | {r['page']} | {r['rps']:.1f} | {r['p50']} | {r['p95']} | {r['p99']} "
        f"| {r['requests']} | {r['errors']} |"
        for r in results
    )
    errors = sum(r["errors"] for r in results)
    lines += ["", f"Errors: {errors} (target 0)"]
    lines += [f"  {r['page']} at {r['users']} users: {f}" for r in results for f in r["failures"]]
    by_key = {(r["page"], r["users"]): r for r in results}
    compared = "dashboard" if any(r["page"] == "dashboard" for r in results) else "stage"
    if compared != "dashboard":
        lines.append("No dashboard yet: the ratio below is for the stage page.")
    for users in levels:
        page, health = by_key.get((compared, users)), by_key.get(("healthz", users))
        if page and health and health["rps"]:
            ratio = page["rps"] / health["rps"]
            verdict = "ok" if ratio >= RATIO_TARGET else "BELOW TARGET"
            lines.append(
                f"{compared} / healthz throughput at {users} users: {ratio:.2f} (target >= {RATIO_TARGET}: {verdict})"
            )
    # What the rest of the middleware costs: robots.txt is a trivial view behind all of it.
    for users in levels:
        trivial, health = by_key.get(("robots_txt", users)), by_key.get(("healthz", users))
        if trivial and health and health["rps"]:
            lines.append(
                f"robots_txt (every middleware, no session) / healthz at {users} users: "
                f"{trivial['rps'] / health['rps']:.2f}"
            )
    # What no signed-in page can beat: the ratio of the cheapest signed-in response, and how
    # close the dashboard comes to it.
    for users in levels:
        floor, health = by_key.get(("signed_in_floor", users)), by_key.get(("healthz", users))
        page = by_key.get((compared, users))
        if floor and health and health["rps"] and floor["rps"]:
            line = f"signed_in_floor / healthz at {users} users: {floor['rps'] / health['rps']:.2f}"
            if page:
                ratio = page["rps"] / floor["rps"]
                verdict = "ok" if ratio >= FLOOR_RATIO_TARGET else "BELOW TARGET"
                line += f"; {compared} / signed_in_floor: {ratio:.2f} (target >= {FLOOR_RATIO_TARGET}: {verdict})"
            lines.append(line)
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
