"""``kefu kb …``: the knowledge base's command-line tools."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from knowledge_base.settings import KbSettings

if TYPE_CHECKING:
    from knowledge_base.store import FaqStore


def _store() -> FaqStore:
    from kefu.config import CommonSettings
    from knowledge_base.service import open_store

    return open_store(CommonSettings().database_url)


def _announce(version: int) -> None:
    import redis

    from kefu.config import CommonSettings
    from kefu.redis_client import sync_client
    from knowledge_base.live import announce

    settings = CommonSettings()
    try:
        client = sync_client(settings.redis_url, socket_timeout=3)
        announce(client, version)
        client.close()
    except redis.RedisError as exc:
        click.echo(
            f"note: Redis unreachable ({exc}); running searchers pick the version up "
            "from SQL within a minute",
            err=True,
        )


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=None))


@click.group()
def kb() -> None:
    """FAQ knowledge base: import, export, search, publish, versions, eval."""


@kb.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--publish", "do_publish", is_flag=True, help="publish a new version afterwards")
@click.option("--author", default="cli", show_default=True)
def import_command(path: str, do_publish: bool, author: str) -> None:
    """Import FAQs from a .jsonl, .csv or .xlsx file (as drafts)."""
    from knowledge_base.faq_input import StoreError
    from knowledge_base.files import guess_format, parse_faqs

    try:
        faqs, report = parse_faqs(Path(path).read_bytes(), guess_format(path), progress=True)
    except StoreError as exc:
        raise click.ClickException(exc.message) from exc
    store = _store()
    report.imported = store.upsert_many(faqs, author=author) if faqs else 0
    for error in report.errors:
        click.echo(f"line {error['line']}: {error['reason']}", err=True)
    click.echo(
        f"imported {report.imported} FAQs, {len(report.errors)} bad rows "
        f"(encoding {report.encoding})"
    )
    if do_publish and report.imported:
        version = store.publish(author=author)["version"]
        _announce(version)
        click.echo(f"published version {version}")


@kb.command("export")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--version", "version", type=int, default=None, help="a published version")
def export_command(path: str, version: int | None) -> None:
    """Export the working copy (or a published version) to .jsonl, .csv or .xlsx."""
    from knowledge_base.faq_input import StoreError
    from knowledge_base.files import dump_faqs, guess_format

    store = _store()
    try:
        fmt = guess_format(path)
        faqs = store.snapshot(version)[1] if version else store.working_faqs()
    except StoreError as exc:
        raise click.ClickException(exc.message) from exc
    Path(path).write_bytes(dump_faqs(faqs, fmt))
    click.echo(f"exported {len(faqs)} FAQs to {path}")


@kb.command("publish")
@click.option("--author", default="cli", show_default=True)
@click.option("--note", default="")
def publish_command(author: str, note: str) -> None:
    """Publish the working copy as a new version; running searchers swap to it."""
    info = _store().publish(author=author, note=note)
    _announce(info["version"])
    _echo_json(info)


@kb.command("versions")
def versions_command() -> None:
    """List published versions, newest first."""
    for item in _store().versions():
        _echo_json(item)


@kb.command("rollback")
@click.argument("version", type=int)
@click.option("--author", default="cli", show_default=True)
def rollback_command(version: int, author: str) -> None:
    """Publish the content of VERSION again as a new version."""
    from knowledge_base.faq_input import StoreError

    try:
        info = _store().rollback(version, author=author)
    except StoreError as exc:
        raise click.ClickException(exc.message) from exc
    _announce(info["version"])
    _echo_json(info)


@kb.command("search")
@click.argument("query")
@click.option("--lang", default=None)
@click.option("-k", "k", default=5, show_default=True)
def search_command(query: str, lang: str | None, k: int) -> None:
    """Search the newest published version (builds its index in this process)."""
    from knowledge_base.encoders import make_encoder
    from knowledge_base.retriever import RetrievalConfig, Retriever

    version, faqs = _store().snapshot()
    if not faqs:
        raise click.ClickException("nothing published yet: kefu kb import FILE --publish")
    method = KbSettings().method
    retriever = Retriever.build(faqs, make_encoder(), RetrievalConfig(method=method), version)
    for hit in retriever.search(query, lang=lang, k=k):
        _echo_json({"faq_id": hit.faq_id, "score": hit.score, "question": hit.question})


@kb.command("eval")
@click.option("--faqs", "faqs_path", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--queries", "queries_path", required=True, type=click.Path(exists=True))
@click.option("--encoder", default=None, help="use-m3 (default) or st:<name/path>")
@click.option(
    "--method",
    type=click.Choice(["dense", "fusion", "full"]),
    default=lambda: KbSettings().method,
    show_default="full (or KEFU_KB_METHOD)",
    help="dense = encoder alone; fusion = dense + lexical; full = with the learned layer",
)
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
def eval_command(
    faqs_path: str, queries_path: str, encoder: str | None, method: str, as_json: bool
) -> None:
    """Build a throw-away index from FAQS and score the labelled QUERIES against it."""
    from knowledge_base.encoders import CachedEncoder, Encoder, make_encoder
    from knowledge_base.evaluate import evaluate
    from knowledge_base.faq import load_faqs, load_queries
    from knowledge_base.retriever import RetrievalConfig

    try:
        faqs = load_faqs(faqs_path)
        queries = load_queries(queries_path)
        enc: Encoder = make_encoder(encoder)
    except (ValueError, KeyError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"cannot read input: {exc}") from exc
    if cache := KbSettings().query_cache:
        enc = CachedEncoder(enc, cache)  # queries encoded as the serving processes encode them
    result = evaluate(faqs, queries, enc, RetrievalConfig(method=method))
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
    else:
        for key, value in result.items():
            click.echo(f"{key:>16}: {value}")
    sys.stdout.flush()
