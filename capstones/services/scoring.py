"""A review's rubric scores: every criterion of the brief's rubric gets a level of its own.

Checked before the decision moves the submission (a refused decision changes nothing) and stored with
the review, so each iteration keeps the scores its review gave. A peer review's scores will be
checked by the same :func:`missing_criteria`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from capstones.models import CriterionScore, Review
from capstones.selectors import RubricCriterionView, rubric_for

from .common import TransitionError


@dataclass(frozen=True)
class Score:
    level_id: int
    comment: str = ""


class RubricIncompleteError(TransitionError):
    """A decision came without a level for every criterion; the message names the ones missing."""

    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__(
            "Score every criterion of the rubric before approving or requesting changes; not scored: "
            + "; ".join(missing)
            + "."
        )


def missing_criteria(rubric: list[RubricCriterionView], scores: Mapping[int, Score]) -> list[str]:
    """The titles of the criteria ``scores`` gives no level of their own (a level of another criterion
    counts as none)."""
    return [
        criterion.title
        for criterion in rubric
        if criterion.pk not in scores or scores[criterion.pk].level_id not in criterion.level_ids
    ]


def checked_scores(brief_id: int, scores: Mapping[int, Score] | None) -> dict[int, Score]:
    """``scores`` for the brief's current rubric, or RubricIncompleteError (1 query: a decision is
    checked against the database, not the pages' cached copy)."""
    rubric = rubric_for(brief_id, fresh=True)
    scores = scores or {}
    missing = missing_criteria(rubric, scores)
    if missing:
        raise RubricIncompleteError(missing)
    return {criterion.pk: scores[criterion.pk] for criterion in rubric}


def save_scores(review: Review, scores: Mapping[int, Score]) -> None:
    CriterionScore.objects.bulk_create(
        CriterionScore(review=review, criterion_id=pk, level_id=s.level_id, comment=s.comment.strip())
        for pk, s in scores.items()
    )
