"""Which hosts and addresses the link checker may reach: pure, no Django, no network.

A link must not point the checker at the internal network (SSRF). Two questions:

- ``address_refusal``: may the checker connect to this IP address? IPv6 forms
  that carry an IPv4 address (NAT64, 6to4, Teredo, IPv4-mapped, -translated
  and -compatible) are judged by the IPv4 address inside them, because a gateway
  or the kernel turns them into exactly that IPv4 connection.
- ``host_refusal``: is the host name itself unacceptable whatever it resolves
  to (too long, an IPv4 address in a non-standard spelling, mixed scripts)?

Both return a short reason, or ``None`` when the answer is "allowed".
"""

from __future__ import annotations

import ipaddress
import unicodedata
from urllib.parse import SplitResult

__all__ = ["address_refusal", "host_refusal", "is_ip_literal", "is_public", "legacy_ipv4", "url_refusal"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# RFC 8215 local-use NAT64: where the IPv4 address sits depends on the operator's
# prefix length, so the whole block is refused instead of guessed at.
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
_SITE_LOCAL = ipaddress.IPv6Network("fec0::/10")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
# SIIT "IPv4-translated" addresses (RFC 2765): a translator turns them into IPv4.
_IPV4_TRANSLATED = ipaddress.IPv6Network("::ffff:0:0:0/96")

# DNS limits (RFC 1035): longer names cannot resolve; refusing them early keeps
# hostile input from reaching the resolver or the IDNA codec at all.
MAX_HOST_LENGTH = 253
MAX_LABEL_LENGTH = 63


# Checked in this order; the first that applies names the refusal.
_RANGES = (
    ("is_unspecified", "unspecified"),
    ("is_loopback", "loopback"),
    ("is_link_local", "link-local"),
    ("is_site_local", "site-local"),
    ("is_multicast", "multicast"),
    ("is_private", "private"),
)


def _range_reason(ip: IPAddress) -> str | None:
    for attribute, reason in _RANGES:
        if getattr(ip, attribute, False):
            return reason
    return None if ip.is_global else "not globally reachable"


def _embedded(ip: ipaddress.IPv6Address) -> tuple[str, list[ipaddress.IPv4Address]] | None:
    """The IPv4 address(es) an IPv6 address carries, with the name of the form."""
    if ip.ipv4_mapped is not None:
        return "IPv4-mapped", [ip.ipv4_mapped]
    if ip in _NAT64:
        return "NAT64", [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)]
    if ip in _IPV4_TRANSLATED:
        return "IPv4-translated", [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)]
    if ip.sixtofour is not None:
        return "6to4", [ip.sixtofour]
    if ip.teredo is not None:
        server, client = ip.teredo
        return "Teredo", [client, server]
    # ::/128 and ::1 are IPv6's own unspecified and loopback addresses, judged as such.
    if ip in _IPV4_COMPATIBLE and int(ip) > 1:
        return "IPv4-compatible", [ipaddress.IPv4Address(int(ip))]
    return None


def _embedded_reason(form: str, inner: list[ipaddress.IPv4Address]) -> str | None:
    for v4 in inner:
        reason = _range_reason(v4)
        if reason is not None:
            return f"{form} form of {v4}, {reason}"
    if form == "Teredo":
        # A tunnel endpoint, never a curriculum site, and outside the global unicast space.
        return f"Teredo tunnel address (client {inner[0]})"
    return None


def _ipv6_reason(ip: ipaddress.IPv6Address) -> str | None:
    if ip.scope_id:
        return "address with a zone index"
    if ip in _NAT64_LOCAL:
        return "local-use NAT64 address"
    embedded = _embedded(ip)
    if embedded is not None:
        return _embedded_reason(*embedded)
    return _range_reason(ip)


def address_refusal(address: str | IPAddress) -> str | None:
    """Why the checker must not connect to ``address``, or ``None`` when it is public."""
    try:
        ip = address if not isinstance(address, str) else ipaddress.ip_address(address)
    except ValueError:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv4Address):
        return _range_reason(ip)
    return _ipv6_reason(ip)


def is_public(address: str | IPAddress) -> bool:
    return address_refusal(address) is None


def is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _legacy_part(text: str) -> int | None:
    """One part of an inet_aton() address: decimal, octal (leading 0) or hexadecimal (0x)."""
    try:
        if text[:2].lower() == "0x":
            return int(text[2:] or "0", 16)
        if len(text) > 1 and text.startswith("0"):
            return int(text[1:], 8)
        return int(text, 10) if text.isdigit() else None
    except ValueError:
        return None


def legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address a host name such as ``2130706433``, ``0x7f.1`` or ``0177.0.0.1`` stands for.

    inet_aton() and browsers read these as addresses; ``None`` when ``host`` is
    not such a spelling (or is the standard dotted quad).
    """
    parts = host.rstrip(".").split(".") if host else []
    if not 1 <= len(parts) <= 4 or any(not p or len(p) > 12 for p in parts):
        return None
    values = [_legacy_part(p) for p in parts]
    if any(v is None for v in values):
        return None
    *head, last = values
    if any(v > 255 for v in head) or last >= 256 ** (5 - len(parts)):
        return None
    number = 0
    for v in head:
        number = number * 256 + v
    number = number * 256 ** (5 - len(parts)) + last
    ip = ipaddress.IPv4Address(number)
    return None if str(ip) == host else ip


# Scripts that are written together in one word (UTS #39, "highly restrictive"): a
# Japanese, Chinese or Korean name may mix these with Latin; any other mix is suspect.
_USUAL_MIXES = (
    frozenset({"LATIN", "CJK", "HIRAGANA", "KATAKANA", "KATAKANA-HIRAGANA"}),
    frozenset({"LATIN", "CJK", "BOPOMOFO"}),
    frozenset({"LATIN", "CJK", "HANGUL"}),
)


def _script(char: str) -> str | None:
    """The script of a letter, from its Unicode name ("CYRILLIC SMALL LETTER A" -> "CYRILLIC")."""
    if not char.isalpha():
        return None
    words = unicodedata.name(char, "UNKNOWN").split(" ")
    if words[0] in ("FULLWIDTH", "HALFWIDTH") and len(words) > 1:
        return words[1]
    return words[0]


def _unicode_label(label: str) -> str:
    if label.lower().startswith("xn--"):
        try:
            return label.encode("ascii").decode("idna")
        except UnicodeError:
            return label
    return label


def url_refusal(parts: SplitResult) -> str | None:
    """Why a URL's authority is unacceptable whatever its host resolves to, or ``None``."""
    if parts.username is not None or "\\" in parts.netloc:
        # Parsers disagree on where the host starts in "http://a@b/" and "http://a\\@b/": refuse, don't guess.
        return "user name or backslash before the host refused"
    return host_refusal(parts.hostname or "")


def host_refusal(host: str) -> str | None:
    """Why a host name is unacceptable before any lookup, or ``None``.

    ``host`` is the URL's host as ``urlsplit`` gives it (lower case, no brackets).
    """
    if len(host) > MAX_HOST_LENGTH:
        return f"host name longer than {MAX_HOST_LENGTH} characters"
    labels = host.rstrip(".").split(".")
    if any(len(label) > MAX_LABEL_LENGTH for label in labels):
        return f"a host name label is longer than {MAX_LABEL_LENGTH} characters"
    legacy = legacy_ipv4(host)
    if legacy is not None:
        return f"{host} is the IPv4 address {legacy} in a non-standard spelling"
    for label in labels:
        scripts = {s for s in map(_script, _unicode_label(label)) if s is not None}
        if len(scripts) > 1 and not any(scripts <= usual for usual in _USUAL_MIXES):
            return f"host name mixes {' and '.join(sorted(scripts)).lower()} letters (possible look-alike)"
    return None
