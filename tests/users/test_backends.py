"""The signed-in user is loaded with their role, and sessions live in the cache and the database."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.urls import reverse

from dlcurriculum.users.backends import AuthenticationBackend, ModelBackend
from dlcurriculum.users.models import MENTORS_GROUP

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("backend", [ModelBackend, AuthenticationBackend])
def test_backend_loads_a_mentor_with_the_role_in_one_query(backend, mentor, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = backend().get_user(mentor.pk)
        assert user.is_mentor is True


@pytest.mark.parametrize("backend", [ModelBackend, AuthenticationBackend])
def test_backend_loads_a_learner_as_no_mentor_in_one_query(backend, learner, django_assert_num_queries):
    with django_assert_num_queries(1):
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
    cache.clear()
    response = learner_client.get(reverse("dashboard"))
    assert response.status_code == 200


def test_a_signed_in_page_reads_the_session_from_the_cache_not_the_database(learner_client, django_assert_num_queries):
    url = reverse("stages:overview")
    learner_client.get(url)  # warm-up: the first read puts the session in the cache
    # user, stages with counts, progress rows, capstone submissions
    with django_assert_num_queries(4) as ctx:
        learner_client.get(url)
    assert not any("django_session" in q["sql"] for q in ctx.captured_queries)
