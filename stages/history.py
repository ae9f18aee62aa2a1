"""Version history of the curriculum content (django-reversion): who changed what, and a way back.

Each model is registered on its own, without following related rows, so reverting a stage or a resource
changes that row in place and never deletes what was added since: learners' progress, which points at
resources, survives every revert. Deleted content stays restorable: its last state is saved as a version
just before the deletion, even when it was never edited in the admin.
"""

import reversion
from django.db.models.signals import pre_delete

from .models import CapstoneBrief, Framework, ProjectIdea, Resource, Stage

VERSIONED = (Stage, Resource, CapstoneBrief, ProjectIdea, Framework)


def _keep_before_deletion(sender, instance, **kwargs):
    with reversion.create_revision():
        reversion.add_to_revision(instance)
        reversion.set_comment("Deleted (this is its last state).")


def register() -> None:
    for model in VERSIONED:
        if not reversion.is_registered(model):
            reversion.register(model)
        pre_delete.connect(_keep_before_deletion, sender=model, dispatch_uid=f"history-before-delete-{model.__name__}")
