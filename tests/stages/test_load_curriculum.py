import pytest
from django.core.management import CommandError, call_command

from capstones.models import CapstoneBrief, ProjectIdea
from stages.models import Resource, Stage

SEED_STAGES = [
    "practical-encounter",
    "mathematical-foundations",
    "deep-dive",
    "capstone-1",
    "deep-reinforcement-learning",
    "capstone-2",
]


def test_loaded_curriculum_has_the_six_stages_in_seed_order(curriculum):
    assert list(Stage.objects.order_by("order").values_list("slug", flat=True)) == SEED_STAGES
