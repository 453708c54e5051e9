"""Shared fixtures of the knowledge-base tests: the packaged encoder (loaded once) and the
demo FAQs shipped in the package."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from knowledge_base.encoders import Encoder, make_encoder
from knowledge_base.faq import Faq, load_faqs

DATA = Path(__file__).parent / "data"
DEMO_FAQS = Path(__file__).resolve().parents[2] / "knowledge_base" / "data" / "demo_faqs.jsonl"


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    return make_encoder("use-m3")


@pytest.fixture(scope="session")
def demo_faqs() -> list[Faq]:
    return load_faqs(DEMO_FAQS)


@pytest.fixture(scope="session")
def small_faqs(demo_faqs: list[Faq]) -> list[Faq]:
    """A quick subset: 12 Chinese FAQs and their English versions."""
    ids = {f.id for f in demo_faqs if f.lang == "zh"}
    keep = sorted(ids)[::7][:12]
    return [f for f in demo_faqs if f.id in keep or f.id.removesuffix("-en") in keep]


# ---------------------------------------------------------------- the editor in a staff app


@pytest.fixture
def editor_app(  # type: ignore[no-untyped-def]
    database_url: str, redis_url: str, monkeypatch: pytest.MonkeyPatch
):
    """A staff-console app with only the KB editor mounted, plus bearer headers per role: real
    staff accounts in SQL, checked per request as the staff console does."""
    from sanic import Sanic
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from console.api import resolve_principal
    from console.app import authorise_staff
    from console.staff_auth import StaffAuth
    from handoff.accounts import Tokens
    from handoff.audit import AuditLog
    from handoff.models import StaffAccount
    from kefu.config import CommonSettings
    from kefu.db import make_async_engine, make_engine
    from kefu.web import install_error_handlers
    from knowledge_base.editor import mount
    from tests.conftest import TEST_JWT_SECRET, unique_app_name

    monkeypatch.setenv("KEFU_KB_METHOD", "fusion")  # quick index builds in tests
    app = Sanic(unique_app_name("kb-editor"))
    app.config.FALLBACK_ERROR_FORMAT = "json"
    tokens = Tokens(TEST_JWT_SECRET, 3600)
    app.ctx.tokens = tokens
    install_error_handlers(app)
    app.register_middleware(resolve_principal, "request")

    async def ask_the_bot(query: str, lang: str | None) -> dict[str, Any]:
        """The preview as the staff console wires it, minus the HTTP hop to the action server
        (tests/actions/test_kb_search.py covers that): the bot's own decision step
        (actions/_preview.py) on this editor's live knowledge base."""
        from actions._preview import preview
        from actions._services import Services
        from actions.settings import ActionSettings
        from kefu.i18n import detect_lang

        services = Services(
            settings=ActionSettings(database_url=database_url),
            shop=None,  # type: ignore[arg-type]  # the preview asks the knowledge base only
            handoff=None,  # type: ignore[arg-type]
            _searcher=app.ctx.kb.searcher,
        )
        return await preview(services, query, lang or detect_lang(query))

    settings = CommonSettings(database_url=database_url, redis_url=redis_url)
    mount(app, settings, authorise_staff, ask_the_bot)

    @app.before_server_start
    async def open_auth(app: Sanic) -> None:
        app.ctx.staff_auth = StaffAuth(tokens, make_async_engine(database_url))
        app.ctx.audit = AuditLog(app.ctx.staff_auth.engine)  # the host app's audit log

    @app.after_server_stop
    async def close_auth(app: Sanic) -> None:
        await app.ctx.staff_auth.engine.dispose()

    engine = make_engine(database_url)

    def headers(*roles: str, username: str = "ed") -> dict[str, str]:
        with Session(engine, expire_on_commit=False) as session:
            account = session.scalar(select(StaffAccount).where(StaffAccount.username == username))
            if account is None:
                account = StaffAccount(username=username, password_hash="not-used-here")
                session.add(account)
            account.roles = list(roles)
            account.skill_groups = []
            session.commit()
        return {"Authorization": "Bearer " + tokens.issue(account)}

    yield app, headers
    engine.dispose()
