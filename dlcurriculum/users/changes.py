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

from django.db.models import F
from django.db.models.signals import post_delete, post_save

from .models import User


def note_change(user_id: int | None) -> None:
    """One more on the learner's change stamp (1 query); nothing for no learner."""
    if user_id is not None:
        User.objects.filter(pk=user_id).update(changes=F("changes") + 1)


def bump_on_change(model, user_id_of: Callable[[object], int | None]) -> None:
    """Bump the stamp of ``user_id_of(instance)`` after every save and delete of ``model``;
    call from ``AppConfig.ready()``."""

    def receiver(sender, instance, **kwargs):
        note_change(user_id_of(instance))

    label = f"{model._meta.app_label}.{model._meta.model_name}"
    post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"user-changes:{label}:save")
    post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"user-changes:{label}:delete")
