"""Version history of the curriculum content (django-reversion): who changed what, and a way back.

Each model is registered on its own, without following related rows, so reverting a stage or a resource
changes that row in place and never deletes what was added since: learners' progress, which points at
resources, survives every revert. Deleted content stays restorable: its last state is saved as a version
just before the deletion, even when it was never edited in the admin.
"""

import difflib
import itertools
from dataclasses import dataclass

import reversion
from django.db import transaction
from django.db.models.signals import pre_delete
from django.utils.formats import date_format
from django.utils.timezone import template_localtime
from reversion.models import Version

from .models import CapstoneBrief, Framework, ProjectIdea, Resource, RubricCriterion, RubricLevel, Stage

VERSIONED = (Stage, Resource, CapstoneBrief, ProjectIdea, Framework, RubricCriterion, RubricLevel)


def _keep_before_deletion(sender, instance, **kwargs):
    with reversion.create_revision():
        reversion.add_to_revision(instance)
        reversion.set_comment("Deleted (this is its last state).")


def register() -> None:
    """Versions leave out the timestamps, so a save that changed nothing (a stage saved with its
    resources, the same file loaded again) adds no version to an object's history. (So no
    version is restored raw, as reversion's own views do: see stages/admin_revert.py.)"""
    for model in VERSIONED:
        if not reversion.is_registered(model):
            reversion.register(model, exclude=NEVER_REVERTED[1:], ignore_duplicates=True)
        pre_delete.connect(_keep_before_deletion, sender=model, dispatch_uid=f"history-before-delete-{model.__name__}")


# --------------------------------------------------------------------------- reverting one object

# Kept by every revert: they say when and in what order, not what an editor wrote.
NEVER_REVERTED = ("id", "created_at", "updated_at")
# Listed in a revert's confirmation but not ticked: a position is the list's, moving one row back
# reorders the others (the "revert put all four resources back in their old order").
UNTICKED = ("order",)


@dataclass
class FieldChange:
    """One field whose saved value differs from the version's: what a revert would undo."""

    name: str
    label: str
    now: str
    then: str
    diff: str = ""  # a unified diff for text over several lines
    ticked: bool = True
    changed_by: object = None  # the later version that last changed it (set by the admin view)


def field_changes(obj, version) -> list[FieldChange]:
    """The fields of ``obj`` (this one row, nothing it links to) that differ from ``version``."""
    then_values = version.field_dict
    changes = []
    for field in _revertible_fields(type(obj)):
        if field.attname not in then_values:
            continue
        now, then = _value(obj, field), then_values[field.attname]
        if field.many_to_many:
            now, then = sorted(now), sorted(int(pk) for pk in then)
        if now == then:
            continue
        changes.append(
            FieldChange(
                name=field.name,
                label=str(field.verbose_name).capitalize(),
                now=_shown(field, now),
                then=_shown(field, then),
                diff=_diff(now, then),
                ticked=field.name not in UNTICKED,
            )
        )
    return changes


def later_edits(obj, version) -> list:
    """This object's own versions saved after ``version``: what a revert undoes, newest first."""
    return list(
        Version.objects.get_for_object(obj)
        .filter(revision__date_created__gt=version.revision.date_created)
        .select_related("revision__user")
        .order_by("-revision__date_created")
    )


def revert_fields(obj, version, names: list[str], *, user) -> list[str]:
    """Set only ``names`` of ``obj`` back to ``version``'s values, as a new revision of this object
    alone; every other field, and every other row, keeps what was saved since. Returns the labels."""
    then_values = version.field_dict
    fields = [f for f in _revertible_fields(type(obj)) if f.name in names and f.attname in then_values]
    when = template_localtime(version.revision.date_created)
    with transaction.atomic(), reversion.create_revision():
        for field in fields:
            if not field.many_to_many:
                setattr(obj, field.attname, then_values[field.attname])
        obj.save()
        for field in fields:
            if field.many_to_many:
                getattr(obj, field.name).set([int(pk) for pk in then_values[field.attname]])
        labels = [str(f.verbose_name).capitalize() for f in fields]
        reversion.set_user(user)
        reversion.set_comment(f"Reverted {', '.join(labels)} to its version of {date_format(when, 'DATETIME_FORMAT')}.")
    return labels


def _revertible_fields(model):
    return [
        f
        for f in model._meta.get_fields()
        if f.concrete and not f.auto_created and f.name not in NEVER_REVERTED and (f.editable or f.many_to_many)
    ]


def _value(obj, field):
    if field.many_to_many:
        return [related.pk for related in getattr(obj, field.name).all()]
    return getattr(obj, field.attname)


def _shown(field, value) -> str:
    """A value as an editor reads it in the admin: a choice's label, a linked row's name."""
    if value is None or value == "":
        return "(empty)"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.many_to_many or field.is_relation:
        pks = value if field.many_to_many else [value]
        names = [str(o) for o in field.related_model._default_manager.filter(pk__in=pks)]
        return ", ".join(sorted(names)) or "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    return text if len(text) <= 200 else text[:200] + "…"


def _diff(now, then) -> str:
    if not (isinstance(now, str) and isinstance(then, str)) or ("\n" not in now and "\n" not in then):
        return ""
    lines = difflib.unified_diff(now.splitlines(), then.splitlines(), "saved now", "after the revert", lineterm="", n=1)
    return "\n".join(lines)


def restore_deleted(version, *, user):
    """Bring back the one row ``version`` kept of a deleted object, under its old id (learners'
    progress that pointed at it is gone with it, but links and exports keep their ids); nothing
    else of that version's revision is touched."""
    model = version._model
    values = version.field_dict
    plain = {f.attname: values[f.attname] for f in model._meta.concrete_fields if f.attname in values}
    with transaction.atomic(), reversion.create_revision():
        obj = model(**plain)
        obj.save(force_insert=True)
        for field in model._meta.many_to_many:
            if field.attname in values:
                getattr(obj, field.name).set([int(pk) for pk in values[field.attname]])
        reversion.set_user(user)
        reversion.set_comment("Restored after its deletion.")
    return obj


def version_fields(version) -> list[tuple[str, str]]:
    """(label, value) of what ``version`` kept, as an editor reads it."""
    values = version.field_dict
    return [
        (str(f.verbose_name).capitalize(), _shown(f, values[f.attname]))
        for f in _revertible_fields(version._model)
        if f.attname in values
    ]


def last_changed(version, later: list, names: list[str]) -> dict[str, object]:
    """For each field in ``names``, the latest of the ``later`` versions (newest first) that changed
    it: what the editor would undo, named on the confirmation. Reads the versions already loaded."""
    attnames = {f.name: f.attname for f in _revertible_fields(version._model)}
    chain = [*later, version]  # newest first, ending with the version reverted to
    found = {}
    for newer, older in itertools.pairwise(chain):
        new_values, old_values = newer.field_dict, older.field_dict
        for name in names:
            key = attnames.get(name)
            if name not in found and key in new_values and new_values.get(key) != old_values.get(key):
                found[name] = newer
    return found
