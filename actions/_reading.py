"""Reading a customer's message for the decision step (``actions._decide``): does it name an
order, speak of the customer's own case, ask a general question, ask for something, leave what
the customer was doing; the question a long message asks (``focus``). The questions of one
message are cut by ``actions._splitting``. Patterns are written in simplified Mandarin and read
traditional and Cantonese text through ``simplified``."""

from __future__ import annotations

import re
from functools import lru_cache

from kefu.mandarin import to_mandarin
from knowledge_base import topic_terms

__all__ = [
    "CJK",
    "LONG_MESSAGE",
    "MOBILE",
    "ORDER_ID",
    "asked_clause",
    "asks_for_something",
    "asks_own_state",
    "asks_something",
    "focus",
    "is_general_question",
    "is_long",
    "is_own_case",
    "is_question",
    "joined_order_id",
    "names_own_thing",
    "requests_act",
    "simplified",
    "split_clauses",
    "topic_clauses",
    "wants_to_leave",
]

# An order id as the NLU reads it: 8+ digits, or one pasted in groups ("2023 1120 005", joined
# by rasa_addons.order_ids) of 11+ digits. Not the digits of a code that goes on in letters (a
# company's tax id "91330106MA2KX3L07P"), nor a number right after the words of a tax id
# (税号, Taiwan's 统一编号 / 统编 in either script, then a space or colon or nothing: "統編
# 24536806"; lookbehinds are fixed-width, so one per width). The one pattern every action
# module uses.
_NOT_AFTER_TAX_ID = (
    r"(?<![统統][编編]|[税稅][号號])"
    r"(?<![统統][编編][\s:：]|[税稅][号號][\s:：])"
    r"(?<![统統]一[编編][号號])"
    r"(?<![统統]一[编編][号號][\s:：])"
)
# "收件手机号换成 13700002222": an 11-digit mainland mobile number is no order id (the NLU's
# rule too: data/nlu/regex.yml, rasa_addons.order_ids)
MOBILE = r"1[3-9]\d{9}"
_NOT_A_MOBILE = rf"(?!{MOBILE}(?!\d))"  # spaced too: "137 0000 2222", below
ORDER_ID = re.compile(  # the spaced form first: "20231120 004" is one id, not 20231120
    rf"(?<![0-9A-Za-z]){_NOT_AFTER_TAX_ID}(?!1[3-9](?:[ .-]?\d){{9}}(?![ .-]?\d))"
    r"(?=(?:\d[ .-]?){9,12}\d(?![ .-]?\d))"
    r"\d{2,}(?:[ .-]\d{2,})+|"
    rf"(?<!\d){_NOT_AFTER_TAX_ID}{_NOT_A_MOBILE}\d{{8,}}(?![0-9A-Za-z])"
)
_OWN = re.compile(
    r"我的|我那|我这|我家|我买|我订|我定的|我拍|我刚|我昨|我前|我上|我下的|我下单|我在你|我收|我填|"
    r"我付|我退|我申请|俺|那件|那条|那双|那套|那台|"
    r"那单|这单|那个订单|这个订单|本单|我要|我想(?!问|咨询|了解)|想要|帮我|给我|替我|请帮|麻烦帮|"
    r"还没|没收到|没到|没有到|没发|(?<![寄送退发])到哪(?!个地址|家)|还在路上|那个包裹|那个快递(?![费员公])|到哪了|到了没|咋还|怎么还|一直没|了[吗么嘛没]|了没有|好了没|"
    # ("on my end": where the customer is, no case of theirs)
    # ("my next order": not placed yet, nothing of theirs to look up)
    r"\bmy\b(?! account| end\b| side\b| next\b| future\b| upcoming\b)|\bmine\b|\bme\b|"
    r"\bI (?:ordered|bought|paid|got|received|want|need|would)|"
    r"\bI'd\b|\bI'm\b|haven'?t|hasn'?t|\bstill\b|where (?:is|are|'s)|where's|\byet\b|"
    r"\bdid (?:it|you|they)\b|\bhas (?:it|the)\b|"
    # "whats the waybill number": their parcel's, not how tracking works
    r"\bthe (?:waybill|tracking|shipment|sf|courier) (?:number|no\b|#)|"
    r"单号(?:是多少|发我|给我|多少)",
    re.IGNORECASE,
)
_OWN_THING = re.compile(
    r"我的|我那|我这|我家|我买|我订|这单|那单|这个订单|那个订单|本单|\bmine\b|"
    # "那付的158呢": the money the customer paid, by its amount
    r"付的\s*[¥￥]?\d|付了\s*[¥￥]?\d|"
    # "my order", not "my cousin": someone the customer sends to is nothing of theirs to look up
    r"\bmy\b(?!\s+(?:cousin|mum|mom|dad|father|mother|friend|sister|brother|aunt|uncle|wife|"
    r"husband|parents?|grandma|grandpa|grandparents|colleague|boss|flatmate|roommate|partner|"
    r"girlfriend|boyfriend|kids?|son|daughter|family|relatives?|niece|nephew|"
    # "can i use paypal for my next order": an order not placed yet is nothing to look up
    r"next|future|first|upcoming)\b)|"
    r"\bthis order\b|\bthat order\b",
    re.IGNORECASE,
)
_GENERAL = re.compile(
    r"(?<![没不])怎么|(?<![没不])怎样|如何|咋|多久|多长|几天|多少天|多少钱|几个工作日|多少日|几日|还?差多少|还差几|(?:买|满|够|凑)多少|什么时候|啥时候|几点|谁|哪些|哪里|哪儿|哪个|[寄送退]到哪(?!了)|"
    r"(?<!没)什么|(?<!没)啥|能不能|几(?:个|张|次|件|单|期|种|位)|最多|最少|上限|可不可以|有没有|([^\s不])不\1|去哪|在哪|可以.*[吗么嘛]|能.*[吗么嘛]|支持.*[吗么嘛]|是否|要是|如果|的话|一般|"
    r"[吗么嘛不没][？?！!。～~\s]*$|[？?]|"
    # "寄回的快递钱是我掏还是店里掏": one or the other
    r"是[^，,。.！!？?\s]{1,8}还是|"
    r"\b(?:how|when|what|which|who|why|whats|hows|whens|where do|where can|can i|can we|can you|"
    r"do you|do we|"
    r"could we|does|is there|"
    r"are there|if i|is it|are you|will i|do i|should i|would i|will there)\b|"
    # an English clause opened by an auxiliary is a yes/no question: "hi, is shipping free",
    # "are your products genuine" (two words after it: "do it" is no question)
    r"(?:^|[,;:]\s*|\b(?:hi|hello|hey|ok|also|and)\s+)"
    r"(?:is|are|do|does|can|could|will|would|should|may)\s+[a-z']+\s+[a-z']+",
    re.IGNORECASE,
)
_LEAVE = re.compile(
    r"算了|算[啦喇]|不用了|不用[喇啦嘞]|不需要了|不要了吧|先不[^了]{0,4}了|暂时不|没事了|不办了|不弄了|不查了|"
    r"\bnever ?mind\b|\bnvm\b|\bforget it\b|\bno need\b|\bdon'?t bother\b|\bnot now\b|"
    r"\bcancel that\b|\bno longer need\b|\bdon'?t need (?:it|that|to) ?(?:any ?more)?\b|"
    r"回头再(?:说|看|来|问)|晚点再|改天再|\b(?:come|check) back later\b|\bget back to you\b|"
    # "那行 让他自己来问吧": the account holder will ask themselves
    r"[让叫][他她]自己(?:来|过来)?(?:问|查|弄|联系|找你们)|"
    r"\b(?:i'?ll )?(?:let|get) (?:him|her|them) (?:ask|check|contact you)\b|"
    r"我自己(?:去|来)?(?:[^\s，,。]{0,6})?(?:改|弄|操作|处理|搞)(?:吧|好了|就行)?$|"
    r"\bi'?ll (?:do|change|sort|fix) it myself\b|"
    # "天冷了还是留着穿 不退了", "嗯 留着": keeping the item, the cancel or return dropped
    r"(?:还是|就)?留着|不(?:想)?(?:退|取消|撤|换|改)了(?![吗么嘛呢])",
    re.IGNORECASE,
)


LONG_MESSAGE = 60  # characters of a message in Chinese
LONG_WORDS = 25  # words of one in English ("electric toothbrush died. its over a year old can u
# still fix it" is 64 characters and one short question)
_CLAUSE = re.compile(r"[，,。.！!？?；;…~～\n]+")
_CJK_CLAUSE = re.compile(r"[\s，,。.！!？?；;…~～]+")
CJK = re.compile(r"[\u4e00-\u9fff]")  # a Han character: the message is (partly) Chinese


def split_clauses(text: str) -> list[str]:
    """The message's clauses, split as its script punctuates them (Chinese by spaces too)."""
    splitter = _CJK_CLAUSE if CJK.search(text) else _CLAUSE
    return [c.strip() for c in splitter.split(text) if c.strip()]


def is_long(text: str) -> bool:
    """A story around a question rather than a question (``LONG_MESSAGE``, ``LONG_WORDS``)."""
    if CJK.search(text):
        return len(text) >= LONG_MESSAGE
    return len(text.split()) >= LONG_WORDS


@lru_cache(maxsize=256)
def simplified(text: str) -> str:
    """The patterns are written in simplified Mandarin; traditional text is read through OpenCC
    and Cantonese / Taiwan words as the Mainland ones (``kefu.mandarin``), so all follow one
    rule."""
    return to_mandarin(text)


def is_own_case(text: str) -> bool:
    """The message speaks about the customer's own order or case."""
    return bool(ORDER_ID.search(text) or _OWN.search(simplified(text)))


def asks_something(text: str) -> bool:
    """The message asks a rule or how-to somewhere, own case or not ("I need a VAT invoice
    for my company, what info do you need")."""
    return bool(_GENERAL.search(simplified(text)))


# What makes a clause of the customer's own case a question or a request rather than a statement
# of reason or fact ("没有质量问题 就是不想要了", "it just doesn't fit"): the state of something
# of theirs ("还没到", "到哪了", "where are…", "yet"), or a wish to have something done.
_ASKS_STATE = re.compile(
    r"还没|没收到|没到|到哪|了[吗么嘛没]|好了没|\bwhere (?:is|are)\b|\bwhere's\b|\byet\b",
    re.IGNORECASE,
)
_REQUEST = re.compile(
    r"我要|我想(?!问|咨询|了解)|帮[我她他]|给我|替我|请帮|麻烦|\bplease\b|\bpls\b|"
    r"\bI (?:want|need|would like)\b|\bI'd like\b|\bcan you\b|\bcould you\b",
    re.IGNORECASE,
)


def asks_own_state(text: str) -> bool:
    """The message asks the state of something of the customer's ("到哪了", "still not here")."""
    return bool(_ASKS_STATE.search(simplified(text)))


def requests_act(text: str) -> bool:
    """The message asks for something to be done ("帮她查查嘛", "can you check it")."""
    return bool(_REQUEST.search(simplified(text)))


def asks_for_something(text: str) -> bool:
    """The clause asks a question or for something to be done, not only states a reason or a
    fact: a question word or particle, the state of something of theirs, or a request."""
    plain = simplified(text)
    return bool(_GENERAL.search(plain) or _ASKS_STATE.search(plain) or _REQUEST.search(plain))


def is_general_question(text: str) -> bool:
    """A rule, policy or how-to question, not about the customer's own case."""
    return bool(_GENERAL.search(simplified(text))) and not is_own_case(text)


def focus(text: str) -> str:
    """The question a long message asks: its last clause that is a general question; the
    message whole when it is short, names an order, or asks no general question."""
    # (by characters in any language: the clause asked is found in an English message of a
    # dozen words too — "…bought it over a year ago. can u fix it")
    if len(text) < LONG_MESSAGE or ORDER_ID.search(text):
        return text
    splitter = _CJK_CLAUSE if CJK.search(text) else _CLAUSE
    # (each clause as split, its leading space kept: a question pattern anchored at the start
    # does not match " is that normal" after a comma, so "trying to …, is that normal??" stays
    # whole — the editors' unanswered list keeps the whole question)
    asked = [c for c in splitter.split(text) if len(c.strip()) >= 4 and is_general_question(c)]
    return asked[-1].strip() if asked else text


# any question word or mark, however colloquial ("能赔多少", "咋整", "啥时候")
_ASKS_AT_ALL = re.compile(
    # ("我是签还是不签": one or the other)
    # ("这些是不是都得给你们", "要不要交税": X不X asks)
    r"[几多怎咋啥吗嘛么呢谁哪?？]|什么|还是[不没]|([^\s不没])[不没]\1|"
    # "替邻居问问 20231120003 签收了没": X了没 asks whether it happened
    r"(?:了|过)没有?(?:呢|啊|呀)?(?=$|[\s，,。！!])|"
    r"\b(?:how|what|when|where|which|who|why)\b|"
    r"\bor not\b",
    re.IGNORECASE,
)


def is_question(text: str) -> bool:
    """Any question word or mark, however colloquial ("还差几块才免邮啊", "能赔多少")."""
    return bool(_ASKS_AT_ALL.search(simplified(text)))


ASIDE_CHARS = 4  # "不说了", "对了", "好吧": an aside is a few characters


_GREETING = re.compile(
    r"^(?:(?:hi|hello|hey|hiya|yo|good (?:morning|afternoon|evening)|there)\b|"
    r"你好|您好|哈喽|哈啰|嗨|嘿|亲|在吗|在不在|在嘛|客服|小蜜|机器人|"
    r"早上好|早安|下午好|晚上好|[\s,，.。!！~～:：\U0001F300-\U0001FAFF])+",
    re.IGNORECASE,
)


def after_greeting(text: str) -> str:
    """The message without its greeting words ("哈喽机器人🤖 你们这能用云闪付付钱不")."""
    return _GREETING.sub("", (text or "").strip(), count=1).strip()


def asked_clause(text: str) -> str | None:
    """The question of a short message that opens with words around it ("不说了 你们过年发货不",
    "好吧 那积分怎么用"): its last clause when that is a general question and no clause before
    it asks anything, else None. Searched beside the message whole (``actions._kb_search``):
    the aside dilutes the question."""
    if ORDER_ID.search(text) or len(text) >= LONG_MESSAGE:
        return None
    clauses = split_clauses(text)
    if len(clauses) < 2 or len(clauses[-1]) < 4 or not is_general_question(clauses[-1]):
        return None
    if any(
        len(c) > ASIDE_CHARS
        or asks_something(c)
        or _ASKS_AT_ALL.search(simplified(c))
        or topic_terms(c)
        for c in clauses[:-1]
        if after_greeting(c)  # ("哈喽机器人🤖": a hello is an aside, whatever its words)
    ):
        # "那大概能赔多少 多久到账": two questions; "那我直接拒收 运费要我出吗", "抬头好像写错了
        # 能换开吗": the subject is before the question — no aside
        return None
    return clauses[-1]


LEANING_CHARS = 3  # "在哪换", "咋弄啊"


def topic_clauses(text: str) -> list[str]:
    """Of a short message of several clauses, those that ask something and name a shop topic
    ("积分能换啥 在哪换": 积分能换啥 — the message whole reads as an exchange, 换), when another
    clause asks without a topic of its own. Searched beside the message whole
    (``actions._kb_search``), each FAQ keeping its better score: a clause that leans on
    another ("在哪换") drowns its topic."""
    if ORDER_ID.search(text) or len(text) >= LONG_MESSAGE:
        return []
    clauses = split_clauses(text)
    if len(clauses) < 2:
        return []
    asking = [c for c in clauses if asks_something(c)]
    # a question of a few characters without a topic leans on another ("在哪换"); a longer one
    # is its own ("付款后多久发货啊 寄到成都要几天能到")
    leaning = any(not topic_terms(c) and len(c) <= LEANING_CHARS for c in asking)
    # the rest is background ("她老人家不会弄这些 一般退款几天能到"), not the subject the
    # question is about ("那我直接拒收 运费要我出吗": 拒收)
    rest = [c for c in clauses if c not in asking]
    background = bool(rest) and not any(topic_terms(c) for c in rest)
    if not (leaning or background):
        return []
    return [c for c in asking if len(c) >= 3 and topic_terms(c)]


def wants_to_leave(text: str) -> bool:
    """The customer leaves what they were doing: "算了 / 不用了 / 先不退了 / never mind"."""
    return bool(_LEAVE.search(simplified(text))) and not ORDER_ID.search(text)


# "单号2023112" then "0004 刚手快按了发送": an order id sent in two messages
_TAIL_DIGITS = re.compile(r"(\d{4,12})\s*$")
_HEAD_DIGITS = re.compile(r"^\s*(\d{1,9})(?!\d)")


def joined_order_id(previous: str, text: str) -> str | None:
    """The order id the customer's last two messages make together (the first ends on digits,
    this one starts with the rest: "单号2023112" + "0004 刚手快按了发送"), else None."""
    tail = _TAIL_DIGITS.search(previous or "")
    head = _HEAD_DIGITS.search(text or "")
    if tail is None or head is None or ORDER_ID.search(previous or ""):
        return None
    joined = tail.group(1) + head.group(1)
    return joined if len(joined) in (11, 12) and ORDER_ID.fullmatch(joined) else None


def names_own_thing(text: str) -> bool:
    """The message names something of the customer's own ("我的呢", "my one")."""
    return bool(_OWN_THING.search(simplified(text)))
