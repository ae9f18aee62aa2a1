"""The query-count helper fails on any other count and shows the SQL that ran."""

import pytest

from stages.models import Stage
from tests.factories import StageFactory
from tests.queries import assert_database_query_count

pytestmark = pytest.mark.django_db


def test_an_exact_count_passes_and_yields_the_queries():
    with assert_database_query_count(1) as queries:
        list(Stage.objects.all())
    assert "stages_stage" in queries[0]["sql"]


def _list_and_count():
    list(Stage.objects.all())
    Stage.objects.count()


def test_one_query_too_many_fails_and_lists_the_sql():
    StageFactory()
    with pytest.raises(pytest.fail.Exception) as failure, assert_database_query_count(1):
        _list_and_count()
    message = str(failure.value)
    assert "2 queries ran, expected 1" in message
    assert "COUNT(*)" in message


def test_one_query_too_few_fails_too():
    with pytest.raises(pytest.fail.Exception, match="0 queries ran, expected 1"), assert_database_query_count(1):
        pass
