"""``to_mandarin``: regional Chinese read as Mainland Mandarin, Mandarin left as it is."""

from __future__ import annotations

import yaml

from kefu.config import ROOT
from kefu.mandarin import read_table, regional_to_mandarin, to_mandarin


def _examples(folder: str) -> list[str]:
    texts = []
    for path in sorted((ROOT / "data" / "nlu" / folder).rglob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            for line in str(block.get("examples") or "").splitlines():
                texts.append(line.lstrip("- ").strip())
    return texts


def test_cantonese_and_taiwan_words_become_mainland_words() -> None:
    assert to_mandarin("有冇得用八達通俾錢") == "能不能用八达通付钱"
    assert to_mandarin("我啲嘢收到爛咗 點算") == "我的东西收到坏了 怎么办"
    assert to_mandarin("我隻手環寄咗未呀 幾時到") == "我只手环寄了没有呀 什么时候到"
    assert to_mandarin("係唔係要俾運費") == "是不是要给运费"
    assert to_mandarin("藍牙耳機還在保固內嗎") == "蓝牙耳机还在保修内吗"
    assert to_mandarin("要整幾耐") == "要修多久"  # 整: to fix, of a repair
    assert to_mandarin("單號畀我吖") == "单号给我吖"
    assert to_mandarin("咁算數 照收") == "那算了 照收"
    assert to_mandarin("手环fa货了没") == "手环发货了没"
    assert to_mandarin("仲喺保養期內") == "仲在保修期内"
    assert to_mandarin("我對42碼黑白鞋去到邊呀") == "我对42码黑白鞋到哪了呀"
    assert to_mandarin("聲波嗰支唔著得機 仲喺保用期內嗎") == "声波那支开不了机 仲在保修期内吗"
    assert to_mandarin("退款搞掂未") == "退款好了没"
    assert to_mandarin("我對黑白波鞋寄咗出嚟未呀") == "我对黑白运动鞋寄出来了没有呀"
    assert to_mandarin("D錢返咗嚟未") == "D钱回来了没有"
    assert to_mandarin("條牛仔褲洗一次就甩色") == "条牛仔裤洗一次就掉色"  # 甩色: the colour runs


def test_a_shop_word_half_typed_in_pinyin_is_the_word() -> None:
    assert to_mandarin("耳机那单的发piao开了没") == "耳机那单的发票开了没"
    assert to_mandarin("退kuan啥时候到") == "退款啥时候到"
    assert to_mandarin("can you send the fapiao") == "can you send the fapiao"


def test_mandarin_and_english_are_left_as_they_are() -> None:
    """No entry is a Mainland word of its own: every simplified and English training example
    reads the same after the table (唔 alone, Mandarin's "mm", is one reason the table lists
    唔's compounds rather than 唔)."""
    texts = _examples("zh") + _examples("en")
    assert len(texts) > 1500
    changed = [t for t in texts if regional_to_mandarin(t) != t]
    assert not changed, changed[:10]
    assert to_mandarin("唔 好的 谢谢") == "唔 好的 谢谢"
    assert to_mandarin("I want a refund") == "I want a refund"


def test_every_table_line_has_a_regional_word() -> None:
    table = read_table()
    assert len(table) > 100
    assert all(word and "\t" not in word for word in table)
