"""Seed a realistic stretch of service history (``kefu_cli.history``; the same as ``kefu demo
--history 30d`` does before it starts):

    .venv/bin/python -m bench.history --days 30 [--per-day 800] [--database-url URL] [--seed 1]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kefu_cli.history import main, rows, seed_history

__all__ = ["main", "rows", "seed_history"]

if __name__ == "__main__":
    main()
