"""The signed-in user is loaded with their role, and sessions live in the cache and the database."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.urls import reverse

from dlcurriculum.users.backends import AuthenticationBackend, ModelBackend
from dlcurriculum.users.models import MENTORS_GROUP
from tests.queries import assert_database_query_count

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("backend", [ModelBackend, AuthenticationBackend])
def test_backend_loads_a_mentor_with_the_role_in_one_query(backend, mentor):
    with assert_database_query_count(1):
        user = backend().get_user(mentor.pk)
        assert user.is_mentor is True


@pytest.mark.parametrize("backend", [ModelBackend, AuthenticationBackend])
def test_backend_loads_a_learner_as_no_mentor_in_one_query(backend, learner):
    with assert_database_query_count(1):
        user = backend().get_user(learner.pk)
        assert user.is_mentor is False


def test_backend_refuses_a_deactivated_user(learner):
    learner.is_active = False
    learner.save()
    assert ModelBackend().get_user(learner.pk) is None


def test_backend_answers_none_for_a_deleted_user(learner):
    pk = learner.pk
    learner.delete()
    assert AuthenticationBackend().get_user(pk) is None


def test_removing_a_mentor_from_the_group_takes_effect_on_the_next_request(client, mentor):
    client.force_login(mentor)
    queue = reverse("capstones:queue")
    assert queue in client.get(reverse("home")).content.decode()
    mentor.groups.remove(Group.objects.get(name=MENTORS_GROUP))
    assert queue not in client.get(reverse("home")).content.decode()
    assert client.get(queue).status_code == 403


def test_a_session_survives_a_cache_flush(learner_client):
    caches["sessions"].clear()
    response = learner_client.get(reverse("dashboard"))
    assert response.status_code == 200


def test_a_signed_in_page_reads_the_session_from_the_cache_not_the_database(learner_client):
    url = reverse("stages:overview")
    learner_client.get(url)  # warm-up: the first read puts the session in the cache
    with assert_database_query_count(3) as ctx:  # user (and whether the session still exists), stages, progress rows
        learner_client.get(url)
    assert not any("session_data" in q["sql"] for q in ctx)


def test_a_session_in_the_cache_but_gone_from_the_database_signs_nobody_in(learner_client, settings):
    from django.contrib.sessions.models import Session

    dashboard = reverse("dashboard")
    assert learner_client.get(dashboard).status_code == 200  # the session is now in the cache
    Session.objects.all().delete()  # signed out while the cache could not be told
    response = learner_client.get(dashboard)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_signing_out_deletes_the_session_row(learner_client):
    from django.contrib.sessions.models import Session

    assert Session.objects.count() == 1
    learner_client.post(reverse("account_logout"))
    assert Session.objects.count() == 0
