"""The change stamp's one mechanism (dlcurriculum.users.changes): writers note the learners they
touch, and the stamps move once, in one UPDATE, at the end of the outermost block, inside its
transaction; a block that fails moves nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from dlcurriculum.users import changes
from tests import factories
from tests.queries import assert_database_query_count, stamp_updates

pytestmark = pytest.mark.django_db


def stamp(user) -> int:
    return get_user_model().objects.values_list("changes", flat=True).get(pk=user.pk)


def test_outside_a_block_the_stamp_moves_at_once(learner):
    with assert_database_query_count(1) as queries:
        changes.note_change(learner.pk)
    assert stamp_updates(queries) == 1
    assert stamp(learner) == 1


def test_nobody_noted_moves_nothing(learner):
    with assert_database_query_count(2) as queries:  # the block's savepoint and its release
        changes.note_change(None)
        with changes.atomic():
            changes.note_change()
    assert stamp_updates(queries) == 0
    assert stamp(learner) == 0


def test_nested_blocks_move_each_learner_once_in_one_update_at_the_end(learner, other_learner):
    # The test runs inside a transaction, so each block is a savepoint: the outer one, the inner
    # one and its release, the test's own read, then the one UPDATE, the outer block's last
    # statement before it ends (inside its transaction), and the outer release.
    with assert_database_query_count(6) as queries, changes.atomic():
        changes.note_change(learner.pk)
        with changes.atomic():
            changes.note_change(learner.pk, other_learner.pk)
        changes.note_change(learner.pk)
        assert stamp(learner) == 0  # not yet: the outermost block has not ended
    assert [q["sql"].split()[0] for q in queries] == [
        "SAVEPOINT",
        "SAVEPOINT",
        "RELEASE",
        "SELECT",
        "UPDATE",
        "RELEASE",
    ]
    assert stamp_updates(queries) == 1
    assert (stamp(learner), stamp(other_learner)) == (1, 1)


def test_a_block_that_fails_moves_nothing(learner):
    def failing_write():
        with changes.atomic():
            changes.note_change(learner.pk)
            raise RuntimeError("the write failed")

    with pytest.raises(RuntimeError):
        failing_write()
    assert stamp(learner) == 0


def test_an_inner_block_that_fails_is_forgotten_the_outer_one_still_moves(learner, other_learner):
    with changes.atomic():
        changes.note_change(learner.pk)
        try:
            with changes.atomic():
                changes.note_change(other_learner.pk)
                raise RuntimeError("rolled back to its savepoint")
        except RuntimeError:
            pass
    assert (stamp(learner), stamp(other_learner)) == (1, 0)


def test_the_block_is_a_transaction(learner):
    with changes.atomic():
        assert connection.in_atomic_block


@changes.atomic
def decorated(user):
    changes.note_change(user.pk)
    changes.note_change(user.pk)


def test_as_a_decorator_each_call_is_one_block(learner):
    with assert_database_query_count(3) as queries:  # savepoint, the UPDATE, release
        decorated(learner)
    assert stamp_updates(queries) == 1
    decorated(learner)
    assert stamp(learner) == 2


def test_a_factorys_row_moves_the_stamp_only_when_the_test_says_so(learner):
    factories.SubmissionFactory(learner=learner)
    factories.IterationFactory(submission__learner=learner)
    assert stamp(learner) == 0
    factories.SubmissionFactory(learner=learner, brief=factories.CapstoneBriefFactory(), moves_stamp=True)
    factories.IterationFactory(submission__learner=learner, moves_stamp=True)
    assert stamp(learner) == 2
