"""Which detail of an order the customer says is wrong or wants otherwise, named in everyday
words rather than the flows' own ("改地址", "开发票"): the delivery address or phone ("留的手機打錯
一碼 可以幫我更正嗎", "送货的地方想换到我公司") is the change flow's; the invoice's title or the
invoice itself ("开的那张票 公司名字写错了 能换一张吗") is the invoice flow's, which reissues it.
Read in Mainland Mandarin (``kefu.mandarin``: 手機 is 手机, 統編 is 税号)."""

from __future__ import annotations

import re

from actions._two_questions import about_flow
from kefu.mandarin import to_mandarin

__all__ = ["detail_flow", "wished_instead"]

# The invoice, named as customers name it: 票 alone is the invoice in a shop ("开的那张票"), not a
# ticket, a lottery ticket, a cheque or a receipt (车票, 彩票, 支票, 小票).
_INVOICE = re.compile(
    r"发票|开票|抬头|税号|(?<![车机门船彩股邮粮球影选投小支汇期钞])票(?![据务价房])|"
    r"\binvoices?\b|\bfapiao\b",
    re.IGNORECASE,
)
# A detail of the order the change flow changes: where it goes, the number the courier calls
# (not a tracking number: "单号码").
_CONTACT = re.compile(
    r"地址|收货地|送货的?地|寄的?地方|送的?地方|手机|电话|(?<!单)号码|联系方式|"
    r"\baddress\b|\b(?:phone|mobile|contact|cell) (?:number|no)\b",
    re.IGNORECASE,
)
# Said wrong, or wanted otherwise: "打错一码", "写错了", "有误", "更正", "换到我公司", "改成".
_WRONG = re.compile(
    r"[打写填输留弄搞记]错|错了|不对|有误|更正|改正|改一下|改成|改为|改到|换成|换到|换个|换一[张个下]|"
    r"重开|重新开|重填|"
    # "收貨手機換了 新號碼137…": the number or address is another now
    r"(?:手机|电话|号码|地址)号?换了|新的?(?:手机号?|号码|电话号?|收货地址|地址)|"
    r"\b(?:wrong|typo|incorrect|mistake|misspelt|misspelled)\b|\b(?:change|correct|update)\b",
    re.IGNORECASE,
)
# What the title of an invoice is: the company's name, its tax number
_TITLE = re.compile(r"抬头|公司名|名字|名称|税号|\b(?:name|title|tax)\b", re.IGNORECASE)


def detail_flow(text: str) -> str | None:
    """The flow that changes the detail of an order the message says is wrong or wants
    otherwise: ``invoice_form`` for the invoice (its title, or the invoice "换一张"),
    ``change_form`` for the delivery address or phone; None when it says neither."""
    plain = to_mandarin(text or "")
    if not _WRONG.search(plain):
        return None
    if _INVOICE.search(plain) and (_TITLE.search(plain) or re.search(r"换|重开|重新开", plain)):
        return "invoice_form"
    if _CONTACT.search(plain):
        return "change_form"
    return None


def wished_instead(form: str | None, text: str) -> str | None:
    """The flow of the detail the message says is wrong (``detail_flow``) when it is another
    than ``form`` (a flow the NLU guessed, or None) and the message does not name ``form``'s
    task in its own words — the invoice always: "那张票…能换一张吗" holds the change's 换, but
    a wrong title is reissued, not changed."""
    wished = detail_flow(text)
    if wished is None or wished == form:
        return None
    if form is None or wished == "invoice_form" or not about_flow(form, text):
        return wished
    return None
