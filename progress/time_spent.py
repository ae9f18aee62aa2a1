"""Time actually spent on a resource, without Django: data in, data out.

A learner who marks a resource done may say how long it took (an answer in minutes), or skip the
question (no minutes: asked once, never again). From the answers of many learners: how many
answered, the median and the quartiles, against the resource's estimate; once enough answered, the
pace plan counts the median instead of the estimate (``progress.pace.with_reported``).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass

# The number field's bounds, in hours: a quarter of an hour up to a thousand hours (half a year
# full time; the longest resource is estimated well below that).
MIN_HOURS = 0.25
MAX_HOURS = 1000
# Round figures the presets are taken from (hours).
_ROUND_HOURS = (
    0.25, 0.5, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120, 150, 200, 250, 300, 400, 500,
    600, 800, 1000,
)  # fmt: skip
# Presets: about half the estimate, the estimate, half as much again, twice as much (round figures).
_PRESET_FACTORS = (0.5, 1.5, 2.0)
# Without an estimate: from a short read to a course.
DEFAULT_PRESETS = (1.0, 3.0, 10.0, 30.0)


def _round_figure(hours: float) -> float:
    return float(min(_ROUND_HOURS, key=lambda figure: abs(figure - hours) / figure))


def presets(estimate_hours: float | None) -> tuple[float, ...]:
    """A few answers in hours around the estimate, in increasing order: 1 h, 3 h, 10 h, 30 h for a
    resource of unknown length; 50 h, 90 h, 150 h, 200 h for one estimated at 90 h (the estimate
    itself, to the hour, and round figures around it)."""
    if not estimate_hours or estimate_hours <= 0:
        return DEFAULT_PRESETS
    estimate = float(round(estimate_hours)) if estimate_hours >= 1 else _round_figure(estimate_hours)
    around = {_round_figure(estimate_hours * f) for f in _PRESET_FACTORS}
    return tuple(sorted(h for h in {estimate, *around} if MIN_HOURS <= h <= MAX_HOURS))


def minutes_from_hours(hours: float) -> int:
    """An answer in hours as whole minutes (raises ValueError outside the bounds)."""
    if not MIN_HOURS <= hours <= MAX_HOURS:
        raise ValueError(f"How many hours? A number from {format_hours(MIN_HOURS)} to {MAX_HOURS}.")
    return round(hours * 60)


def format_hours(hours: float) -> str:
    """None when whole, 1 decimal at most (2 below an hour): 0.25, 3, 12.5, 64.3."""
    return f"{hours:.{2 if hours < 1 else 1}f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Spread:
    """What the learners who answered reported for one resource (hours)."""

    answers: int
    median: float
    lower_quartile: float
    upper_quartile: float
    estimate: float | None = None

    @property
    def ratio(self) -> float | None:
        """The median over the estimate (1.0: the estimate was right), None without an estimate."""
        return self.median / self.estimate if self.estimate else None

    @property
    def summary(self) -> str:
        """ "20 learners answered, median 64 h vs estimate 90 h"."""
        who = "1 learner answered" if self.answers == 1 else f"{self.answers} learners answered"
        text = f"{who}, median {format_hours(self.median)} h"
        if self.estimate:
            text += f" vs estimate {format_hours(self.estimate)} h"
        return text


def spread(minutes: Iterable[int], estimate_hours: float | None = None) -> Spread | None:
    """The answers' median and quartiles in hours (None without answers). The quartiles are the
    medians of the lower and upper halves' inclusive method (statistics.quantiles), so one or two
    answers have quartiles too."""
    hours = sorted(m / 60 for m in minutes)
    if not hours:
        return None
    if len(hours) == 1:
        q1 = q3 = hours[0]
    else:
        q1, _, q3 = statistics.quantiles(hours, n=4, method="inclusive")
    return Spread(
        answers=len(hours),
        median=round(statistics.median(hours), 2),
        lower_quartile=round(q1, 2),
        upper_quartile=round(q3, 2),
        estimate=float(estimate_hours) if estimate_hours else None,
    )


# The content team is prompted to update an estimate when the median is this far off it (either way).
OFF_BY = 0.2


def estimate_is_off(figures: Spread, min_answers: int) -> bool:
    """Enough learners answered and their median is more than 20 % away from the estimate."""
    if figures.answers < min_answers or figures.ratio is None:
        return False
    return abs(figures.ratio - 1) > OFF_BY
