"""A user's data across the apps, for export and erasure, without importing the apps.

Each app that keeps data about a user registers its part once, in its
``AppConfig.ready``::

    from dlcurriculum.users import lifecycle

    lifecycle.register(
        "progress",
        tables={"progress": PROGRESS_FIELDS, "activity": ACTIVITY_FIELDS},
        export=export_progress,   # user -> {"progress": [row, ...], "activity": [row, ...]}
        erase=erase_progress,     # user -> None; deletes the app's rows of this user
    )

The export is ``{"format", "version", "exported_at", "profile", <table>: rows, ...}``:
every registered table becomes a top-level key of the JSON and one CSV file of the
zip, with the columns named in ``tables`` (rows are dicts of plain values). Erasure
calls every part's ``erase`` in one transaction, then deletes the user row (whatever
still references it cascades). A new app adds its part in its own ``ready``; nothing
here changes.

``models`` says, for every foreign key to the user (``"app_label.Model.field"``), in
which exported tables its rows appear and how they leave with the account:
``CASCADE`` (deleted with the user row), ``ERASED`` (deleted or scrubbed by the
part's ``erase``) or ``KEPT`` (kept for others without the person: SET_NULL, shown
anonymously). A test walks every model and fails for a user foreign key without
both rules. ``files`` lists the person's uploaded files, added to the zip.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import User

EXPORT_FORMAT = "dlcurriculum-export"
EXPORT_VERSION = 1

PROFILE_FIELDS = (
    "email",
    "name",
    "why",
    "reminder_frequency",
    "reminder_inactivity_days",
    "reminder_weekday",
    "reminder_hour",
    "review_emails",
    "timezone",
    "date_joined",
)


# How the rows behind a user foreign key leave with the account.
CASCADE = "cascade"
ERASED = "erased"
KEPT = "kept"
ERASE_RULES = (CASCADE, ERASED, KEPT)


@dataclass(frozen=True)
class Part:
    app: str
    tables: Mapping[str, Sequence[str]]
    export: Callable[[User], Mapping[str, list[dict]]] | None = None
    erase: Callable[[User], None] | None = None
    # "app_label.Model.field" -> (exported tables, erase rule)
    models: Mapping[str, tuple[Sequence[str], str]] = field(default_factory=dict)
    # user -> [(name in the zip, FieldFile), ...]
    files: Callable[[User], list[tuple[str, Any]]] | None = None


_parts: dict[str, Part] = {}


def register(
    app: str,
    *,
    tables: Mapping[str, Sequence[str]] | None = None,
    export: Callable[[User], Mapping[str, list[dict]]] | None = None,
    erase: Callable[[User], None] | None = None,
    models: Mapping[str, tuple[Sequence[str], str]] | None = None,
    files: Callable[[User], list[tuple[str, Any]]] | None = None,
) -> None:
    """Add (or replace: ``ready`` may run twice in tests) ``app``'s part."""
    tables = dict(tables or {})
    taken = {name for other in _parts.values() if other.app != app for name in other.tables}
    clash = (taken | {"format", "version", "exported_at", "profile"}) & set(tables)
    if clash:
        raise ValueError(f"Export table names already used: {sorted(clash)}")
    if tables and export is None:
        raise ValueError("A part with tables needs an export function.")
    models = dict(models or {})
    for name, (_tables, rule) in models.items():
        if rule not in ERASE_RULES:
            raise ValueError(f"{name}: the erase rule must be one of {ERASE_RULES}, not {rule!r}.")
    _parts[app] = Part(app=app, tables=tables, export=export, erase=erase, models=models, files=files)


def parts() -> list[Part]:
    return list(_parts.values())


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def export_user(user: User) -> dict:
    """All of the user's data as plain values: the profile, then every registered table."""
    data = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": _plain(timezone.now()),
        "profile": {name: _plain(getattr(user, name)) for name in PROFILE_FIELDS},
    }
    for part in parts():
        if part.export is None:
            continue
        tables = part.export(user)
        for name in part.tables:
            data[name] = list(tables[name])
    return data


def table_columns() -> dict[str, Sequence[str]]:
    """Every exported table's columns, in export order, starting with the profile."""
    columns: dict[str, Sequence[str]] = {"profile": PROFILE_FIELDS}
    for part in parts():
        columns.update(part.tables)
    return columns


def model_rules() -> dict[str, tuple[Sequence[str], str, Part]]:
    """Every registered user foreign key: (exported tables, erase rule, the part registering it)."""
    return {name: (tables, rule, part) for part in parts() for name, (tables, rule) in part.models.items()}


def export_files(user: User) -> list[tuple[str, Any]]:
    """(name in the zip, file) of everything the user uploaded."""
    return [item for part in parts() if part.files is not None for item in part.files(user)]


@transaction.atomic
def erase_user(user: User) -> None:
    """Delete the user and everything every app keeps about them."""
    for part in parts():
        if part.erase is not None:
            part.erase(user)
    User.objects.filter(pk=user.pk).delete()
