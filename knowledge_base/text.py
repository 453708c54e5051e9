"""Text normalisation shared by indexing and querying: one form for every channel.

Besides the character forms (full-width, traditional, case, emoji), two habits of customers'
typing get one form on both sides, so that the FAQ's wording and the customer's meet:

- a count written in Chinese numerals before a unit is written in digits ("七天" and "7天",
  "十五天" and "15天", "两年" and "2年");
- a question ending in the colloquial "么 / 嘛" ends in "吗" ("支持么" is "支持吗"; "什么",
  "怎么", "那么", "这么", "多么" stay);
- shop shorthand is written out: "7天无理由" is "7天无理由退货" (the policy's full name);
- a city is followed by the region the shop's rules name ("寄拉萨" → "寄拉萨西藏", "kaohsiung"
  → "kaohsiung taiwan": remote regions' shipping, Taiwan's cross-border rules);
- common misspellings of shop words are spelt right (``TYPOS``): pinyin-input homophones
  ("发漂" for 发票, "快滴" for 快递, "退或" for 退货, "定单" for 订单) and English slips
  ("memebership", "recieve", "cancle"). Only misspellings that are no word of their own in a
  shop conversation are listed, so the FAQs' own text never changes.

Traditional characters and the regional words of Hong Kong and Taiwan ("保固" for 保修, "點數"
for 积分, "有冇" for 有没有) are read as Mainland Mandarin first (``kefu.mandarin``, the table the
NLU reads too).
"""

from __future__ import annotations

import re
import unicodedata

from kefu.mandarin import to_mandarin

MAX_QUERY_CHARS = 256
_SPACE = re.compile(r"\s+")
# Emoji, symbols and control characters carry no retrieval signal.
_NOISE = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U0000fe00-\U0000fe0f\U0000200b-\U0000200f"
    "\U00000000-\U0000001f]"
)
_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}  # fmt: skip
_UNITS = "天|日|个工作日|工作日|个小时|小时|周|个星期|星期|个月|年|次|件|元|块"
_COUNT = re.compile(rf"(?<![第星礼])([一二两三四五六七八九十]{{1,3}})(?=(?:{_UNITS}))")
_SHORTHAND = (
    (re.compile(r"无理由(?!退)"), "无理由退货"),
    # "how fast to shanghai", "how quick is delivery": the FAQs ask "how long"
    (re.compile(r"\bhow (?:fast|quick|quickly)\b"), "how long"),
    # "the blender dropped by 40 yuan today": its price (the FAQs say "the price dropped")
    (re.compile(r"(?<!price )\b(?:dropped|went down|fell) by (?=\d|¥)"), "price dropped by "),
    # "if it dies after a few months am i covered?": the warranty, as the FAQs say it
    (
        re.compile(r"\b(?:am i|is it|are they|is that|are you|would i be|will i be) covered\b"),
        "is it under warranty",
    ),
    # "我买的东西少了一件": an item missing from the parcel, as the shop says it (少发)
    (re.compile(r"(?<![发寄])少了(?=[一两1-9]?[件样个])"), "少发了"),
    # "能麻溜点不": colloquial "quickly"
    (re.compile(r"麻溜|麻利"), "快"),
    # "衬衫洗了一次就开线了", "the stitching came undone after one wash": a defect described is
    # a quality problem, as the FAQs name it (15-day returns, repairs)
    (
        re.compile(r"(?:开线|脱线|开胶|脱胶|起球|掉色|褪色|缩水|掉漆|起皮)(?!.{0,8}质量)"),
        r"\g<0> 质量问题",
    ),
    (
        re.compile(
            r"\b(?:(?:came|come|coming|has come) (?:undone|apart|loose)|(?:fell|falling) apart|"
            r"frayed|fraying|"
            r"peeling off|(?:faded|shrank|shrunk) (?:after|in) (?:one|the first|a) wash)\b"
            r"(?!.{0,30}\bquality\b)"
        ),
        r"\g<0> quality problem",
    ),
)
# Misspelling → the shop word meant. Chinese: homophones the pinyin keyboard offers first.
TYPOS: dict[str, str] = {
    "发漂": "发票", "发飘": "发票", "退或": "退货", "退火": "退货", "换或": "换货",
    "发或": "发货", "无流": "物流", "物留": "物流", "快滴": "快递", "快第": "快递",
    "退宽": "退款", "运废": "运费", "运非": "运费", "优惠卷": "优惠券", "优汇券": "优惠券",
    "积份": "积分", "鸡分": "积分", "售候": "售后", "保秀": "保修", "保休": "保修",
    "到帐": "到账", "帐号": "账号",
    "签手": "签收", "地扯": "地址", "定单": "订单", "订担": "订单", "会圆": "会员",
    "memebership": "membership", "membrship": "membership", "memership": "membership",
    "menbership": "membership", "membreship": "membership", "recieve": "receive",
    "recieved": "received", "adress": "address", "addres": "address", "shiping": "shipping",
    "delivary": "delivery", "delievery": "delivery", "deliverey": "delivery",
    "dilivery": "delivery",
    "cancle": "cancel", "cancell": "cancel", "refnd": "refund", "refudn": "refund",
    "refound": "refund", "invoce": "invoice", "invioce": "invoice", "invocie": "invoice",
    "invoces": "invoices", "invioces": "invoices",
    "warrenty": "warranty", "waranty": "warranty", "warrantee": "warranty", "pyment": "payment",
    "paymnet": "payment", "exchnage": "exchange", "retrun": "return", "retunr": "return",
    "discout": "discount", "coupen": "coupon", "cupon": "coupon", "pionts": "points",
    "ponts": "points", "packge": "package", "pakage": "package", "pacakge": "package",
    "traking": "tracking", "trakcing": "tracking",
    # American spelling of the FAQs' British "instalment"
    "installment": "instalment", "installments": "instalments",
    # chat shorthand: "when r ur agents online", "will u text me"
    "u": "you", "ur": "your", "r": "are", "pls": "please", "plz": "please", "thx": "thanks",
}  # fmt: skip
_TYPO = re.compile(
    "|".join(
        rf"\b{re.escape(w)}\b" if w.isascii() else re.escape(w)
        for w in sorted(TYPOS, key=len, reverse=True)
    )
)
# A city names the region the shop's rules speak of ("寄拉萨" is a remote region's shipping,
# "寄到高雄" Taiwan's): the region is written after it. Only regions the FAQs name by name.
_REGIONS: dict[str, tuple[str, ...]] = {
    "西藏": ("拉萨", "日喀则", "林芝", "昌都", "那曲", "lhasa", "shigatse"),
    "新疆": ("乌鲁木齐", "喀什", "伊犁", "克拉玛依", "吐鲁番", "阿克苏", "库尔勒", "urumqi",
             "kashgar"),
    "青海": ("西宁", "格尔木", "玉树", "xining"),
    "台湾": ("台北", "新北", "台中", "台南", "高雄", "桃园", "新竹", "基隆", "taipei",
             "kaohsiung", "taichung"),
    "香港": ("九龙", "新界", "铜锣湾", "尖沙咀", "旺角", "kowloon"),
}  # fmt: skip
_REGION_EN = {"西藏": "tibet", "新疆": "xinjiang", "青海": "qinghai", "台湾": "taiwan",
              "香港": "hong kong"}  # fmt: skip
_CITY_REGION = {city: region for region, cities in _REGIONS.items() for city in cities}
_CITY = re.compile(
    "|".join(
        rf"\b{re.escape(c)}\b" if c.isascii() else re.escape(c)
        for c in sorted(_CITY_REGION, key=len, reverse=True)
    )
)


_STREET = re.compile(r"\d+\s*[号楼室]|[路街道巷弄]\S{0,12}\d")


def _with_region(match: re.Match[str]) -> str:
    city = match.group(0)
    region = _CITY_REGION[city]
    return f"{city} {_REGION_EN[region]}" if city.isascii() else f"{city}{region}"


_PARTICLE = re.compile(r"(?<![什怎那这多要])[么嘛](?=[\s!！。~～]*$|[?？])")


def _count(numeral: str) -> str | None:
    """A Chinese count up to 99 in digits ("十五" → "15", "三十" → "30"), None if it is not one."""
    if "十" not in numeral:
        return str(_DIGITS[numeral]) if len(numeral) == 1 else None
    tens, _, ones = numeral.partition("十")
    if "十" in ones or len(tens) > 1 or len(ones) > 1 or tens in {"零", "两"}:
        return None
    value = (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)
    return str(value)


def _digits(match: re.Match[str]) -> str:
    return _count(match.group(1)) or match.group(1)


def normalise(text: str, limit: int = MAX_QUERY_CHARS) -> str:
    """NFKC (full-width → half-width), Mainland Mandarin (``kefu.mandarin``), lower case, no emoji,
    counts in digits, "么 / 嘛" questions as "吗", shorthand written out, single spaces; cut
    to ``limit`` characters so a pasted essay stays cheap."""
    text = unicodedata.normalize("NFKC", text or "")[: limit * 2]
    text = _NOISE.sub(" ", text)
    text = to_mandarin(text).lower()
    text = _COUNT.sub(_digits, text)
    text = _TYPO.sub(lambda m: TYPOS[m.group(0)], text)
    text = _PARTICLE.sub("吗", text)
    if not _STREET.search(text):  # an address typed is no question about a region
        text = _CITY.sub(_with_region, text)
    for pattern, full in _SHORTHAND:
        text = pattern.sub(full, text)
    return _SPACE.sub(" ", text).strip()[:limit]
