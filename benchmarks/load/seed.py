"""Seed the load-test database and write the plan the load generator follows.

Run by run.py with the bench environment (DATABASE_URL, SECRET_KEY, ...) set:

    python benchmarks/load/seed.py PLAN.json

It creates 10,000 verified learners (one known password, hashed once), mentors and an admin, a
realistic spread of progress and activity, capstone submissions (see seed_submissions), logged-in
sessions for a pool of learners and mentors, and resolves the URLs of the pages to drive. Pages
whose URL does not exist yet are left out of the plan with a note.
"""

import contextlib
import json
import os
import random
import secrets
import sys
import time
from datetime import timedelta
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dlcurriculum.settings")
django.setup()

from allauth.account.models import EmailAddress  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import transaction  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from dlcurriculum.users.models import MENTORS_GROUP, User  # noqa: E402
from progress.models import Activity, ResourceProgress, Status  # noqa: E402
from stages.models import Resource, Stage  # noqa: E402

LEARNERS = 10_000
MENTORS = 20
PASSWORD = "bench-load-password-not-secret"
# Learners and mentors the load generator logs in as (each virtual user takes one).
LEARNER_POOL = 64
MENTOR_POOL = MENTORS
BATCH = 5_000
RANDOM_SEED = 7


def main(plan_path: Path) -> None:
    rng = random.Random(RANDOM_SEED)
    resources = list(Resource.objects.order_by("stage__order", "order"))
    if not resources:
        sys.exit("No curriculum in the database: run `manage.py load_curriculum` first.")
    with timed("users"):
        learners, mentors = seed_users()
    with timed("progress and activity"):
        progress_rows, activity_rows, reached = seed_progress(rng, learners, resources)
    with timed("capstone submissions"):
        submissions = seed_submissions(rng, learners, mentors, reached)
    print(
        f"  {len(learners)} learners, {len(mentors)} mentors, {progress_rows} progress rows, "
        f"{activity_rows} activity rows, {submissions} submissions"
    )
    pool = sample_learner_pool(rng, learners)
    plan = build_plan(resources, pool, mentors)
    plan_path.write_text(json.dumps(plan, indent=1))


@contextlib.contextmanager
def timed(what: str):
    started = time.monotonic()
    yield
    print(f"  seeded {what} in {time.monotonic() - started:.1f}s", flush=True)


@contextlib.contextmanager
def explicit_timestamps(*models):
    """Let bulk_create keep the created_at/updated_at we set (history spread over months)."""
    fields = [
        f
        for m in models
        for f in m._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


@transaction.atomic
def seed_users() -> tuple[list[User], list[User]]:
    # Argon2 is deliberately slow: hash once, share the hash.
    password_hash = make_password(PASSWORD)
    now = timezone.now()
    rng = random.Random(RANDOM_SEED + 1)

    def user(email, **extra):
        joined = now - timedelta(days=rng.uniform(0, 365))
        return User(email=email, password=password_hash, date_joined=joined, is_active=True, **extra)

    learners = User.objects.bulk_create(
        [user(f"learner{i}@bench.example", name=f"Learner {i}") for i in range(LEARNERS)], batch_size=BATCH
    )
    mentors = User.objects.bulk_create(
        [user(f"mentor{i}@bench.example", name=f"Mentor {i}") for i in range(MENTORS)], batch_size=BATCH
    )
    User.objects.create(
        email="admin@bench.example", password=password_hash, name="Admin", is_staff=True, is_superuser=True
    )
    group = Group.objects.get(name=MENTORS_GROUP)
    User.groups.through.objects.bulk_create([User.groups.through(user_id=m.pk, group_id=group.pk) for m in mentors])
    EmailAddress.objects.bulk_create(
        [EmailAddress(user_id=u.pk, email=u.email, verified=True, primary=True) for u in User.objects.all()],
        batch_size=BATCH,
    )
    return learners, mentors


def reach_of(rng: random.Random, total: int) -> int:
    """How many resources (in curriculum order) a learner has touched.

    Like most courses: a quarter only signed up, most stop early, a few get far.
    """
    if rng.random() < 0.25:
        return 0
    return min(total, 1 + int(total * rng.betavariate(1.2, 3.0)))


def seed_progress(rng: random.Random, learners: list[User], resources: list[Resource]) -> tuple[int, int, dict]:
    """Returns the number of progress and activity rows, and each learner's furthest stage order."""
    now = timezone.now()
    stage_order = dict(Stage.objects.values_list("pk", "order"))
    progress_rows, activity_rows, reached = [], [], {}
    for learner in learners:
        reach = reach_of(rng, len(resources))
        if reach:
            reached[learner.pk] = stage_order[resources[reach - 1].stage_id]
        moment = learner.date_joined
        step = (now - moment) / (reach * 2 + 1)
        for position, resource in enumerate(resources[:reach]):
            at_frontier = position == reach - 1
            roll = rng.random()
            if at_frontier and roll < 0.6:
                status = Status.IN_PROGRESS
            elif (resource.optional and roll < 0.4) or roll < 0.08:
                status = Status.SKIPPED
            else:
                status = Status.DONE
            started = moment + step * rng.uniform(0.2, 1.0)
            moment = started + step * rng.uniform(0.2, 1.0)
            history = [(Status.IN_PROGRESS, started)] if status != Status.SKIPPED else []
            if status != Status.IN_PROGRESS:
                history.append((status, moment))
            activity_rows += [
                Activity(user_id=learner.pk, resource_id=resource.pk, status=s, created_at=t) for s, t in history
            ]
            note = "Took notes on paper; revisit the backprop part." if rng.random() < 0.1 else ""
            progress_rows.append(
                ResourceProgress(
                    user_id=learner.pk,
                    resource_id=resource.pk,
                    status=status,
                    note=note,
                    created_at=history[0][1] if history else moment,
                    updated_at=moment,
                )
            )
    with explicit_timestamps(ResourceProgress, Activity), transaction.atomic():
        ResourceProgress.objects.bulk_create(progress_rows, batch_size=BATCH)
        Activity.objects.bulk_create(activity_rows, batch_size=BATCH)
    return len(progress_rows), len(activity_rows), reached


def seed_submissions(rng: random.Random, learners: list[User], mentors: list[User], reached: dict[int, int]) -> int:
    """Capstone submissions for the review queue and dashboards. The lead adjusts this one.

    Written against the submission models of the capstones branch (Submission, Iteration,
    Report, Review); without them (capstones.Submission absent) it seeds nothing and says so.
    Learners who finished the stage before a capstone submit with 70 % probability; statuses
    spread roughly 40 % waiting, 15 % in review, 20 % changes requested, 25 % approved. Every
    iteration points at one small notebook stored once through the storage API.
    `reached` maps a learner's id to the highest stage order they have progress in.
    """
    from capstones import models as capstones
    from stages.models import CapstoneBrief

    if not hasattr(capstones, "Submission"):
        print("  NOTE: capstone submissions not seeded (capstones.Submission is not in this branch yet)")
        return 0
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from capstones.models import Iteration, Report, Review, Submission

    # The statuses a submission rests in once its automatic check is over.
    SEEDED_STATUSES = [  # noqa: N806 - a constant of this seeding step
        Submission.Status.WAITING,
        Submission.Status.IN_REVIEW,
        Submission.Status.CHANGES_REQUESTED,
        Submission.Status.APPROVED,
    ]
    notebook = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
    notebook_name = default_storage.save("capstones/notebooks/bench.ipynb", ContentFile(notebook))
    now = timezone.now()
    submissions, plans = [], []
    for brief in CapstoneBrief.objects.select_related("stage").prefetch_related("ideas"):
        ideas = list(brief.ideas.all())
        for learner in learners:
            if reached.get(learner.pk, 0) < brief.stage.order - 1 or rng.random() > 0.7:
                continue
            status = rng.choices(SEEDED_STATUSES, weights=[40, 15, 20, 25])[0]
            submitted = now - timedelta(days=rng.uniform(0, 60))
            idea = rng.choice(ideas) if ideas and rng.random() < 0.7 else None
            mentor = rng.choice(mentors) if status != Submission.Status.WAITING else None
            submissions.append(
                Submission(
                    learner_id=learner.pk,
                    brief=brief,
                    title=f"{brief.title} by learner {learner.pk}",
                    idea=idea,
                    own_problem="" if idea else "My own data set",
                    status=status,
                    mentor=mentor,
                    waiting_since=submitted,
                    claimed_at=submitted + timedelta(hours=rng.uniform(1, 40)) if mentor else None,
                    approved_at=now if status == Submission.Status.APPROVED else None,
                    is_public=status == Submission.Status.APPROVED and rng.random() < 0.5,
                )
            )
            # Changes requested and approved ones went round once or twice before.
            plans.append(1 if status in (Submission.Status.WAITING, Submission.Status.IN_REVIEW) else rng.randint(1, 3))
    with transaction.atomic():
        Submission.objects.bulk_create(submissions, batch_size=BATCH)
        iterations = [
            Iteration(
                submission=sub,
                number=n,
                notebook=notebook_name,
                original_name="capstone.ipynb",
                size=len(notebook),
                sha256="0" * 64,
                write_up="What I did and why.",
                created_at=sub.waiting_since,
            )
            for sub, count in zip(submissions, plans, strict=True)
            for n in range(1, count + 1)
        ]
        Iteration.objects.bulk_create(iterations, batch_size=BATCH)
        Report.objects.bulk_create(
            [Report(iteration=it, status="done", verdict=rng.choice(["pass", "attention"])) for it in iterations],
            batch_size=BATCH,
        )
        last = {sub.pk: count for sub, count in zip(submissions, plans, strict=True)}

        def decision(iteration) -> str | None:
            """Earlier iterations had changes requested; the last one carries the submission's decision."""
            if iteration.number < last[iteration.submission_id]:
                return "changes_requested"
            status = iteration.submission.status
            return status if status in ("approved", "changes_requested") else None

        Review.objects.bulk_create(
            [
                Review(iteration=it, mentor=it.submission.mentor, decision=decided)
                for it in iterations
                if it.submission.mentor and (decided := decision(it))
            ],
            batch_size=BATCH,
        )
    return len(submissions)


def sample_learner_pool(rng: random.Random, learners: list[User]) -> list[User]:
    """Learners the virtual users log in as: a random sample, so history sizes vary like the population's."""
    return rng.sample(learners, LEARNER_POOL)


def logged_in_session(user: User) -> dict:
    """A session as django.contrib.auth.login() stores it, plus a CSRF secret for POSTs.

    Created in the database rather than through the login form: allauth rate-limits logins per IP
    (all virtual users come from 127.0.0.1). run.py checks the real login form once before the load.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return {"email": user.email, "session": store.session_key, "csrf": secrets.token_hex(16)}


def url_or_none(name: str, notes: list[str], **kwargs) -> str | None:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        notes.append(f"skipped: URL name {name!r} does not exist yet")
        return None


def get(path: str) -> dict:
    return {"method": "GET", "path": path, "data": None, "headers": {}, "ok": [200]}


# --- Adjust here when the progress endpoint lands or changes. ----------------------------------
PROGRESS_UPDATE_URL_NAME = "progress:set_status"
PROGRESS_UPDATE_STATUSES = ["in_progress", "done", "skipped"]


def progress_update_requests(resources: list[Resource], notes: list[str]) -> list[dict] | None:
    """POSTs that each change one resource's status, for a virtual user to cycle through.

    Ordered status by status over all resources, so consecutive visits to a resource differ.
    A redirect back to the page (the no-JavaScript form flow) counts as success.
    """
    requests = []
    for status in PROGRESS_UPDATE_STATUSES:
        for resource in resources:
            path = url_or_none(PROGRESS_UPDATE_URL_NAME, notes, resource_id=resource.pk)
            if path is None:
                return None
            requests.append(
                {"method": "POST", "path": path, "data": {"status": status}, "headers": {}, "ok": [200, 204, 302, 303]}
            )
    return requests


def build_plan(resources: list[Resource], learner_pool: list[User], mentors: list[User]) -> dict:
    notes: list[str] = []
    pages: dict[str, dict | None] = {
        "healthz": {"as": "anonymous", "requests": [get(reverse("healthz"))]},
        # A trivial view behind every middleware (no session, no database).
        "robots_txt": {"as": "anonymous", "requests": [get(reverse("robots_txt"))]},
        "stage": {"as": "learner", "requests": [get(s.get_absolute_url()) for s in Stage.objects.order_by("order")]},
    }
    # The cheapest response a signed-in learner gets: a GET of a progress form's URL answers
    # with a redirect to the resource (session, user, one row, no template). It bounds what any
    # signed-in page can reach, side by side with /healthz.
    floor = url_or_none(PROGRESS_UPDATE_URL_NAME, notes, resource_id=resources[0].pk)
    pages["signed_in_floor"] = {"as": "learner", "requests": [{**get(floor), "ok": [302]}]} if floor else None
    dashboard = url_or_none("dashboard", notes)
    pages["dashboard"] = {"as": "learner", "requests": [get(dashboard)]} if dashboard else None
    queue = url_or_none("capstones:queue", notes)
    pages["review_queue"] = {"as": "mentor", "requests": [get(queue)]} if queue else None
    updates = progress_update_requests(resources, notes)
    pages["progress_update"] = {"as": "learner", "requests": updates} if updates else None
    return {
        "password": PASSWORD,
        "login_path": reverse("account_login"),
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "learners": [logged_in_session(u) for u in learner_pool],
        "mentors": [logged_in_session(u) for u in mentors[:MENTOR_POOL]],
        "pages": {name: page for name, page in pages.items() if page},
        "notes": notes,
    }


if __name__ == "__main__":
    main(Path(sys.argv[1]))
