"""``python -m evaluation conversations FILE.yml [FILE …]`` (what ``kefu eval conversations``
runs): plays the conversations, prints the failures and the figures per language, and with
``--json`` writes them all. Exits 0 whatever the figures are (they are measurements)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import asdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evaluation.report import render, summary  # noqa: E402
from evaluation.run import eval_stack, play_all  # noqa: E402
from evaluation.scenarios import load  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kefu eval")
    sub = parser.add_subparsers(dest="what", required=True)
    conv = sub.add_parser("conversations", help="play scripted conversations and judge them")
    conv.add_argument("files", nargs="+", type=Path, help="YAML files or directories of them")
    conv.add_argument("--json", type=Path, help="write the figures and every verdict here")
    conv.add_argument("--concurrency", type=int, default=3)
    conv.add_argument("--model", type=Path, default=None)
    conv.add_argument("--quiet", action="store_true", help="only the figures, no failures")
    args = parser.parse_args(argv)
    missing = [str(f) for f in args.files if not f.exists()]
    if missing:
        parser.error(f"no such file or directory: {', '.join(missing)}")
    try:
        data = load(args.files)
    except (ValueError, yaml.YAMLError) as exc:  # pydantic's ValidationError is a ValueError
        parser.error(f"bad conversation file: {exc}")
    print(f"{len(data.conversations)} conversations", flush=True)
    with eval_stack(args.model) as stack:
        verdicts = asyncio.run(play_all(stack, data, min(max(args.concurrency, 1), 16)))
    print(render(verdicts, verbose=not args.quiet))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {"summary": summary(verdicts), "verdicts": [asdict(v) for v in verdicts]},
                ensure_ascii=False,
                indent=1,
            ),
            "utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
