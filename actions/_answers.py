"""Reading a flow's answers out of what the customer wrote: the value itself, not the sentence
around it ("正确的抬头是 上海某某网络科技有限公司" → the company name), in the message that
started the flow ("20231120006那条裙子尺码不合适 想退货" → the reason) or in the reply to the
form's question ("嗯 确定取消" → yes). Each reader returns None when the text does not hold the
value; the form then asks (again)."""

from __future__ import annotations

import re
from functools import lru_cache

from kefu.i18n import say
from kefu.mandarin import to_mandarin

__all__ = [
    "is_change_detail",
    "looks_like_address",
    "names_spec",
    "read_change_detail",
    "read_confirmation",
    "read_fault",
    "read_invoice_title",
    "read_invoice_type",
    "read_return_reason",
    "wants_spec_change",
]

# not a mobile number, nor the digits of a tax id ("91330106MA2KX3L07P")
_ORDER_ID = re.compile(r"(?<!\d)(?!1[3-9]\d{9}(?!\d))\d{8,}(?![0-9A-Za-z])")
_CLAUSES = re.compile(r"[，,。.！!？?；;\n]+|\s{1,}(?=\S)")


@lru_cache(maxsize=256)
def _zh(text: str) -> str:
    """The patterns are written in simplified Mandarin; traditional text is read through OpenCC
    and Cantonese / Taiwan words as the Mainland ones (``kefu.mandarin``)."""
    return to_mandarin(text or "")


def _clause(text: str, pattern: re.Pattern[str]) -> str | None:
    """The clause (between punctuation or spaces) of ``text`` where ``pattern`` matches, with
    order ids taken out; the whole English sentence for English text."""
    if not pattern.search(_zh(text)):
        return None
    if re.search(r"[\u4e00-\u9fff]", text):
        parts = [p for p in _CLAUSES.split(text) if p]
    else:
        parts = [p for p in re.split(r"[,.;!?\n]+", text) if p]
    for part in parts:
        if pattern.search(_zh(part)):
            found = _ORDER_ID.sub("", part).strip(" ，,。.！!？?～~")
            found = re.sub(r"^(?:order|订单|訂單)\s*$", "", found, flags=re.IGNORECASE)
            if len(found) >= 2:
                return found
    return None


# ------------------------------------------------------------------ yes / no to a confirmation

_NO = re.compile(r"不|别|別|先不|再想想|算了|没有|no\b|nope|don'?t|not\b|keep|wait", re.IGNORECASE)
# "係呀 唔使留" (read as "系呀 不用留"), "don't keep it": the order not kept is a yes to cancel it
_KEEP_NOT = (
    r"不用留|不必留|不要留|别留|不留了?|don'?t (?:need to )?keep (?:it|the order)|no need to keep"
)
# What a "yes, do it" may consist of; anything else left over makes it not a plain yes.
_YES_WORDS = re.compile(
    r"嗯+|恩+|好的?|好吧|行|可以|是的?|对的?|没错|确定|确认|同意|要|就|吧|啊|呀|哦|噢|了|的|"
    r"请|麻烦|帮我|给我|直接|马上|赶紧|现在|即刻|立刻|立即|没有错|取消|撤单|撤销|撤掉|撤|订单|这个|这单|那就|那|ok(?:ay)?|"
    # Cantonese "係呀 cancel咗佢" (read as "系呀 cancel了他"): yes, cancel it
    r"系|掉|[他它她]|啦|"
    r"yes|yeah|"
    r"yep|sure|please|go ahead|confirm(?:ed)?|do it|cancel|it|the|order|right|correct|"
    rf"{_KEEP_NOT}|"
    r"[\s，,。.！!～~、]",
    re.IGNORECASE,
)
# "冇錯 即刻取消" (read as "没有错 立刻取消"): "not wrong" is a yes, its 没有 no no
_NOT_NO = re.compile(rf"没有?错|没毛病|不错|{_KEEP_NOT}", re.IGNORECASE)
_YES_CORE = re.compile(
    r"嗯|恩|好|行|可以|是|系|对|没有?错|确定|确认|同意|ok|yes|yeah|yep|sure|go ahead|confirm|do it|"
    rf"{_KEEP_NOT}",
    re.IGNORECASE,
)


def read_confirmation(text: str) -> bool | None:
    """A plain yes ("嗯 确定取消", "好的 取消吧", "yes please") or no ("不取消了", "再想想")
    to a yes/no question; None for anything else (a question, an order id, a new request)."""
    t = _zh(text).strip()
    if not t or _ORDER_ID.search(t) or re.search(r"[?？吗么嘛]|怎么|多久|什么|how|when|what", t):
        return None
    if len(t) <= 12 and _NO.search(_NOT_NO.sub("", t)):
        return False
    if len(t) <= 24 and _YES_CORE.search(t) and not _YES_WORDS.sub("", t):
        return True
    return None


# ------------------------------------------------------------------ a return's reason

_REASON = re.compile(
    r"太大|太小|偏大|偏小|大了|小了|尺码|尺寸|不合身|不合适|穿不下|不合脚|挤脚|"
    r"质量|品质|瑕疵|破损|损坏|坏了|故障|开线|掉色|起球|漏|发错|错发|少发|漏发|色差|"
    r"和描述不符|与描述不符|不一样|不想要|不要了|不喜欢|无理由|拍错|买错|扎人|不舒服|"
    r"\bitchy\b|\buncomfortable\b|"
    r"too (?:big|small|large|tight|loose)|doesn'?t fit|does not fit|don'?t fit|wrong size|"
    r"size|fit|quality|defect|broken|damaged|faulty|wrong item|don'?t (?:like|want)|"
    r"changed my mind|no reason",
    re.IGNORECASE,
)


def read_return_reason(text: str) -> str | None:
    """Why the customer returns the item, when the message says it."""
    return _clause(text, _REASON)


# the words of asking for the return itself ("退了算了", "想退货", "can i send it back")
_RETURN_ASKED = re.compile(
    r"(?:我|我要|我想|想|要|帮我|幫我|申请|申請|可以|能)?(?:退货|退貨|退掉|退回去|退了|退)"
    r"(?:吧|了|算了|一下|吗|嗎|不)*|\b(?:i want to |can i |please )?(?:return|send) "
    r"(?:it|this|them|these)?(?: back)?\b|\bplease\b|\bpls\b|\border\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[\u4e00-\u9fff]|[A-Za-z']+")


def tells_a_reason(text: str) -> bool:
    """The message says more than "return it" and which order or product: a story of what
    happened ("白色那台加湿机 晚上嗡嗡响 睡不着 退了算了"), at least 8 characters (or 6 English
    words) once the order id and the words asking for the return are taken out."""
    rest = _RETURN_ASKED.sub(" ", _ORDER_ID.sub(" ", text or ""))
    words = _WORD.findall(rest)
    cjk = sum(1 for w in words if len(w) == 1 and "\u4e00" <= w <= "\u9fff")
    return cjk >= 8 or len(words) - cjk >= 6


# ------------------------------------------------------------------ a repair's fault

_FAULT = re.compile(
    r"没声音|没有声音|无声|不响|杂音|噪音|断连|连不上|不开机|开不了机|开不开机|充不进|充不了|"
    r"不充电|不能充|不亮|黑屏|花屏|死机|卡顿|自动关机|坏了|坏掉|故障|失灵|不工作|不转|漏水|漏电|异响|"
    r"没声|没有声|没反应|充不上|用不了|不能用|"
    r"no sound|won'?t (?:turn on|charge|connect|work)|not (?:charging|working|turning on)|"
    r"doesn'?t (?:work|charge|turn on|connect)|stopped working|broken|faulty|dead|crackl|noise",
    re.IGNORECASE,
)


def read_fault(text: str) -> str | None:
    """What is wrong with the item, when the message says it."""
    return _clause(text, _FAULT)


# ------------------------------------------------------------------ an invoice's type and title

PERSONAL = re.compile(r"个人|本人|自己|personal|individual|myself", re.IGNORECASE)
_SPECIAL = re.compile(r"专票|专用发票|增值税专用|vat special|special (?:vat )?invoice", re.I)
_ORDINARY = re.compile(r"普票|普通|电子发票|电子普通|ordinary|standard|electronic|e-invoice", re.I)
_COMPANY = re.compile(
    r"[\u4e00-\u9fffA-Za-z0-9（）()·&]{2,60}?(?:有限责任公司|股份有限公司|有限公司|公司|集团|"
    r"研究院|研究所|事务所|工作室|中心|大学|学院|医院|银行|协会|商行|门市部|店)"
)
_COMPANY_EN = re.compile(
    r"\b[A-Z][\w&.,' -]{1,60}?(?:Co\.?,? Ltd\.?|Ltd\.?|Limited|Inc\.?|LLC|GmbH|Corp\.?|"
    # ("Brightfield Trading Co., tax ID …")
    r"Corporation|Company|Co\.(?=[\s,;]|$))",
)
# "抬头是X / 改成X / 就写X": the words that announce the value; it follows the last of them.
_TITLE_AFTER = re.compile(
    r"(?:抬头|名称|名字)(?:应该|应当|要|就)?(?:是|为|写|填)|改成|改为|换成|写成|开成|就写|"
    r"开给|\b(?:title|name)(?: should be| is)?\b|\bto\b|\bbe\b",
    re.IGNORECASE,
)
_NOT_A_TITLE = re.compile(
    r"[吗嘛呢?？]|的话|怎么|什么|啥|哪家|哪个|来着|发票|抬头|开错|重开|错了|不对|正确|要|想|帮|能|可以|invoice|how|"
    r"what|why|谢谢|多谢|好的|算了|不用|没事|\b(?:ok|okay|thanks|thank|thx|ty|nevermind)\b|"
    # "made out to my company": whose, not the company's name (the flow asks for it)
    r"^(?:my|our|the|a|his|her) (?:company|firm|business|employer|work|office)\W*$|"
    r"^(?:我|我们|我們|我的)?(?:公司|单位|單位)$",
    re.IGNORECASE,
)
# "抬头开成公司了 我要个人的": a personal title wanted, though a company is spoken of.
_WANT_PERSONAL = re.compile(r"(?:要|改成|改为|换成|开成|开|就要?|写)个人")


# "耳机那张发票公司名少打了个字": words about an invoice that end on 公司, not a company's name.
# "当时开的票抬头写的哪家公司来着": a question about the title, not a name.
_NOT_A_COMPANY = re.compile(
    r"发票|抬头|那张|这张|那个|这个|少打|打错|写错|开错|名字|名称|哪家|哪个|什么|啥|来着|[吗呢?？]|^的"
)


# The word 抬头 glued to the name it announces (not "抬头开成公司了", "抬头是…" is announced).
_TITLE_WORD = re.compile(r"^(?:发票|公司)?抬头[：:\s]*(?![开写改换错是为要应就不的有])")


def _as_written(text: str, name: str) -> str:
    """``name`` (read in simplified Mandarin) as the customer wrote it: "青禾國際有限公司" stays
    in traditional characters on a Taiwan customer's invoice."""
    if name in text:
        return name
    for start in range(len(text) - len(name) + 1):
        if _zh(text[start : start + len(name)]) == name:
            return text[start : start + len(name)]
    return name


def read_invoice_type(text: str, lang: str = "zh") -> str | None:
    """The invoice's kind, named as the form's buttons name it in ``lang``; a personal title
    can only take an ordinary electronic invoice."""
    t = _zh(text)
    if _SPECIAL.search(t):
        return say(lang, "增值税专用发票", "VAT special invoice")
    if _ORDINARY.search(t) or PERSONAL.search(t):
        return say(lang, "电子普通发票", "Electronic standard invoice")
    return None


def read_invoice_title(text: str, *, whole: bool = False) -> str | None:
    """The invoice's title: a company's name, "个人" for a personal one, or the words after
    "抬头是 / 改成 …". With ``whole`` (the reply to "what title?") a short message with
    nothing around it is the title itself."""
    t = _zh(text)
    announced = list(_TITLE_AFTER.finditer(t))
    after = t[announced[-1].end() :] if announced else t
    found = _COMPANY.search(after) or _COMPANY_EN.search(text[len(t) - len(after) :])
    # "开公司的 抬头杭州青禾贸易有限公司": the name after the word 抬头 written right before it
    name = _TITLE_WORD.sub("", found.group(0)) if found else ""
    if found and not _NOT_A_COMPANY.search(name):
        return _as_written(text, name.strip(" ：:，,。")) or None
    if _WANT_PERSONAL.search(t) or (
        PERSONAL.search(t) and not re.search(r"公司|company", t, re.IGNORECASE)
    ):
        return "个人"
    if announced:
        rest = _ORDER_ID.sub("", after).strip(" ：:，,。.！!～~")
        if 2 <= len(rest) <= 60 and not _NOT_A_TITLE.search(rest):
            return rest
    if whole:
        plain = _ORDER_ID.sub("", text).strip(" ：:，,。.！!～~")
        if 2 <= len(plain) <= 40 and not _NOT_A_TITLE.search(t):
            return plain
    return None


# ------------------------------------------------------------------ an order change

_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_SPEC = re.compile(
    r"尺码|码数|[SMLX]{1,3}码|[SMLX]{1,3}的|\d{2}(?:\.5)?码|颜色|[红黄蓝绿黑白灰粉紫]色|规格|"
    # "拍了M 想换成L": a size letter bought or wished for
    r"(?:拍|买|选|下|成|换|要)了?\s?(?:XXXL|XXL|XL|XS|S|M|L)(?![A-Za-z])|"
    r"\bsize\b|colou?r",
    re.IGNORECASE,
)
_ADDRESS_AFTER = re.compile(
    # ("收件地址想換到台中市西屯區台灣大道三段99號")
    r"(?:地址|address)[^，,。；;]{0,6}?(?:改成|改为|改為|换成|換成|改到|换到|換到|變成|变成|更新为|更新為|to|is)[：:\s]*"
    r"([^，,。；;]{4,80})",
    re.IGNORECASE,
)


_CHANGE_WISH = re.compile(
    r"拍错|选错|买错|下错|改成|改为|换成|换个|换一|改一下|想换|要换|要改|要[SMLX\d]{1,3}[码的]?|"
    r"不是[SMLX\d]|wrong (?:size|colou?r)|change|switch|instead|swap",
    re.IGNORECASE,
)


def names_spec(text: str) -> bool:
    """The text names a size or colour ("要L的", "拍了M 想换成L", "换成白色")."""
    return bool(_SPEC.search(_zh(text)))


def wants_spec_change(text: str) -> bool:
    """The customer wants another size or colour of an order ("大衣尺码拍错了 要L的 不是M")."""
    t = _zh(text)
    return bool(_SPEC.search(t) and _CHANGE_WISH.search(t))


# A Chinese address names a region and a place in it (省市区县… and 路街号楼…); an English one
# has a number and words ("12 Baker Street"). "改成公司地址" / "my office" names none: it is a
# reference to an address the shop does not know, never an address to ship to.
_ADDRESS_REGION = re.compile(r"[省市区县镇乡村旗州盟]")
_ADDRESS_PLACE = re.compile(r"[路街道巷弄里号栋幢楼室村苑园座]|小区|大厦|广场|花园")
# The number is taken from the start of its run only (no retry at every digit of "9999…"), and
# the next word is looked for after it: linear on a hostile 4,000-digit message.
_ADDRESS_EN = re.compile(r"(?<!\d)\d+[A-Za-z]?\s+\w+", re.ASCII)
_ADDRESS_EN_WORD = re.compile(r"\b[A-Za-z]{2,}", re.ASCII)


# "改成 杭州市西湖区文三路259号 电话不变": the address after the change word, without what stays
_ADDRESS_LEAD = re.compile(
    r"^\s*(?:就|那就?|帮我|麻烦)?(?:改成|改为|換成|换成|改到|更新为)[：:\s]*(.{4,80})|"
    # "新地址：上海市徐汇区漕溪北路398号12楼": the address after its label
    r"^\s*(?:新的?|新)?(?:收货|收貨|收件)?(?:地址|address)(?:是|為|为)?[：:]\s*(.{4,80})",
    re.IGNORECASE,
)
# "那单地址写错了 应该寄到上海市徐汇区虹桥路1号…": where it should go, said as the sending
_ADDRESS_SEND = re.compile(r"(?:寄|送|发)(?:到|去|往)[：:\s]*([^，,。；;]{4,80})")
_UNCHANGED = re.compile(
    r"[\s，,；;]*(?:电话|電話|手机号?|手機號?|号码|號碼|其他|其它|别的)\S{0,3}不变.*$"
)


def looks_like_address(text: str) -> bool:
    """Whether ``text`` is a delivery address the shop could ship to (not "公司地址")."""
    t = _zh(text).strip()
    if len(t) < 6:
        return False
    if _ADDRESS_PLACE.search(t) and (_ADDRESS_REGION.search(t) or re.search(r"\d", t)):
        return True
    number = _ADDRESS_EN.search(t)
    return bool(number and _ADDRESS_EN_WORD.search(t, number.end())) and len(t.split()) >= 3


def is_change_detail(text: str) -> bool:
    """Whether the change flow can act on ``text``: a phone number, an address, a size or
    colour. Anything else ("改成公司地址") is asked for again, never stored as the address."""
    t = _zh(text)
    return bool(_PHONE.search(t) or _SPEC.search(t) or looks_like_address(text))


def read_change_detail(text: str) -> str | None:
    """What the customer wants changed, as the change flow reads it: the new address, a new
    phone number (with its words), or the size/colour wish."""
    t = _zh(text)
    if _PHONE.search(t):
        return _ORDER_ID.sub("", text).strip() or None
    found = _ADDRESS_AFTER.search(text) or _ADDRESS_AFTER.search(t) or _ADDRESS_LEAD.search(text)
    said = found and next((g for g in found.groups() if g), None)
    if said and looks_like_address(said):
        return _UNCHANGED.sub("", said).strip()
    sent = _ADDRESS_SEND.search(text) or _ADDRESS_SEND.search(t)
    if sent and looks_like_address(sent.group(1)):
        return _UNCHANGED.sub("", sent.group(1)).strip()
    if _SPEC.search(t):
        return _ORDER_ID.sub("", text).strip() or None
    return None
