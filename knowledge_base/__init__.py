"""The FAQ knowledge base: store, versions, retrieval. A library; it never imports Rasa."""

from knowledge_base.api import Hit, Searcher, Thresholds
from knowledge_base.lexical import content_words, nouns
from knowledge_base.service import open_searcher, open_store
from knowledge_base.text import normalise
from knowledge_base.topics import topic_terms

__all__ = [
    "Hit",
    "Searcher",
    "Thresholds",
    "content_words",
    "normalise",
    "nouns",
    "open_searcher",
    "open_store",
    "topic_terms",
]
