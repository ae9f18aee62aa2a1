from capstones import services
from capstones.selectors import capstone_status_for
from tests import factories
from tests.queries import assert_database_query_count


def test_status_lists_every_capstone_not_started(learner, brief):
    second = factories.CapstoneBriefFactory(key="capstone-2", title="Capstone II")
    statuses = capstone_status_for(learner)
    assert [(s.brief_key, s.status) for s in statuses] == [("capstone-1", "not_started"), ("capstone-2", "not_started")]
    assert statuses[1].url == f"/capstones/{second.key}/submit/"


def test_status_reflects_the_submission(claimed, learner, mentor):
    services.decide(claimed, mentor=mentor, decision="approved", feedback="")
    status = capstone_status_for(learner)[0]
    assert (status.status, status.status_label, status.iterations, status.verdict) == (
        "approved",
        "Approved",
        1,
        "pass",
    )
    assert status.url == claimed.get_absolute_url()


def test_status_query_count_is_fixed(learner, brief, make_submission):
    make_submission(learner, brief)
    factories.CapstoneBriefFactory(key="capstone-2")
    with assert_database_query_count(2):
        capstone_status_for(learner)


def test_my_capstones_page_shows_statuses(learner_client, submission):
    response = learner_client.get("/capstones/")
    assert "Waiting for review" in response.text
