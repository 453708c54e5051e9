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
