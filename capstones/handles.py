"""Which portfolio handles may be chosen. Pure: no Django.

A handle is the public address /u/<handle>/ of a learner's page, so it must not pass for the
site, a role or a route (``admin``, ``support``, ``mentor``, ``api`` ...), nor for another
learner's handle (``ada``/``a-da``/``4da``). Look-alikes are compared by their *skeleton*: lower
case, separators dropped, characters that read alike mapped to one (the idea of Unicode's
confusables skeleton, for the ASCII a handle may hold).
"""

from __future__ import annotations

# The site's routes (first path segments), roles, the site's name and words that sound official.
RESERVED = frozenset(
    {
        # routes
        "accounts",
        "account",
        "admin",
        "api",
        "capstones",
        "completion",
        "groups",
        "healthz",
        "readyz",
        "me",
        "mail",
        "media",
        "static",
        "stages",
        "u",
        "robots",
        "favicon",
        "login",
        "logout",
        "signup",
        "signin",
        "register",
        "password",
        "settings",
        "inbox",
        "queue",
        "waiting",
        "portfolio",
        "portfolios",
        # roles and people who speak for the site
        "administrator",
        "staff",
        "support",
        "help",
        "helpdesk",
        "mentor",
        "mentors",
        "moderator",
        "mod",
        "owner",
        "root",
        "system",
        "sysadmin",
        "security",
        "abuse",
        "contact",
        "info",
        "team",
        "official",
        "postmaster",
        "hostmaster",
        "webmaster",
        "noreply",
        "reviewer",
        "learner",
        "learners",
        # the site
        "dlcurriculum",
        "learningdeeplearning",
        "curriculum",
        # words that mean nobody
        "null",
        "none",
        "nil",
        "undefined",
        "anonymous",
        "unknown",
        "nobody",
        "everyone",
        "all",
        "test",
        "example",
        "www",
    }
)

# Words a handle may not start or end with either ("support-team", "admin2", "ada-official").
ROLE_WORDS = frozenset(
    {"admin", "administrator", "staff", "support", "mentor", "moderator", "official", "security", "dlcurriculum"}
)

# Several characters that read as one; the longer sequences first.
_ALIKE_SEQUENCES = (("rn", "m"), ("vv", "w"), ("cl", "d"))
_ALIKE = str.maketrans({"0": "o", "1": "l", "i": "l", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g"})


def skeleton(handle: str) -> str:
    """What ``handle`` looks like: ``ad-m1n`` and ``admin`` share the skeleton ``admln``."""
    text = handle.lower().replace("-", "").replace("_", "").replace(".", "")
    for sequence, one in _ALIKE_SEQUENCES:
        text = text.replace(sequence, one)
    return text.translate(_ALIKE)


_RESERVED_SKELETONS = frozenset(skeleton(word) for word in RESERVED)
_ROLE_SKELETONS = frozenset(skeleton(word) for word in ROLE_WORDS)


def reserved_reason(handle: str, *, site_name: str = "") -> str | None:
    """Why ``handle`` is not for a learner, or None when it may be chosen (if nobody has a look-alike)."""
    shape = skeleton(handle)
    names = _RESERVED_SKELETONS | ({skeleton(site_name)} if site_name else set())
    if shape in names:
        return f"The handle {handle!r} is reserved: it could pass for the site, a role or one of its pages."
    roles = _ROLE_SKELETONS | ({skeleton(site_name)} if site_name else set())
    if any(shape.startswith(role) or shape.endswith(role) for role in roles):
        return f"The handle {handle!r} contains a word kept for the site and its staff; choose another."
    return None
