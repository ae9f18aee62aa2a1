"""Benchmark: one reminder pass over 20,000 learners against a local SMTP sink.

    python benchmarks/reminders/run.py [--learners 20000] [--batch-size 500]

Creates (and drops first) its own PostgreSQL database, seeds learners with
varied histories, then times, side by side in one run:

* one reminder pass (selection, rendering, exactly-once bookkeeping, sending);
* the floor: a plain loop sending the pass's own messages, built beforehand (the pass
  is run once more with a connection that keeps them), over one SMTP connection to the
  same sink, timed again after every pass so that each pass is compared with the floors
  just before and after it (the load may move); and once, the earlier floor: as many
  smaller messages (no progress lines or unsubscribe headers, a third of the bytes);
* the same pass as production runs it, shared out in id ranges by the hourly task
  to 1, 2 and 4 Celery worker processes (``--workers``) on a real Redis broker
  (BENCH_REDIS, default redis://127.0.0.1:6379/13, flushed first), from the
  enqueue to the last e-mail recorded, with the reminders of the previous run
  deleted before each;

and prints learners/s, total SQL queries, peak memory (RSS) during the pass, the
ratios to the floor and the 1-minute load average next to each figure. PostgreSQL must be reachable (BENCH_PG, default
postgres://postgres@127.0.0.1:5432).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


class Sink:
    """An SMTP server that accepts and counts (aiosmtpd), in its own process like a real mail server."""

    def __init__(self):
        self._count = multiprocessing.Value("l", 0)
        self._ready = multiprocessing.Event()
        self.port = free_port()
        self._process = multiprocessing.Process(target=self._serve, daemon=True)

    @property
    def count(self) -> int:
        return self._count.value

    def reset(self) -> None:
        with self._count.get_lock():
            self._count.value = 0

    def start(self) -> None:
        self._process.start()
        if not self._ready.wait(30):
            raise RuntimeError("The SMTP sink did not start.")

    def stop(self) -> None:
        self._process.terminate()
        self._process.join()

    def _serve(self) -> None:
        import logging

        from aiosmtpd.controller import Controller

        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command
        count = self._count

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd finds the hook by this name
                with count.get_lock():
                    count.value += 1
                return "250 OK"

        controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        controller.start()
        self._ready.set()
        threading.Event().wait()


def load() -> str:
    """The 1-minute load average, printed next to each figure: the machine may be shared."""
    return f"load {os.getloadavg()[0]:.1f}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def create_database(pg: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Tokyo",
    "Australia/Sydney",
    "America/Sao_Paulo",
    "Asia/Kolkata",
]


def seed(n: int, rng: random.Random) -> dict:
    """Learners with varied histories; most are due right now, some are not (recent, off, unverified, finished)."""
    from zoneinfo import ZoneInfo

    from allauth.account.models import EmailAddress
    from django.utils import timezone

    from dlcurriculum.users.models import User
    from progress.models import Activity, ResourceProgress
    from stages.models import Resource

    # Seeding writes history in the past: let explicit timestamps through.
    for model, names in ((Activity, ["created_at"]), (ResourceProgress, ["created_at", "updated_at"])):
        for name in names:
            f = model._meta.get_field(name)
            f.auto_now = f.auto_now_add = False

    now = timezone.now()
    core = list(Resource.objects.filter(optional=False).order_by("stage__order", "order").values_list("pk", flat=True))
    kinds: dict[str, int] = {}
    specs, users = [], []
    for i in range(n):
        zone = rng.choice(ZONES)
        roll = rng.random()
        kind = (
            "off"
            if roll < 0.05
            else "unverified"
            if roll < 0.08
            else "finished"
            if roll < 0.10
            else "recently active"
            if roll < 0.20
            else "due"
        )
        kinds[kind] = kinds.get(kind, 0) + 1
        days = rng.randint(1, 14)
        last_active = (
            now - timedelta(hours=rng.randint(1, 20))
            if kind == "recently active"
            else (now - timedelta(days=days, hours=rng.randint(1, 24 * 40)))
        )
        touched = len(core) if kind == "finished" else rng.randint(0, len(core) - 1)
        specs.append((kind, last_active, touched))
        users.append(
            User(
                email=f"learner{i}@bench.example",
                password="!",
                name=f"Learner {i}",
                why=rng.choice(["", "To build things that see.", "Career change into ML research. " * 3]),
                reminder_frequency="off" if kind == "off" else ("weekly" if rng.random() < 0.2 else "inactivity"),
                reminder_inactivity_days=days,
                # Everyone's preferred hour is now, on their own clock.
                reminder_hour=now.astimezone(ZoneInfo(zone)).hour,
                timezone=zone,
                date_joined=now - timedelta(days=400),
            )
        )
    User.objects.bulk_create(users, batch_size=2000)
    pks = list(User.objects.filter(email__endswith="@bench.example").order_by("pk").values_list("pk", flat=True))
    addresses, progress, activity = [], [], []
    for pk, user, (kind, last_active, touched) in zip(pks, users, specs, strict=True):
        addresses.append(EmailAddress(user_id=pk, email=user.email, verified=kind != "unverified", primary=True))
        for j, resource in enumerate(core[:touched]):
            status = "skipped" if rng.random() < 0.1 else "done"
            if j == touched - 1 and kind != "finished" and rng.random() < 0.5:
                status = "in_progress"
            at = last_active - timedelta(days=touched - j)
            progress.append(
                ResourceProgress(user_id=pk, resource_id=resource, status=status, created_at=at, updated_at=at)
            )
            activity.append(Activity(user_id=pk, resource_id=resource, status=status, created_at=at))
        activity.append(Activity(user_id=pk, status="in_progress", created_at=last_active))
    EmailAddress.objects.bulk_create(addresses, batch_size=5000)
    ResourceProgress.objects.bulk_create(progress, batch_size=5000)
    Activity.objects.bulk_create(activity, batch_size=5000)
    return {"kinds": kinds, "progress_rows": len(progress), "activity_rows": len(activity)}


def the_pass_messages(batch_size: int) -> list:
    """The messages a pass sends, built by running it once more with a connection that only keeps
    them (the rows it writes are deleted again): the floor sends these very messages."""
    from dlcurriculum.mail.models import SentEmail
    from progress.models import Reminder
    from progress.reminders.sending import run_reminder_pass

    class Keep:
        def __init__(self):
            self.messages = []

        def open(self):
            return True

        def close(self):
            pass

        def send_messages(self, messages):
            self.messages.extend(messages)
            return len(messages)

    keep = Keep()
    Reminder.objects.all().delete()
    SentEmail.objects.all().delete()
    run_reminder_pass(batch_size=batch_size, connection=keep)
    Reminder.objects.all().delete()
    SentEmail.objects.all().delete()
    return keep.messages


def small_messages(count: int) -> list:
    """The earlier floor's messages: a reminder with no progress lines, no links to new resources
    and no unsubscribe headers (about a third of a real one's bytes)."""
    from dlcurriculum.mail.services import build_message

    context = {"name": "Learner", "why": "To build things that see.", "lines": [], "next_url": "https://x.test/"}
    template = build_message(to=["x@bench.example"], template="reminder", context=context)
    messages = []
    for i in range(count):
        copy = template.__class__(
            subject=template.subject,
            body=template.body,
            from_email=template.from_email,
            to=[f"learner{i}@bench.example"],
            headers=dict(template.extra_headers),
        )
        copy.alternatives = list(template.alternatives)
        messages.append(copy)
    return messages


def floor_seconds(messages: list) -> float:
    """Send ``messages``, built beforehand, over one SMTP connection: nothing but sending."""
    from django.core.mail import get_connection

    connection = get_connection()
    started = time.perf_counter()
    connection.open()
    for message in messages:
        connection.send_messages([message])
    connection.close()
    return time.perf_counter() - started


def reset_peak_rss() -> bool:
    """Reset the kernel's high-water mark of this process's RSS (Linux), so VmHWM covers the pass only."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def rss_mib(field: str) -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def start_workers(count: int, env: dict) -> list[subprocess.Popen]:
    """``count`` worker processes on the e-mail queue, one process each (as `--scale worker=N` would run them)."""
    command = [sys.executable, "-m", "celery", "-A", "dlcurriculum", "worker", "-Q", "email", "-c", "1"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"]
    logs = Path(tempfile.gettempdir())
    return [
        subprocess.Popen(
            [*command, "-n", f"bench{i}@%h"],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=(logs / f"dlc-bench-reminders-worker{i}.log").open("w"),
        )
        for i in range(count)
    ]


def stop_workers(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)


STALL_SECONDS = 180


def pass_on_workers(count: int, expected: int, sink: Sink, env: dict) -> float:
    """Seconds from enqueueing the hourly task to the last of ``expected`` e-mails recorded, on ``count`` workers."""
    from dlcurriculum.celery_app import app
    from dlcurriculum.mail.models import SentEmail
    from progress.models import Reminder
    from progress.tasks import send_reminders

    Reminder.objects.all().delete()
    SentEmail.objects.all().delete()
    sink.reset()
    workers = start_workers(count, env)
    try:
        deadline = time.monotonic() + 120
        while len(app.control.ping(timeout=0.5) or []) < count:
            if time.monotonic() > deadline:
                raise RuntimeError("the workers did not start")
        started = time.perf_counter()
        send_reminders.apply_async()
        # A pass that stops moving (a range killed by the e-mail queue's time limit leaves its
        # claimed reminders leased for REMINDER_LEASE_SECONDS) is reported, not waited out.
        sent, moved_at = 0, time.monotonic()
        while sent < expected:
            time.sleep(0.1)
            now_sent = Reminder.objects.filter(status="sent").count()
            if now_sent != sent:
                sent, moved_at = now_sent, time.monotonic()
            elif time.monotonic() - moved_at > STALL_SECONDS:
                raise RuntimeError(
                    f"the pass on {count} worker(s) stalled at {sent}/{expected} e-mails for {STALL_SECONDS} s; "
                    f"worker logs: {Path(tempfile.gettempdir())}/dlc-bench-reminders-worker*.log"
                )
        elapsed = time.perf_counter() - started
    finally:
        stop_workers(workers)
    assert sink.count == expected, (sink.count, expected)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=20_000)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--database", default="dlc_bench_reminders")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--workers", default="1,2,4", help="Worker process counts to time the shared-out pass on.")
    parser.add_argument(
        "--task-learners",
        type=int,
        default=500,
        help="Accounts per range task (REMINDER_TASK_LEARNERS; default 500, one batch: each task stays far inside "
        "the e-mail queue's time limit even on a loaded machine).",
    )
    args = parser.parse_args()
    workers = [int(n) for n in args.workers.split(",") if n]
    task_learners = args.task_learners
    broker = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/13")

    sink = Sink()
    sink.start()

    pg = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    create_database(pg, args.database)
    os.environ.update(
        {
            "DATABASE_URL": f"{pg}/{args.database}",
            "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
            # DEBUG off: Django would otherwise keep every query in memory.
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "SITE_URL": "https://dlcurriculum.example",
            # Production settings refuse to start without these (the in-process pass sends directly).
            "ALLOWED_HOSTS": "dlcurriculum.example",
            "REDIS_URL": broker,
        }
    )
    os.environ["REMINDER_TASK_LEARNERS"] = str(task_learners)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dlcurriculum.settings")
    worker_env = dict(os.environ)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from progress.models import Reminder
    from progress.reminders.sending import run_reminder_pass

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_curriculum", verbosity=0)
    seeded = seed(args.learners, random.Random(args.seed))
    with connection.cursor() as cursor:
        # Planner statistics for the fresh rows, as a live database has them (autovacuum would
        # gather them some time later, in the middle of one of the timed passes).
        cursor.execute("ANALYZE")
    print(f"Seeded {args.learners} learners in {time.perf_counter() - t0:.1f}s: {seeded}", flush=True)

    counter = QueryCounter()
    baseline = rss_mib("VmRSS")
    peak_reset = reset_peak_rss()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        result = run_reminder_pass(batch_size=args.batch_size)
    elapsed = time.perf_counter() - started
    pass_load = load()
    peak = rss_mib("VmHWM")
    assert result.sent == sink.count, (result.as_dict(), sink.count)
    assert Reminder.objects.filter(status="sent").count() == result.sent
    print(f"Pass done: {result.as_dict()}", flush=True)

    same = the_pass_messages(args.batch_size)
    assert len(same) == result.sent, (len(same), result.sent)
    mean_bytes = sum(len(m.message().as_bytes()) for m in same[:500]) / min(500, len(same))

    def timed_floor(messages=same, label="Floor") -> float:
        sink.reset()
        seconds = floor_seconds(messages)
        assert sink.count == len(messages)
        print(f"{label}: {seconds:.2f} s ({load()})", flush=True)
        return seconds

    # The floor is timed again after each pass: on a shared machine the load moves, so each pass is
    # compared with the floors just before and after it.
    floors: list[tuple[float, str]] = []
    small = small_messages(result.sent)
    small_floor = (timed_floor(small, "Floor with the earlier, smaller messages"), load())
    floors.append((timed_floor(), load()))
    if workers:
        import redis

        redis.Redis.from_url(broker).flushdb()
    on_workers, worker_loads = {}, {}
    for count in workers:
        on_workers[count] = pass_on_workers(count, result.sent, sink, worker_env)
        worker_loads[count] = load()
        print(f"Pass on {count} worker(s): {on_workers[count]:.2f} s ({worker_loads[count]})", flush=True)
        floors.append((timed_floor(), load()))
    sink.stop()

    def beside(index: int) -> float:
        """The mean of the floors timed just before and after the pass (the in-process pass: after only)."""
        near = [floors[i][0] for i in (index - 1, index) if 0 <= i < len(floors)]
        return sum(near) / len(near)

    print()
    print(f"learners seeded                  {args.learners}")
    print(f"learners checked / e-mails sent  {result.checked} / {result.sent}")
    print(f"batches (size {args.batch_size})              {result.batches}")
    print(
        f"floor: the pass's own {result.sent} messages ({mean_bytes:,.0f} bytes on average), built beforehand, "
        f"sent over one connection, timed {len(floors)} times: "
        + ", ".join(f"{seconds:.2f} s ({where})" for seconds, where in floors)
    )
    print(
        f"earlier floor: as many smaller messages ({len(small[0].message().as_bytes()):,} bytes, no progress lines "
        f"or unsubscribe headers), timed once after the in-process pass: {small_floor[0]:.2f} s ({small_floor[1]})"
    )
    rates = f"{result.checked / elapsed:.0f} learners/s, {result.sent / elapsed:.0f} e-mails/s"
    print(
        f"in-process pass (one process)    {elapsed:.2f} s  ({rates}; {pass_load})  "
        f"{elapsed / small_floor[0]:.2f}x the earlier floor, {elapsed / beside(0):.2f}x the floor after it"
    )
    ranges = -(-args.learners // task_learners)
    for index, (count, seconds) in enumerate(on_workers.items(), start=1):
        print(
            f"pass on {count} worker(s) ({ranges} ranges)  {seconds:.2f} s  "
            f"({result.checked / seconds:.0f} learners/s; {worker_loads[count]})  "
            f"{seconds / small_floor[0]:.2f}x the earlier floor, {seconds / beside(index):.2f}x the floors beside it, "
            f"{seconds / elapsed:.2f}x the in-process pass"
        )
    print("target: within 1.5x the floor")
    print(f"SQL queries, total               {counter.count}  ({counter.count / result.batches:.1f} per batch)")
    what = "peak RSS during the pass" if peak_reset else "peak RSS of the process"
    print(f"{what:32} {peak:.0f} MiB  (RSS before the pass {baseline:.0f} MiB)")


if __name__ == "__main__":
    main()
