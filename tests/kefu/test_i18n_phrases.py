"""Traditional text is derived with OpenCC s2tw plus a small phrase table for shop words s2tw
gets wrong (``kefu.i18n.PHRASES``): a size chart is 尺碼表, never 尺碼錶 (a stopwatch)."""

from __future__ import annotations

import pytest

from kefu.i18n import say, to_simplified, to_traditional


@pytest.mark.parametrize(
    ("simplified", "traditional"),
    [
        ("尺码表", "尺碼表"),
        ("发票", "發票"),
        ("快递", "快遞"),
        ("退货", "退貨"),
        ("优惠券", "優惠券"),
        ("客服", "客服"),
        ("鞋码表", "鞋碼表"),
        ("账户", "帳戶"),
    ],
)
def test_shop_words(simplified: str, traditional: str) -> None:
    assert to_traditional(simplified) == traditional


def test_phrase_inside_a_sentence_and_the_rest_still_converted() -> None:
    text = "请先查看商品页的尺码表，再申请退货；发票在我的账户里下载"
    assert to_traditional(text) == "請先查看商品頁的尺碼表，再申請退貨；發票在我的帳戶裡下載"
    assert to_traditional("手表坏了") == "手錶壞了"  # s2tw's own phrases still apply
    assert say("zh-Hant", "尺码表在商品页", "the size chart") == "尺碼表在商品頁"


def test_round_trip_reads_the_same_to_the_bot() -> None:
    assert to_simplified(to_traditional("尺码表怎么看")) == "尺码表怎么看"
