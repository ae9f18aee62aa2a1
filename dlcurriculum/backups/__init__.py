"""Backups that restore: the database and the notebook store, with a manifest of checksums (archive.py)."""
