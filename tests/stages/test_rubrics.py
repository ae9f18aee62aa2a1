"""Issue 30: each capstone brief's rubric is curriculum data: in the file, loaded, exported, edited in the admin."""

import dataclasses
import difflib

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Version

from stages import curriculum as cur
from stages import curriculum_export, curriculum_file
from stages.models import CapstoneBrief, RubricCriterion, RubricLevel, SeededKey
from tests import factories

SEED_TEXT = cur.DEFAULT_PATH.read_text(encoding="utf-8")
SEED = cur.parse(SEED_TEXT)


def capstone(key):
    return next(s.capstone for s in SEED.stages if s.capstone and s.capstone.key == key)


def with_rubric(curriculum, key, rubric):
    stages = tuple(
        dataclasses.replace(s, capstone=dataclasses.replace(s.capstone, rubric=rubric))
        if s.capstone and s.capstone.key == key
        else s
        for s in curriculum.stages
    )
    return dataclasses.replace(curriculum, stages=stages)


def changed_lines(before, after):
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


# --------------------------------------------------------------------------- the seed's rubrics


@pytest.mark.parametrize("key", ["capstone-1", "capstone-2"])
def test_both_seed_capstones_have_the_four_criteria_of_the_seed(key):
    rubric = capstone(key).rubric
    assert [c.key for c in rubric] == [
        "steps-explained",
        "low-level-frameworks",
        "solved-and-evaluated",
        "portfolio-ready",
    ]
    for criterion in rubric:
        assert len(criterion.levels) == 3
        assert all(level.description for level in criterion.levels)
    text = " ".join(f"{c.title} {c.description}" for c in rubric)
    for words in ("PyTorch, TensorFlow or MXNet", "Keras", "evaluated honestly", "portfolio"):
        assert words in text
    assert "justif" in text or "why" in text  # each step explained and justified


def test_the_first_capstone_says_make_it_pretty_in_the_seeds_words():
    assert capstone("capstone-1").rubric[-1].title == 'Portfolio-ready ("make it pretty")'


# --------------------------------------------------------------------------- the file


@pytest.mark.parametrize(
    ("rubric_yaml", "message"),
    [
        ("- {key: a, title: A, levels: [{label: x, description: d}]}", "must list 2 to 6 levels, weakest first"),
        (
            "- {key: a, title: A, levels: [{label: x, description: d}, {label: x, description: e}]}",
            "two levels have the same label",
        ),
        (
            (
                "- {key: a, title: A, levels: [{label: x, description: d}, {label: y, description: e}]}\n"
                "        - {key: a, title: B, levels: [{label: x, description: d}, {label: y, description: e}]}"
            ),
            "key 'a' is used twice in this rubric",
        ),
        ("- {key: a, title: A, levels: [{label: x, description: d}, {label: y}]}", "'description' is required"),
        ("- {key: 'A b', title: A, levels: []}", "must be lowercase letters"),
    ],
)
def test_a_wrong_rubric_is_refused_with_its_place(rubric_yaml, message):
    # The seed's own rubric moves under a key the reader ignores; the wrong one takes its place.
    text = SEED_TEXT.replace("      rubric:\n", f"      rubric:\n        {rubric_yaml}\n      ignored:\n", 1)
    with pytest.raises(cur.CurriculumError) as error:
        cur.parse(text)
    assert "capstone > rubric[" in str(error.value)
    assert message in str(error.value)


def test_a_rubric_may_have_at_most_twelve_criteria():
    levels = [cur.LevelData(1, "x", "d"), cur.LevelData(2, "y", "e")]
    rubric = tuple(cur.CriterionData(key=f"c{i}", order=i, title=f"C{i}", levels=tuple(levels)) for i in range(1, 14))
    text = cur.dump(with_rubric(SEED, "capstone-1", rubric))
    with pytest.raises(cur.CurriculumError, match="has 13 criteria; at most 12"):
        cur.parse(text)


def test_a_changed_level_description_is_a_one_line_diff():
    rubric = capstone("capstone-1").rubric
    level = rubric[1].levels[0]
    edited_levels = (dataclasses.replace(level, description="Keras or Fastai appear anywhere."), *rubric[1].levels[1:])
    edited = with_rubric(
        SEED, "capstone-1", (rubric[0], dataclasses.replace(rubric[1], levels=edited_levels), *rubric[2:])
    )
    out = curriculum_file.update(SEED_TEXT, edited)
    assert len(changed_lines(SEED_TEXT, out)) == 2
    assert '"Keras or Fastai appear anywhere."' in out or "Keras or Fastai appear anywhere." in out
    assert cur.parse(out) == edited


def test_reordered_criteria_move_whole():
    rubric = capstone("capstone-2").rubric
    swapped = (rubric[1], rubric[0], *rubric[2:])
    edited = with_rubric(
        SEED, "capstone-2", tuple(dataclasses.replace(c, order=i) for i, c in enumerate(swapped, start=1))
    )
    out = curriculum_file.update(SEED_TEXT, edited)
    assert cur.parse(out) == edited
    assert sorted(out.splitlines()) == sorted(SEED_TEXT.splitlines())


def test_an_added_criterion_adds_only_its_lines():
    rubric = capstone("capstone-1").rubric
    added = cur.CriterionData(
        key="reproducible",
        order=5,
        title="Reproducible",
        levels=(cur.LevelData(1, "No", "Runs only on the author's machine."), cur.LevelData(2, "Yes", "Seeds fixed.")),
    )
    out = curriculum_file.update(SEED_TEXT, with_rubric(SEED, "capstone-1", (*rubric, added)))
    assert all(line.startswith("+") for line in changed_lines(SEED_TEXT, out))
    assert cur.parse(out).stages[3].capstone.rubric[-1] == added


# --------------------------------------------------------------------------- loading and exporting


def test_the_seed_rubrics_are_loaded_in_order(curriculum):
    brief = CapstoneBrief.objects.get(key="capstone-1")
    criteria = list(brief.criteria.order_by("order"))
    assert [c.key for c in criteria] == [c.key for c in capstone("capstone-1").rubric]
    assert list(criteria[2].levels.order_by("order").values_list("label", flat=True)) == [
        "Not solved",
        "Solved, weakly evaluated",
        "Solved and honestly evaluated",
    ]


def test_a_database_loaded_before_rubrics_gets_them_from_the_next_load(curriculum):
    """No data migration: the web container runs load_curriculum after migrate, and it adds what is missing."""
    RubricLevel.objects.all().delete()
    RubricCriterion.objects.all().delete()
    SeededKey.objects.filter(model__startswith="rubric").delete()
    call_command("load_curriculum", verbosity=0)
    assert RubricCriterion.objects.count() == 8
    assert RubricLevel.objects.count() == 24


def test_an_admin_edit_and_deletion_of_a_criterion_survive_a_reload(curriculum):
    brief = CapstoneBrief.objects.get(key="capstone-1")
    brief.criteria.filter(key="portfolio-ready").delete()
    level = RubricLevel.objects.get(criterion__brief=brief, criterion__key="steps-explained", order=1)
    level.description = "An admin's words."
    level.save()
    call_command("load_curriculum", verbosity=0)
    assert not brief.criteria.filter(key="portfolio-ready").exists()
    level.refresh_from_db()
    assert level.description == "An admin's words."
    call_command("load_curriculum", "--update", verbosity=0)
    assert brief.criteria.filter(key="portfolio-ready").exists()
    level.refresh_from_db()
    assert level.description != "An admin's words."


def test_the_loaded_seed_with_rubrics_exports_as_the_committed_file(curriculum):
    assert curriculum_export.export_text() == SEED_TEXT
    assert curriculum_export.current_curriculum() == SEED


def test_an_admin_edit_of_a_level_is_exported_and_loads_into_an_empty_database(curriculum, django_db_blocker):
    level = RubricLevel.objects.get(criterion__brief__key="capstone-2", criterion__key="portfolio-ready", order=3)
    level.label = "Showcase"
    level.save()
    text = curriculum_export.export_text()
    # A level is known by its label: renamed, it is written as a new level in its place, on one line.
    diff = changed_lines(SEED_TEXT, text)
    assert len(diff) == 2
    assert diff[0].startswith("-            - {label: Ready to share")
    assert diff[1].startswith("+            - {label: Showcase, description: ")
    exported = cur.parse(text)
    RubricLevel.objects.all().delete()
    RubricCriterion.objects.all().delete()
    SeededKey.objects.filter(model__startswith="rubric").delete()
    from stages.services import load_curriculum

    load_curriculum(exported)
    assert curriculum_export.current_curriculum() == exported


def test_the_export_reads_the_rubrics_in_a_fixed_number_of_queries(curriculum):
    with CaptureQueriesContext(connection) as before:
        curriculum_export.current_curriculum()
    brief = CapstoneBrief.objects.get(key="capstone-1")
    for i in range(5):
        criterion = RubricCriterion.objects.create(brief=brief, order=10 + i, key=f"extra-{i}", title=f"Extra {i}")
        for n in range(1, 5):
            RubricLevel.objects.create(criterion=criterion, order=n, label=f"L{n}", description="d")
    with CaptureQueriesContext(connection) as after:
        curriculum_export.current_curriculum()
    assert len(after.captured_queries) == len(before.captured_queries)


# --------------------------------------------------------------------------- the admin


def test_the_brief_page_lists_its_rubric_and_each_criterion_page_its_levels(client, curriculum, staff):
    client.force_login(staff)
    brief = CapstoneBrief.objects.get(key="capstone-1")
    page = client.get(reverse("admin:stages_capstonebrief_change", args=[brief.pk])).text
    assert "Rubric (drag a row" in page
    assert "Every step explained and justified" in page
    criterion = brief.criteria.get(key="low-level-frameworks")
    page = client.get(reverse("admin:stages_rubriccriterion_change", args=[criterion.pk])).text
    assert "Levels, weakest first" in page
    assert "Own decisions throughout" in page
    assert 'class="markdown-preview"' in page  # the description previews as learners see it


def test_editing_a_criterion_in_the_admin_is_a_version_and_reorders_its_levels(client, curriculum, staff):
    client.force_login(staff)
    criterion = RubricCriterion.objects.get(brief__key="capstone-1", key="portfolio-ready")
    levels = list(criterion.levels.order_by("order"))
    data = {
        "brief": criterion.brief_id,
        "order": criterion.order,
        "key": criterion.key,
        "title": "Ready to share online",
        "description": criterion.description,
        "levels-TOTAL_FORMS": len(levels),
        "levels-INITIAL_FORMS": len(levels),
        "levels-MIN_NUM_FORMS": 0,
        "levels-MAX_NUM_FORMS": 1000,
    }
    for i, level in enumerate(reversed(levels)):  # strongest first now
        data |= {
            f"levels-{i}-id": level.pk,
            f"levels-{i}-criterion": criterion.pk,
            f"levels-{i}-order": i + 1,
            f"levels-{i}-label": level.label,
            f"levels-{i}-description": level.description,
        }
    response = client.post(reverse("admin:stages_rubriccriterion_change", args=[criterion.pk]), data)
    assert response.status_code == 302, response.text[:3000]
    criterion.refresh_from_db()
    assert criterion.title == "Ready to share online"
    assert list(criterion.levels.order_by("order").values_list("label", flat=True)) == [
        level.label for level in reversed(levels)
    ]
    assert Version.objects.get_for_object(criterion).count() >= 1


def test_a_level_a_review_scored_cannot_be_deleted_in_the_admin(client, curriculum, staff):
    from capstones.models import CriterionScore, Review

    level = RubricLevel.objects.get(criterion__brief__key="capstone-1", criterion__key="steps-explained", order=2)
    iteration = factories.IterationFactory(
        submission__brief=CapstoneBrief.objects.get(key="capstone-1"), submission__status="changes_requested"
    )
    review = Review.objects.create(iteration=iteration, mentor=staff, decision="changes_requested")
    CriterionScore.objects.create(review=review, criterion=level.criterion, level=level)
    client.force_login(staff)
    response = client.post(reverse("admin:stages_rubriclevel_delete", args=[level.pk]), {"post": "yes"})
    assert response.status_code == 200
    assert "protected" in response.text.lower()
    assert RubricLevel.objects.filter(pk=level.pk).exists()
