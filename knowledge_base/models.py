"""SQL tables of the knowledge base (filled in by the knowledge-base work)."""
