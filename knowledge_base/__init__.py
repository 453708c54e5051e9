"""The FAQ knowledge base: store, versions, retrieval. A library; it never imports Rasa."""

from knowledge_base.api import Hit, Searcher, Thresholds

__all__ = ["Hit", "Searcher", "Thresholds"]
