"""The shop topics a customer's everyday words name (``actions._shop_words`` searches them): each
``Reading`` is a pattern over the message in simplified Mandarin and the topic in the FAQs' own
words, Chinese and English. A table, kept apart from the code that searches with it; each
reading is narrow on purpose and its near words are tested (``tests/actions/test_shop_words.py``).
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["PRICE_DROP", "READINGS", "REFUSE", "Reading"]

# A price drop after buying, in words that name no price protection ("比我买的时候低了快三十",
# "页面上便宜了15块 这种能补吗"): no order flow performs it either (``actions._decide``).
PRICE_DROP = re.compile(
    r"(?:价|买的时候|买时|买那会儿?)[^，。,.!?？！]{0,12}(?:便宜|降|低|少)了|"
    # "比我买时少了二十几块 能申请补差吗"
    r"(?:申请|能|可以|能不能|可不可以)(?:给我)?补(?:个|一下)?差(?:价|额)?(?![^，。,.!?？！]{0,3}(?:换|升级))|"
    # "刚买没几天页面价格就往下调了"
    r"价[^，。,.!?？！]{0,8}(?:往下调|下调|调低|调下来)|"
    r"(?:买完|刚买)[^，。,.!?？！]{0,12}(?:便宜|降价)了|"
    r"(?:便宜|降价|掉价|打折|打[一二三四五六七八九]折|减价)了[^，。,.!?？！]{0,12}(?:补|差价|退|返|多出来)|"
    # "前天刚收到的电风扇 今天一看降了三十多"
    r"(?:收到|买了?|到手|下单)[^，。,.!?？！]{0,16}(?:降|便宜)了[\d一二三四五六七八九十几两百]|"
    # "前脚刚签收的炒锅，后脚就便宜了三十块": received, then cheaper
    r"(?:签收|收到|到手)[^。.!?？！]{0,12}[，,][^。.!?？！]{0,6}(?:降|便宜)了[\d一二三四五六七八九十几两百]|"
    # "今日減咗價 平咗廿蚊 可唔可以補返俾我" (read as "减了价 平了廿蚊"): Cantonese 平 is cheap
    r"(?:减了价|降了价|平了[\d一二三四五六七八九十几两百廿卅]+)[^。.!?？！]{0,14}(?:补|差价|退|返)|"
    # "今天页面上少了二十块 这部分钱能给我补回来不": the product page's price, lower now
    r"页面上?[^，。,.!?？！]{0,6}(?:便宜|少|降|低)了[\d一二三四五六七八九十几两百][^，。,.!?？！]{0,4}"
    r"(?:块|元|块钱)?[^。.!?？！]{0,12}补|"
    # a price that fell, never "it fell into the pool"
    r"\bprices?\b[^.?!]{0,20}\b(?:dropped|went down|fell|is (?:now )?lower)\b|"
    r"\b(?:dropped|went down|fell) in price\b|\bcheaper (?:now|today)\b|\bprice drop|"
    # "bought a kettle last friday and now your site lists it 30 yuan cheaper" (not bought in a
    # flash sale or with a coupon: price protection's exceptions are their own answer)
    r"^(?!.*\b(?:flash|group[- ]?buy|live ?stream|coupons?|points)\b)"
    r".*?\b(?:bought|ordered|got|paid)\b[^.?!]{0,60}\b(?:lists?|listed|shows?|showing|sells?|selling|"
    r"is|it'?s|costs?)\b[^.?!]{0,12}\bcheaper\b",
    re.IGNORECASE,
)


# The parcel refused at the door ("快递来了能拒签吗"): no order flow refuses a parcel either.
REFUSE = re.compile(
    r"拒签|拒收|不想签收?|不签收|\brefuse (?:the )?(?:delivery|parcel|package)\b|"
    # "那快递员上门的时候我不收行不行"
    r"(?:上门|送来|送到|来了|到了|派送)[^，。！？?!,]{0,8}不(?:收|要)(?:了|行不行|可以|行吗|吗|么|可不可以)",
    re.IGNORECASE,
)


class Reading(NamedTuple):
    pattern: re.Pattern[str]  # over the message in simplified Mandarin, lower-cased
    zh: str  # the topic in the Chinese FAQs' words
    en: str  # and in the English ones'
    # searched alone, not after the message: its words are the whole question, and the
    # message's own words find a wider topic first ("do i get points for a review": how
    # points are earned at 0.98, not the review's reward) — its confident answer leads
    # (``actions._kb_search``)
    alone: bool = False


_I = re.IGNORECASE
# electronics, where an opened box matters (the no-reason exceptions name opened digital goods)
_DEVICE_EN = (
    r"(?:head ?phones?|ear ?buds?|ear ?phones?|headset|(?:smart ?)?watch|band|tracker|phone|"
    r"tablet|laptop|camera|speaker|tooth ?brush|device|gadget|electronics?)"
)
_DEVICE_ZH = r"(?:耳机|耳麦|手表|手环|手机|平板|电脑|相机|音箱|音响|牙刷|电子|数码)"

# days the agents might be off: a weekend or a holiday
_DAYS_ZH = (
    r"(?:周末|周六|周日|星期六|星期天|星期日|礼拜六|礼拜天|节假日|假期|法定假|国庆|五一|长假)"
)
_DAYS_EN = r"(?:sundays?|saturdays?|weekends?|(?:public |bank |national )?holidays?)"

READINGS = (
    # not liking it is the no-reason return's reason ("東西拿到覺得不喜歡 幾天內可以退": "退"
    # beside a dislike reads as the quality rule)
    Reading(
        re.compile(
            r"(?:不喜欢|不合心意|不想要了)(?=.{0,12}(?:退(?!款|钱)|还回去))|"
            r"\b(?:don'?t|do not|didn'?t) (?:like|love|want) (?:it|them)\b"
            r"(?=.{0,40}\b(?:return|send))|"
            # "doesn't match my room at all. Still sealed in the box — can I send it back?"
            r"\b(?:doesn'?t|does not|didn'?t) (?:match|go with|suit)\b"
            r"(?=.{0,60}\b(?:send (?:it|this|them) back|return (?:it|this|them)))|"
            r"\b(?:still sealed|unopened|never opened)\b"
            r"(?=.{0,40}\b(?:send (?:it|this|them) back|return (?:it|this|them)))",
            _I,
        ),
        "无理由退货",
        "no reason return",
    ),
    # the return window asked in general ("whats your return window"): the 7 days with no
    # reason — not when a fault is named (the quality rule's 15 days)
    Reading(
        re.compile(
            r"^(?!.*\b(?:faulty|broken|defect\w*|damaged|quality|warrant\w*)\b)"
            r".*?(?:\breturn (?:window|period|policy|time ?frame|deadline)\b|"
            # "having second thoughts. how many days do i have to send it back?"
            r"\bhow (?:many|long)(?: days)?\b[^.?!]{0,30}\b(?:return|send (?:it|them) back)\b)",
            _I,
        ),
        "七天无理由退货",
        "do you accept returns within 7 days for no reason",
    ),
    # a price drop after buying ("现在活动价比我买的时候低了快三十", "便宜了15块 这种能补吗")
    # (alone: "20231120012 收到才两天便宜了十几块，能补我差额吗" whole finds it at 0.26)
    Reading(
        PRICE_DROP,
        "买完降价了 退差价",
        "price dropped after i bought refund the difference",
        alone=True,
    ),
    # people at work on holidays ("Are you open for live chat on public holidays?",
    # "过年期间人工客服还在吗"): the agents' hours, not shipping over the holidays
    Reading(
        re.compile(
            r"\blive chat\b[^.?!]{0,40}\b(?:holidays?|weekends?|hours|open)\b|"
            r"\b(?:open|available|staffed)\b[^.?!]{0,20}\blive chat\b|"
            r"(?:节假日|周末|过年|春节|国庆)[^。.!?？！]{0,8}(?:人工|真人|客服)[^。.!?？！]{0,4}"
            r"(?:在线|上班|在吗|有人|值班)",
            _I,
        ),
        "客服工作时间是几点到几点",
        "what are your customer service hours",
        alone=True,
    ),
    # genuine goods ("你们家东西保真吗 能拿去专柜验不")
    Reading(
        re.compile(
            r"保真|假货|山寨|高仿|专柜验|\b(?:genuine|authentic|counterfeit|knock-?offs?|replicas?)\b|"
            r"\bfake (?:goods|products|items|stuff)\b",
            _I,
        ),
        "正品 专柜验货",
        "are your products genuine",
    ),
    # the Spring Festival's shipping ("大年初三下的单 啥时候能寄出来")
    Reading(
        re.compile(
            r"(?:大年|正月|年)初[一二三四五六七八九十]|春节|过年|除夕|年三十|腊月|小年|"
            # "年前还寄得出来不" (not "一年前买的": a year ago)
            r"(?<![一二两三四五六七八九十几\d])年前(?=.{0,8}(?:发|寄|到|送|停))|"
            r"chinese new year|lunar new year|spring festival|\bcny\b",
            _I,
        ),
        "节假日正常发货吗",
        "do you ship during the spring festival holidays",
        # (alone: "大年三十到初六这几天下单，什么时候能发出" finds the everyday shipping time
        # first, 0.997 — the festival's pause is what it asks)
        alone=True,
    ),
    # how long delivery takes once shipped ("once you dispatch, when would a parcel reach
    # Shenzhen?"): the delivery time by region, not how soon orders ship
    Reading(
        re.compile(
            r"\b(?:once|after) (?:you(?:'ve| have)?|it(?:'s| has)?|they(?:'ve| have)?) "
            r"(?:dispatch|ship|send|post)\w*\b[^.?!]{0,40}"
            r"\b(?:reach|arrive|get (?:to|there)|take)\b|"
            r"发(?:货|出)(?:以)?后[^。.!?？！]{0,10}(?:几天|多久|多长时间)[^。.!?？！]{0,4}(?:到|送到|收到)",
            _I,
        ),
        "下单后几天能收到 各地区配送要多久",
        "how long does delivery take",
        alone=True,
    ),
    # what points are worth ("what's the exchange rate between points and money off an order?")
    Reading(
        re.compile(
            r"\bpoints?\b[^.?!]{0,40}\b(?:worth|exchange rate|convert\w*|money off|cash value)\b|"
            r"\b(?:worth|exchange rate|convert\w*)\b[^.?!]{0,40}\bpoints?\b|"
            r"积分[^。.!?？！]{0,8}(?:换算|兑换比例|折算|值多少钱|顶多少钱|能抵多少)",
            _I,
        ),
        "积分有什么用 积分抵扣",
        "what can i use my points for",
        alone=True,
    ),
    # a liquid sent abroad ("does shipping liquid shampoo to Osaka work?"): what cannot cross
    # borders, in the overseas shipping rule
    Reading(
        re.compile(
            r"^(?=.*(?:海外|国外|境外|日本|韩国|香港|台湾|澳门|新加坡|美国|英国|大阪|东京|\babroad\b|"
            r"\boverseas\b|\binternational|\bjapan\b|\bosaka\b|\btokyo\b|\bkorea\b|\bsingapore\b|"
            r"\busa?\b|\buk\b|\bcanada\b|\baustralia\b|\beurope\b|\bhong kong\b|\btaiwan\b|"
            r"\bmacau\b)).*(?:液体|洗发水|香水|乳液|电池|充电宝|\bliquids?\b|\bshampoo\b|"
            r"\bperfume\b|\blotion\b|\bbatter(?:y|ies)\b|\bpower ?banks?\b)",
            _I,
        ),
        "可以寄到港澳台或海外吗",
        "do you ship overseas",
        alone=True,
    ),
    # a gift card's use ("Got a gift card from my aunt … How do I spend it on your site?")
    Reading(
        re.compile(
            r"\bgift ?cards?\b.{0,80}\b(?:spend|use|redeem|apply|bind|add|activate)\b|"
            r"\b(?:spend|use|redeem|apply|bind|add|activate)\b[^.?!]{0,30}\bgift ?cards?\b|"
            r"礼品卡[^。.!?？！]{0,10}(?:怎么用|怎么使用|如何使用|咋用|在哪用|绑定|怎么绑)",
            _I,
        ),
        "礼品卡和余额怎么使用",
        "how do i use a gift card",
        alone=True,
    ),
    # an order called off ("I paid for an order an hour ago and want to call it off")
    Reading(
        re.compile(r"\bcall (?:it|the order|my order|that) off\b", _I),
        "怎么取消订单",
        "how do i cancel an order",
        alone=True,
    ),
    # a quality problem soon after use, asked of a return ("買的快煮壺用兩次就壞掉 這樣能辦退貨嗎"):
    # the quality return's 15 days, not the 7 days without reason
    Reading(
        re.compile(
            r"(?:用了?|才用|穿了?|才穿|洗了?)[^。.!?？！]{0,4}(?:两次|一次|几次|几天|没几天|两天|一天)"
            r"[^。.!?？！]{0,3}(?:就|便)?(?:坏|破|开线|起球|掉色|裂|漏|不亮|没反应)"
            r"(?=[^。.!?？！]{0,16}(?:退|换))",
            _I,
        ),
        "质量问题可以在多少天内退换",
        "how many days do i have to return a faulty item",
        alone=True,
    ),
    # how long repairs are covered ("买的小家电坏了 你们管修多长时间"): the warranty
    Reading(
        re.compile(r"管修(?:多长时间|多久|几年|几个月)|保修(?:多长时间|几年)", _I),
        "商品保修期多久",
        "how long is the warranty",
        alone=True,
    ),
    # a request turned down, in Taiwan's slang ("我的退貨申請被打槍了 要去哪裡看原因") or plainly
    # ("售后单被拒了 还能补点材料再提一次吗")
    Reading(
        re.compile(
            r"(?:申请|退货|退款|售后单?)[^。.!?？！]{0,6}(?:被打枪|被拒|被驳回|没通过|没被通过|没批)",
            _I,
        ),
        "退款被拒绝了怎么办",
        "my refund request was rejected",
        alone=True,
    ),
    # refusing the parcel at the door ("20231120004 我不打算收了 快递来了能拒签吗")
    Reading(
        REFUSE,
        "可以拒收包裹吗 拒收后怎么退款",
        "can i refuse the parcel",
        alone=True,
    ),
    # how a refund is applied for ("點樣申請退款", "退款在哪里申请"): the return's steps, which
    # are the refund's ("退货退款")
    Reading(
        re.compile(
            r"(?:怎么|如何|怎样|咋)申请退款|退款(?:在哪|去哪)(?:里|儿)?申请|申请退款的?(?:入口|流程)",
            _I,
        ),
        "怎么申请退货",
        "how do i apply for a return",
        alone=True,
    ),
    # an item found broken on arrival ("刚收到的锅 底下有一道裂纹 这种能换个新的吗",
    # "宅配送來紙箱整個凹掉 我可以當場不收嗎"): the damaged-parcel rule
    Reading(
        re.compile(
            r"(?:收到|到了|送来|送到|拆开|宅配)[^。.!?？！]{0,12}(?:裂纹|裂缝|裂了|碎了|破损|压扁|压坏|"
            r"凹掉|凹了|凹进去|摔坏)|"
            r"\b(?:arrives?|arrived|turns? up|comes?) "
            r"(?:broken|damaged|smashed|cracked|shattered)\b",
            _I,
        ),
        "收到商品破损怎么办",
        "the item arrived damaged",
    ),
    # where and how much the shipping insurance pays out ("买了运费险 退完货那几块钱是退到哪的";
    # not whether it pays: "换货的话运费险赔不赔" is the exchange's FAQ)
    Reading(
        re.compile(
            r"(?:运费险|运费保障|退货险|退货保障|退换货保障)[^。.!?？！]{0,20}(?:退到|到哪|赔到|赔多少|"
            r"赔了多少|赔几|能赔|理赔)|"
            r"shipping insurance[^.?!]{0,40}\b(?:where|paid|claim|pay ?out|go)",
            _I,
        ),
        "运费险怎么理赔",
        "how does return shipping insurance pay out",
    ),
    # the service hours on a given day ("anyone staffing the chat on sundays?", "are your human
    # agents working on public holidays too")
    Reading(
        re.compile(
            rf"{_DAYS_ZH}[^。.!?？！]{{0,10}}(?:客服|人工|有人|在线|上班|值班)|"
            rf"(?:客服|人工)[^。.!?？！]{{0,10}}{_DAYS_ZH}|"
            # (not "delivered on saturday? i work weekdays": the chat's people, not a delivery)
            rf"\b(?:on )?{_DAYS_EN}\b(?=[^.!]{{0,40}}"
            r"\b(?:staff|agents?|humans?|anyone|chat|open|support|online)\b)|"
            r"\b(?:staff|agents?|humans?|anyone|chat|support|customer service)\b(?=[^.!]{0,40}"
            rf"\b(?:on )?{_DAYS_EN}\b)",
            _I,
        ),
        "客服工作时间",
        "customer service hours",
    ),
    # when only the bot is left ("晚上几点以后就只剩机器人了", "after what time is it just the
    # bot"): the agents' hours
    Reading(
        re.compile(
            r"(?:几点|什么时候|啥时候|几时)[^。.!?？！]{0,8}(?:只剩|只有|就剩|全是|都是)(?:下)?"
            r"(?:机器人|机械人|智能客服|ai|bot)|"
            r"\b(?:what time|when)\b[^.?!]{0,30}\b(?:only|just) (?:the |a )?(?:bot|robot|ai)\b",
            _I,
        ),
        "客服工作时间",
        "customer service hours",
        alone=True,
    ),
    # an electronic item opened ("does the 7 day return thing apply to headphones once i've
    # opened the box?", "cracked open the packaging on a smart watch")
    Reading(
        re.compile(
            # (a return asked: "手机激活不了" is no return)
            rf"^(?=.*(?:退|无理由|\breturn|\bsend (?:it |them )?back|\brefund|no questions)).*?"
            rf"(?:(?:拆封|拆了|拆开|开封|打开了?包装|激活)[^。.!?？！]{{0,20}}{_DEVICE_ZH}|"
            rf"{_DEVICE_ZH}[^。.!?？！]{{0,20}}(?:拆封|拆了|拆开|开封|打开了?包装|激活)|"
            rf"\b(?:opened|unsealed|unboxed|cracked open|tore open|ripped open|broke the seal|"
            rf"activated)\b[^.?!]{{0,40}}\b{_DEVICE_EN}|"
            rf"\b{_DEVICE_EN}\b[^.?!]{{0,40}}\b(?:opened|unsealed|unboxed|cracked open|"
            rf"tore open|ripped open|broke the seal|activated)\b)",
            _I,
        ),
        "电子产品拆封激活后还能退吗",
        "can i return an electronic device after opening it",
    ),
    # a place abroad named, not the word "overseas" ("do u deliver to kuala lumpur?"; not the
    # import tax asked: "寄到美国洛杉矶的话 要额外交税吗" is that FAQ's)
    Reading(
        re.compile(
            r"^(?!.*(?:税|海关|清关|\btax|\bcustoms|\bdut(?:y|ies)))(?:.*?)(?:"
            r"(?:寄|发|送|邮|运)[^。.!?？！]{0,8}(?:马来西亚|吉隆坡|新加坡|泰国|曼谷|日本|东京|韩国|首尔|"
            r"美国|加拿大|澳洲|澳大利亚|新西兰|英国|伦敦|德国|法国|越南|菲律宾|印尼)|"
            r"\b(?:ship|deliver|send|post|mail)\w*\b[^.?!]{0,30}\b(?:malaysia|kuala lumpur|"
            r"singapore|thailand|bangkok|japan|tokyo|korea|seoul|usa|the us|america|canada|"
            r"australia|sydney|melbourne|new zealand|the uk|london|germany|france|vietnam|"
            r"philippines|indonesia)\b)",
            _I,
        ),
        "可以寄到海外吗",
        "do you ship overseas",
    ),
    # how long a refund takes to reach a channel ("退到信用卡一般要等几天": not the review's time)
    Reading(
        re.compile(
            r"退[^。.!?？！]{0,4}(?:信用卡|银行卡|储蓄卡|微信|支付宝|零钱|花呗|余额)[^。.!?？！]{0,8}"
            r"(?:几天|多久|多长时间|啥时候|什么时候|几个工作日)|"
            r"\brefund\w*\b[^.?!]{0,20}\b(?:card|wechat|alipay|bank)\b[^.?!]{0,30}"
            r"\b(?:how long|how many days|when)\b|"
            r"\b(?:how long|how many days|when)\b[^.?!]{0,30}\brefund\w*\b[^.?!]{0,20}"
            r"\b(?:card|wechat|alipay|bank)\b",
            _I,
        ),
        "退款多久到账",
        "how long until the refund arrives",
    ),
    # Taiwan's word for points ("紅利可以拿來扣錢嗎")
    Reading(re.compile(r"红利"), "积分", "points"),
    # cash on delivery ("能不能收到货再给钱")
    Reading(
        re.compile(
            r"货到付款|收到货再(?:给|付|打)钱|先收货再付|\bcash on delivery\b|"
            r"\bpay (?:on|upon|at) delivery\b|\bpay when (?:it|the parcel) (?:arrives|comes)\b",
            _I,
        ),
        "支持货到付款吗",
        "do you accept cash on delivery",
    ),
    # a screen's defect ("要是屏幕上有坏点呢"): a quality problem
    Reading(
        re.compile(r"坏点|漏光|花屏|\bdead pixels?\b|\bbacklight bleed\b", _I),
        "质量问题",
        "quality problem",
    ),
    # a coupon given back ("撤了的话我用的那张券能回来不")
    Reading(
        re.compile(
            r"券[^。.!?？！]{0,8}(?:回来|退回|返还|还我|还给)|"
            r"\b(?:coupon|voucher)s?\b[^.?!]{0,20}\b(?:back|returned|refunded)\b",
            _I,
        ),
        "退货后优惠券会退回吗",
        "do i get my coupon back after a return",
    ),
    # when a paper invoice is mailed ("纸质的开好多久能寄到我手上")
    Reading(
        re.compile(
            r"纸质(?:的|发票|票)?[^。.!?？！]{0,12}(?:寄|多久|几天|什么时候|啥时候)|"
            r"\bpaper (?:invoice|fapiao)\b[^.?!]{0,30}\b(?:how long|when|mail|post|send)",
            _I,
        ),
        "增值税专用发票 纸质 多久寄出",
        "special vat invoice on paper how long to mail",
    ),
    # a faster courier ("need something delivered by tmrw, do you guys have express shipping?")
    Reading(
        re.compile(
            r"加急|次日达|隔日达|当日达|特快|(?:更快|最快)的(?:快递|物流)|"
            r"\bexpress (?:shipping|delivery|courier|post)\b|\bexpedited\b|\bnext[- ]day\b|"
            r"\bovernight (?:shipping|delivery)\b|\bfaster (?:shipping|delivery|courier)\b|"
            r"\brush (?:shipping|delivery)\b",
            _I,
        ),
        "能发顺丰吗 顺丰加急 可以指定快递吗",
        "can you ship with sf express can i pick the courier",
    ),
    # points for a review ("if i post a review … with pics, do i get points for it"): the
    # review's own reward, not how points are earned in general
    Reading(
        re.compile(
            r"(?:评价|好评|晒图|晒单|评论)[^。.!?？！]{0,16}积分|积分[^。.!?？！]{0,10}(?:评价|好评|晒图|晒单)|"
            r"\breviews?\b[^.?!]{0,80}\bpoints?\b|\bpoints?\b[^.?!]{0,30}\breviews?\b",
            _I,
        ),
        "晒单有奖励吗 商品评价",
        "do i get rewards for reviews with photos",
        alone=True,
    ),
    # an item missing from the parcel ("一共买了三样 拆开箱子只有俩 剩下那个呢")
    Reading(
        re.compile(
            # (not a time: "才收到三天就降了三十")
            r"(?:只有|只收到|就收到|才收到|只来了|就来了)(?:一|两|俩|二|三|\d)(?:个|件|样|包|双)?"
            r"(?![天日周号点个月小时分钟礼拜星期年\d])|"
            # (not "抬头公司名少了个字": a word missing from an invoice's title)
            r"少(?:了|发了?)(?:一|两|俩|\d)?(?:个|件|样|双)(?![字人钱块元])|漏发|少件|"
            r"缺(?:了)?(?:一|两|\d)(?:个|件|样)(?![字人钱块元])|"
            r"\bonly (?:got|received|came with) (?:one|two|\d)\b|"
            r"\bmissing (?:an? |one |two )?(?:item|piece|thing)s?\b|"
            r"\b(?:one|an item|a piece|something) (?:is |was )?missing\b",
            _I,
        ),
        "少件漏发",
        "an item is missing from my parcel",
        alone=True,
    ),
    # a parcel damaged at the door ("快递小哥在门口等我签收 箱子都压扁了 我是签还是不签"): the
    # damaged-goods rule (inspect, refuse), not "signed for but not received"
    Reading(
        re.compile(
            r"(?:箱子|盒子|外包装|包装|快递|包裹|纸箱)[^。.!?？！]{0,6}(?:压扁|压坏|破了|破损|烂了|变形|湿了|"
            r"漏了)|"
            r"\b(?:box|package|parcel|packaging)\b[^.?!]{0,20}\b(?:crushed|squashed|dented|torn|"
            r"smashed|soaked|wet)\b",
            _I,
        ),
        "收到商品破损怎么办 验货 拒收",
        "my item arrived damaged",
        alone=True,
    ),
    # which courier, or one named ("請問你們都寄哪家物流？可以指定黑貓宅急便嗎")
    Reading(
        re.compile(
            r"(?:哪家|哪个|什么|啥)(?:快递|物流)|指定[^。.!?？！]{0,4}(?:快递|物流|黑猫|宅急便|顺丰|京东|"
            r"邮政|ems|中通|圆通|申通|韵达)|"
            r"\b(?:which|what) (?:courier|carrier|delivery company|shipping company)\b|"
            r"\b(?:choose|pick|select|request) (?:a |the |my own )?(?:courier|carrier)\b",
            _I,
        ),
        "用的是哪家快递 可以指定快递吗",
        "which courier do you use can i choose one",
    ),
    # measurements ("is there a measurement guide for the dresses?")
    Reading(
        re.compile(
            r"尺码表|尺寸表|量尺寸|\b(?:measurement|size|sizing) (?:guide|chart|table)\b|"
            r"\bmeasurements\b",
            _I,
        ),
        "怎么选择衣服尺码 尺码表",
        "how do i choose the right size chart",
    ),
    # when an item in stock leaves ("今天拍的现货一般什么时候出库"): the shipping time, not the
    # restock of an item out of stock
    Reading(
        re.compile(
            r"现货[^。.!?？！]{0,8}(?:什么时候|啥时候|多久|几天|何时|几时)[^。.!?？！]{0,4}"
            r"(?:出库|发货|发出|寄出|能发|能寄)",
            _I,
        ),
        "下单后多久发货",
        "how soon do you ship after i order",
        alone=True,
    ),
    # an invoice asked for after the order ("下单时忘了沟发票 东西都收到了 还能补开吗"): 90 days,
    # not the reissue of one
    Reading(
        re.compile(
            # (not a wrong one made again: "抬头写错了 能补开一张吗" is the reissue)
            r"^(?!.*(?:抬头|写错|错了|重开|换开|税号))(?:.*?)(?:补开|(?:忘了|没|忘记)[勾沟选点]?"
            r"[^。.!?？！]{0,3}(?:开)?发票)|"
            r"\b(?:forgot|didn'?t) (?:to )?(?:tick|check|ask for|request)\b[^.?!]{0,20}\binvoice\b",
            _I,
        ),
        "可以开发票吗 订单完成后申请开票",
        "can i get an invoice after the order",
        alone=True,
    ),
    # who pays the import tax ("到那边海关要收税 是我朋友出还是你们出")
    Reading(
        re.compile(
            r"(?:海关|关税|进口税|税)[^。.!?？！]{0,12}(?:谁出|谁付|谁交|谁承担|我出|你们出|朋友出|要交|收税|"
            r"交税)|(?:谁出|谁付|谁交)[^。.!?？！]{0,6}(?:关税|税)|"
            r"\b(?:duty|duties|customs|import tax)\b[^.?!]{0,30}\b(?:who pays|pay|charge)\b|"
            r"\bwho pays\b[^.?!]{0,20}\b(?:duty|duties|customs|tax)\b|"
            # "收件嗰邊使唔使另外畀錢過關": money to clear customs
            r"(?:给钱|付钱|交钱|畀钱|俾钱|另外给)[^。.!?？！]{0,4}过关|过关[^。.!?？！]{0,6}(?:钱|费|税)",
            _I,
        ),
        "跨境包裹需要交关税吗 收件人承担",
        "who pays import duty",
        alone=True,
    ),
    # damage by accident asked of the warranty ("my smartwatch fell into the pool, does the
    # warranty cover that")
    Reading(
        re.compile(
            r"^(?=.*(?:保修|保固|免费修|warrant|cover)).*?(?:摔|掉地|掉到地|掉在地|掉水|进水|泡水|掉进|磕|砸|"
            r"\bfell\b|\bdropped\b|\bwater\b|\bpool\b|\bspilled\b|\bcracked\b|\bsmashed\b)",
            _I,
        ),
        "人为损坏可以保修吗 摔落 进水",
        "is accidental damage covered by the warranty drops water",
        alone=True,
    ),
    # how long the warranty lasts ("電飯煲壞咗你哋負責維修嘅 保修期計幾長")
    Reading(
        re.compile(
            # (not past it: "保修期过了多久还能修" is the paid repair)
            r"^(?!.*(?:过了|超过|过期|过保|\bexpired\b|\bout of warranty\b|\bafter the warranty\b))"
            r"(?:.*?)(?:保修期?[^。.!?？！]{0,4}(?:几长|多长|几久|多久|几年|几个月|多少年)|"
            r"\bwarranty\b[^.?!]{0,12}\b(?:how long|period|last)\b|"
            r"\bhow long\b[^.?!]{0,12}\bwarranty\b)",
            _I,
        ),
        "商品保修期多久",
        "how long is the warranty",
        alone=True,
    ),
    # a payment that fails ("付款老提示银行卡异常 换了两张卡都这样")
    Reading(
        re.compile(
            r"(?:付款|支付|付钱|结账|结算)[^。.!?？！]{0,8}(?:失败|异常|不成功|付不了|付不出|报错|提示错误|"
            r"卡住|没反应)|"
            r"\b(?:payment|card)\b[^.?!]{0,20}\b(?:fail(?:s|ed|ing)?|declined|rejected|error)\b",
            _I,
        ),
        "付款失败怎么办",
        "my payment failed",
        alone=True,
    ),
    # a way to pay named ("你们这能用云闪付付钱不", "do you take apple pay")
    Reading(
        re.compile(
            r"(?:用|支持|收|能|可以|接受)[^。.!?？！]{0,6}(?:云闪付|银联|数字人民币|apple ?pay|"
            r"paypal|visa|master ?card|京东支付|翼支付)|"
            r"\b(?:accept|take|use|pay (?:with|by|via)|support)\b[^.?!]{0,20}\b(?:apple pay|"
            r"google pay|paypal|visa|mastercard|amex|union ?pay|wechat pay)\b|"
            # "Apple Pay can use or not?"
            r"\b(?:apple pay|google pay|paypal|visa|mastercard|amex|union ?pay)\b[^.?!]{0,12}"
            r"\b(?:can|could|ok|okay|accepted|possible|available)\b",
            _I,
        ),
        "支持哪些支付方式",
        "what payment methods do you accept",
    ),
    # a smell or a defect of a new item ("新买的床单一股刺鼻味儿 能退不"): a quality problem
    Reading(
        re.compile(
            r"(?:刺鼻|异味|怪味|臭味|甲醛|一股味)[^。.!?？！]{0,12}(?:退|换)|"
            r"\b(?:smells?|stinks?|odou?r)\b[^.?!]{0,40}\b(?:return|send (?:it )?back|refund)",
            _I,
        ),
        "质量问题",
        "quality problem",
    ),
    # the return window asked in Chinese ("签收以后几天内能退", "收到多久还能退"): the 7 days
    # with no reason — not when a fault is named (the quality rule's 15 days)
    Reading(
        re.compile(
            r"^(?!.*(?:质量|坏|破|裂|瑕疵|故障|毛病|问题|次品|漏))"
            r".*(?:签收|收到|到手|收货)[^。.!?？！]{0,6}(?:几天|多少天|多久|几日)(?:内|之内|以内)?"
            r"[^。.!?？！]{0,4}退(?!款|钱)",
            _I,
        ),
        "七天无理由退货",
        "do you accept returns within 7 days for no reason",
    ),
    # paying by instalments ("两千多的一台电脑 能拆成几个月慢慢还不", "can i split it into
    # monthly payments")
    Reading(
        re.compile(
            r"分期|(?:拆|分)成?(?:几|多少|[\d一二两三六十]+)(?:个?月|期)|慢慢还|每个?月还|"
            # "手头不宽裕 贵一点的东西能不能按月还"
            r"按月(?:还|付|交|供)|月供|"
            # "钱不太凑手 能不能分几次付"
            r"分(?:几|多|两|三|[\d])次(?:付|给|交|还)|"
            r"\binstal(?:l)?ments?\b|\bmonthly payments?\b|\bpay (?:it )?(?:over|in) (?:\d+|"
            r"several|a few|some) months\b|"
            r"\bsplit (?:it|the (?:payment|cost|price)) (?:into|over)\b",
            _I,
        ),
        "可以分期付款吗",
        "can i pay in installments",
        alone=True,
    ),
    # a way to pay named ("那件白T还没付钱 能用花呗付吗", "can I hand the courier cash when the
    # parcel shows up?"): the payment methods (cash on delivery is not offered)
    Reading(
        re.compile(
            r"(?:能|可以|可不可以|能不能|支持|收|接受)(?:用)?(?:花呗|白条|云闪付|apple ?pay|paypal|"
            r"八达通|现金|货到付款)[^。.!?？！]{0,3}(?:付|支付|付款|结账|吗|么|不|没|的|$)|货到付款|"
            # "能不能等快递到了再当面给钱": paid to the courier on delivery
            # ("快递员送到的时候我再给现金 这样可以吗")
            r"(?:到了|送到|送来|收到货?)[^。.!?？！]{0,6}?(?:当面|现场)?再?(?:给钱|付钱|付款|给现金|"
            r"付现金)|"
            r"当面(?:给钱|付钱|付款|给现金)|现金(?:结账|结算|付款|支付|付)|"
            r"\bcash on delivery\b|\bpay (?:with|by|in|using) cash\b|"
            r"\b(?:hand|give|pay) the (?:courier|driver|delivery \w+) (?:in )?cash\b",
            _I,
        ),
        "支持哪些支付方式",
        "what payment methods do you accept",
    ),
    # a credit card or a debit card as a way to pay ("你哋收唔收信用卡㗎": "收不收信用卡")
    Reading(
        re.compile(
            # (not the money's way back: "钱是原路回去吗 我用信用卡付的 多久能到账")
            r"^(?!.*(?:分期|(?:分|拆)成?[^。.!?？！]{0,3}期|失败|不了|扣|退|冻结|被盗|盗刷|到账|原路|"
            r"回去|回来|付的|付了|付过))"
            r".*(?:用|支持|收|能|可以|接受|刷)(?![^。.!?？！]{0,3}绑)[^。.!?？！]{0,4}"
            r"(?:信用卡|借记卡|储蓄卡|银行卡)",
            _I,
        ),
        "支持哪些支付方式",
        "what payment methods do you accept",
    ),
    # an invoice asked for after the order ("下单时没勾开票 东西都收到了 现在还能申请吗"): asked
    # within 90 days in the order's details
    Reading(
        re.compile(
            # ("下单那会儿漏填了开票信息，现在还能补吗", "东西都收到了 才想起来要开票 还来得及不")
            r"(?:没勾|没选|没开|没要|忘了?勾|忘了?开|忘了?要|漏填|漏选|漏勾|忘了?填|才想起来?要?|"
            r"才想到要?)[^，。,.!?？！]{0,3}(?:开票|发票|票)"
            r"(?=.{0,20}(?:还能|还可以|能不能|可以|补|申请|赶得上|来得及))|"
            r"\bforgot (?:to )?(?:ask for|request|tick)[^.?!]{0,20}\binvoice\b|"
            r"\binvoice\b[^.?!]{0,30}\b(?:after|afterwards|later|now)\b[^.?!]{0,20}\b(?:still|can)\b",
            _I,
        ),
        "可以开发票吗",
        "can i get an invoice",
        alone=True,
    ),
    # a paper VAT invoice for a company's books ("公司财务非要那种能抵扣的纸质票"): the special
    # VAT invoice, not the ordinary one
    Reading(
        re.compile(
            # (抵扣 of an invoice only: "積分可以折抵多少" is points)
            r"^(?=.*票).*(?:能|可以|可)抵扣|专票|进项|纸质(?:的)?(?:发)?票|\bspecial vat\b|"
            r"\bvat (?:special )?"
            r"invoice\b[^.?!]{0,30}\b(?:deduct|paper|company)",
            _I,
        ),
        "增值税专用发票怎么开",
        "how do i get a special vat invoice",
        alone=True,
    ),
    # a custom-made item sent back ("定做的刻名字钢笔 收到又不想留了 能退么"): the exceptions
    # to the no-reason return
    Reading(
        re.compile(
            r"(?:定做|定制|订制|刻字|刻名字|刻了|私人订制)[^。.!?？！]{0,20}(?:退|换)|"
            r"\b(?:custom(?:ised|ized)?|personali[sz]ed|engraved|made to order)\b[^.?!]{0,40}"
            r"\b(?:return|send (?:it )?back|refund)",
            _I,
        ),
        "哪些商品不支持七天无理由退货",
        "which items cannot be returned without a reason",
        alone=True,
    ),
    # a review changed ("left a 2 star review by mistake … can I fix it", "差评点错了 能改吗")
    Reading(
        re.compile(
            r"(?:评价|差评|中评|好评|评分|打分)[^。.!?？！]{0,12}(?:点错|打错|写错|改|修改|删)|"
            r"\b(?:review|rating|stars?)\b[^.?!]{0,40}\b(?:by mistake|wrong|fix|change|edit|"
            r"update|delete)\b",
            _I,
        ),
        "可以修改评价吗",
        "can i edit my review",
        alone=True,
    ),
    # a password typed wrong too often ("typed my pasword wrong too many times", "密码输错好几次
    # 登不上了")
    Reading(
        re.compile(
            r"密码[^。.!?？！]{0,8}(?:输错|错了|不对|忘)|(?:锁定|锁住|冻结)[^。.!?？！]{0,6}(?:账号|账户)|"
            r"\b(?:pass ?word|pasword|passwd|pw)\b[^.?!]{0,40}\b(?:wrong|forgot|locked|won'?t let|"
            r"too many)|\blocked out\b",
            _I,
        ),
        "忘记密码怎么办",
        "i forgot my password",
        alone=True,
    ),
    # somewhere outside the mainland named as a destination ("how much does it cost to send
    # stuff to macau", "寄到台南要几天", "post a power bank to my brother in japan")
    Reading(
        re.compile(
            # (not the import tax asked: "寄到台灣的話會不會被課關稅", "寄去澳門要唔要俾稅" are
            # that FAQ's)
            r"^(?!.*(?:税|海关|清关|过关|\btax|\bcustoms|\bdut(?:y|ies)))(?:.*?)"
            # ("你哋寄唔寄澳門㗎": "你们寄不寄澳门的")
            r"(?:(?:寄|发|送|邮|运|宅配)(?:不[寄发送邮运])?(?:到|去|往|来)?[^。.!?？！]{0,3}(?:香港|澳门|台湾|台北|台南|台中|高雄|新竹|桃园|"
            r"基隆|日本|韩国|新加坡|马来西亚|泰国|美国|英国|加拿大|澳洲|澳大利亚|海外|国外)|"
            # "我住桃園 從你們那邊寄過來運費要怎麼算": living there, asking what sending costs
            r"(?:住|人在|我在)(?:香港|澳门|台湾|台北|台南|台中|高雄|新竹|桃园|基隆|新北|九龙|新界)"
            r"[^。.!?？！]{0,16}(?:寄|运费|邮费|送|发货|运过来|几天|多久|拿到|收到|到货)|"
            r"\b(?:send|ship|post|mail|deliver)\w*\b[^.?!]{0,40}\b(?:to|in)\b[^.?!]{0,20}\b(?:macau|"
            r"macao|hong ?kong|taiwan|taipei|japan|korea|singapore|malaysia|thailand|the us|usa|"
            r"america|the uk|canada|australia|overseas|abroad)\b|"
            r"\bi (?:live|am|'m) in (?:macau|macao|hong ?kong|taiwan|taipei|kaohsiung)\b"
            r"[^.?!]{0,40}\b(?:ship|send|post|deliver|shipping|postage))",
            _I,
        ),
        "可以寄到港澳台或海外吗",
        "can you ship to hong kong macau taiwan or overseas",
        # (alone: "寄到高雄 運費大概多少錢" is the overseas rule — the checkout's price by address —
        # not the mainland's free-shipping threshold its 运费 finds)
        alone=True,
    ),
    # how long delivery takes to a city, asked before ordering ("if i order today when would it
    # get to chengdu roughly"): the delivery times by region
    Reading(
        re.compile(
            r"\bif (?:i|we) (?:order|buy|place)\b[^.?!]{0,40}\b(?:when|how (?:long|many days))\b|"
            # (a place after it: not "when does someone get back to me")
            r"\b(?:when|how (?:long|many days))\b[^.?!]{0,30}\b(?:get|arrive|reach|land)\s+"
            r"(?:to|in|at)\s+(?!me\b|you\b|us\b|them\b|my\b|your\b)[a-z](?![^.?!]*\bmy\b)",
            _I,
        ),
        "下单后几天能收到 各地区配送要多久",
        "how many days does delivery take to each region",
        alone=True,
    ),
    # a coupon that cannot be picked ("优惠卷 一到付款页面就是灰色的 选不中", "coupon greyed out")
    Reading(
        re.compile(
            r"[券卷][^。.!?？！]{0,16}(?:灰色|灰的|用不了|选不中|选不了|不能用|无法使用|用不上)|"
            r"\b(?:coupon|voucher|promo code)s?\b[^.?!]{0,30}\b(?:gr[ae]yed|won'?t (?:work|apply)|"
            r"can'?t (?:use|select|apply)|not working|doesn'?t work|(?:gets?|got|was|is|keeps "
            r"getting) (?:rejected|declined)|(?:is|was) (?:invalid|not valid|not accepted))",
            _I,
        ),
        "优惠券为什么用不了",
        "why can't i use my coupon",
        alone=True,
    ),
    # money taken but no order made ("扣了款订单却没生成")
    Reading(
        re.compile(
            r"(?:扣了?款|扣了钱|钱扣了|付了款|付了钱|钱付了)[^。.!?？！]{0,12}(?:订单|单子)[^。.!?？！]{0,6}"
            r"(?:没生成|没有生成|没出来|没有出来|不见了|没了|找不到)|"
            r"\b(?:charged|paid|money (?:was )?taken)\b[^.?!]{0,40}\bno order\b",
            _I,
        ),
        "系统故障期间已扣款但未生成订单",
        "i was charged but no order was created",
        alone=True,
    ),
    # taken apart or mended at home ("那要是我自己拆开捣鼓过了呢"): the damage not covered
    Reading(
        re.compile(
            r"(?:自己|私自|自行)[^。.!?？！]{0,3}(?:拆|修|捣鼓|弄过)|"
            r"\b(?:opened it up|took it apart|tried to (?:fix|repair) it)\b",
            _I,
        ),
        "人为损坏 私自拆修可以保修吗",
        "accidental damage or self repair under warranty",
    ),
    # an e-invoice's timing after delivery ("东西签收以后 电子票要隔几天才开得出来")
    Reading(
        re.compile(
            r"(?:电子票|电子发票|发票|票)[^。.!?？！]{0,10}(?:几天|多久|多长时间|啥时候|什么时候)[^。.!?？！]{0,6}"
            r"(?:开|出来|能下|下载)",
            _I,
        ),
        "电子发票在确认收货后几天开具",
        "when is the e-invoice issued after delivery",
    ),
    # a device that broke within its first year ("电动剃须刀 用了八个月就不转了 能免费给修吗"):
    # the warranty's length, not the paid repair past it
    Reading(
        re.compile(
            r"(?:用了|买了|才用|刚用)[^。.!?？！]{0,3}(?:[一二三四五六七八九十两\d]{1,2}个?月|半年|几个月|"
            r"[一二三四五六七八九十两\d]{1,2}(?:天|周|个星期))[^。.!?？！]{0,12}(?:坏|不转|不亮|不响|"
            r"不能用|用不了|修|故障|毛病|罢工)",
            _I,
        ),
        "电子产品保修多久 商品坏了怎么申请维修",
        "how long is the warranty on electronics",
        alone=True,
    ),
    # the free-shipping threshold asked ("买够多少不要运费", "凑几块能包邮")
    Reading(
        re.compile(
            r"(?:买|满|够|凑|差)[^。.!?？！]{0,4}(?:多少|几块|几十)[^。.!?？！]{0,6}(?:不要运费|免运费|免邮|包邮|"
            r"不收运费|不用运费)|"
            r"\bhow much\b[^.?!]{0,30}\b(?:free shipping|free delivery)\b",
            _I,
        ),
        "包邮吗 运费怎么算",
        "is shipping free how is shipping charged",
        alone=True,
    ),
    # typos of shop words: 包油 (包邮), 运费显 (运费险)
    Reading(re.compile(r"包油|贴邮费|自己出邮费"), "包邮吗 运费怎么算", "is shipping free"),
    Reading(
        re.compile(r"运费[显现线鲜]"),
        "运费险怎么理赔",
        "how does return shipping insurance pay out",
    ),
    # a live-stream or flash-sale price that dropped ("直播间抢的价 过了两天页面上又降了二十多"):
    # the exceptions to price protection
    Reading(
        re.compile(
            r"(?:直播|秒杀|拼团|抢购)[^。.!?？！]{0,20}(?:降|便宜|差价|价保)|"
            r"\b(?:live ?stream|flash sale|group buy)\b[^.?!]{0,40}\b(?:cheaper|dropped|"
            r"price protection|difference)",
            _I,
        ),
        "哪些情况不支持价保",
        "when is price protection not available",
        alone=True,
    ),
    # points saved up that might vanish ("我这些年攒下的分 会不会哪天一下子全没了")
    Reading(
        re.compile(
            r"(?:攒|积|存)(?:下|了)?(?:的|来的|下来的)?分(?:数)?[^。.!?？！]{0,14}"
            r"(?:没了|清零|过期|作废|失效|一下子)|"
            r"\bpoints?\b[^.?!]{0,30}\b(?:vanish|disappear|wiped|reset|go away)\b",
            _I,
        ),
        "积分会过期吗",
        "do points expire",
        alone=True,
    ),
    # when a refund shows up, its channel named beside ("refund going back to a credit card,
    # when does it actually show up?"): the refund's timing, not only where it goes
    Reading(
        re.compile(
            r"\brefund\w*\b[^.?!]{0,50}\b(?:when (?:does|will|do|would)|how long|how many days)\b"
            r"[^.?!]{0,30}\b(?:show up|arrive|come through|land|hit|reach|appear|get there)\b|"
            # "After a return is accepted, when does the money reach WeChat Pay?", "When money
            # goes back onto a credit card, what's the typical wait?"
            r"\bwhen (?:does|will|would|do) (?:the |my )?(?:money|refund)\b[^.?!]{0,40}"
            r"\b(?:reach|arrive|get to|hit|land|show up|go back|come back)|"
            r"\bmoney\b[^.?!]{0,10}\b(?:goes|go|going|comes?|is sent) back\b[^.?!]{0,50}"
            r"\b(?:wait|how long|when|how many days)\b",
            _I,
        ),
        "退货后多久能退款",
        "how long does a refund take to reach my card",
        alone=True,
    ),
    # sold out, asked when it comes back ("你哋啲貨賣晒咗 會唔會再入貨", "will the grey one be
    # back in stock")
    Reading(
        re.compile(
            r"(?:卖完|卖光|售罄|断货|缺货|没货)[^。.!?？！]{0,12}(?:补货|再进|进货|还会有|什么时候有|"
            r"啥时候有|会不会有|上架|到货)|"
            # (not the bare word, which a follow-up's topic carries over: "那我160 90斤穿啥码")
            r"(?:什么时候|啥时候|多久|会不会|还会|能不能|几时)[^。.!?？！]{0,4}(?:补货|再进货|进货)|"
            r"补货(?:吗|没|了没|了吗)|到货提醒|"
            r"\bback in stock\b|\brestock\w*|\bsold out\b[^.?!]{0,30}\b(?:again|back|when)|"
            # "when do sold-out items usually come back"
            r"\b(?:sold[- ]out|out[- ]of[- ]stock)\b[^.?!]{0,30}\bcome back\b",
            _I,
        ),
        "商品缺货什么时候补货",
        "when will an out of stock item be restocked",
    ),
    # what shipping costs on an order of some amount ("do I pay postage on a 40 yuan order?"):
    # the shipping fee, not a return's postage
    Reading(
        re.compile(
            r"^(?!.*\b(?:return|send (?:it|them) back)\b).*?(?:"
            # (a fee named: not "change the delivery address on an order that's already shipped")
            r"\b(?:postage|(?:shipping|delivery) (?:fees?|costs?|charges?))\b[^.?!]{0,20}"
            r"\bon (?:a|an|my|the)\b[^.?!]{0,16}"
            r"\b(?:yuan|rmb|kuai|order|purchase)\b|"
            r"\b\d+ ?(?:yuan|rmb|kuai)\b[^.?!]{0,30}\b(?:postage|shipping|delivery fee)\b|"
            # "do I pay for postage if my basket only comes to about 40 yuan"
            r"\b(?:postage|shipping|delivery)\b[^.?!]{0,40}\b(?:basket|cart|order|total)\b"
            r"[^.?!]{0,25}\b\d+ ?(?:yuan|rmb|kuai)\b)",
            _I,
        ),
        "包邮吗 运费怎么算",
        "is shipping free how is shipping charged",
        alone=True,
    ),
    # a size swapped for the next one ("鞋码偏小了一点 能调成大半码的吗"): the exchange, not
    # the size chart its "码" finds
    Reading(
        re.compile(
            r"(?:换|调|改)(?:成|个|到|一)?(?:大|小)(?:半|一|两)?[码号]|"
            r"[码号][^。.!?？！]{0,8}(?:偏小|偏大|小了|大了)[^。.!?？！]{0,10}(?:换|调)",
            _I,
        ),
        "可以换货吗 怎么换尺码",
        "can i exchange for another size",
        alone=True,
    ),
    # a thing that went faulty soon after it came, no months said ("在你们这买的台灯 用了没几天
    # 灯就一闪一闪的"): a quality problem — its return and the warranty
    Reading(
        re.compile(
            r"(?:用了|买了|才用|刚用|到手)(?:没|不到)(?:几|两|三|一)(?:天|周|个星期)[^。.!?？！]{0,12}"
            r"(?:坏|不转|不亮|不响|没声|不能用|用不了|故障|毛病|罢工|一闪一闪|闪烁|闪个不停|没反应|"
            r"开不了机|充不进电)",
            _I,
        ),
        "质量问题可以在多少天内退换",
        "how many days to return an item with a quality problem",
        alone=True,
    ),
)
