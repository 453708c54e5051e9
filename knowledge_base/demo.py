"""Demo knowledge: the FAQs shipped in ``knowledge_base/data/demo_faqs.jsonl`` (Chinese with
English versions), loaded by ``kefu demo``'s seeder."""

from __future__ import annotations

from pathlib import Path

from knowledge_base.faq import Faq, load_faqs

DEMO_FAQS = Path(__file__).parent / "data" / "demo_faqs.jsonl"


def demo_faqs() -> list[Faq]:
    return load_faqs(DEMO_FAQS)


def seed(database_url: str) -> None:
    """Load and publish the demo FAQs into an empty knowledge base; otherwise do nothing
    (idempotent, and never touches knowledge an editor has already published)."""
    from knowledge_base.service import open_store

    store = open_store(database_url)
    try:
        if store.latest_version() > 0 or store.list_faqs(limit=1):
            return
        store.upsert_many(demo_faqs(), author="demo")
        store.publish(author="demo", note="demo knowledge")
    finally:
        store.engine.dispose()
