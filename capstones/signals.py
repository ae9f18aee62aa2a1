"""A deleted iteration takes its notebook file with it.

Iterations go with their submission, and submissions with their learner's account
("delete my account" must not leave the learner's notebooks on disk). The file is
removed only once the deletion is committed: a rolled-back delete keeps it.
"""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import Iteration


@receiver(post_delete, sender=Iteration, dispatch_uid="capstones_delete_notebook_file")
def delete_notebook_file(sender, instance: Iteration, **kwargs):
    if not instance.notebook:
        return
    storage, name = instance.notebook.storage, instance.notebook.name
    transaction.on_commit(lambda: storage.delete(name))
