"""Jupyter notebooks in, facts and safe HTML out.

A pure package (no Django): the upload form, the Celery analysis task, the
``analyze_notebook`` command and the admin all call it.

- :mod:`.load`: :func:`load_notebook` parses the bytes of an upload, raising
  :class:`NotebookError` with a message a learner can act on.
- :mod:`.analysis`: :func:`analyse` reports the frameworks used, forbidden
  libraries (with cell and line), how much prose there is, whether the code
  ran, and a verdict.
- :mod:`.sanitise`: :func:`sanitize_html` and :func:`safe_notebook` make untrusted content safe to show.
- :mod:`.render`: :func:`render_document` turns the notebook into a standalone,
  sanitised HTML document meant to be served in a sandboxed iframe.
"""

from .analysis import (
    DEFAULT_ALLOWED,
    DEFAULT_FORBIDDEN,
    KNOWN_FRAMEWORKS,
    MIN_WORDS_PER_CODE_CELL,
    VIOLATION_NOTE,
    Analysis,
    Finding,
    LibraryUse,
    Verdict,
    analyse,
    notes_besides_violations,
)
from .families import Family, Wrapper
from .load import DEFAULT_MAX_BYTES, MAX_CELLS, NotebookError, load_notebook, load_notes, too_large_message
from .render import render_body, render_document
from .sanitise import (
    DEFAULT_MAX_IMAGE_BYTES,
    DEFAULT_MAX_OUTPUT_CHARS,
    OUTPUT_BUDGET_FACTOR,
    safe_notebook,
    sanitize_html,
)

__all__ = [
    "DEFAULT_ALLOWED",
    "DEFAULT_FORBIDDEN",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_IMAGE_BYTES",
    "DEFAULT_MAX_OUTPUT_CHARS",
    "KNOWN_FRAMEWORKS",
    "MAX_CELLS",
    "MIN_WORDS_PER_CODE_CELL",
    "OUTPUT_BUDGET_FACTOR",
    "VIOLATION_NOTE",
    "Analysis",
    "Family",
    "Finding",
    "LibraryUse",
    "NotebookError",
    "Verdict",
    "Wrapper",
    "analyse",
    "load_notebook",
    "load_notes",
    "notes_besides_violations",
    "render_body",
    "render_document",
    "safe_notebook",
    "sanitize_html",
    "too_large_message",
]
