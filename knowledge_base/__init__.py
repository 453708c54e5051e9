"""The FAQ knowledge base: store, versions, retrieval. A library; it never imports Rasa."""
