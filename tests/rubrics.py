"""How tests give a brief a rubric and score it: through the models and the scoring service's types.

The seed's briefs have rubrics (stages/data/curriculum.yaml), so a decision on them needs a level for
every criterion; :func:`all_scored` gives one.
"""

from capstones.selectors import rubric_for
from capstones.services import Score
from stages.models import RubricCriterion, RubricLevel


def add_rubric(brief, *, criteria: int = 2, levels: int = 3) -> list[RubricCriterion]:
    """``criteria`` criteria of ``levels`` levels each, named by position ("Criterion 2", "Level 2.3")."""
    made = []
    for c in range(1, criteria + 1):
        criterion = RubricCriterion.objects.create(
            brief=brief, order=c, key=f"criterion-{c}", title=f"Criterion {c}", description=f"What *{c}* asks."
        )
        RubricLevel.objects.bulk_create(
            RubricLevel(criterion=criterion, order=n, label=f"Level {c}.{n}", description=f"Work at level {c}.{n}.")
            for n in range(1, levels + 1)
        )
        made.append(criterion)
    return made


def all_scored(brief, *, level: int = -1, comment: str = "") -> dict[int, Score]:
    """A score for every criterion of the brief's rubric: the level at position ``level`` (the top one by default)."""
    return {c.pk: Score(level_id=c.levels[level].pk, comment=comment) for c in rubric_for(brief.pk)}


def form_scores(brief, *, level: int = -1) -> dict[str, str]:
    """The same as the review form's POST data."""
    return {f"score_{c.pk}": str(c.levels[level].pk) for c in rubric_for(brief.pk)}
