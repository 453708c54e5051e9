"""Demo data for `kefu demo`: each package that has some registers its seeder here.

A seeder takes the database URL, is idempotent (running it twice changes nothing) and never
touches data that is not its own demo data.
"""

from __future__ import annotations

from collections.abc import Callable

Seeder = Callable[[str], None]


def seeders() -> list[tuple[str, Seeder]]:
    """The seeders, imported when needed (never at import time of kefu)."""
    from knowledge_base.demo import seed as seed_knowledge
    from shop.demo import seed_shop

    found: list[tuple[str, Seeder]] = [("shop", seed_shop), ("knowledge", seed_knowledge)]
    return found


def seed_demo(database_url: str) -> list[str]:
    done = []
    for name, seeder in seeders():
        seeder(database_url)
        done.append(name)
    return done
