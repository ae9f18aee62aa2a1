"""The curriculum's part of an account export: the content changes an admin made (the version history).

The history stays when the account goes (``Revision.user`` is SET_NULL): it records the curriculum,
not the person, and its comments are the admin's change messages.
"""

from reversion.models import Revision

from dlcurriculum.users import lifecycle

TABLES = {"content_changes": ("date", "comment", "objects")}


def export_rows(user) -> dict[str, list[dict]]:
    """1 query for the revisions, 1 for their versions."""
    revisions = Revision.objects.filter(user=user).prefetch_related("version_set").order_by("date_created")
    return {
        "content_changes": [
            {
                "date": revision.date_created.isoformat(),
                "comment": revision.get_comment(),
                "objects": [version.object_repr for version in revision.version_set.all()],
            }
            for revision in revisions
        ]
    }


def register() -> None:
    lifecycle.register(
        "stages",
        tables=TABLES,
        export=export_rows,
        models={"reversion.Revision.user": (("content_changes",), lifecycle.KEPT)},
    )
