"""The bot's own responses in domain.yml speak all three languages, and their traditional
variants are exactly OpenCC's s2tw of the simplified text (``kefu.i18n.to_traditional``): Rasa
needs the text written out, but it may not be typed by hand, where it drifts (爲 for 為)."""

from __future__ import annotations

from typing import Any

import yaml

from kefu.config import ROOT
from kefu.i18n import to_traditional


def _variants(response: list[dict[str, Any]], lang: str) -> list[str]:
    out = []
    for variant in response:
        chosen = [c.get("value") for c in variant.get("condition", []) if c.get("name") == "lang"]
        if (chosen[0] if chosen else "zh") == lang:
            out.append(variant["text"])
    return out


def test_every_response_has_three_languages_and_generated_traditional():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    responses: dict[str, list[dict[str, Any]]] = domain["responses"]
    assert responses
    for name, response in responses.items():
        zh, hant, en = (_variants(response, lang) for lang in ("zh", "zh-Hant", "en"))
        assert zh and en and hant, f"{name}: zh {len(zh)}, zh-Hant {len(hant)}, en {len(en)}"
        assert hant == [to_traditional(text) for text in zh], (
            f"{name}: write its zh-Hant variant as to_traditional(zh)"
        )
