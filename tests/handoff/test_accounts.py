"""Staff accounts under concurrency: two processes creating the same account at once (two staff
consoles starting together both create the first admin) get one account and a 409, never a crash."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from handoff.accounts import create_account, ensure_admin
from handoff.models import StaffAccount
from kefu.db import make_async_engine
from kefu.errors import ApiError


async def test_the_first_admin_is_created_once_by_racing_processes(database_url: str):
    engines = [make_async_engine(database_url) for _ in range(4)]  # one per "process"
    try:
        created = await asyncio.gather(*(ensure_admin(e, "admin-password-1") for e in engines))
        assert created.count(True) == 1, created
        async with AsyncSession(engines[0]) as session:
            count = await session.scalar(select(func.count()).select_from(StaffAccount))
        assert count == 1
        results = await asyncio.gather(
            *(create_account(e, "xiaoli", "long-enough-1", ["agent"]) for e in engines),
            return_exceptions=True,
        )
        assert sum(isinstance(r, StaffAccount) for r in results) == 1
        refused = [r for r in results if isinstance(r, ApiError)]
        assert len(refused) == 3 and {(r.status, r.code) for r in refused} == {
            (409, "username_taken")
        }
    finally:
        for engine in engines:
            await engine.dispose()


@pytest.mark.parametrize("password", ["", None])
async def test_no_admin_without_a_password(database_url: str, password: str | None):
    engine = make_async_engine(database_url)
    try:
        assert await ensure_admin(engine, password or "") is False
    finally:
        await engine.dispose()
