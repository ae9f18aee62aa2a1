"""A per-learner change stamp: one number on the user's row, one more after every write that
changes what the learner's own pages show (their progress, pace plan and pauses, completion
record, capstone submissions).

The signed-in user is loaded on every request anyway, so the stamp comes at no query: a page
cached under it (the dashboard) is valid for exactly as long as the stamp stays. The stamp is
bumped in the writer's transaction, with an UPDATE of the row (``User.save()`` never writes it,
so a profile form cannot set it back): a reader that sees the new data sees the new stamp, or an
older stamp with newer data, never the other way round.

Any app may bump it (users sits below every feature): ``note_change(user_id)`` from a service
whose ``QuerySet.update()`` bypasses signals, ``bump_on_change(Model, user_id_of)`` for model
saves and deletes (admin, factories, ``create()``, ``delete()``).
"""

from collections.abc import Callable

from django.db.models import F, QuerySet
from django.db.models.signals import post_delete, post_save

from .models import User


def note_change(user_id: int | QuerySet | None) -> None:
    """One more on the learner's change stamp (1 query); nothing for no learner. ``user_id`` may
    be a query of user ids (``values("learner_id")``): a row that no longer exists bumps nothing."""
    if user_id is None:
        return
    users = User.objects.filter(pk__in=user_id) if isinstance(user_id, QuerySet) else User.objects.filter(pk=user_id)
    users.update(changes=F("changes") + 1)


def bump_on_change(model, user_id_of: Callable[[object], int | QuerySet | None], *, deletes: bool = True) -> None:
    """Bump the stamp of ``user_id_of(instance)`` after every save (and delete) of ``model``;
    call from ``AppConfig.ready()``. ``deletes=False`` keeps ``QuerySet.delete()`` of many rows
    a single statement (a receiver makes Django load and signal every row): the services that
    delete then call ``note_change`` themselves."""

    def receiver(sender, instance, **kwargs):
        note_change(user_id_of(instance))

    label = f"{model._meta.app_label}.{model._meta.model_name}"
    post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"user-changes:{label}:save")
    if deletes:
        post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"user-changes:{label}:delete")
