"""The pace plan's calendar feed as a learner and their calendar app use it: turned on, subscribed to
without a session, reset, stopped; the study blocks set on the pace page; what it gives away (nothing
but the plan) and what it costs (a fixed number of queries)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from django.test import Client
from django.urls import reverse

from progress import selectors, services
from progress.models import PacePlan, Status
from tests import factories
from tests.queries import assert_database_query_count

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
TODAY = NOW.date()


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def planned_curriculum(db):
    first = factories.StageFactory(order=1, slug="first", title="First Stage")
    second = factories.StageFactory(order=2, slug="second", title="Second Stage")
    return {
        "first": first,
        "second": second,
        "a": factories.ResourceFactory(stage=first, order=1, effort_hours=6),
        "b": factories.ResourceFactory(stage=first, order=2, effort_hours=4),
        "c": factories.ResourceFactory(stage=second, order=1, effort_hours=4),
    }


@pytest.fixture
def feed(learner, planned_curriculum, frozen):
    """Learner at 7 h a week with the feed on: the first stage's 10 h by 11 March, all by 15 March."""
    learner.timezone = "Europe/Berlin"
    learner.save(update_fields=["timezone"])
    services.set_pace_plan(learner, today=TODAY, hours_per_week=7)
    services.reset_calendar_feed(learner)
    return feed_url(learner)


def feed_url(user) -> str:
    token = selectors.calendar_token(PacePlan.objects.get(user=user))
    return reverse("progress:calendar_feed", kwargs={"token": token})


def fetch(url, **headers):
    """As a calendar app: no cookies, no session."""
    return Client().get(url, headers=headers)


def stage_finishes(body: bytes) -> dict[str, date]:
    parsed = icalendar.Calendar.from_ical(body)
    return {str(e["SUMMARY"]): e.decoded("DTSTART") for e in parsed.walk("VEVENT") if "finish" in str(e["SUMMARY"])}


def test_the_feed_opens_without_a_session_and_shows_the_pace_pages_projection(feed, learner_client, learner):
    response = fetch(feed)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "Set-Cookie" not in response
    assert stage_finishes(response.content) == {
        "Projected finish: First Stage": date(2026, 3, 11),
        "Projected finish: Second Stage": date(2026, 3, 15),
    }
    page = learner_client.get(reverse("progress:pace")).context["pace_page"]
    assert [s.projection.finish for s in page.stages] == [date(2026, 3, 11), date(2026, 3, 15)]


def test_the_feed_follows_the_plan_when_it_changes(feed, learner, planned_curriculum, learner_client):
    services.set_status(learner, planned_curriculum["a"], Status.DONE)
    services.add_pause(learner, start=date(2026, 3, 3), end=date(2026, 3, 5), label="exams")
    body = fetch(feed).content
    # 4 h left in the first stage at an hour a day from today, 3 to 5 March paused: 8 March; the rest by 12 March.
    assert stage_finishes(body) == {
        "Projected finish: First Stage": date(2026, 3, 8),
        "Projected finish: Second Stage": date(2026, 3, 12),
    }
    assert b"SUMMARY:Pause: exams" in body
    page = learner_client.get(reverse("progress:pace")).context["pace_page"]
    assert [s.projection.finish for s in page.stages] == [date(2026, 3, 8), date(2026, 3, 12)]


def test_an_etag_lets_the_app_skip_an_unchanged_calendar(feed, learner, planned_curriculum):
    first = fetch(feed)
    assert first["Cache-Control"] == "private, max-age=900"
    again = fetch(feed, if_none_match=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    services.set_status(learner, planned_curriculum["a"], Status.DONE)
    assert fetch(feed, if_none_match=first["ETag"]).status_code == 200


def test_the_download_link_is_an_attachment(feed):
    response = fetch(feed + "?download=1")
    assert response["Content-Disposition"] == 'attachment; filename="pace-plan.ics"'
    assert vobject.readOne(response.content.decode()).x_wr_calname.value == selectors.CALENDAR_NAME


def test_a_reset_ends_the_old_address_and_the_new_one_works(feed, learner_client, learner):
    response = learner_client.post(reverse("progress:calendar_reset"))
    assert response.status_code == 302
    assert fetch(feed).status_code == 404
    new = feed_url(learner)
    assert new != feed
    assert fetch(new).status_code == 200


def test_a_stopped_feed_is_not_found_until_turned_on_again_at_a_new_address(feed, learner_client, learner):
    learner_client.post(reverse("progress:calendar_stop"))
    assert fetch(feed).status_code == 404
    assert "Turn on the calendar feed" in learner_client.get(reverse("progress:pace")).text
    learner_client.post(reverse("progress:calendar_reset"))
    assert fetch(feed).status_code == 404
    assert fetch(feed_url(learner)).status_code == 200


def test_dropping_the_plan_ends_the_feed(feed, learner_client):
    learner_client.post(reverse("progress:pace_clear"))
    assert fetch(feed).status_code == 404


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        "0-0000",
        "99999999-" + "0" * 40,
        "-" + "0" * 40,
        "1-é",
    ],
)
def test_a_made_up_token_is_not_found(feed, token):
    assert fetch(reverse("progress:calendar_feed", kwargs={"token": token})).status_code == 404


def test_another_learners_token_does_not_open_this_learners_feed(feed, learner, other_learner):
    services.set_pace_plan(other_learner, today=TODAY, hours_per_week=3)
    services.reset_calendar_feed(other_learner)
    theirs = selectors.calendar_token(PacePlan.objects.get(user=other_learner))
    signature = theirs.split("-", 1)[1]
    # Their signature under this learner's id, and this learner's under theirs: both not found.
    assert fetch(reverse("progress:calendar_feed", kwargs={"token": f"{learner.pk}-{signature}"})).status_code == 404
    mine = feed.rsplit("/", 1)[1].removesuffix(".ics").split("-", 1)[1]
    forged = reverse("progress:calendar_feed", kwargs={"token": f"{other_learner.pk}-{mine}"})
    assert fetch(forged).status_code == 404
    # Their own feed is theirs: their plan (3 h a week), not this learner's.
    assert stage_finishes(fetch(feed_url(other_learner)).content) != stage_finishes(fetch(feed).content)


def test_an_inactive_account_has_no_feed(feed, learner):
    learner.is_active = False
    learner.save(update_fields=["is_active"])
    assert fetch(feed).status_code == 404


def test_the_feed_gives_nothing_else_away(feed, learner, planned_curriculum):
    learner.name = "Ada Example"
    learner.save(update_fields=["name"])
    services.save_note(learner, planned_curriculum["a"], "my secret note")
    body = fetch(feed).content.decode()
    for private in (learner.email, "Ada Example", "my secret note"):
        assert private not in body
    # Event ids name nobody: an opaque prefix, not the account's id.
    uids = {str(e["UID"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}
    assert all(uid.startswith(selectors.calendar_uid_prefix(learner.pk) + "-") for uid in uids)


def test_a_mentor_without_a_second_factor_still_gets_the_feed_but_no_other_page(feed, db):
    mentor = factories.MentorFactory(second_factor=False)
    browser = Client()
    browser.force_login(mentor)
    assert browser.get(feed).status_code == 200
    assert browser.get(reverse("progress:pace")).url == reverse("mfa_index")


def test_the_pace_page_shows_the_addresses_and_the_buttons(feed, learner_client):
    html = learner_client.get(reverse("progress:pace")).text
    absolute = "http://testserver" + feed
    assert f'value="{absolute}"' in html
    assert f'href="webcal://testserver{feed}"' in html
    assert f'href="{absolute}?download=1"' in html
    assert reverse("progress:calendar_reset") in html
    assert reverse("progress:calendar_stop") in html


def test_without_a_plan_there_is_no_feed_to_turn_on(learner_client, learner, planned_curriculum, frozen):
    response = learner_client.post(reverse("progress:calendar_reset"), follow=True)
    assert "Set a pace plan first" in response.text
    assert not PacePlan.objects.filter(user=learner).exists()


# --- Study blocks ---------------------------------------------------------------------------------


def test_study_blocks_set_on_the_pace_page_recur_in_the_learners_zone(feed, learner_client, learner):
    response = learner_client.post(
        reverse("progress:study_blocks"), {"weekdays": ["1", "3"], "start": "18:30", "minutes": "60"}
    )
    assert response.status_code == 302
    plan = PacePlan.objects.get(user=learner)
    assert (plan.study_days, plan.study_start, plan.study_minutes, plan.study_since) == ("1,3", time(18, 30), 60, TODAY)
    parsed = vobject.readOne(fetch(feed).content.decode())
    block = next(e for e in parsed.vevent_list if e.summary.value.startswith("Study"))
    local = [o.astimezone(ZoneInfo("Europe/Berlin")) for o in block.getrruleset()]
    # Tuesdays and Thursdays from this week until the projected finish (Sunday 15 March).
    assert [o.date() for o in local] == [date(2026, 3, 3), date(2026, 3, 5), date(2026, 3, 10), date(2026, 3, 12)]
    assert {o.time() for o in local} == {time(18, 30)}
    html = learner_client.get(reverse("progress:pace")).text
    assert 'value="18:30"' in html


def test_saving_the_same_study_blocks_keeps_their_start_so_the_event_stays_put(feed, learner, time_machine):
    services.set_study_blocks(learner, today=TODAY, weekdays=[0], start=time(7, 0), minutes=45)
    time_machine.move_to(NOW + timedelta(days=10), tick=False)
    services.set_study_blocks(learner, today=TODAY + timedelta(days=10), weekdays=[0], start=time(7, 0), minutes=45)
    assert PacePlan.objects.get(user=learner).study_since == TODAY


def test_study_days_without_a_time_keep_what_was_typed_and_say_why(feed, learner_client):
    response = learner_client.post(reverse("progress:study_blocks"), {"weekdays": ["2"], "minutes": "50"})
    assert response.status_code == 400
    html = response.text
    assert "At what time do your study blocks start?" in html
    assert 'value="50"' in html
    assert 'value="2" id="id_weekdays_2" checked' in html


def test_no_weekday_ticked_removes_the_study_blocks(feed, learner_client, learner):
    services.set_study_blocks(learner, today=TODAY, weekdays=[0], start=time(7, 0), minutes=45)
    learner_client.post(reverse("progress:study_blocks"), {"start": "07:00", "minutes": "45"})
    plan = PacePlan.objects.get(user=learner)
    assert (plan.study_days, plan.study_start, plan.study_minutes) == ("", None, None)
    assert b"RRULE" not in fetch(feed).content


# --- Queries ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 12])
def test_the_feed_reads_a_fixed_number_of_queries_whatever_the_curriculum_size(learner, frozen, size):
    for n in range(size):
        stage = factories.StageFactory(order=n + 1, slug=f"stage-{n}", title=f"Stage {n}")
        for m in range(3):
            resource = factories.ResourceFactory(stage=stage, order=m + 1, effort_hours=2)
            if m == 0:
                services.set_status(learner, resource, Status.DONE)
    services.set_pace_plan(learner, today=TODAY - timedelta(days=20), hours_per_week=5)
    for n in range(3):
        services.add_pause(learner, start=TODAY + timedelta(days=5 * n), end=TODAY + timedelta(days=5 * n + 1))
    services.set_study_blocks(learner, today=TODAY, weekdays=[0, 3], start=time(19, 0), minutes=90)
    services.reset_calendar_feed(learner)
    url = feed_url(learner)
    fetch(url)  # warm-up: the outline, the reported medians
    # The plan with its learner (by the token), the learner's capstone submissions (their approvals
    # count, through the page layer), progress rows, pauses, done times.
    with assert_database_query_count(5):
        response = fetch(url)
    assert response.status_code == 200
    assert len(stage_finishes(response.content)) == size
