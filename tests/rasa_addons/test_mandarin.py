"""The NLU reads Mainland Mandarin (rasa_addons.mandarin): the same rewriting as the knowledge
base's and the actions' (kefu.mandarin), and the parse keeps what the customer typed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from kefu.config import ROOT
from kefu.mandarin import to_mandarin
from tests.rasa_addons.rasa_script import run_in_rasa

pytestmark = pytest.mark.rasa

MODEL = Path(os.environ.get("RASA_TEST_MODEL") or ROOT / "models" / "kefu.tar.gz")

CANTONESE = [
    "有冇得用八達通俾錢",
    "我啲嘢收到爛咗 點算",
    "我隻手環寄咗未呀 幾時到",
    "咁個保溫杯呢",
    "單號20231120005 寄咗未呀",
    "我對黑白波鞋寄咗出嚟未呀",
    "係唔係要俾運費 20231120003",
]

REWRITE = r"""
import json, sys
from rasa_addons.mandarin import to_mandarin, typed_offset
texts = json.loads(sys.stdin.read())
out = [to_mandarin(t)[0] for t in texts]
# an order id after words that grew ("冇" -> "没有", "幾時" -> "什么时候"): its typed place
typed = "幾時到呀 冇收到 20231120005"
mandarin, spans = to_mandarin(typed)
start = mandarin.index("20231120005")
back = [typed_offset(spans, start, end=False), typed_offset(spans, start + 11, end=True)]
print(json.dumps([out, back]))
"""


def _texts() -> list[str]:
    texts = list(CANTONESE)
    for path in sorted([*(ROOT / "data" / "nlu").rglob("*.yml"), ROOT / "tests/nlu/unseen.yml"]):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            for line in str(block.get("examples") or "").splitlines():
                texts.append(line.lstrip("- ").strip())
    return texts


def test_the_nlu_rewrites_as_the_knowledge_base_and_the_actions_do() -> None:
    texts = _texts()
    assert len(texts) > 2000
    out, back = run_in_rasa(REWRITE, stdin=json.dumps(texts), timeout=120)
    expected = [to_mandarin(t) for t in texts]
    differ = [(t, a, b) for t, a, b in zip(texts, out, expected, strict=True) if a != b]
    assert not differ, differ[:10]
    assert out[0] == "能不能用八达通付钱"
    typed = "幾時到呀 冇收到 20231120005"
    assert typed[back[0] : back[1]] == "20231120005"


PARSE = r"""
import asyncio, json, sys
from rasa.core.agent import Agent
agent = Agent.load(sys.argv[1])
out = []
for text in json.loads(sys.stdin.read()):
    parsed = asyncio.run(agent.parse_message(text))
    ids = [(e["value"], text[e["start"]:e["end"]])
           for e in parsed["entities"] if e["entity"] == "order_id"]
    lang = [e["value"] for e in parsed["entities"] if e["entity"] == "lang"]
    out.append([parsed["text"], parsed["intent"]["name"], ids, lang])
print(json.dumps(out))
"""


def test_the_trained_model_reads_cantonese_and_keeps_the_typed_text() -> None:
    texts = ["有冇得用八達通俾錢", "單號 20231120005 幾時到呀 冇收到", "我啲嘢收到爛咗 點算"]
    parsed = run_in_rasa(PARSE, str(MODEL), stdin=json.dumps(texts), timeout=300)
    assert [p[0] for p in parsed] == texts  # the tracker keeps what the customer typed
    assert parsed[0][1] == "ask_faq"  # payment methods: a shop question, not out of scope
    assert parsed[1][1] in {"check_order_status", "track_shipment"}
    assert parsed[1][2] and all(v == "20231120005" == typed for v, typed in parsed[1][2])
    assert all(p[3] == ["zh-Hant"] for p in parsed)  # the language is the typed text's


def test_the_table_is_found_from_any_working_directory(tmp_path: Path) -> None:
    # `kefu rasa` may be started anywhere (PYTHONPATH finds rasa_addons): the table is read
    # from the project root, not the working directory.
    import subprocess

    from kefu.rasa_proc import rasa_python

    script = "from rasa_addons.mandarin import to_mandarin; print(to_mandarin('幾時到')[0])"
    out = subprocess.run(
        [str(rasa_python()), "-W", "ignore", "-c", script],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert out.stdout.strip() == "什么时候到"
