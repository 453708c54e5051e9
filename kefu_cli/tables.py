"""Every package's tables, registered on kefu's one ``Base`` (the schema's composition root).

The ground (``kefu.db``) only defines ``Base``; it never imports a package above it. This module
is the one place that knows every package with tables, and only the composition root imports it:
the migrations (``kefu/migrations/env.py``), the CLI and ``kefu demo``, and the tests. A package
that adds tables adds its ``models`` module here and a migration (``kefu/migrations/README.md``).
"""

from __future__ import annotations

from sqlalchemy import MetaData

from kefu.db import Base

__all__ = ["metadata"]


def metadata() -> MetaData:
    """``Base.metadata`` with the tables of every package registered."""
    import handoff.models
    import handoff.qa_models
    import handoff.report_models
    import handoff.script_models
    import handoff.ticket_models  # noqa: F401
    import knowledge_base.models  # noqa: F401
    import shop.models  # noqa: F401

    return Base.metadata
