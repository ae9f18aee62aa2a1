"""The order a run starts its URLs in: each host's slowest-last-time first, in the places its URLs hold.

A host's URLs share its few connections, and the host's run ends when its last answer comes.
Taken in the file's order, a slow page near the end runs alone after the rest are done; started
first, it runs beside the others (longest job first). Nobody knows which pages are slow before
asking, but a periodic checker asked last time. Only the order within a host changes: each host
keeps the positions its URLs had in the list, so the hosts interleave as before, and with no
history the order is the list's own.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from urllib.parse import urlsplit

from .results import Previous


def host_key(url: str) -> str:
    """``host:port`` as the checker's per-host limits count it; "" for a URL too malformed to say."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    return f"{parts.hostname}:{port or (443 if parts.scheme == 'https' else 80)}"


def _last_seconds(previous: Previous | None) -> float:
    # A URL not checked last time may be slow as well as fast: it goes before the known ones,
    # where a slow answer costs least.
    if previous is None or previous.elapsed is None or not math.isfinite(previous.elapsed):
        return math.inf
    return previous.elapsed


def slowest_first(urls: list[str], history: Mapping[str, Previous] | None) -> list[str]:
    """``urls`` with each host's URLs reordered slowest-last-time first (stable), in that host's positions."""
    if not history:
        return urls
    positions: dict[str, list[int]] = {}
    for index, url in enumerate(urls):
        positions.setdefault(host_key(url), []).append(index)
    ordered = list(urls)
    for indices in positions.values():
        by_time = sorted(indices, key=lambda i: -_last_seconds(history.get(urls[i])))
        for place, source in zip(indices, by_time, strict=True):
            ordered[place] = urls[source]
    return ordered
