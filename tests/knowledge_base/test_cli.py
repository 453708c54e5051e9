"""``kefu kb …`` end to end on real SQL and Redis, and the demo seeder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kefu.redis_client import sync_client
from kefu_cli.cli import main
from knowledge_base.demo import demo_faqs, seed
from knowledge_base.faq import Faq
from knowledge_base.live import VERSION_KEY
from knowledge_base.service import open_store


@pytest.fixture
def env(sqlite_url: str, redis_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("KEFU_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("KEFU_REDIS_URL", redis_url)
    monkeypatch.setenv("KEFU_KB_METHOD", "fusion")
    return {"db": sqlite_url, "redis": redis_url}


def test_import_publish_export_rollback(
    env: dict[str, str], tmp_path: Path, small_faqs: list[Faq]
) -> None:
    source = tmp_path / "faqs.jsonl"
    lines = [json.dumps(f.to_json(), ensure_ascii=False) for f in small_faqs]
    lines.insert(2, '{"id": "broken"}')
    source.write_text("\n".join(lines), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["kb", "import", str(source), "--publish"])
    assert result.exit_code == 0, result.output
    assert f"imported {len(small_faqs)} FAQs, 1 bad rows" in result.output
    assert "line 3: question is required" in result.output
    assert int(sync_client(env["redis"]).get(VERSION_KEY)) == 1

    out = tmp_path / "out.xlsx"
    assert runner.invoke(main, ["kb", "export", str(out)]).exit_code == 0
    assert out.stat().st_size > 0
    result = runner.invoke(main, ["kb", "search", small_faqs[0].question, "--lang", "zh"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.splitlines()[0])["faq_id"] == small_faqs[0].id
    assert runner.invoke(main, ["kb", "publish"]).exit_code == 0
    result = runner.invoke(main, ["kb", "rollback", "1"])
    assert json.loads(result.output)["version"] == 3
    result = runner.invoke(main, ["kb", "rollback", "42"])
    assert result.exit_code != 0 and "no version 42" in result.output


def test_eval_prints_one_json_object(
    env: dict[str, str], tmp_path: Path, small_faqs: list[Faq]
) -> None:
    faqs = tmp_path / "faqs.jsonl"
    faqs.write_text("\n".join(json.dumps(f.to_json(), ensure_ascii=False) for f in small_faqs))
    queries = tmp_path / "queries.jsonl"
    zh = [f for f in small_faqs if f.lang == "zh"]
    queries.write_text(
        "\n".join(
            json.dumps({"query": f.similar_questions[0], "gold": [f.id]}, ensure_ascii=False)
            for f in zh
        )
    )
    result = CliRunner().invoke(
        main, ["kb", "eval", "--faqs", str(faqs), "--queries", str(queries), "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {
        "recall_at_1",
        "recall_at_5",
        "mrr",
        "queries",
        "latency_ms_p50",
        "latency_ms_p99",
        "encoder",
    } <= data.keys()
    assert data["queries"] == len(zh) and data["encoder"] == "use-m3"
    assert data["recall_at_5"] >= data["recall_at_1"] > 0.5
    # the throw-away index never touched the live store
    assert open_store(env["db"]).latest_version() == 0


def test_demo_seed_is_idempotent_and_rich_enough(sqlite_url: str) -> None:
    faqs = demo_faqs()
    zh = [f for f in faqs if f.lang == "zh"]
    assert len(zh) >= 80 and len(faqs) == 2 * len(zh)
    assert all(3 <= len(f.similar_questions) <= 8 for f in faqs)
    seed(sqlite_url)
    seed(sqlite_url)
    store = open_store(sqlite_url)
    assert store.latest_version() == 1
    assert len(store.snapshot()[1]) == len(faqs)
