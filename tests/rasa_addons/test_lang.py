"""rasa_addons restates the gateway's language rules (it may not import kefu): both must give the
same answer for every training and test text and for what clients send as a language."""

from __future__ import annotations

import json
import subprocess

import pytest
import yaml

from kefu.config import ROOT
from kefu.i18n import detect_lang, normalise_lang
from kefu.rasa_proc import rasa_python

pytestmark = pytest.mark.rasa

CHECK = r"""
import json, sys
from rasa_addons.lang import detect_lang, normalise_lang
texts, codes = json.loads(sys.stdin.read())
print(json.dumps([[detect_lang(t) for t in texts], [normalise_lang(c) for c in codes]]))
"""

CODES = ["zh", "zh-CN", "zh_TW", "zh-Hant-HK", "zh-hk", "en-US", "EN", "fr", "", "  zh-mo "]


def _texts() -> list[str]:
    texts = ["", "123", "？？", "ok 好的", "退貨 refund", "你好", "妳好", "hello"]
    for path in sorted([*(ROOT / "data" / "nlu").rglob("*.yml"), ROOT / "tests/nlu/unseen.yml"]):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            for line in str(block.get("examples") or "").splitlines():
                texts.append(line.lstrip("- ").strip())
    return texts


def test_rasa_side_detects_languages_as_the_gateway_does() -> None:
    texts = _texts()
    assert len(texts) > 1000
    out = subprocess.run(
        [str(rasa_python()), "-c", CHECK],
        input=json.dumps([texts, CODES]),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    langs, codes = json.loads(out.stdout)
    expected = [detect_lang(t) for t in texts]
    differ = [(t, a, b) for t, a, b in zip(texts, langs, expected, strict=True) if a != b]
    assert not differ, differ[:10]
    assert {"zh", "zh-Hant", "en"} <= set(expected)
    assert codes == [normalise_lang(c) for c in CODES]
