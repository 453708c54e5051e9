"""Signed customer identity: how a shop vouches for its logged-in customer.

The shop's server computes ``hash = hex(HMAC-SHA256(KEFU_IDENTITY_SECRET, customer_id))``
(lowercase hex), or, to make it expire, ``HMAC-SHA256(secret, customer_id + ":" + expires)``
with ``expires`` in Unix seconds; its page hands ``{customer_id, name, hash[, expires]}`` to the
chat. The expiry is signed, so it cannot be stretched. A signed identity is a bearer credential
like a session cookie: whoever copies it can replay it until it expires (there is no nonce, as
the page may reconnect many times), which is why shops should set ``expires`` (e.g. the login
session's end) and why the hash never travels in a URL. The ``name`` is not signed: it is a
display hint only; who the customer is comes from the signed ``customer_id`` alone.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Identity", "IdentityRefused", "identity_hash", "verify_identity"]

CUSTOMER_ID = re.compile(r"^[^\s\x00-\x1f\x7f]{1,128}$")
HASH = re.compile(r"^[0-9a-f]{64}$")
MAX_NAME = 64


@dataclass(frozen=True)
class Identity:
    customer_id: str
    name: str
    expires: int | None


class IdentityRefused(ValueError):
    """Why an identity was not accepted (``reason``: missing, malformed, bad_hash, expired,
    not_configured); the chat then stays anonymous."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def identity_hash(secret: str, customer_id: str, expires: int | None = None) -> str:
    """What the shop's server computes (and what kefu's tests and demo use)."""
    message = customer_id if expires is None else f"{customer_id}:{expires}"
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def _expires(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise IdentityRefused("malformed")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 12:
        return int(value)
    raise IdentityRefused("malformed")


def verify_identity(secret: str, fields: Mapping[str, Any], now: float | None = None) -> Identity:
    """The identity in ``fields`` (customer_id, name, hash, expires) if its hash is right and
    it has not expired; raises :class:`IdentityRefused` otherwise."""
    customer_id, given = fields.get("customer_id"), fields.get("hash")
    if not given and not fields.get("expires"):
        raise IdentityRefused("missing")
    if not secret:
        raise IdentityRefused("not_configured")
    if not (isinstance(customer_id, str) and CUSTOMER_ID.match(customer_id)):
        raise IdentityRefused("malformed")
    if not (isinstance(given, str) and HASH.match(given.lower())):
        raise IdentityRefused("malformed")
    expires = _expires(fields.get("expires"))
    expected = identity_hash(secret, customer_id, expires)
    if not hmac.compare_digest(expected, given.lower()):
        raise IdentityRefused("bad_hash")
    if expires is not None and expires <= (time.time() if now is None else now):
        raise IdentityRefused("expired")
    name = fields.get("name")
    name = name.strip()[:MAX_NAME] if isinstance(name, str) else ""
    return Identity(customer_id, name, expires)
