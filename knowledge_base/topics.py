"""The shop topics a message names ("专票", "退款", "warranty"): the words that carry a question's
subject from one message to the next. A follow-up such as "多久能寄到" after "公司报销要专票" is
searched with the topic of the message before it ("多久能寄到 专票"), so the customer's own words
still weigh most (``actions._follow_up``). The topics are the shop dictionary the NLU and the
lexical channel use (``data/jieba/shop_words.txt``) and the core nouns of the FAQ categories."""

from __future__ import annotations

import re
from functools import lru_cache

from knowledge_base.lexical import SHOP_WORDS
from knowledge_base.text import normalise

__all__ = ["topic_terms"]

_CORE_ZH = (
    "发票", "专票", "普票", "维修", "保修", "退货", "退款", "换货", "运费", "包邮", "配送", "发货",
    "积分", "优惠券", "分期", "会员", "到账", "尺码", "礼品卡", "关税", "清关", "价保", "补货",
    "付款", "支付", "快递", "物流", "地址", "修改", "发货", "价格", "颜色", "尺寸", "拒收", "拒签",
    "抬头", "税号", "邮费",
    # one character that names a task when no longer word does ("可以退吗", "能修吗")
    "退", "修",
)  # fmt: skip
_CORE_EN = (
    "refund", "return", "invoice", "warranty", "repair", "shipping", "delivery", "exchange",
    "points", "coupon", "payment", "instalment", "installment", "size", "membership", "customs",
    "courier", "restock", "insurance", "tracking",
)  # fmt: skip
_EN = re.compile(r"\b(" + "|".join(_CORE_EN) + r")s?\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def _zh_terms() -> tuple[str, ...]:
    words = set(_CORE_ZH)
    if SHOP_WORDS.exists():
        for line in SHOP_WORDS.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                words.add(line.split()[0])
    # In the form the text is read in ("七天无理由退货" is "7天无理由退货"); the longest first:
    # 运费险 before 运费.
    return tuple(sorted({normalise(w) for w in words}, key=len, reverse=True))


def topic_terms(text: str) -> list[str]:
    """The shop topics ``text`` names, in the order it says them, a longer term hiding the one
    it contains ("七天无理由退货", not also "退货")."""
    plain = normalise(text or "")  # simplified, lower case, misspellings spelt right (退宽 → 退款)
    found: list[str] = []
    for term in _zh_terms():
        if term in plain and not any(term in longer for longer in found):
            found.append(term)
    found.sort(key=plain.index)  # in the order the message says them
    found.extend(m.group(1).lower() for m in _EN.finditer(plain))
    return list(dict.fromkeys(found))
