"""Small helpers of the actions' replies; ``say`` (simplified Chinese written once, traditional
derived) lives in ``kefu.i18n``."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions._reading import CJK, asks_for_something, asks_something, wants_to_leave
from kefu.i18n import say
from kefu.mandarin import to_mandarin

__all__ = [
    "asks_about_agent_hours",
    "asks_for_person",
    "is_angry",
    "is_thanks",
    "person_button",
    "praises",
    "resigned",
    "say",
    "thank_for_praise",
    "vip_offer",
    "yuan",
]


_ANGRY = re.compile(
    r"垃圾|气死|氣死|骗子|騙子|坑人|什么破|什麼破|破服务|破服務|太差|差劲|差勁|无语|無語|滚|滾|"
    r"投诉你们|投訴你們|受不了|忍不了|搞什么|搞什麼|什么玩意|什麼玩意|太过分|太過分|恶心|噁心|"
    r"忽悠|欺骗|欺騙|烂透|爛透|"
    # "你们这是在糊弄人吧 真是火大": fobbed off, fuming
    r"糊弄|火大|耍我|耍人|坑爹|气人|氣人|窝火|窩火|恼火|惱火|当我傻|當我傻|"
    # "下单十几天了东西还没影，你们还想不想做了！！": do you still want my business
    r"还想不想(?:做|干|开)|還想不想(?:做|幹|開)|"
    # "你們到底在幹嘛 真的很扯欸": what are you people doing, absurd (Taiwan's 扯)
    r"到底在(?:干嘛|幹嘛|干什么|幹什麼|搞什么|搞什麼|干啥|幹啥)|(?:太|很|真|好|超)(?:扯|离谱|離譜)|"
    # "真的很誇張", "很誇張欸" (not "价格很夸张 好便宜": a bargain can be 夸张 too)
    r"(?:真的很|真的太|太|超)(?:夸张|誇張)|很(?:夸张|誇張)(?:欸|耶|诶|誒)|"
    # "你們到底有沒有在處理 很誇張欸": are you doing anything at all
    r"到底有没有在(?:处理|處理|做事|管|跟进|跟進)|到底有沒有在(?:处理|處理|做事|管|跟进|跟進)|"
    r"fuck|shit|scam|terrible|worst|ridiculous|useless|unacceptable|"
    r"fed up|pissed|furious|disgusting|\bwtf\b|what the hell|bullshit|\bcrap\b|pathetic|"
    r"rip-?off|sick of|waste of (?:my )?time|a joke\b|so angry|so annoyed|!!!|！！！|"
    r"\b(?:livid|fuming|outrageous)\b|kidding me|messing (?:me|us) (?:around|about)|"
    r"fob(?:bing|bed)? me off|had enough|enough is enough",
    re.IGNORECASE,
)


# "这质量也太差了" describes the item — a return's reason (15 days for quality, the return
# flow), not anger at the shop; it is taken out before the anger is looked for.
_ITEM_QUALITY = re.compile(
    r"(?:质量|品质|做工|質量|品質)[^，,。！!？?\s]{0,4}(?:太差|差劲|差勁|很差|好差)|"
    r"\bquality (?:is|was) (?:so |really |just )?(?:terrible|awful|bad|poor)",
    re.IGNORECASE,
)


def is_angry(text: str) -> bool:
    """A clearly angry message (insults, swearing, repeated exclamation marks); a complaint
    about an item's quality alone is not anger."""
    return bool(_ANGRY.search(_ITEM_QUALITY.sub("", text or "")))


# "给我转人工", "找个真人", "叫你们客服来", "can someone actually check it", "get me a human":
# a request for a person in the customer's own words, whatever else the message says. Not a
# question about people ("人工客服几点上班", "do you have live agents"): those are FAQs.
_PERSON = re.compile(
    r"转人工|轉人工|(?:给我|帮我|幫我|我要|我想|我需要|麻烦|麻煩)(?:转|轉|找|接|叫|换|換|联系|聯繫)?(?:个|個)?"
    r"(?:人工|真人|活人)|"
    # "麻煩直接幫我接專人": someone assigned, put through
    r"(?:给我|帮我|幫我)(?:转|轉|找|接|叫|安排)(?:个|個|一位|位)?(?:专人|專人)|(?:找|叫|要|接)(?:个|個)?(?:人工|真人|活人)(?!.{0,6}(?:几点|幾點|什么时候|"
    r"什麼時候|时间|時間|上班|下班))|人工呢|"
    # "叫个人来吧", "找个人帮我跟快递核实" (not "个人发票": a person who comes or does something)
    r"(?:叫|找|来|來)(?:个|個)人(?:来|來|过来|過來|帮|幫|处理|處理|跟进|跟進|看看)|"
    # "找人跟一下银行", "叫個同事幫我追下", "get someone to chase the courier": someone to act
    r"(?:找|叫|派|安排)(?:个|個)?(?:人|专人|專人|同事|客服|专员|專員)(?:帮我|幫我|给我|給我|去|来|來)?"
    r"(?:跟|追|查|催|核实|核實|处理|處理|联系|聯繫|对接|對接)|"
    # "即刻叫個負責人出嚟同我講", "让你们主管来": someone in charge, called to the chat
    # "请转给能拍板的负责人"
    r"(?:找|叫|让|讓|要|请|請|转|轉)(?:给|給)?(?:个|個|你们|你們|你地)?"
    r"(?:能拍板的|能做主的|说了算的|說了算的|管事的)?(?:负责人|負責人|主管|经理|經理|领导|領導|上级|上級|"
    r"店长|店長|老板(?!娘)|老闆(?!娘))|"
    # "质量这么差还不给退 我要找你们管事的", "叫你们的员工直接帮我弄好": the one in charge, or
    # the shop's staff told to do it
    r"(?:找|叫|让|讓|要)(?:你们|你們|你地)(?:的|嘅)?(?:管事|管事儿|说了算|說了算|做主)的(?:人)?|"
    r"(?:叫|让|讓)(?:你们|你們|你地)(?:的|嘅)?(?:员工|員工|工作人员|工作人員|同事|人)(?:直接)?"
    r"(?:帮|幫|来|來|过来|過來|处理|處理|给|給)(?![^，,。！!？?]{0,6}(?:取件|取货|取貨|揽收|攬收|收件))|"
    # "我要跟你們店長講", "让我和你们经理谈": to speak with someone in charge
    # (the shop's own in charge: "你们的…", or a title only a shop has; not "我跟老板说过了")
    r"(?:跟|和|同|与|與)(?:(?:你们|你們|你地)(?:的|嘅)?(?:负责人|負責人|主管|经理|經理|领导|領導|上级|上級|"
    r"店长|店長|老板|老闆)|店长|店長|负责人|負責人)(?:讲|講|说|說|谈|談|聊|反映|倾|傾|理论|理論)(?![过過了])|"
    # "马上给我接个值班的同事", "转个售后的客服": put through to one of the shop's people
    r"(?:接|转|轉)(?:一?个|一?個|位)[^\s，,。！!？?]{0,4}?(?:的|嘅)?(?:同事|客服|员工|員工|工作人员|工作人員|"
    r"专员|專員|值班)|"
    # "马上给我一个能处理事情的人", "給我找個懂行的人": someone described by what they can do,
    # asked for
    r"(?:给|給)我(?:找|叫|安排|派|换|換)?(?:一?个|一?個|一位|位)[^，,。！!？?\s]{1,8}的人|"
    # "叫个能查账的人来": someone described by what they can do, called to come or to act
    r"(?:叫|找|派|安排|弄|请|請)(?:一?个|一?個|位)[^，,。！!？?\s]{1,6}的人(?:来|來|过来|過來|帮|幫|处理|處理|"
    r"跟进|跟進|看看|查)(?!.{0,4}(?:取件|取货|取貨|揽收|攬收|收件))|"
    # "麻烦让财务的同事给我加急处理", "你们安排个员工直接联系他们那边", "叫個做銷售嘅同我傾下價錢":
    # one of the shop's people (of some team) called to act
    r"(?:让|讓|叫|找|派|安排|请(?!问)|請(?!問))(?:一?个|一?個|一?位)?[^\s，,。！!？?]{0,4}?(?:的|嘅)?"
    r"(?:同事|专人|專人|员工|員工|专员|專員|工作人员|工作人員|销售|銷售|导购|導購|店员|店員)[^，,。！!？?]{0,8}"
    r"(?:处理|處理|加急|跟进|跟進|联系|聯繫|打电话|打電話|打(?:我|给我|給我)(?:的)?(?:电话|電話)|对接|對接|"
    # "叫你哋負責嘅同事打畀我", "安排一位客服同事接手", "安排个店员来接待我": call back, take over
    r"打(?:给|給)我|打过来|打過來|回(?:个|個)?(?:电话|電話)|接手|接待|接管|"
    r"谈|談|倾|傾|查|催|追|挑|选|選|推荐|推薦|报价|報價)|"
    # "有沒有專人可以幫我報價": is there someone who can do it for me
    # ("有没有负责企业采购的同事可以跟我谈谈": of some team)
    r"(?:有没有|有沒有|有冇|能不能|可不可以)(?:一?个|一?個|位)?(?:[^\s，,。！!？?]{1,8}?(?:的|嘅))?"
    r"(?:专人|專人|销售|銷售|业务|業務|同事|客服)"
    r"(?:可以|能|能够|能夠)?(?:帮我|幫我|跟我|同我|给我|給我)|"
    # "我想同有血有肉嘅職員講", "想跟你们的员工聊聊": to speak with one of the shop's staff
    # "这个问题我想和售后部门的同事直接沟通"
    r"(?:想|要)(?:同|跟|和)[^，,。！!？?\s]{0,8}(?:职员|職員|员工|員工|工作人员|工作人員|真人|同事|专员|專員)"
    r"(?:直接)?(?:讲|講|说|說|倾|傾|聊|谈|談|沟通|溝通|对接|對接)|"
    # "叫你们能拍板的人来", "找个说了算的": whoever can decide
    r"(?:叫|找|让|讓|请|請)(?:你们|你們|你地)?(?:一?个|一?個|位)?(?:能|可以)?(?:拍板|做主|作主|说了算|說了算|"
    r"做决定|做決定)的(?:人|来|來|出来|出來)?|"
    # "叫个管事的出来": whoever is in charge
    r"(?:叫|找|让|讓|请|請)(?:一?个|一?個|位)?(?:能管事儿?|管事儿?)的(?:人)?(?:来|來|出来|出來|出嚟)|"
    # "你们能不能让同事给中通打个电话问问": a colleague to call the courier or the bank
    r"(?:让|讓|叫|找|派|安排)(?:一?个|一?個)?(?:你们|你們|你地)?(?:的)?(?:同事|专人|專人|客服|工作人员|工作人員|人)"
    r"(?:给|給|跟|和|同|去|帮我|幫我)?[^，,。！!？?\s]{0,6}(?:打(?:个|個|一个|一個|一通)?电话|打(?:个|個)?電話|"
    r"打给|打給|打过去|打過去|问问|問問|问一下|問一下|核实|核實)|"
    # "你们得有人去盯着顺丰": someone of the shop has to chase the courier
    r"(?:得|要|需要|必须|必須|赶紧|趕緊)(?:有|派|安排)?(?:个|個)?人(?:去|来|來|帮我|幫我)?(?:盯|跟|追|催|查|核实|核實)"
    r"(?![^，,。！!？?]{0,8}[吗嗎])|"
    # "让你们负责的出来": whoever is in charge, called out
    # "叫你们管账的人来跟进": whoever keeps the accounts
    r"(?:找|叫|让|讓|请|請)(?:你们|你們|你地)?(?:负责|負責|管事|管账|管賬|管钱|管錢)(?:的|嘅)(?:人)?"
    r"(?:出来|出來|出嚟|来|來)|"
    # "赶紧让人帮我对一下账", "马上弄个工作人员来处理", "给我叫个客服专员来", "安排個職員同我跟進":
    # someone (of the shop's staff) called to come or to act
    # ("派个专管退款的同事来": of some team)
    r"(?:叫|找|让|讓|派|安排|弄|请|請|换|換)(?:一?个|一?個|一?位)?(?:[^\s，,。！!？?]{1,6}?(?:的|嘅))?"
    r"(?:工作人员|工作人員|职员|職員|客服人员|客服人員|客服专员|客服專員|客服同事|专员|專員|同事|店员|店員|真人|活人|人)"
    r"(?:来|來|过来|過來|出来|出嚟|帮我|幫我|给我|給我|同我|跟我|处理|處理|跟进|跟進|接手|接待)"
    r"(?!.{0,4}(?:取件|取货|取貨|上门|上門|揽收|攬收|收件))|"  # not a pickup: "会派人来取件吗"
    # "can an actual employee sort the redirect out with SF"
    # "can someone on your team ring the courier for me?"
    r"\b(?:can|could|will) (?:someone|somebody) (?:on|from|at|in) (?:your|the) (?:team|end|side|"
    r"company|shop|store|staff)\b[^.?!]{0,10}\b(?:ring|call|phone|contact|chase)\b|"
    r"\b(?:can|could|will) (?:an? )?(?:actual |real )?(?:employee|staff member|person|human)\b"
    r"[^.?!]{0,12}\b(?:sort|handle|deal|call|contact|check|fix|arrange)\b|"
    r"\b(?:get|have|send|want|need) (?:someone|somebody|a person|an agent|a human|staff|"
    r"a (?:member of staff|staff member))(?: (?:on|from|at|in) (?:your|the) (?:team|end|side|"
    r"company|shop|store|staff))? to\b|"
    # "have somebody from customer care call SF and hurry them": someone of the shop to act
    r"\b(?:get|have|send|need) (?:someone|somebody|a person|an agent|a human|staff)"
    r"(?: (?:from|at|in|on) [a-z' ]{1,25}?)? (?:call|contact|chase|hurry|ring|phone|push|"
    r"look into|sort out|deal with)\b|"
    r"\b(?:talk|speak|chat) (?:to|with) (?:a |an |some |your )?(?:human|person|agent|someone|"
    r"somebody|real|staff|rep)|\b(?:get|give|connect|transfer) me (?:to )?(?:a |an )?"
    r"(?:human|person|agent|someone|somebody|real)|\b(?:can|could|will) (?:someone|somebody|"
    r"a (?:real )?(?:person|human)|an agent|a staff|a member of (?:your |the )?(?:staff|team)|"
    r"a staff member|one of your (?:staff|team|people|agents))(?: (?:actually|please|pls|just))? "
    r"(?:check|look|help|call|contact|handle|sort|deal|fix|get back|do (?:it|this|that))\b|"
    r"\b(?:real|live) (?:person|human|agent|rep|representative)\b|\bhuman agent\b|"
    # "put me through to a live person", "could a human rep just call me about it"
    r"\bput me (?:through|thru) to\b|"
    # "Just hand me over to somebody who can chase the shipping company."
    r"\bhand me (?:over |off )?to (?:a |an |some |your )?(?:somebody|someone|person|human|agent|"
    r"staff|colleague|rep|manager|supervisor)|"
    # "connect me to one of them please" after the agents' hours
    r"\b(?:connect|transfer|put|pass|hand) me (?:through |thru |over |on )?(?:to|with) "
    r"(?:one of (?:them|your "
    r"(?:staff|team|agents|people|colleagues))|your (?:staff|team|agents|people|colleagues)|"
    r"a colleague)\b|\b(?:can|could|will) (?:a |an )?(?:real |live )?human "
    r"(?:rep|representative|being|agent)\b|"
    # "i want an agent to look at this", "i need a human"
    r"\bI (?:want|need|'d like|would like) (?:a |an |to talk to (?:a |an )?)?(?:actual |real )?"
    r"(?:human|person|agent|real person|rep|staff(?: member)?|manager|supervisor)\b|"
    r"\b(?:an agent|a human|a person) to (?:look|check|help|handle)\b|"
    # "I want this escalated to someone today", "please escalate it to a supervisor": a person
    # above the bot (not "how do I escalate a complaint?", the FAQ)
    r"\b(?:want|need|demand|like|expect)\b[^.?!]{0,25}\bescalated?\b|"
    r"\b(?:please |pls |just )escalate (?:this|it|my)\b|\bescalate (?:this|it|me) to\b|"
    # "I want your finance staff to look at it": the shop's people of some team, to act
    r"\bI (?:want|need|'d like|would like) (?:your|a|an|some(?:one)?(?: from)?(?: your)?) "
    r"(?:[a-z]+ ){0,2}(?:staff|team|people|person|agent|colleague|department|folks)\b "
    r"(?:to|on)\b|"
    # "get one of your people to look at it", "get one of your support folks on this asap"
    r"\b(?:get|have|send|put) (?:one of )?(?:your|ur|you guys'?) (?:\w+ )?(?:people|folks|staff|"
    r"team|guys|agents?|reps?|humans?)\b (?:on|to|call|phone|ring|contact|chase)\b|"
    # "叫你们财务部的人出面催一下这笔钱": the shop's people of some team, called out to act
    r"(?:叫|让|讓|请|請|找)(?:你们|你們|你地)[^\s，,。！!？?]{1,6}(?:的|嘅)(?:人|同事)"
    r"(?:出面|出来|出來|出嚟|来|來)(?!.{0,4}(?:取件|取货|取貨|上门|上門|揽收|攬收|收件))|"
    # "让负责退款的人直接联系我": whoever handles it, to contact the customer
    r"(?:让|讓|叫|请|請|找)(?:你们|你們|你地)?(?:负责|負責|管)[^\s，,。！!？?]{0,6}(?:的|嘅)(?:人|同事)"
    r"(?:直接)?(?:联系|聯繫|打电话|打電話|打给|打給|回复|回覆|跟进|跟進|处理|處理)|"
    # "你们那边谁能管这事 叫他来跟我说": whoever can deal with it, called to the chat
    r"谁(?:能|可以|会|會)(?:管|处理|處理|负责|負責)[^。！!？?]{0,12}(?:叫|让|讓)(?:他|她)(?:来|來|过来|過來)|"
    # "I'm furious, get a manager on this"
    r"\bget (?:me )?(?:a|your) (?:manager|supervisor|human|real person|agent)\b(?!'s|’s)",
    re.IGNORECASE,
)


def asks_for_person(text: str) -> bool:
    """The customer asks for a person in so many words ("给我转人工", "can someone check it",
    Cantonese "搵個真人同我跟進": read as Mainland Mandarin, ``kefu.mandarin``)."""
    return bool(_PERSON.search(text or "") or _PERSON.search(to_mandarin(text or "")))


# "客服几点有真人在", "人工客服几点上班", "when are your agents online": when people are there,
# an FAQ (the agents' hours), not a request for one now.
_AGENT_HOURS = re.compile(
    r"(?:几点|什么时候|啥时候|几时|时间|上班|下班|在线|营业)[^。！!]{0,8}(?:人工|真人|客服|活人)|"
    r"(?:人工|真人|客服|活人)[^。！!]{0,8}(?:几点|什么时候|啥时候|几时|时间|上班|下班|在线|营业)|"
    # "半夜十二点找得到客服吗": whether anyone is there at an hour
    r"(?:半夜|深夜|凌晨|夜里|晚上|早上|周末|节假日|[一二三四五六七八九十\d]+点)[^。！!]{0,6}"
    r"(?:找得到|找得着|有没有|还有|有)(?:人工|真人|客服|活人)[^。！!]{0,3}(?:吗|么|不|没)|"
    r"\b(?:when|what time|hours)\b.{0,30}\b(?:agents?|humans?|staff|people|someone|support|"
    r"service)\b.{0,20}\b(?:online|available|around|working|open|there)\b|"
    r"\b(?:agents?|humans?|staff|support|customer service)\b.{0,20}\b(?:hours|what time|when)\b",
    re.IGNORECASE,
)


# "上回那个客服爱答不理的 我要投诉她", "i want to complain about the courier": a complaint made
# now, not how complaints are made ("怎么投诉", "投诉电话多少", "where do i complain").
_COMPLAINS = re.compile(
    r"(?:我要|我想|我得|必须|必須|我會|我会|我就要)(?:正式|马上|立刻|现在|去)?投[诉訴]|投[诉訴](?:你们|你們|他|她|这个|這個|那个|"
    r"那個|这位|這位|那位|你地)|"
    # "你们这店我投诉定了", "我一定要投诉", "等着被投诉吧": a complaint made, in other words
    r"投[诉訴]定了|(?:一定|肯定|绝对|絕對|非)(?:要)?投[诉訴]|等着被投[诉訴]|等著被投[訴诉]|"
    # "这事你们得给个说法": an account demanded of the shop
    r"(?<![我俺])(?:给|給)(?:个|個|我|我个|我個)?(?:说法|說法|交代|交待)|(?:讨|討|要)(?:个|個)(?:说法|說法)|"
    r"\bI (?:want|need|would like|'d like|wish|am going|'m going) to (?:make a |file a |lodge a "
    r"|raise a )?complain(?:t)?\b|"
    # "那我这就投诉", "right, then I'm filing one now: your driver threw my parcel…"
    r"(?:这就|這就|现在就|現在就|马上就|馬上就|立刻)投[诉訴]|"
    # "这事要正式投诉", "我现在就要正式客訴" (客诉 is read as 投诉)
    r"(?:就要|要|得|必须|必須)正式(?:投|申)[诉訴]|(?:现在|現在)就要投[诉訴]|"
    # "联系了三次没人管，这件事必须有人负责": someone made to answer for it
    r"(?:必须|必須|得|总得|總得|一定要)(?:有人|有個人|有个人)(?:出来)?(?:负责|負責|担责|擔責)|"
    # "这件事我会追究到底，请给我登记投诉": a complaint to be recorded, a matter pursued
    r"(?:登记|登記|受理|记录|記錄|提交|立案)(?:一?个|一?個|一下|下)?(?:我的|我嘅)?投[诉訴]|"
    r"追究到底|追究(?:你们|你們|你地|责任|責任)|"
    # "我要找你们投诉部门": the complaints team asked for
    r"(?:我要|我想|我得|我会|我會|我就要)找(?:你们|你們|你地)?(?:的|嘅)?投[诉訴]"
    r"(?:部门|部門|专员|專員|组|組|热线|熱線|的人)|"
    # "right, consider this my complaint then"
    r"\b(?:consider|take|treat) (?:this|that|it) (?:as )?(?:my|a|an) (?:formal |official )?"
    r"complaint\b|"
    # "Log this as a complaint."
    r"\b(?:log|register|record|file|lodge|raise|treat) (?:this|it) as an? (?:formal |official )?"
    r"complaint\b|"
    r"\b(?:I'?m|I am|I'?ll|I will) (?:now )?(?:filing|file|lodging|lodge|making|make) "
    r"(?:one|a (?:formal |an official )?complaint|a formal one)(?: now| right now)?\b",
    re.IGNORECASE,
)
_HOW_TO_COMPLAIN = re.compile(
    r"(?:怎么|怎麼|如何|在哪|哪里|哪裡|去哪)[^，,。？?]{0,4}(?:投[诉訴]|申[诉訴]|反映|反馈|反饋)|"
    r"投[诉訴][^，,。？?]{0,6}(?:怎么|怎麼|如何|在哪|哪里|哪裡|电话|電話|入口|渠道)|"
    r"\b(?:how|where)\b.{0,30}\bcomplain",
    re.IGNORECASE,
)


def asks_how_to_complain(text: str) -> bool:
    """A question how or where to complain ("对处理结果不满意的话 去哪里反映"): the FAQ's."""
    return bool(_HOW_TO_COMPLAIN.search(to_mandarin(text or "")))


def complains_now(text: str) -> bool:
    """A complaint made in this message (the complaint's path: an apology and a person), not a
    question about how to complain."""
    plain = to_mandarin(text or "")
    return bool(_COMPLAINS.search(plain)) and not _HOW_TO_COMPLAIN.search(plain)


def asks_about_agent_hours(text: str) -> bool:
    """A question about when people are there, not a request for one in so many words."""
    return bool(_AGENT_HOURS.search(to_mandarin(text or ""))) and not asks_for_person(text)


# "谢谢 我去改", "好的 知道了", "唔該晒", "ok thx", "alright i see", "好 那我申請看看": thanks or
# an ok that asks nothing (after an answer the customer did not like, too: "好吧", "fine").
_THANKS = re.compile(
    r"^(?:谢谢|謝謝|多谢|多謝|谢了|謝了|感谢|感謝|唔该|唔該|好的|好嘞|好吧|那好吧|行吧|行(?=\s|$|啊|的)|"
    r"好(?=\s|$|啊|呀|滴|哒)|"
    r"知道了|明白了|"
    r"懂了|了解|收到|哦哦|噢|嗯嗯|原来如此|原來如此|"
    r"ok(?:ay)?\b|k{1,2}\b|oh ok\b|thanks?\b|thx\b|ty\b|got it\b|cool\b|alright\b|fine\b|i see\b|"
    r"understood\b|noted\b|sweet\b|gotcha\b|good to know\b|perfect\b|great\b|awesome\b|"
    r"figured\b|that explains it\b|makes sense now\b|fair enough\b|i'?ll think\b|"
    r"晓得了|晓得|晓得啦|明白|知道啦|好滴|好哒|行吧|成吧|中吧|"
    # "对上了 没毛病": it checks out
    r"对上了|對上了|没毛病|沒毛病|"
    # "好险 差点就信了" after the anti-fraud rule: relief, nothing asked
    r"好险|好險|幸好|还好没|還好沒|"
    # "我就说不对劲 差点上当 挂了": the customer saw through it
    r"我就说|我就說|差点上当|差點上當|差点被骗|差點被騙|"
    r"nice\b|makes sense\b|sounds good\b|all good\b|cheers\b|will do\b|"
    # "哦", "嗯" alone; "找到原因了 没凑够", "找到了": the customer has what they needed
    r"[哦噢嗯](?=[\s。.!！~～]*$)|找到了|找到原因了|原来是这样)",
    re.IGNORECASE,
)


_BUT = re.compile(
    r"但|可是|不过|不過|还没|還沒|没收到|沒收到|[不没沒].{0,2}(?:知道|懂|明白|清楚|了解)|"
    r"\bbut\b|\bstill\b",
    re.IGNORECASE,
)
# "👌", "👍👍", "🙏": an ok or a thanks in an emoji alone
_OK_EMOJI = re.compile(r"[\s👌👍🙏🆗✅✔☺😊🙂🤝💯\ufe0f\U0001f3fb-\U0001f3ff]+")


# "唉 行吧 知道了", "哦 没到门槛 懂了": a sigh or an "oh" before it, or the ok at the end
_SIGH = re.compile(
    r"^(?:[唉哎哦噢喔嗯啊哈]+|oh+|ah+|hmm+|meh|welp|ahh+)[\s,，.。~～!！]*", re.IGNORECASE
)
_OK_END = re.compile(
    r"(?<![不没])(?:知道了|懂了|明白了?|晓得了?|了解了?|清楚了|好的|\bok|\bgot it|\bi see)"
    r"[\s.。!！~～]*$",
    re.I,
)


# "oh found it at the front desk lol thx", "卧槽 真在快递柜里 谢了哈": news that ends in a thanks
_THANKS_END = re.compile(
    r"(?:\bthx|\bthanks|\bthank (?:you|u)|\bty|\btysm|\bappreciated?(?: it)?|"
    r"谢谢|谢了|多谢|感谢|唔该)"
    r"[\s哈啊呀啦哦~～!！.。🙏👍😊]*$",
    re.IGNORECASE,
)


# an ok that goes on to ask or want something: "ok how long", "ok can you check", "好 那多久"
_ASKS_ON = re.compile(
    r"\b(?:how|what|when|where|why|which|who|can|could|would|will|is|are|do|does|and|but|pls|"
    r"please|need|want)\b|多久|多少|怎么|怎麼|什么|什麼|啥|几|幾|哪|能不能|可不可以",
    re.IGNORECASE,
)
SHORT_OK_WORDS = 6  # "hmm ok, ill think abt it", "ah ok, no power bank then": still an ok


def is_thanks(text: str) -> bool:
    """A short thanks or ok that asks nothing ("謝謝 我去改", "👌", "唉 行吧 知道了"): the customer
    is done."""
    raw = (text or "").strip()
    plain = _SIGH.sub("", raw)
    if plain and _OK_EMOJI.fullmatch(plain):
        return True
    if (
        len(plain) <= 60
        and _THANKS_END.search(to_mandarin(plain))
        and not asks_for_something(plain)
        and not _BUT.search(plain)
    ):
        return True
    return (
        bool(_THANKS.match(raw) or _THANKS.match(plain) or _OK_END.search(plain))
        and (len(plain) <= 16 or (plain.isascii() and len(plain.split()) <= SHORT_OK_WORDS))
        and not re.search(r"[?？吗嗎]", plain)
        and not _ASKS_ON.search(plain)  # "ok how long", "ok and the invoice": it goes on
        and not _BUT.search(plain)  # "好 但是还没收到": an ok that goes on to something else
    )


# "你们家客服回得挺快的 表扬一下👍", "great service btw": praise of the shop or the chat — thanked,
# not a miss (not "服务太差": anger; not "好评返积分": a question of points).
_PRAISE = re.compile(
    r"表扬|點讚|点赞|夸(?:一下|夸|你)|给力|給力|好评(?![^。？?]{0,8}(?:积分|積分|返|送))|"
    r"(?:服务|服務|态度|態度|客服)[^。！!？?]{0,6}(?:很好|真好|挺好|不错|不錯|好棒|专业|專業|耐心|贴心|貼心)|"
    r"回(?:得|的|复|復)?(?:挺|很|真|好|超|蛮|蠻)快|你(?:们|們)?(?:真|好)?棒|"
    r"\b(?:great|excellent|amazing|awesome|fantastic|quick|fast|helpful|lovely) (?:service|support|"
    r"job|help|team)\b|\byou(?:'re| are| guys are| guys)? (?:great|awesome|amazing|so helpful|"
    r"very helpful|the best)\b|\bkudos\b|\bwell done\b",
    re.IGNORECASE,
)


def praises(text: str) -> bool:
    """The message praises the shop or the chat and asks nothing."""
    return bool(_PRAISE.search(text or "")) and not is_angry(text) and not asks_something(text)


def thank_for_praise(dispatcher: CollectingDispatcher, lang: str) -> list[dict[str, Any]]:
    """The customer's praise, thanked; then "anything else?"."""
    dispatcher.utter_message(
        text=say(
            lang,
            "谢谢您的认可，我们会继续努力的～还有什么可以帮您的吗？",
            "Thank you, that's kind of you! Is there anything else I can help with?",
        )
    )
    return []


def yuan(cents: int) -> str:
    return f"¥{cents / 100:.2f}"


def person_button(lang: str) -> dict[str, str]:
    return {"title": say(lang, "转人工客服", "Talk to an agent"), "payload": "/request_human"}


def vip_offer(lang: str) -> str:
    return say(
        lang,
        "您是我们的尊贵会员，如需人工客服，点下面的“转人工客服”马上为您优先接入～",
        'As a valued member you can reach a person first in line — tap "Talk to an agent".',
    )


RESIGNED_CHARS = 8  # "唉 白抢了": a sigh and a few words


def resigned(text: str) -> bool:
    """A sigh and a few words that ask nothing ("唉 白抢了", "oh well, missed it"): the customer
    takes the answer, disappointed — no miss, nothing to rephrase."""
    raw = (text or "").strip()
    rest = _SIGH.sub("", raw).strip()
    if rest == raw or not rest or asks_for_something(rest) or is_angry(rest):
        return False
    return len(rest) <= RESIGNED_CHARS if CJK.search(rest) else len(rest.split()) <= 4


# "哦对 放小区柜子里了 我这就下楼拿", "噢 八成是我自己手机上点的😂 不管它了", "oh found it, my
# bad": the customer sees what happened and will see to it — the answer helped, nothing asked.
_REALISED = re.compile(
    r"原来|是我自己|我自己[^，。,.!?？！]{0,6}(?:点|弄|搞|按)|八成是|应该是我|估计是我|找到了|找着了|"
    r"我这就|我马上去|我现在就?去|我去(?:拿|取|看|找)|我下楼|不管它了|\bfound (?:it|them)\b|"
    r"\bmy (?:bad|mistake)\b|\bi'?ll (?:go|grab|pick (?:it|them) up|head down)\b",
    re.IGNORECASE,
)


def realises(text: str) -> bool:
    """An "oh" and what the customer now sees or will do ("哦对 放小区柜子里了 我这就下楼拿"):
    no miss, nothing to rephrase — not when it asks or wants something, or is angry."""
    raw = (text or "").strip()
    rest = _SIGH.sub("", raw).strip()
    if rest == raw or not rest or re.search(r"[?？吗嗎]", rest):
        return False
    plain = to_mandarin(rest)
    return (
        bool(_REALISED.search(plain))
        and not asks_for_something(rest)
        and not is_angry(rest)
        and not _BUT.search(rest)
    )


def only_leaving(text: str) -> bool:
    """The customer drops the matter without asking for anyone ("哦那算了 我让她自己问"), though
    the NLU may read a person in it: no person words, and words of leaving."""
    return wants_to_leave(text) and not asks_for_person(text)


def anything_else(dispatcher: CollectingDispatcher, lang: str) -> list[dict[str, Any]]:
    """The customer is done or drops the matter: no miss, no rephrasing — "anything else?"."""
    dispatcher.utter_message(
        text=say(
            lang, "好的～还有什么可以帮您的吗？", "Sure — is there anything else I can help with?"
        )
    )
    return []
