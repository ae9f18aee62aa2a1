"""Issue 27: an export written into the committed curriculum file diffs as the edit, nothing more."""

import dataclasses
import difflib

import pytest

from stages import curriculum as cur
from stages import curriculum_file

SEED_TEXT = cur.DEFAULT_PATH.read_text(encoding="utf-8")
SEED = cur.parse(SEED_TEXT)


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def with_stage(curriculum, slug, **changes):
    stages = tuple(dataclasses.replace(s, **changes) if s.slug == slug else s for s in curriculum.stages)
    return dataclasses.replace(curriculum, stages=stages)


def stage(slug):
    return next(s for s in SEED.stages if s.slug == slug)


def test_the_unchanged_seed_is_written_back_byte_for_byte():
    assert curriculum_file.update(SEED_TEXT, SEED) == SEED_TEXT


def test_a_changed_title_is_a_one_line_diff():
    resources = stage("deep-dive").resources
    renamed = (dataclasses.replace(resources[0], title="A better title"), *resources[1:])
    edited = with_stage(SEED, "deep-dive", resources=renamed)
    out = curriculum_file.update(SEED_TEXT, edited)
    assert changed_lines(SEED_TEXT, out) == [
        f"-        title: {resources[0].title}",
        "+        title: A better title",
    ]
    assert cur.parse(out) == edited


def test_a_section_added_to_a_body_adds_only_its_lines():
    body = stage("practical-encounter").body + "\n\n## Tip\n\nRead the notebooks twice."
    edited = with_stage(SEED, "practical-encounter", body=body)
    out = curriculum_file.update(SEED_TEXT, edited)
    assert changed_lines(SEED_TEXT, out) == ["+", "+      ## Tip", "+", "+      Read the notebooks twice."]
    assert cur.parse(out) == edited


def test_reordered_resources_move_whole_and_keep_their_comments_and_quotes():
    resources = stage("mathematical-foundations").resources
    swapped = [resources[1], resources[0], *resources[2:]]
    edited = with_stage(
        SEED,
        "mathematical-foundations",
        resources=tuple(dataclasses.replace(r, order=i) for i, r in enumerate(swapped, start=1)),
    )
    out = curriculum_file.update(SEED_TEXT, edited)
    assert cur.parse(out) == edited
    assert out.count("\n#") == SEED_TEXT.count("\n#")  # every comment line kept
    assert out.count('"https://') == SEED_TEXT.count('"https://')
    assert sorted(out.splitlines()) == sorted(SEED_TEXT.splitlines())  # the same lines, moved


def test_an_added_and_a_removed_resource_are_their_own_lines_only():
    resources = stage("deep-dive").resources
    added = cur.ResourceData(
        key="new-notes", order=len(resources), title="New notes", url="https://example.org/notes", kind="article"
    )
    edited = with_stage(SEED, "deep-dive", resources=(*resources[1:], added))
    out = curriculum_file.update(SEED_TEXT, edited)
    reread = next(s for s in cur.parse(out).stages if s.slug == "deep-dive")
    assert [r.key for r in reread.resources] == [r.key for r in (*resources[1:], added)]
    diff = changed_lines(SEED_TEXT, out)
    assert all(line.startswith("-") for line in diff if resources[0].key in line)
    assert "+      - key: new-notes" in diff
    assert len([line for line in diff if line.startswith("+")]) == 4  # key, title, url, kind


def test_a_changed_flow_list_stays_a_flow_list():
    frameworks = list(SEED.frameworks)
    keras = next(i for i, f in enumerate(frameworks) if f.module == "keras")
    frameworks[keras] = dataclasses.replace(frameworks[keras], family=(*frameworks[keras].family, "keras_core"))
    edited = dataclasses.replace(SEED, frameworks=tuple(frameworks))
    out = curriculum_file.update(SEED_TEXT, edited)
    [removed, added] = changed_lines(SEED_TEXT, out)
    assert removed.startswith("-    family: [")
    assert added == removed.replace("-", "+", 1).replace("]", ", keras_core]")
    assert cur.parse(out) == edited


@pytest.mark.parametrize("text", ["", "not: [a curriculum", "- a list\n- not a map\n"])
def test_a_file_that_is_not_a_curriculum_gets_a_fresh_dump(text):
    assert curriculum_file.update(text, SEED) == cur.dump(SEED)
