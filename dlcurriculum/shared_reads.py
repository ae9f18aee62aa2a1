"""Reads that many requests share and that only admins change: cached until they do.

The curriculum's outline is read by every dashboard, yet changes only when an admin
edits it or ``load_curriculum`` runs, both through model saves and deletes. A
``SharedRead`` keeps its value in the cache and drops it when one of its models is
saved or deleted: at once, and again when the transaction commits, so that a page
rendered in between cannot keep the old value. Changes that bypass signals
(``QuerySet.update()``) must call ``invalidate()`` themselves.

The entry also expires after ``timeout`` seconds: while Redis is down each process
caches in its own memory (dlcurriculum.cache), and an edit made meanwhile reaches
the other processes within that time.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

DEFAULT_TIMEOUT = 300


class SharedRead:
    def __init__(self, key: str, build: Callable[[], Any], *, models: Iterable[str], timeout: int = DEFAULT_TIMEOUT):
        self.key = key
        self.build = build
        self.models = tuple(models)
        self.timeout = timeout

    def get(self) -> Any:
        value = cache.get(self.key)
        if value is None:
            value = self.build()
            cache.set(self.key, value, self.timeout)
        return value

    def invalidate(self, **_signal_kwargs) -> None:
        cache.delete(self.key)
        transaction.on_commit(lambda: cache.delete(self.key))

    def connect(self) -> None:
        """Drop the value whenever one of the models changes; call from ``AppConfig.ready()``."""
        for label in self.models:
            model = apps.get_model(label)
            for event, signal in (("save", post_save), ("delete", post_delete)):
                signal.connect(self.invalidate, sender=model, weak=False, dispatch_uid=f"{self.key}:{label}:{event}")
