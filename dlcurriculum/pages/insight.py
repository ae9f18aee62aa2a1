"""The maintainers' insight page, composed from progress's figures and capstones' figures.

Progress and capstones know nothing of each other; this is where a capstone stage's "finished by"
learns which capstones are approved (the dashboards' rule) and gets its review figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache

from capstones.selectors import StageReviewFigures, approved_capstones, review_figures_by_stage
from progress.insight import Insight, StageUse, insight
from stages.outline import outline

CACHE_KEY = "pages:insight:v3"
# Read by a few admins and costs a few scans: a few minutes' staleness is fine (the page says so).
CACHE_SECONDS = 300


@dataclass(frozen=True)
class StageInsight:
    use: StageUse
    # None for a stage without a capstone.
    reviews: StageReviewFigures | None
    is_capstone: bool


@dataclass(frozen=True)
class InsightPage:
    figures: Insight
    stages: list[StageInsight]
    # The widest bar (started or skipped) on the page, so bars compare across stages.
    widest: int


def curriculum_insight(*, use_cache: bool = True) -> InsightPage:
    if use_cache and (cached := cache.get(CACHE_KEY)) is not None:
        return cached
    capstone_stages = outline().capstone_hours.keys()
    figures = insight(approved_capstones())
    reviews = review_figures_by_stage()
    empty = StageReviewFigures(0, 0, 0, None)
    page = InsightPage(
        figures=figures,
        stages=[
            StageInsight(
                use=stage,
                reviews=reviews.get(stage.stage_id, empty) if stage.stage_id in capstone_stages else None,
                is_capstone=stage.stage_id in capstone_stages,
            )
            for stage in figures.stages
        ],
        widest=max((r.started + r.skipped for s in figures.stages for r in s.resources), default=0),
    )
    cache.set(CACHE_KEY, page, CACHE_SECONDS)
    return page
