"""Shared fixtures of the knowledge-base tests: the packaged encoder (loaded once) and the
demo FAQs shipped in the package."""

from __future__ import annotations

from pathlib import Path

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


class StaffMember:
    def __init__(self, username: str, roles: list[str]) -> None:
        self.username, self.roles = username, roles


@pytest.fixture
def editor_app(  # type: ignore[no-untyped-def]
    database_url: str, redis_url: str, monkeypatch: pytest.MonkeyPatch
):
    """A staff-console app with only the KB editor mounted, plus bearer headers per role."""
    from sanic import Sanic

    from handoff.accounts import Tokens
    from kefu.config import CommonSettings
    from kefu.web import install_error_handlers
    from knowledge_base.editor import mount
    from tests.conftest import TEST_JWT_SECRET, unique_app_name

    monkeypatch.setenv("KEFU_KB_METHOD", "fusion")  # quick index builds in tests
    app = Sanic(unique_app_name("kb-editor"))
    app.config.FALLBACK_ERROR_FORMAT = "json"
    tokens = Tokens(TEST_JWT_SECRET, 3600)
    app.ctx.tokens = tokens
    install_error_handlers(app)
    mount(app, CommonSettings(database_url=database_url, redis_url=redis_url))

    def headers(*roles: str, username: str = "ed") -> dict[str, str]:
        return {"Authorization": "Bearer " + tokens.issue(StaffMember(username, list(roles)))}

    return app, headers
