"""Who is calling, checked against the account and not only the token's signature.

A signed token is accepted only while its account exists and is active, its password is the
one the token was issued under, and the token was not revoked (logout). The answer is cached
for ``cache_s`` seconds per token, so disabling an account or changing a password reaches
every staff console within that time; this process forgets its cache at once.
"""

from __future__ import annotations

import time

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from handoff.accounts import Principal, Tokens, password_fingerprint
from handoff.models import RevokedToken, StaffAccount
from kefu.errors import ApiError

CACHE_S = 5.0
_CACHE_MAX = 10_000


class StaffAuth:
    def __init__(self, tokens: Tokens, engine: AsyncEngine, cache_s: float = CACHE_S) -> None:
        self.tokens = tokens
        self.engine = engine
        self.cache_s = cache_s
        self._cache: dict[str, tuple[float, Principal | ApiError]] = {}

    async def principal(self, token: str) -> Principal:
        """The caller of ``token`` with their current roles and skill groups, or 401."""
        claims = self.tokens.verify(token)  # signature and expiry: 401 before any lookup
        now = time.monotonic()
        cached = self._cache.get(token)
        if cached is None or cached[0] < now:
            if len(self._cache) >= _CACHE_MAX:
                self._cache.clear()
            result: Principal | ApiError
            try:
                result = await self._check(claims)
            except ApiError as exc:
                result = exc
            cached = (now + self.cache_s, result)
            self._cache[token] = cached
        if isinstance(cached[1], ApiError):
            raise cached[1]
        return cached[1]

    async def _check(self, claims: Principal) -> Principal:
        async with AsyncSession(self.engine) as session:
            account = await session.scalar(
                select(StaffAccount).where(StaffAccount.username == claims.username)
            )
            revoked = bool(claims.token_id) and (
                await session.get(RevokedToken, claims.token_id) is not None
            )
        if account is None or not account.active:
            raise ApiError(401, "account_disabled", "this account is disabled or gone")
        if revoked or claims.password_fp != password_fingerprint(account.password_hash):
            raise ApiError(401, "token_revoked", "this session has ended; log in again")
        return Principal(
            account.username,
            frozenset(account.roles),
            skill_groups=frozenset(account.skill_groups),
            token_id=claims.token_id,
            expires_at=claims.expires_at,
        )

    async def revoke(self, who: Principal) -> None:
        """End ``who``'s token now (logout); expired revocations are dropped on the way."""
        async with AsyncSession(self.engine) as session:
            await session.execute(delete(RevokedToken).where(RevokedToken.expires_at < time.time()))
            if who.token_id and await session.get(RevokedToken, who.token_id) is None:
                session.add(
                    RevokedToken(jti=who.token_id, username=who.username, expires_at=who.expires_at)
                )
            await session.commit()
        self.forget(who.username)

    def forget(self, username: str) -> None:
        """Drop this process's cached answers for ``username`` (disabled, password changed)."""
        for token, (_until, result) in list(self._cache.items()):
            if isinstance(result, ApiError) or result.username == username:
                self._cache.pop(token, None)
