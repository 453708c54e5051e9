"""Signed customer identity (kefu.identity): the shop's HMAC, its expiry, and what is refused."""

from __future__ import annotations

import hashlib
import hmac

import pytest

import kefu.identity
from kefu.identity import IdentityRefused, identity_hash, verify_identity

SECRET = "s3cret-for-tests"


def test_the_hash_is_the_documented_hmac():
    assert (
        identity_hash(SECRET, "demo-001")
        == hmac.new(SECRET.encode(), b"demo-001", hashlib.sha256).hexdigest()
    )
    assert (
        identity_hash(SECRET, "demo-001", 1900000000)
        == hmac.new(SECRET.encode(), b"demo-001:1900000000", hashlib.sha256).hexdigest()
    )


def test_a_valid_identity_is_accepted_and_the_name_is_a_hint():
    got = verify_identity(
        SECRET,
        {"customer_id": "demo-001", "name": " 张晓雯 ", "hash": identity_hash(SECRET, "demo-001")},
    )
    assert (got.customer_id, got.name, got.expires) == ("demo-001", "张晓雯", None)
    upper = identity_hash(SECRET, "demo-001").upper()  # hex case does not matter
    assert verify_identity(SECRET, {"customer_id": "demo-001", "hash": upper}).customer_id


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"customer_id": "demo-002", "hash": identity_hash(SECRET, "demo-001")}, "bad_hash"),
        ({"customer_id": "demo-001", "hash": identity_hash("other", "demo-001")}, "bad_hash"),
        ({"customer_id": "demo-001", "hash": "0" * 64}, "bad_hash"),
        ({"customer_id": "demo-001", "hash": "zz"}, "malformed"),
        ({"customer_id": "demo 001", "hash": identity_hash(SECRET, "demo 001")}, "malformed"),
        ({"customer_id": ["x"], "hash": "0" * 64}, "malformed"),
        ({"customer_id": "demo-001"}, "missing"),
        # expiry is signed: a later expires with the old hash fails
        (
            {
                "customer_id": "demo-001",
                "expires": 2000000000,
                "hash": identity_hash(SECRET, "demo-001", 1000),
            },
            "bad_hash",
        ),
        (
            {
                "customer_id": "demo-001",
                "expires": 1000,
                "hash": identity_hash(SECRET, "demo-001", 1000),
            },
            "expired",
        ),
        (
            {"customer_id": "demo-001", "expires": True, "hash": identity_hash(SECRET, "demo-001")},
            "malformed",
        ),
    ],
)
def test_bad_identities_are_refused_with_a_reason(fields, reason):
    with pytest.raises(IdentityRefused) as caught:
        verify_identity(SECRET, fields, now=1700000000)
    assert caught.value.reason == reason


def test_an_expiry_in_the_future_is_accepted_also_as_a_string():
    fields = {
        "customer_id": "demo-001",
        "expires": "1800000000",
        "hash": identity_hash(SECRET, "demo-001", 1800000000),
    }
    assert verify_identity(SECRET, fields, now=1700000000).expires == 1800000000


def test_without_a_secret_nobody_is_verified():
    with pytest.raises(IdentityRefused) as caught:
        verify_identity("", {"customer_id": "demo-001", "hash": identity_hash("", "demo-001")})
    assert caught.value.reason == "not_configured"


def test_public_surface():
    assert set(kefu.identity.__all__) == {
        "Identity",
        "IdentityRefused",
        "identity_hash",
        "verify_identity",
    }
