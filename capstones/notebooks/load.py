"""Bytes of an upload in, a notebook (or a message a learner can act on) out."""

from __future__ import annotations

import json

import nbformat

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


class NotebookError(ValueError):
    """The file is not a notebook we can accept; the message says why, for the learner."""


# --------------------------------------------------------------------------- loading


def load_notebook(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> nbformat.NotebookNode:
    if len(data) > max_bytes:
        raise NotebookError(
            f"The file is {_megabytes(len(data))}; notebooks may be at most {_megabytes(max_bytes)}. "
            "Clear large outputs (Edit › Clear outputs of the biggest cells) and upload it again."
        )
    if not data.strip():
        raise NotebookError("The file is empty.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotebookError("The file is not text (UTF-8 JSON): is it really an .ipynb notebook?") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(
            f"The file is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}). "
            "A Jupyter notebook is a JSON file; upload the .ipynb that Jupyter saved."
        ) from None
    if not isinstance(raw, dict) or "nbformat" not in raw or ("cells" not in raw and "worksheets" not in raw):
        raise NotebookError(
            "The file is JSON but not a Jupyter notebook (it has no 'nbformat' and 'cells'). "
            "Upload the .ipynb file Jupyter saved."
        )
    version = raw.get("nbformat")
    if not isinstance(version, int):
        raise NotebookError("The notebook's 'nbformat' version is not a number, so it cannot be read.")
    if version < 4:
        raise NotebookError(
            f"The notebook uses the old format version {version}. Open it in a current Jupyter "
            "(or run `jupyter nbconvert --to notebook --nbformat 4`) and save it to upgrade it to version 4."
        )
    if version > 4:
        raise NotebookError(f"The notebook format version {version} is newer than this site understands (4).")
    try:
        notebook = nbformat.reads(text, as_version=4)
        nbformat.validate(notebook)
    except nbformat.ValidationError as exc:
        where = "/".join(str(p) for p in getattr(exc, "absolute_path", []) or [])
        raise NotebookError(
            "The notebook does not follow the Jupyter notebook format"
            + (f" (at {where})" if where else "")
            + f": {_first_line(exc.message)}"
        ) from None
    except Exception as exc:  # noqa: BLE001 - nbformat raises assorted errors on malformed input
        raise NotebookError(f"The notebook could not be read: {_first_line(str(exc))}") from None
    if not any(_source(cell).strip() for cell in notebook.cells):
        raise NotebookError("The notebook is empty: it has no cell with any content.")
    return notebook


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def _first_line(text: str) -> str:
    return (text or "").strip().splitlines()[0][:300] if (text or "").strip() else "unknown error"


def _source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source
