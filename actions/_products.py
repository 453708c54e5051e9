"""The customer's own order found by the product they name instead of an order id.

"我买的跑步鞋到哪了", "T恤那单…扣款了", "where are my earbuds": the customer names a product, not
an order. Only *that customer's* orders are searched (``recent_orders`` of the logged-in
customer), never anyone else's. An order matches when

- the message and the order's item name share a product kind (``KINDS``: "earbuds", "耳机" and
  "耳機" are one kind, so an English customer finds "降噪蓝牙耳机 Pro" and a Chinese one finds
  "Wireless earbuds"), or
- the message names the head word of an English item name ("my yoga mat" finds "Yoga mat"), or
- the message contains two or more Chinese characters of the item's name in a row that are not
  mere descriptions ("跑步" of "轻量缓震跑步鞋", but not "男士" or "套装").

``KINDS`` is a vocabulary of product types and their words in both languages, not a list of the
shop's products: which products a customer may name comes from the shop's own product names
(``Catalogue``, built from ``ShopBackend.product_names``) by the same three rules, so a shop
selling yoga mats or 笔记本电脑 is served without touching this module.

Both sides are compared in simplified characters and lower case.

A message that names several of the customer's products but asks about one ("之前买的餐具 后来
退了嘛 然后又买了个加湿器 … 前面餐具那钱到底退了没") is about the product named in the clause
that asks (``asked_about``), not all of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from actions._reading import split_clauses
from kefu.mandarin import to_mandarin
from shop import Order

__all__ = ["KINDS", "Catalogue", "asked_about", "matching_orders", "named_kinds", "without_kinds"]

# One product kind per line: the words customers and item names use for it (zh, en).
KINDS: dict[str, str] = {
    # "蓝牙那副": Bluetooth alone names the earphones, not a speaker or a keyboard
    "earphones": r"耳机|耳麦|耳塞|蓝牙(?!音箱|音响|键盘|鼠标|连接|连不上|功能|适配)|"
    r"\b(?:earbuds?|earphones?|headphones?|headsets?|airpods|buds|in-?ears?)\b",
    "shoes": r"鞋|\b(?:sneakers?|shoes?|trainers?|boots?)\b",
    "tshirt": r"t恤|体恤|短袖|[白黑灰短]t(?![a-z])|\b(?:t-?shirts?|tees?)\b",  # 白T, 短T: a tee
    "shirt": r"衬衫|衬衣|(?<![t-])\bshirts?\b|\bbutton-?(?:downs?|ups?)\b",
    "coat": r"大衣|外套|风衣|双面呢|呢子|\b(?:coats?|jackets?)\b",
    "dress": r"裙|洋装|\b(?:dress(?:es)?|skirts?)\b",  # 洋裝: Taiwan's word for a dress
    "trousers": r"裤|\b(?:jeans|trousers|pants)\b",
    "sweater": r"毛衣|针织|羊绒衫|羊毛衫|\b(?:sweaters?|jumpers?|knitwear)\b",
    "pyjamas": r"睡衣|家居服|\b(?:pajamas|pyjamas|sleepwear)\b",
    "bottle": r"杯|保温瓶|水瓶|\b(?:bottles?|flasks?|thermos(?:es)?|tumblers?|mugs?|cups?)\b",
    "food_jar": r"罐|\b(?:food jars?|jars?)\b",
    "wearable": r"手环|手表|智能表|腕带|手带|"
    r"\b(?:bands?|fitness tracker|smart ?watch(?:es)?|watch(?:es)?)\b",
    # "那套10册的书", not a manual, a certificate or a written statement (说明书, 证书, 书面)
    "books": r"绘本|图书|书籍|童书|(?<!说明)(?<!证)(?<!请)(?<!议)(?<!诺)(?<!权)(?<!托)(?<!秘)书"
    r"(?![面包签店法记])|\b(?:books?|storybooks?|picture books?)\b",
    "tableware": r"餐具|碗|盘子|碟子|瓷碟|(?:食饭|吃饭)用?(?:的|嘅)碟|"
    r"\b(?:tableware|dishes|plates|bowls|dinner ?(?:set|ware|service)|dinnerware|crockery)\b",
    "humidifier": r"加湿|喷雾机|\bhumidifiers?\b",
    "toothbrush": r"牙刷|声波|电动刷|洁牙|\btoothbrush(?:es)?\b|"
    r"\b(?:sonic|electric) brush(?:es)?\b",
}
_KINDS = {kind: re.compile(words, re.IGNORECASE) for kind, words in KINDS.items()}
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
# Two-character pieces of item names that describe rather than name a product.
_NOT_A_NAME = frozenset(
    {"男士", "女士", "儿童", "套装", "纯棉", "圆领", "双面", "轻量", "智能", "北欧", "法式",
     "高腰", "直筒", "混纺", "不锈", "锈钢", "声波", "电动", "降噪", "蓝牙", "无线", "真丝"}
)  # fmt: skip


def _plain(text: str) -> str:
    return to_mandarin(text or "").lower()


def named_kinds(text: str) -> set[str]:
    """The product kinds a message names ("my earbuds" → {"earphones"})."""
    plain = _plain(text)
    return {kind for kind, pattern in _KINDS.items() if pattern.search(plain)}


def without_kinds(text: str) -> str | None:
    """The message without the product words it names ("睡衣套装发错码了" → "套装发错码了"), in
    simplified lower case; None when it names none. The knowledge base's questions name no
    product, and a product word weighs on a short question's reading
    (``actions._kb_search``)."""
    plain = _plain(text)
    bare = plain
    for pattern in _KINDS.values():
        bare = pattern.sub(" ", bare)
    return None if bare == plain else " ".join(bare.split())


def _pieces(item: str) -> set[str]:
    """Two-character pieces of an item name's Chinese runs, descriptions left out."""
    found: set[str] = set()
    for run in _CJK_RUN.findall(item):
        found.update(run[i : i + 2] for i in range(len(run) - 1))
    return found - _NOT_A_NAME


# Words after an English product's head word that name a model, not the product ("… Pro").
_MODEL_WORDS = frozenset({"pro", "max", "plus", "mini", "lite", "ultra", "se", "set", "pack"})
_EN_WORD = re.compile(r"[a-z][a-z-]+")


def _head_word(item: str) -> str | None:
    """The English word naming what an item is: its last word but model words ("Wireless
    earbuds" → "earbud", "Yoga mat" → "mat"); None for a Chinese name (its pieces name it)."""
    if _CJK_RUN.search(item):
        return None
    words: list[str] = [w for w in _EN_WORD.findall(item) if w not in _MODEL_WORDS]
    if not words or len(words[-1]) < 3:
        return None
    word = words[-1]
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _names_head(text: str, head: str | None) -> bool:
    return bool(head and re.search(rf"\b{re.escape(head)}(?:e?s)?\b", text))


def _names_model(text: str, item: str) -> bool:
    """The message names a Chinese item by a piece of its name and its model word ("降噪pro" of
    "降噪蓝牙耳机 Pro"), though the piece alone only describes."""
    models = [w for w in _EN_WORD.findall(item) if w in _MODEL_WORDS]
    if not models or not _CJK_RUN.search(item):
        return False
    pieces = {run[i : i + 2] for run in _CJK_RUN.findall(item) for i in range(len(run) - 1)}
    joined = text.replace(" ", "")
    return any(f"{piece}{model}" in joined for piece in pieces for model in models)


# "那副降噪的", "降噪那副", "真丝那套": a description said as the thing itself (with 的, or beside
# a measure word) names the item it describes
_AS_THING = r"(?:的|那(?:副|台|件|双|个|套|条|只|款|把|瓶))"
_THAT_ONE = r"(?:那|这)(?:副|台|件|双|个|套|条|只|款|把|瓶)"


def _names_by_description(text: str, item: str) -> bool:
    described = {
        run[i : i + 2] for run in _CJK_RUN.findall(item) for i in range(len(run) - 1)
    } & _NOT_A_NAME
    return any(re.search(rf"{piece}{_AS_THING}|{_THAT_ONE}{piece}", text) for piece in described)


def _matches(text: str, kinds: set[str], order: Order) -> bool:
    item = _plain(order.item)
    if kinds & named_kinds(item) or _names_head(text, _head_word(item)):
        return True
    return (
        any(piece in text for piece in _pieces(item))
        or _names_model(text, item)
        or _names_by_description(text, item)
    )


@dataclass(frozen=True)
class Catalogue:
    """What the shop sells, as the words a customer may name its products by: the product
    kinds of its names, their English head words and their Chinese two-character pieces."""

    kinds: frozenset[str]
    heads: frozenset[str]
    pieces: frozenset[str]

    @classmethod
    def of(cls, names: Iterable[str]) -> Catalogue:
        plain = [_plain(n) for n in names]
        return cls(
            kinds=frozenset(k for n in plain for k in named_kinds(n)),
            heads=frozenset(h for n in plain if (h := _head_word(n))),
            pieces=frozenset(p for n in plain for p in _pieces(n)),
        )

    def names_a_product(self, text: str) -> bool:
        """The message names a product the shop sells ("跑步鞋", "my yoga mat")."""
        plain = _plain(text)
        return bool(
            named_kinds(plain) & self.kinds
            or any(_names_head(plain, h) for h in self.heads)
            or any(p in plain for p in self.pieces)
        )


# "尾号004那个", "尾数是010", "ending in 022": the last digits of an order's id
_TAIL = re.compile(
    # "输错了 最后两位是05"
    r"(?:尾号|尾数|尾號|尾數|(?:最后|最後|后|後|末)[两兩二三四五六]位(?:数字|數字|数|數)?)"
    r"(?:是|为|為|係)?\s*(\d{2,6})(?!\d)|"
    r"\b(?:ending|ends) (?:in|with) (\d{2,6})\b|\blast (?:\w+ )?digits (?:are |is )?(\d{2,6})\b",
    re.IGNORECASE,
)


# "500毫升", "4升", "42码": a capacity or a size as the order's spec writes it ("500ml", "4l", "42")
_UNITS = ((re.compile(r"(\d+)\s*毫升"), r"\1ml"), (re.compile(r"(\d+)\s*升"), r"\1l"))


def _spec_named(text: str, order: Order) -> int:
    """How many of the order's colours, capacities, sizes and counts the message names ("500毫
    升那只雾蓝的", "曜石黑6代", "十册那套"): Chinese two-character pieces of its spec, its
    capacities or sizes, and the count of what a set holds ("10册")."""
    spec = _plain(order.spec)
    if not spec:
        return 0
    pieces = sum(piece in text for piece in _pieces(spec))
    for pattern, unit in _UNITS:
        text = pattern.sub(unit, text)
    sizes = set(re.findall(r"(?<![\d.])\d+(?:ml|l)?(?![\d.])", spec))
    asked = set(re.findall(r"(?<![\d.])\d+(?:ml|l)(?![a-z])", text))
    asked |= set(re.findall(r"(?<![\d.])(\d{2})(?=码)", text))
    return pieces + len(sizes & asked) + len(_counts(spec) & _counts(text))


# "10册", "四人份": a count of the things a set holds, as the order's spec writes it ("10册")
_COUNT = re.compile(
    r"(\d+|[一二两三四五六七八九十]{1,3})\s*(册|本|人份|件套|片|支|双|只|条|盒|包|袋|瓶|卷|张)"
)
_NUMERALS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}


def _number(said: str) -> int | None:
    """A count in digits or Chinese numerals up to 99 ("10", "十", "十二", "二十四")."""
    if said.isdigit():
        return int(said)
    tens, _, ones = said.partition("十")
    if "十" not in said:
        return _NUMERALS.get(said) if len(said) == 1 else None
    high = _NUMERALS.get(tens, 0) if tens else 1
    low = _NUMERALS.get(ones, 0) if ones else 0
    return high * 10 + low if len(tens) <= 1 and len(ones) <= 1 else None


def _counts(text: str) -> set[tuple[int, str]]:
    return {(n, unit) for said, unit in _COUNT.findall(text) if (n := _number(said))}


def matching_orders(text: str, orders: Iterable[Order]) -> list[Order]:
    """The orders among ``orders`` (one customer's) whose item the message names — or, when it
    gives the last digits of an order's id ("香槟色真丝那套 尾数是010"), the orders ending so.
    The item's colour or capacity narrows several named orders to one, or names the order when
    no item is named ("500毫升那只雾蓝的")."""
    plain = _plain(text)
    kinds = named_kinds(plain)
    orders = list(orders)
    if tail := _TAIL.search(plain):
        digits = next(g for g in tail.groups() if g)
        ending = [o for o in orders if o.id.endswith(digits)]
        if ending:
            return ending
    named = [o for o in orders if _matches(plain, kinds, o)]
    if len(named) == 1:
        return named
    scored = [(_spec_named(plain, o), o) for o in (named or orders)]
    most = max((n for n, _ in scored), default=0)
    # "那台4L的白色机器": the 4L white humidifier, not the white T-shirt too
    found = [o for n, o in scored if n and n == most] or named
    if len(found) > 1 and _MACHINE.search(plain):
        # "白色那台机器": of the white tee and the white humidifier, the machine
        return [o for o in found if _is_machine(o)] or found
    return found


# A machine said as such ("那台机器", "机子", "the device"): an appliance or electronics.
_MACHINE = re.compile(r"机器|机子|那台|这台|\b(?:machine|device|gadget|appliance)\b", re.I)


def _is_machine(order: Order) -> bool:
    return order.category == "electronics" or bool(re.search(r"[器机]$|机\b", order.item))


def asked_about(text: str, orders: list[Order], asks: Callable[[str], bool]) -> list[Order]:
    """Of several ``orders`` a message names, those named in the clauses that ask something
    (``asks``): the story around the question names the others. All of them when the asking
    clauses name none (or every one)."""
    if len(orders) < 2:
        return orders
    asking = " ".join(c for c in split_clauses(text) if asks(c))
    named = matching_orders(asking, orders) if asking else []
    return named or orders
