"""Staff accounts: password hashing (argon2), login tokens (JWT), the first admin."""

from __future__ import annotations

import asyncio
import hashlib
import re
import time
import uuid
from dataclasses import dataclass, field
from functools import lru_cache

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from handoff.account_fields import NewAccount
from handoff.models import StaffAccount
from kefu.bodies import validate_fields
from kefu.errors import ApiError

USERNAME = re.compile(r"^[A-Za-z0-9_.-]{2,64}$")
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def hash_password_async(password: str) -> str:
    """argon2 is deliberately slow: hash in a worker thread, never on the event loop."""
    return await asyncio.to_thread(hash_password, password)


async def verify_password_async(password_hash: str, password: str) -> bool:
    return await asyncio.to_thread(verify_password, password_hash, password)


def password_fingerprint(password_hash: str) -> str:
    """A short digest of the stored hash, carried in tokens: a password change ends them."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Principal:
    """Who is calling a staff endpoint, from their token."""

    username: str
    roles: frozenset[str]
    skill_groups: frozenset[str] = frozenset()
    token_id: str = ""
    expires_at: float = 0.0
    password_fp: str = field(default="", repr=False)

    def require(self, *roles: str) -> None:
        """403 unless the caller has one of ``roles`` (admin may do everything)."""
        if "admin" in self.roles or self.roles.intersection(roles):
            return
        raise ApiError(403, "forbidden", f"this needs one of the roles: {', '.join(roles)}")


class Tokens:
    def __init__(self, secret: str, ttl_s: int) -> None:
        if len(secret) < 32:
            raise ValueError("KEFU_JWT_SECRET must be at least 32 characters")
        self._secret = secret
        self._ttl = ttl_s

    def issue(self, account: StaffAccount) -> str:
        now = int(time.time())
        claims = {
            "sub": account.username,
            "roles": list(account.roles),
            "jti": uuid.uuid4().hex,
            "pwf": password_fingerprint(account.password_hash),
            "iat": now,
            "exp": now + self._ttl,
        }
        return jwt.encode(claims, self._secret, algorithm="HS256")

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token, self._secret, algorithms=["HS256"], options={"require": ["exp", "sub"]}
            )
        except jwt.ExpiredSignatureError:
            raise ApiError(401, "token_expired", "your session has expired; log in again") from None
        except jwt.InvalidTokenError:
            raise ApiError(401, "unauthorized", "invalid token") from None
        return Principal(
            str(claims["sub"]),
            frozenset(claims.get("roles", [])),
            token_id=str(claims.get("jti", "")),
            expires_at=float(claims["exp"]),
            password_fp=str(claims.get("pwf", "")),
        )


def validate_account_fields(
    username: object, password: object, roles: object, skill_groups: object, capacity: object
) -> None:
    """400 with the field's code unless these make a valid account (``NewAccount``'s rules)."""
    validate_fields(
        NewAccount,
        {
            "username": username,
            "password": password,
            "roles": roles,
            "skill_groups": skill_groups,
            "capacity": capacity,
        },
    )


async def create_account(
    engine: AsyncEngine,
    username: str,
    password: str,
    roles: list[str],
    skill_groups: list[str] | None = None,
    capacity: int = 3,
    display_name: str = "",
) -> StaffAccount:
    validate_account_fields(username, password, roles, skill_groups or [], capacity)
    async with AsyncSession(engine, expire_on_commit=False) as session:
        existing = await session.scalar(
            select(StaffAccount).where(StaffAccount.username == username)
        )
        if existing is not None:
            raise ApiError(409, "username_taken", f"an account named {username!r} exists")
        account = StaffAccount(
            username=username,
            display_name=display_name or username,
            password_hash=await hash_password_async(password),
            roles=roles,
            skill_groups=skill_groups or [],
            capacity=capacity,
        )
        session.add(account)
        try:
            await session.commit()
        except IntegrityError:
            # the same name created by another request or process between the check and here
            # (two staff consoles starting at once both create the first admin)
            raise ApiError(409, "username_taken", f"an account named {username!r} exists") from None
        return account


async def authenticate(engine: AsyncEngine, username: str, password: str) -> StaffAccount:
    async with AsyncSession(engine, expire_on_commit=False) as session:
        account = await session.scalar(
            select(StaffAccount).where(StaffAccount.username == username)
        )
    # Verify against a dummy hash when the user is unknown, so timing does not tell.
    stored = account.password_hash if account else _dummy_hash()
    if not await verify_password_async(stored, password) or account is None or not account.active:
        raise ApiError(401, "invalid_login", "wrong username or password")
    return account


async def ensure_admin(engine: AsyncEngine, password: str) -> bool:
    """Create the first ``admin`` account from KEFU_ADMIN_PASSWORD; False if it exists."""
    if not password:
        return False
    async with AsyncSession(engine) as session:
        exists = await session.scalar(select(StaffAccount).where(StaffAccount.username == "admin"))
    if exists is not None:
        return False
    try:
        await create_account(engine, "admin", password, ["admin"], [], 0, "管理员 Admin")
    except ApiError as exc:
        if exc.code != "username_taken":  # another process created it a moment ago
            raise
        return False
    return True


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password("kefu-dummy-password-for-timing")
