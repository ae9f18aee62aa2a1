"""Every URL of the project, for every kind of visitor: who may read and who may change what.

The URL list is generated from the URL configuration, so a new view fails this test
until someone decides who may use it.
"""

from datetime import date

import pytest
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from capstones import services as capstone_services
from capstones.models import Submission
from dlcurriculum.mail.unsubscribe import make_token
from progress import selectors as progress_selectors
from progress import services as progress_services
from progress.models import PacePlan, Pause, ResourceProgress, TimeSpent
from stages.models import Resource
from tests import factories
from tests.rubrics import all_scored
from tests.submitting import submit_capstone
from tests.totp import pass_second_factor

ROLES = ["anonymous", "learner_a", "learner_b", "mentor", "admin"]
OK, LOGIN, DENIED, NOT_ALLOWED = "ok", "login", "denied", "method"
# POST-only views: a GET shows nothing, whether refused for the method or for the visitor.
NO_GET = "no-get"
REDIRECT = "redirect"
# A first, opaque address of something that now lives at a readable one.
MOVED = "moved"
# Back to the submission's page with a message (e.g. nothing to reassign).
BACK = "back"
# To the admin's own sign-in (an admin page outside the admin's URLconf).
ADMIN_LOGIN = "admin-login"

# url name -> expected outcome of a GET per role (in ROLES order).
GET_RULES = {
    "home": [OK] * 5,
    "robots_txt": [OK] * 5,
    "healthz": [OK] * 5,
    "readyz": [OK] * 5,
    "stages:overview": [OK] * 5,
    "stages:detail": [OK] * 5,
    "dashboard": [LOGIN, OK, OK, OK, OK],
    # A GET (e.g. after logging in with ?next=) leads back to the resource on its public stage page.
    "progress:set_status": [LOGIN] + [REDIRECT] * 4,
    "progress:save_note": [LOGIN] + [REDIRECT] * 4,
    # How long a resource took: the signed-in learner's own answer; a GET leads back to the resource.
    "progress:time_spent": [LOGIN] + [REDIRECT] * 4,
    # A learner's own plan and pauses: the URLs name no learner; a pause id of another learner is not found.
    "progress:pace": [LOGIN, OK, OK, OK, OK],
    "progress:pace_clear": [NO_GET] * 5,
    "progress:pause_add": [NO_GET] * 5,
    "progress:pause_remove": [NO_GET] * 5,
    # Learner A's calendar feed: the token in the URL is the credential (calendar apps have no
    # session), so whoever holds it reads it; a wrong or old token is not found (tests/pages/test_calendar_feed.py).
    "progress:calendar_feed": [OK] * 5,
    # POST-only, the signed-in learner's own feed and study blocks: the URLs name no learner.
    "progress:calendar_reset": [NO_GET] * 5,
    "progress:calendar_stop": [NO_GET] * 5,
    "progress:study_blocks": [NO_GET] * 5,
    "progress:continue": [LOGIN] + [REDIRECT] * 4,
    # POST-only: whether the record may be shown is the signed-in learner's own choice.
    "completion_record": [NO_GET] * 5,
    # Learner A finished and made the completion record public: anyone may read it.
    "public_completion": [OK] * 5,
    "users:why": [LOGIN, OK, OK, OK, OK],
    "users:name": [LOGIN, OK, OK, OK, OK],
    "users:profile": [LOGIN, OK, OK, OK, OK],
    "users:export_json": [LOGIN, OK, OK, OK, OK],
    "users:export_csv": [LOGIN, OK, OK, OK, OK],
    "users:delete_account": [LOGIN, OK, OK, OK, OK],
    # POST-only; a session id of another person is not found (tests/users/test_sessions.py).
    "users:end_session": [NO_GET] * 5,
    "users:end_other_sessions": [NO_GET] * 5,
    "capstones:mine": [LOGIN, OK, OK, OK, OK],
    "capstones:queue": [LOGIN, DENIED, DENIED, OK, OK],
    "capstones:portfolio_settings": [LOGIN, OK, OK, OK, OK],
    "capstones:inbox": [LOGIN, OK, OK, OK, OK],
    # Only learner A writes the public description of their capstone.
    "capstones:description": [LOGIN, OK, DENIED, DENIED, DENIED],
    # Learner A made the portfolio and the approved capstone public, chose a handle and allows downloads.
    "capstones:portfolio": [MOVED] * 5,
    "portfolio:home": [OK] * 5,
    "portfolio:capstone": [OK] * 5,
    "portfolio:notebook": [OK] * 5,
    "portfolio:download": [OK] * 5,
    "capstones:portfolio_notebook": [OK] * 5,
    # Learner A's private, pending submission.
    "capstones:submission": [LOGIN, OK, DENIED, OK, OK],
    "capstones:iteration": [LOGIN, OK, DENIED, OK, OK],
    "capstones:notebook": [LOGIN, OK, DENIED, OK, OK],
    "capstones:download": [LOGIN, OK, DENIED, OK, OK],
    "capstones:status": [LOGIN, OK, DENIED, OK, OK],
    "capstones:ask_review": [NO_GET] * 5,
    "capstones:claim": [NO_GET] * 5,
    "capstones:release": [NO_GET] * 5,
    # Admins only; learner A's submission waits (nobody has it in review): nothing to reassign.
    "capstones:reassign": [LOGIN, DENIED, DENIED, DENIED, BACK],
    "capstones:decide": [NO_GET] * 5,
    "capstones:visibility": [NO_GET] * 5,
    "capstones:comment": [NO_GET] * 5,
    "capstones:submit": [LOGIN, OK, OK, OK, OK],
    # The signed link is the credential: it works without logging in.
    "mail:unsubscribe": [OK] * 5,
    # The maintainers' insight page: staff who may see the resources (counts only, no names).
    "curriculum_insight": [ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, OK],
}


def _url_names(patterns=None, namespace=None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin" or "allauth" in str(pattern.urlconf_name):
                continue  # covered by tests/test_admin.py and allauth's own flows
            ns = ":".join(filter(None, [namespace, pattern.namespace])) or None
            yield from _url_names(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


@pytest.fixture
def world(db, curriculum, django_capture_on_commit_callbacks, settings, tmp_path, tasks_in_process):
    settings.MEDIA_ROOT = tmp_path
    people = {
        "learner_a": factories.UserFactory(),
        "learner_b": factories.UserFactory(),
        "mentor": factories.MentorFactory(),
        "admin": factories.AdminFactory(),
    }
    a, mentor = people["learner_a"], people["mentor"]
    resource = Resource.objects.get(key="matrix-calculus")
    progress_services.set_status(a, resource, "done")
    progress_services.save_note(a, resource, "learner A's private note")
    progress_services.answer_time_spent(a, resource, 6)
    progress_services.set_pace_plan(a, today=date(2026, 3, 2), hours_per_week=5)
    pause = progress_services.add_pause(a, start=date(2026, 7, 1), end=date(2026, 7, 14), label="A's holiday")
    progress_services.reset_calendar_feed(a)

    from stages.models import CapstoneBrief

    first, second = CapstoneBrief.objects.order_by("stage__order")

    def submit(brief):
        with django_capture_on_commit_callbacks(execute=True):
            return submit_capstone(a, brief, title="A's capstone").submission

    public = submit(first)
    public = capstone_services.claim(public, mentor=mentor)
    with django_capture_on_commit_callbacks(execute=True):
        public = capstone_services.decide(
            public, mentor=mentor, decision="approved", feedback="Great.", scores=all_scored(first)
        )
    capstone_services.set_submission_public(public, learner=a, public=True)
    portfolio = capstone_services.update_portfolio(
        a, is_public=True, headline="A's work", handle="learner-a", allow_download=True, show_scores=True
    )
    progress_services.record_completion(a, public=True)
    private = submit(second)
    session = UserSession.objects.create(user=a, session_key="a" * 32, ip="203.0.113.1", user_agent="A's phone")
    # Somebody else's security key: its pages are nobody else's (a bare row: no role signs in with it).
    key = Authenticator.objects.create(
        user=factories.UserFactory(), type=Authenticator.Type.WEBAUTHN, data={"name": "C's key"}
    )
    return {
        "session": session,
        "webauthn_key": key,
        **people,
        "resource": resource,
        "pause": pause,
        "public": public,
        "private": private,
        "portfolio": portfolio,
    }


SUBMISSION_URLS = {
    "capstones:submission",
    "capstones:claim",
    "capstones:release",
    "capstones:reassign",
    "capstones:decide",
    "capstones:visibility",
    "capstones:ask_review",
    "capstones:description",
}
ITERATION_URLS = {
    "capstones:iteration",
    "capstones:notebook",
    "capstones:download",
    "capstones:comment",
    "capstones:status",
}


def _kwargs(name: str, world) -> dict:
    private, public = world["private"], world["public"]
    if name in SUBMISSION_URLS:
        return {"pk": private.pk}
    if name in ITERATION_URLS:
        return {"pk": private.pk, "number": 1}
    return {
        "stages:detail": {"slug": "deep-dive"},
        "progress:set_status": {"resource_id": world["resource"].pk},
        "progress:save_note": {"resource_id": world["resource"].pk},
        "progress:time_spent": {"resource_id": world["resource"].pk},
        "progress:pause_remove": {"pause_id": world["pause"].pk},
        "progress:calendar_feed": {
            "token": progress_selectors.calendar_token(PacePlan.objects.get(user=world["learner_a"]))
        },
        "progress:continue": {"resource_id": world["resource"].pk},
        "capstones:portfolio": {"slug": world["portfolio"].slug},
        "public_completion": {"slug": world["portfolio"].slug},
        "capstones:portfolio_notebook": {"slug": world["portfolio"].slug, "pk": public.pk},
        "capstones:submit": {"key": private.brief.key},
        "portfolio:home": {"handle": "learner-a"},
        "portfolio:capstone": {"handle": "learner-a", "key": public.brief.key},
        "portfolio:notebook": {"handle": "learner-a", "key": public.brief.key},
        "portfolio:download": {"handle": "learner-a", "key": public.brief.key},
        "mail:unsubscribe": {"token": make_token(world["learner_a"].pk)},
        "users:end_session": {"pk": world["session"].pk},
    }.get(name, {})


def _outcome(response) -> str:
    if response.status_code == 200:
        return OK
    if response.status_code == 302 and "/accounts/login/" in response.url:
        return LOGIN
    if response.status_code == 302 and response.url.startswith("/admin/login/"):
        return ADMIN_LOGIN
    # A post after the session ended: a page that keeps the text and links to the sign-in.
    if response.status_code == 401 and "/accounts/login/?next=" in response.content.decode():
        return LOGIN
    if response.status_code == 302 and response.url.startswith("/stages/"):
        return REDIRECT
    if response.status_code == 301 and response.url.startswith("/u/"):
        return MOVED
    if response.status_code == 302 and response.url.startswith("/capstones/submissions/"):
        return BACK
    if response.status_code in (403, 404):
        return DENIED
    if response.status_code == 405:
        return NOT_ALLOWED
    return f"HTTP {response.status_code}"


def test_every_url_of_the_project_has_a_permission_rule():
    assert set(_url_names()) == set(GET_RULES) | set(GROUP_GET_RULES)


@pytest.mark.parametrize("name", sorted(GET_RULES))
def test_who_may_read_each_url(client, world, name):
    url = reverse(name, kwargs=_kwargs(name, world))
    outcomes = []
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(world[role])
        outcomes.append(_outcome(client.get(url)))
    expected = GET_RULES[name]
    outcomes = [
        NO_GET if e == NO_GET and o in (LOGIN, DENIED, NOT_ALLOWED) else o
        for o, e in zip(outcomes, expected, strict=True)
    ]
    assert dict(zip(ROLES, outcomes, strict=True)) == dict(zip(ROLES, expected, strict=True))


def _a_state(world):
    a = world["learner_a"]
    private = Submission.objects.get(pk=world["private"].pk)
    return (
        list(ResourceProgress.objects.filter(user=a).values_list("resource_id", "status", "note")),
        (private.status, private.is_public, private.mentor_id, private.description),
        private.iterations.get(number=1).comments.count(),
        type(a).objects.filter(pk=a.pk).values_list("why", "reminder_frequency", "name").first(),
        list(
            PacePlan.objects.filter(user=a).values_list(
                "hours_per_week", "target_date", "started_on", "feed_secret", "study_days", "study_start"
            )
        ),
        list(Pause.objects.filter(user=a).values_list("start", "end", "label")),
        list(TimeSpent.objects.filter(user=a).values_list("resource_id", "minutes")),
    )


CHANGES = [
    ("capstones:claim", {}),
    ("capstones:release", {}),
    ("capstones:reassign", {}),
    ("capstones:decide", {"decision": "approved", "feedback": "Sneaky approval"}),
    ("capstones:visibility", {"public": "on"}),
    ("capstones:comment", {"body": "B was here"}),
    ("capstones:ask_review", {"reason": "B asks for A"}),
    ("progress:pause_remove", {}),
    ("capstones:comment", {"body": "B decides", "decision": "approved"}),
    ("capstones:description", {"description": "B's text"}),
]


@pytest.mark.parametrize(("name", "data"), CHANGES, ids=[f"{c[0]}-{'-'.join(c[1])}" for c in CHANGES])
@pytest.mark.parametrize("role", ["anonymous", "learner_b"])
def test_nobody_else_can_change_learner_as_submission(client, world, name, data, role):
    before = _a_state(world)
    if role != "anonymous":
        client.force_login(world[role])
    response = client.post(reverse(name, kwargs=_kwargs(name, world)), data)
    assert _outcome(response) in (LOGIN, DENIED)
    assert _a_state(world) == before


MENTOR_CHANGES = [c for c in CHANGES if c[0] in ("capstones:comment", "capstones:description")]


@pytest.mark.parametrize(("name", "data"), MENTOR_CHANGES, ids=[f"{c[0]}-{'-'.join(c[1])}" for c in MENTOR_CHANGES])
def test_a_mentor_not_on_the_submission_cannot_write_or_decide_on_it(client, world, name, data):
    before = _a_state(world)
    client.force_login(world["mentor"])
    response = client.post(reverse(name, kwargs=_kwargs(name, world)), data)
    assert _outcome(response) == DENIED
    assert _a_state(world) == before


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("progress:set_status", {"status": "skipped"}),
        ("progress:save_note", {"note": "overwritten by B"}),
        ("progress:time_spent", {"hours": "999"}),
        ("progress:time_spent", {"skip": "1"}),
        ("progress:pace", {"mode": "hours", "hours_per_week": 40}),
        ("progress:pace_clear", {}),
        ("progress:pause_add", {"start": "2026-08-01", "end": "2026-08-02"}),
        ("progress:calendar_reset", {}),
        ("progress:calendar_stop", {}),
        ("progress:study_blocks", {"weekdays": ["0"], "start": "07:00", "minutes": "30"}),
        ("progress:continue", {}),
        ("completion_record", {"public": "1"}),
        ("users:why", {"why": "B's why"}),
        ("users:name", {"name": "B's name"}),
        (
            "users:profile",
            {
                "why": "B's why",
                "reminder_frequency": "off",
                "reminder_inactivity_days": 3,
                "reminder_weekday": 2,
                "reminder_hour": 3,
                "timezone": "UTC",
            },
        ),
        ("users:delete_account", {"confirm": "on"}),
    ],
)
def test_learner_b_posting_to_learner_a_urls_only_ever_touches_b(client, world, name, data):
    """Progress URLs carry no learner id: whoever posts changes only their own data."""
    before = _a_state(world)
    client.force_login(world["learner_b"])
    client.post(reverse(name, kwargs=_kwargs(name, world)), data)
    assert _a_state(world) == before


# --- The account pages of issue 34 (allauth.mfa, usersessions, socialaccount) ------------------------
# allauth's own URLconf is skipped above; the pages it added for the second factor, the sessions and
# GitHub are listed here, for people who signed in for real (password, then the app's code) and then
# confirmed their password again, as allauth asks before a second factor is added or removed.
REAUTH = "reauthenticate"
ACCOUNT_SECURITY_RULES = {
    "mfa_index": [LOGIN, OK, OK, OK, OK],
    # Only while a sign-in waits for its second step; signed in already, back to the dashboard.
    "mfa_authenticate": [LOGIN] + [REDIRECT] * 4,
    "mfa_reauthenticate": [LOGIN, REAUTH, REAUTH, OK, OK],
    "mfa_reauthenticate_webauthn": [LOGIN] + [REAUTH] * 4,
    "mfa_activate_totp": [LOGIN, OK, OK, REDIRECT, REDIRECT],  # who has an app already: to its page
    "mfa_deactivate_totp": [LOGIN, DENIED, DENIED, OK, OK],
    "mfa_view_recovery_codes": [LOGIN, DENIED, DENIED, DENIED, DENIED],  # none generated yet
    "mfa_generate_recovery_codes": [LOGIN, OK, OK, OK, OK],
    "mfa_download_recovery_codes": [LOGIN, DENIED, DENIED, DENIED, DENIED],
    "mfa_list_webauthn": [LOGIN, OK, OK, OK, OK],
    "mfa_add_webauthn": [LOGIN, OK, OK, OK, OK],
    # Somebody else's security key.
    "mfa_remove_webauthn": [LOGIN, DENIED, DENIED, DENIED, DENIED],
    "mfa_edit_webauthn": [LOGIN, DENIED, DENIED, DENIED, DENIED],
    "usersessions_list": [LOGIN, OK, OK, OK, OK],
    "socialaccount_connections": [LOGIN, OK, OK, OK, OK],
    "socialaccount_login_cancelled": [OK] * 5,
    "socialaccount_login_error": ["HTTP 401"] * 5,
    # Only while a GitHub sign-up waits for its address.
    "socialaccount_signup": [LOGIN] * 5,
    # GITHUB_CLIENT_ID unset (the default): sign-in with GitHub is off (tests/users/test_github.py: on).
    "github_login": [DENIED] * 5,
    "github_callback": [DENIED] * 5,
}
ACCOUNT_SECURITY_APPS = ("allauth.mfa", "allauth.usersessions", "allauth.socialaccount")


def _account_security_url_names(patterns=None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from _account_security_url_names(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name and pattern.lookup_str.startswith(ACCOUNT_SECURITY_APPS):
            yield pattern.name


def test_every_account_security_url_has_a_permission_rule():
    assert set(_account_security_url_names()) == set(ACCOUNT_SECURITY_RULES)


def sign_in_for_real(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": factories.PASSWORD})
    response = pass_second_factor(client, response)
    assert response.status_code == 302, response
    assert not response.url.startswith("/accounts/"), response.url
    response = client.post(reverse("account_reauthenticate"), {"password": factories.PASSWORD})
    assert response.status_code == 302, response


def _security_outcome(response) -> str:
    if response.status_code == 302 and response.url.startswith("/accounts/reauthenticate/"):
        return REAUTH
    if response.status_code == 302 and "/accounts/login/" not in response.url:
        return REDIRECT
    return _outcome(response)


@pytest.mark.parametrize("name", sorted(ACCOUNT_SECURITY_RULES))
def test_who_may_read_each_account_security_url(client, world, name):
    kwargs = {"pk": world["webauthn_key"].pk} if name in ("mfa_remove_webauthn", "mfa_edit_webauthn") else {}
    url = reverse(name, kwargs=kwargs)
    outcomes = []
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            sign_in_for_real(client, world[role])
        outcomes.append(_security_outcome(client.get(url)))
    assert dict(zip(ROLES, outcomes, strict=True)) == dict(zip(ROLES, ACCOUNT_SECURITY_RULES[name], strict=True))


# --- Mentors and admins without a second factor reach no page but their own account's ------------------
ENROL = "enrol"


@pytest.mark.parametrize("role", ["mentor", "admin"])
def test_a_mentor_or_admin_without_a_second_factor_is_sent_to_set_one_up_from_every_page(client, world, role):
    """Every page of the project (review pages, notebooks, the admin's) and every POST."""
    person = world[role]
    Authenticator.objects.filter(user=person).delete()
    client.force_login(person)
    enrol = reverse("mfa_index")
    # The probes answer before any session is read; a calendar feed is read by a calendar app with
    # its token, never with a session (tests/pages/test_calendar_feed.py: a mentor without one reads it).
    names = sorted(set(GET_RULES) - {"healthz", "readyz", "progress:calendar_feed"})
    outcomes = {}
    for name in names:
        url = reverse(name, kwargs=_kwargs(name, world))
        for method in (client.get, client.post):
            response = method(url)
            outcomes[(name, method.__name__)] = (
                ENROL if response.status_code == 302 and response.url == enrol else (response.status_code)
            )
    admin_pages = [
        reverse("admin:index"),
        reverse("admin:users_user_changelist"),
        reverse("admin:stages_stage_changelist"),
    ]
    for url in admin_pages:
        response = client.get(url)
        outcomes[(url, "get")] = (
            ENROL if response.status_code == 302 and response.url == enrol else response.status_code
        )
    assert {key: value for key, value in outcomes.items() if value != ENROL} == {}
    # The way to set one up stays open, and says why.
    page = client.get(enrol)
    assert page.status_code == 200
    assert "Mentors and admins sign in with a second factor" in page.text
    assert client.get(reverse("account_logout")).status_code == 200


def test_a_learner_without_a_second_factor_is_not_asked_for_one(client, world):
    client.force_login(world["learner_a"])
    assert client.get(reverse("dashboard")).status_code == 200


# --- Study groups (issue #32): every group URL for the owner, a member, an outsider, staff and anonymous ----
# Nothing of a group exists outside it: an outsider and staff (who are not members) get 404 everywhere; the
# owner's actions answer a member with 403.
GROUP_ROLES = ["anonymous", "owner", "member", "outsider", "staff"]
TO_GROUP = "to-group"  # back to the group's page (done), or to the list of groups
GROUP_GET_RULES = {
    "groups:list": [LOGIN, OK, OK, OK, OK],
    "groups:create": [LOGIN, OK, OK, OK, OK],
    # The confirm page of the invite link; who is in already goes to the group's page.
    "groups:join": [LOGIN, TO_GROUP, TO_GROUP, OK, OK],
    "groups:detail": [LOGIN, OK, OK, DENIED, DENIED],
    "groups:edit": [LOGIN, OK, DENIED, DENIED, DENIED],
    "groups:report_message": [LOGIN, OK, OK, DENIED, DENIED],
    "groups:leave": [NO_GET] * 5,
    "groups:my_settings": [NO_GET] * 5,
    "groups:post_message": [NO_GET] * 5,
    "groups:delete_message": [NO_GET] * 5,
    "groups:remove_member": [NO_GET] * 5,
    "groups:transfer": [NO_GET] * 5,
    "groups:reset_invite": [NO_GET] * 5,
    "groups:invite_email": [NO_GET] * 5,
    "groups:delete": [NO_GET] * 5,
}
BAD = "refused"  # 400: the page again, with the reason (the owner must hand the group over before leaving)
# url name -> (POST data, outcome per role in GROUP_ROLES); the message is the owner's.
GROUP_POST_RULES = {
    "groups:create": ({"name": "New group"}, [LOGIN, TO_GROUP, TO_GROUP, TO_GROUP, TO_GROUP]),
    "groups:join": ({}, [LOGIN, TO_GROUP, TO_GROUP, TO_GROUP, TO_GROUP]),
    "groups:edit": ({"name": "Renamed group"}, [LOGIN, TO_GROUP, DENIED, DENIED, DENIED]),
    "groups:leave": ({}, [LOGIN, BAD, TO_GROUP, DENIED, DENIED]),
    "groups:my_settings": ({"hide_progress": "on"}, [LOGIN, TO_GROUP, TO_GROUP, DENIED, DENIED]),
    "groups:post_message": ({"body": "Hello"}, [LOGIN, TO_GROUP, TO_GROUP, DENIED, DENIED]),
    "groups:delete_message": ({}, [LOGIN, TO_GROUP, DENIED, DENIED, DENIED]),
    "groups:report_message": ({"reason": "spam"}, [LOGIN, TO_GROUP, TO_GROUP, DENIED, DENIED]),
    "groups:remove_member": ({}, [LOGIN, TO_GROUP, DENIED, DENIED, DENIED]),
    "groups:transfer": ({"new_owner": "MEMBER"}, [LOGIN, TO_GROUP, DENIED, DENIED, DENIED]),
    "groups:reset_invite": ({}, [LOGIN, TO_GROUP, DENIED, DENIED, DENIED]),
    "groups:invite_email": ({"email": "friend@example.com"}, [LOGIN, TO_GROUP, DENIED, DENIED, DENIED]),
    "groups:delete": ({"confirm": "1"}, [LOGIN, TO_GROUP, DENIED, DENIED, DENIED]),
}


@pytest.fixture
def group_people(db, curriculum):
    return {
        "owner": factories.UserFactory(name="Owner"),
        "member": factories.UserFactory(name="Member"),
        "outsider": factories.UserFactory(name="Outsider"),
        "staff": factories.AdminFactory(name="Staff"),
    }


def _fresh_group(people):
    from dlcurriculum.groups import services as group_services
    from dlcurriculum.groups.models import Membership

    group = group_services.create_group(people["owner"], name="Club", weekly_goal_hours=4)
    group_services.join(people["member"], group.invite_token)
    message = group_services.post_message(Membership.objects.get(group=group, user=people["owner"]), "Owner's post")
    return group, message


def _group_kwargs(name, group, message, people) -> dict:
    if name in ("groups:list", "groups:create"):
        return {}
    if name == "groups:join":
        return {"token": group.invite_token}
    if name in ("groups:delete_message", "groups:report_message"):
        return {"pk": group.pk, "message_id": message.pk}
    if name == "groups:remove_member":
        return {"pk": group.pk, "user_id": people["member"].pk}
    return {"pk": group.pk}


def _group_outcome(response) -> str:
    if response.status_code == 302 and response.url.startswith("/groups/"):
        return TO_GROUP
    if response.status_code == 400:
        return BAD
    return _outcome(response)


def _group_state(group):
    from dlcurriculum.groups.models import GroupMessage, Membership, MessageReport, StudyGroup

    return (
        list(StudyGroup.objects.filter(pk=group.pk).values_list("owner_id", "invite_token", "name")),
        sorted(Membership.objects.filter(group=group).values_list("user_id", "hide_progress")),
        sorted(GroupMessage.objects.filter(group=group).values_list("pk", "body")),
        MessageReport.objects.count(),
    )


def test_every_group_url_has_a_rule_for_reading_and_for_posting():
    names = {name for name in _url_names() if name.startswith("groups:")}
    assert names == set(GROUP_GET_RULES)
    assert {n for n, rule in GROUP_GET_RULES.items() if rule == [NO_GET] * 5} <= set(GROUP_POST_RULES)


@pytest.mark.parametrize("name", sorted(GROUP_GET_RULES))
def test_who_may_read_each_group_url(client, group_people, name):
    group, message = _fresh_group(group_people)
    url = reverse(name, kwargs=_group_kwargs(name, group, message, group_people))
    outcomes = []
    for role in GROUP_ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(group_people[role])
        outcomes.append(_group_outcome(client.get(url)))
    expected = GROUP_GET_RULES[name]
    outcomes = [
        NO_GET if e == NO_GET and o in (LOGIN, DENIED, NOT_ALLOWED) else o
        for o, e in zip(outcomes, expected, strict=True)
    ]
    assert dict(zip(GROUP_ROLES, outcomes, strict=True)) == dict(zip(GROUP_ROLES, expected, strict=True))


@pytest.mark.parametrize("name", sorted(GROUP_POST_RULES))
def test_who_may_post_to_each_group_url_and_refused_posts_change_nothing(client, group_people, name):
    data, expected = GROUP_POST_RULES[name]
    outcomes = []
    for role in GROUP_ROLES:
        group, message = _fresh_group(group_people)  # every role acts on a group of its own
        url = reverse(name, kwargs=_group_kwargs(name, group, message, group_people))
        posted = {k: (group_people["member"].pk if v == "MEMBER" else v) for k, v in data.items()}
        before = _group_state(group)
        client.logout()
        if role != "anonymous":
            client.force_login(group_people[role])
        outcome = _group_outcome(client.post(url, posted))
        outcomes.append(outcome)
        if outcome in (LOGIN, DENIED, BAD):
            assert _group_state(group) == before, (role, outcome)
    assert dict(zip(GROUP_ROLES, outcomes, strict=True)) == dict(zip(GROUP_ROLES, expected, strict=True))
