"""Serialise a user's export (from ``lifecycle.export_user``) as JSON or as a zip of CSV files."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from . import lifecycle

# Spreadsheets run cells starting with these as formulas (CSV injection):
# such cells get a leading apostrophe, which spreadsheets show as text.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def to_json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def _csv(fields, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields)
    writer.writeheader()
    for row in rows:
        writer.writerow({name: spreadsheet_safe(row[name]) for name in fields})
    # BOM so spreadsheet programs read the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode()


def to_csv_zip(data: dict) -> bytes:
    """One CSV file per table: profile.csv (one row), then each app's tables
    (progress.csv: one row per resource, activity.csv: one row per change, ...)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, fields in lifecycle.table_columns().items():
            rows = [data[name]] if name == "profile" else data.get(name, [])
            archive.writestr(f"{name}.csv", _csv(fields, rows))
    return out.getvalue()
