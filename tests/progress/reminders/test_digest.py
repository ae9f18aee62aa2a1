"""What a reminder says: progress per stage, next up, what is new."""

from datetime import UTC, datetime

from progress.reminders.digest import Curriculum, ResourceInfo, StageInfo, build_digest

OLD = datetime(2026, 1, 1, tzinfo=UTC)
LAST_VISIT = datetime(2026, 6, 1, tzinfo=UTC)
NEWER = datetime(2026, 7, 1, tzinfo=UTC)

S1, S2, S3 = StageInfo(1, 1, "one", "One"), StageInfo(2, 2, "two", "Two"), StageInfo(3, 3, "three", "Three")


def curriculum(*extra):
    resources = [
        ResourceInfo(11, 1, 1, "R11", False, OLD),
        ResourceInfo(12, 1, 2, "R12", False, OLD),
        ResourceInfo(13, 1, 3, "R13 optional", True, OLD),
        ResourceInfo(21, 2, 1, "R21", False, OLD),
        ResourceInfo(22, 2, 2, "R22", False, OLD),
        *extra,
    ]
    return Curriculum(stages=(S1, S2, S3), resources=tuple(sorted(resources, key=lambda r: (r.stage_id, r.order))))


def test_stage_lines_count_done_skipped_and_in_progress_without_optional_resources():
    digest = build_digest(curriculum(), {11: "done", 13: "done", 21: "skipped", 22: "in_progress"}, LAST_VISIT)
    assert [line.text for line in digest.lines] == [
        "1 of 2 done",
        "0 of 2 done, 1 skipped, 1 in progress",
        "a project, no resources to track",
    ]


def test_untouched_stage_reads_not_started():
    digest = build_digest(curriculum(), {}, LAST_VISIT)
    assert digest.lines[1].text == "not started (2 resources)"


def test_next_up_is_first_core_resource_not_done_or_skipped_in_earliest_unfinished_stage():
    digest = build_digest(curriculum(), {11: "skipped", 12: "done", 22: "done"}, LAST_VISIT)
    assert (digest.next_up.id, digest.next_stage.id) == (21, 2)


def test_in_progress_resource_is_still_next_up():
    digest = build_digest(curriculum(), {11: "in_progress"}, LAST_VISIT)
    assert digest.next_up.id == 11


def test_learner_with_every_core_resource_done_or_skipped_is_finished():
    digest = build_digest(curriculum(), {11: "done", 12: "skipped", 21: "done", 22: "done"}, LAST_VISIT)
    assert digest.finished and digest.next_up is None


def test_new_resources_are_those_added_after_the_last_visit_to_started_stages():
    added_to_started = ResourceInfo(14, 1, 4, "New in one", False, NEWER)
    added_before_visit = ResourceInfo(15, 1, 5, "Old in one", False, OLD)
    added_to_unstarted = ResourceInfo(23, 2, 3, "New in two", False, NEWER)
    c = curriculum(added_to_started, added_before_visit, added_to_unstarted)
    digest = build_digest(c, {11: "done"}, LAST_VISIT)
    assert [(stage.id, r.title) for stage, r in digest.new_resources] == [(1, "New in one")]
