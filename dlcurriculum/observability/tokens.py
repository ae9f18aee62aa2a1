"""The bearer token that guards /metrics and the workers' metrics port."""

from __future__ import annotations

import hmac


def bearer_token_matches(authorization: str, token: str) -> bool:
    """``Authorization: Bearer <token>``, compared in constant time; never true without a configured token."""
    scheme, _, given = authorization.partition(" ")
    if not token or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())
