"""``kefu kb …``: the knowledge base's command-line tools."""

from __future__ import annotations

import json
import os
import sys

import click


@click.group()
def kb() -> None:
    """FAQ knowledge base: import, export, search, eval."""


@kb.command("eval")
@click.option("--faqs", "faqs_path", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--queries", "queries_path", required=True, type=click.Path(exists=True))
@click.option("--encoder", default=None, help="use-m3 (default) or st:<name/path>")
@click.option(
    "--method",
    type=click.Choice(["dense", "fusion", "full"]),
    default=lambda: os.environ.get("KEFU_KB_METHOD", "full"),
    show_default="full (or KEFU_KB_METHOD)",
    help="dense = encoder alone; fusion = dense + lexical; full = with the learned layer",
)
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
def eval_command(
    faqs_path: str, queries_path: str, encoder: str | None, method: str, as_json: bool
) -> None:
    """Build a throw-away index from FAQS and score the labelled QUERIES against it."""
    from knowledge_base.encoders import make_encoder
    from knowledge_base.evaluate import evaluate
    from knowledge_base.faq import load_faqs, load_queries
    from knowledge_base.retriever import RetrievalConfig

    try:
        faqs = load_faqs(faqs_path)
        queries = load_queries(queries_path)
    except (ValueError, KeyError) as exc:
        raise click.ClickException(f"cannot read input: {exc}") from exc
    result = evaluate(faqs, queries, make_encoder(encoder), RetrievalConfig(method=method))
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
    else:
        for key, value in result.items():
            click.echo(f"{key:>16}: {value}")
    sys.stdout.flush()
