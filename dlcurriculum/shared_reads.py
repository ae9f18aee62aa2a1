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

import uuid
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

    @property
    def token_key(self) -> str:
        """A small entry, new with every build: what is cached from the value keys on it, and a
        reader checks it (with ``cache.get_many``, in the same round trip as its own entry)
        without loading the value."""
        return f"{self.key}:token"

    def get(self) -> Any:
        return self.get_with_token()[0]

    def get_with_token(self) -> tuple[Any, str]:
        """The value and the token of that very build (one round trip when cached)."""
        values = cache.get_many([self.key, self.token_key])
        value, token = values.get(self.key), values.get(self.token_key)
        if value is None or token is None:
            value, token = self.build(), uuid.uuid4().hex
            cache.set_many({self.key: value, self.token_key: token}, self.timeout)
        return value, token

    def invalidate(self, **_signal_kwargs) -> None:
        keys = [self.key, self.token_key]
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))

    def connect(self) -> None:
        """Drop the value whenever one of the models changes; call from ``AppConfig.ready()``."""
        for label in self.models:
            model = apps.get_model(label)
            for event, signal in (("save", post_save), ("delete", post_delete)):
                signal.connect(self.invalidate, sender=model, weak=False, dispatch_uid=f"{self.key}:{label}:{event}")
