"""Every text the gateway says is written once in simplified Chinese and English; traditional
Chinese customers get it converted by OpenCC (never hand-typed copies that drift apart)."""

from __future__ import annotations

import pytest

from bot import texts
from kefu.i18n import detect_lang, to_simplified, to_traditional

CATALOGUE = {name: value for name, value in vars(texts).items() if name.isupper()}
VALUES = {"label": "Nanjing Road", "position": 2, "minutes": 3, "name": "Li"}


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_each_text_in_three_languages(name: str):
    entry = CATALOGUE[name]
    assert len(entry) == 2, f"{name}: (simplified Chinese, English) only"
    zh = texts.say("zh", entry, **VALUES)
    hant = texts.say("zh-Hant", entry, **VALUES)
    en = texts.say("en", entry, **VALUES)
    assert detect_lang(zh) == "zh" and detect_lang(en) == "en"
    assert to_simplified(hant) == zh
    if to_traditional(zh) != zh:  # it has characters that differ in traditional
        assert detect_lang(hant) == "zh-Hant", hant  # really traditional, not the simplified
    assert "爲" not in hant and "裏" not in hant  # the forms customers use (為, 裡)
