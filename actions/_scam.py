"""A call or message from someone claiming to be the shop, or asking what the shop never asks
("有人加我LINE 說他是你們的客服人員 … 要我照他說的在網銀按幾個步驟", "got an email with your logo
saying my acount will be frozen unless i confirm my bank password"): the shop's anti-fraud rule
answers it, though it speaks of a refund or an order of the customer's own (``actions._decide``,
rule 2c; ``actions.complaint``: calmly asked about, no complaint)."""

from __future__ import annotations

import re

from actions._reading import simplified

__all__ = ["SCAM_EN", "SCAM_ZH", "reports_scam"]

# the anti-fraud FAQ's own words, searched beside a reported scam (``actions._shop_words``)
SCAM_ZH = "收到诈骗电话说是你们客服"
SCAM_EN = "someone called me claiming to be your customer service"

# How a stranger reaches the customer, what they claim, and what the shop never asks for.
_CONTACT = (
    r"(?:电话|来电|短信|信息|消息|微信|qq|(?<![a-z])line(?![a-z])|whatsapp|telegram|加我|私信|有人|"
    r"小红书|抖音|微博|instagram|\binsta\b|facebook|tiktok|"
    r"\bcall(?:ed)?\b|\btext(?:ed)?\b|\bmessage[ds]?\b|\bdm\b|\bemail(?:ed)?\b|\bsomeone\b|"
    r"\bsomebody\b|\bsome guy\b|\bsms\b|\ba (?:guy|man|woman|lady)\b|\bphoned\b|\brang me\b)"
)
_CLAIM = (
    r"(?:说是|说(?:他|她|对方)是|自称|冒充|假冒|假装|claim|pretend|posing as|"
    r"said (?:they|he|she)|says (?:they|he|she)|saying (?:they|he|she|it)|"
    # Cantonese "話係你哋官方" (read as 话系); "a DM from 'your customer service'"
    r"话(?:系|是)|讲(?:系|是)|\bfrom ['\"“‘]?(?=your\b|the (?:shop|store)\b))"
)
_NEVER_ASKED = (
    r"(?:转账|汇款|验证码|共享屏幕|屏幕共享|会议软件|会议app|远程|网银|atm|银行卡号|卡号|密码|解除分期|"
    r"取消分期|备用金|安全账户|转钱|储值卡|点卡|游戏卡|礼品卡|充值卡|购物卡|扫码|扫.{0,4}(?:码|二维码)|加.{0,3}(?:微信|qq|好友)|保证金|解冻|手续费|激活费|"
    r"\bverification code\b|\bthe code\b|\bscreen ?shar|\bremote\b|\bgift cards?\b|"
    r"\btransfer\b|\bwire\b|\b\w+ fee\b|\bbank (?:details|app|login)\b|\bcard (?:number|details)\b|"
    r"\bpassword\b|\bzoom\b|\bteamviewer\b|\banydesk\b|\b(?:card |bank )?pin\b|"
    # a link or a code to scan, card details typed in, a prize's fee
    r"网站|链接|填[^，。]{0,4}(?:资料|信息|卡号)|信用卡资料|中奖|\bqr\b|\bscan\b|\blink\b|"
    r"\bprize\b|\bpay (?:the |a )?(?:shipping|postage|fee|deposit))"
)

# A call or message from someone claiming to be the shop ("有人打电话说是你们客服 让我共享屏幕帮我
# 退款", "got a call from someone claiming to be your staff, wants the code from my texts"): the
# shop's anti-fraud rule, though it speaks of a refund of the customer's own.
_SCAM = re.compile(
    r"(?:电话|来电|短信|call(?:ed)?|texted|messaged).{0,30}(?:说是|自称|冒充|假装|claim|pretend|"
    r"said (?:they|he|she)|says (?:they|he|she)).{0,12}(?:客服|售后|工作人员|你们的人|官方|"
    r"\bstaff\b|customer service|your (?:team|company|shop|store))|"
    r"(?:验证码|共享屏幕|屏幕共享|\bthe code\b|\bverification code\b).{0,30}(?:退款|refund)|"
    # "有个自称你们客服的打电话": someone calling themselves the shop's staff
    r"(?:自称|冒充|假冒|假装)(?:是)?(?:你们|你们家|你们的|贵店|官方)?(?:店里|店铺|店)?的?"
    r"(?:客服|售后|工作人员|官方|店家|商家)|"
    # "接到个电话 对方讲我的包裹弄丢了要赔我钱 叫我加微信转账": a caller who pays out through a
    # private chat or a transfer
    r"(?:(?:接到|收到|来了?)(?:个|一个|一通|一条)?(?:电话|短信)|来电|有人(?:打|给我打|发)|"
    r"\b(?:got|received|had) (?:a )?(?:call|text|message)\b|\bsomeone (?:called|texted|messaged)\b)"
    r".{0,40}(?:赔|理赔|退款|补偿|\bcompensat|"
    r"\brefund).{0,30}(?:加.{0,3}(?:微信|qq|好友)|转账|扫码|验证码|共享屏幕|备用金|"
    r"\badd (?:them|him|her) on\b|\b(?:wechat|whatsapp|transfer|gift cards?)\b)|"
    # "有人加我LINE 說他是你們的客服人員", "someone on whatsapp claiming to be your store",
    # "接了个电话 说是快递理赔的": a contact on any channel claiming to be the shop or its courier
    rf"{_CONTACT}.{{0,30}}{_CLAIM}.{{0,12}}(?:客服|售后|工作人员|你们|官方|快递|物流|理赔|平台|"
    r"\bstaff\b|customer service|\byour\b|\bthe (?:courier|store|shop)\b)|"
    # "…让我下个会议软件跟着操作", "要我照他说的在网银按几个步骤", "wants me to pay a 'release
    # fee' before my parcel ships": a contact that asks what the shop never asks
    rf"{_CONTACT}.{{0,60}}(?:让我|要我|叫我|教我|让.{{0,3}}我|asks? (?:me|for)|asking (?:me|for)|"
    r"wants? me|told me|tells me|telling me|unless|否则|不然|"
    # "…and i need to install a remote-control app so they can refund me"
    # "…saying my order is on hold and I must confirm my card PIN through a link"
    r"\bi (?:need|have|had) to\b|\bi must\b|\bneeds? me to\b).{0,20}" + _NEVER_ASKED,
    re.IGNORECASE,
)


def reports_scam(text: str) -> bool:
    """The message reports a call or message from someone claiming to be the shop, or paying
    out through a private chat ("有个自称你们客服的打电话 … 让我加qq转账")."""
    return bool(_SCAM.search(simplified(text)))
