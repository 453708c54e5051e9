"""Words customers typed that the bot read wrongly (heldout17's blind run): a request for a person
in words of their own, a product by a nickname, a question of the shop's rules that sounded like
the customer's own case, a title asked about, a charge described, a yes that checks out."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions._answers import read_invoice_title, read_return_reason
from actions._decide import own_state_flow
from actions._payment_rules import DOUBLE
from actions._products import named_kinds
from actions._reading import is_general_question, is_own_case, joined_order_id, names_own_thing
from actions._refund_channel import refund_channel_query
from actions._text import asks_for_person, is_thanks, praises, resigned
from actions._two_questions import words_flow
from actions.fallback import ActionFallback
from tests.actions.conftest import tracker


@pytest.mark.parametrize(
    "text",
    [
        "柜子那边扫码开了 格子是空的 赶紧安排人去查",
        "我问的不是这个 打字说不清楚 给我换个活人来",
        "嘥晒我時間 即刻叫個負責人出嚟同我講",
        "it's been 5 days though, not one. i need an actual staff member to sort this out",
        # heldout21: "专人", "a member of your staff"
        "我们要把十几个订单合并开成一张票 这个你们得派专人跟我对接下",
        "ok but i need them by friday, can a member of your staff check with the courier",
        # heldout22: a supervisor, someone who can do it, a colleague to call the courier
        "上次說會回電 結果兩天都沒人打來 麻煩直接幫我轉主管",
        "别跟我扯规则 我又没退货 积分凭空少了 叫个能查账的人来",
        "你们能不能让同事给中通打个电话问问到底咋回事",
        # heldout23: someone of a team to act, whoever is in charge, an employee
        "还要等两天？我这边急着用钱 麻烦让财务的同事给我加急处理",
        "顺丰热线一直占线打不进去 你们安排个员工直接联系他们那边",
        "咁你叫個做銷售嘅同我傾下價錢啦",
        "一天过去了物流还停在原地 你们跟快递串通好了吧 叫个管事的出来",
        "ok then can an actual employee sort the redirect out with SF for me",
        # heldout24: the shop's manager, an agent on duty put through
        "蛤 東西寄來就是壞的也要我出？很誇張欸 我要跟你們店長講",
        "等不了 尾款今晚截止 再付不上定金就没了 马上给我接个值班的同事",
        "叫你们老板出来",
        # heldout25 and heldout26
        "那你安排个销售直接打我电话",
        "东西都还没发 凭什么扣我定金 这规矩我不认 叫你们能拍板的人来",
    ],
)
def test_a_person_asked_for_in_own_words(text: str) -> None:
    assert asks_for_person(text)


@pytest.mark.parametrize(
    "text",
    [
        "你们负责人是谁",
        "要个人发票",
        "我要换个颜色",
        "主管几点上班",
        "让快递员给我打电话",  # the courier, not the shop's people
        "会派人来取件吗",  # a pickup
        "客服电话是多少",
        "请问你们的销售怎么联系",  # how to reach sales, asked
        "我让我同事问问你们",  # the customer's colleague
        "帮我表哥查下20231120031 寄出来没",  # an order for a relative, no person
        "我跟老板说过了",  # the customer's own boss, and past
        "我得跟经理说一下再决定",
        "店长推荐的款式有哪些",
        "转个人账户可以吗",
        "接个电话",
    ],
)
def test_no_person_asked_for(text: str) -> None:
    assert not asks_for_person(text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("燕麦色那件针织的", "sweater"),
        ("智能腕带寄了没有呀", "wearable"),
        ("粉色声波那支", "toothbrush"),
        ("真丝家居服那笔退款", "pyjamas"),
        ("双面呢那单地址写错了", "coat"),  # heldout16: the double-faced wool coat
        ("那件燕麦色的羊绒衫洗了一水", "sweater"),
    ],
)
def test_a_product_by_its_nickname(text: str, kind: str) -> None:
    assert kind in named_kinds(text)


@pytest.mark.parametrize(
    ("text", "general", "own"),
    [
        ("行吧 那问个正事 退货该寄到哪个地址", True, False),  # where to send: the rule
        ("半夜send咗訊息 第二朝大約幾點有人覆", True, False),  # 几点: a question word
        ("退货寄到哪", True, False),
        ("耳机到哪个站了", False, True),  # where it is now: their parcel
        ("寄到哪了", False, True),
        # heldout22: how many, at most; "whats" is "what's"
        ("收货地址最多能存几个啊 亲戚多 地址一大堆😂", True, False),
        ("whats your return window", True, False),
        ("whats the waybill number, wanna track it myself", False, True),  # their parcel's
    ],
)
def test_where_to_send_is_a_rule_where_it_is_their_case(
    text: str, general: bool, own: bool
) -> None:
    assert is_general_question(text) is general
    assert is_own_case(text) is own


def test_this_order_is_the_customers_own() -> None:
    assert names_own_thing("那把这单撤掉吧 我重新拍")
    assert names_own_thing("cancel this order")


@pytest.mark.parametrize(
    "text",
    ["星光白那副耳机 当时开的票抬头写的哪家公司来着", "抬头写的哪个", "what name is on my invoice"],
)
def test_the_title_asked_about_is_no_title(text: str) -> None:
    assert read_invoice_title(text) is None
    assert own_state_flow(text) == "invoice_form"


def test_a_company_name_with_a_question_character_is_a_title() -> None:
    assert read_invoice_title("抬头是杭州哪吒科技有限公司") == "杭州哪吒科技有限公司"


def test_the_balance_is_a_refund_channel() -> None:
    answered = "Arrival: balance instantly, WeChat Pay/Alipay 1–3 working days"
    assert refund_channel_query("那退到余额呢", f"refund: {answered}") == "退款多久到账 余额"


@pytest.mark.parametrize("text", ["对上了 没毛病", "好险 差点就信了", "还好没转"])
def test_it_checks_out_is_an_ok(text: str) -> None:
    assert is_thanks(text)


@pytest.mark.parametrize("text", ["对上了吗", "好险 那怎么举报"])
def test_an_ok_that_asks_is_no_ok(text: str) -> None:
    assert not is_thanks(text)


def test_two_charges_are_a_double_charge() -> None:
    assert DOUBLE.search("my bank app shows two charges of 239 for order 20231120022")


def test_sending_back_is_a_return_and_itchy_a_reason() -> None:
    text = 'i\'d like to send back order "20231120022", the fabric is way too itchy on me'
    assert words_flow(text) == "return_form"
    assert read_return_reason(text)


@pytest.mark.parametrize(
    ("previous", "text", "joined"),
    [
        ("帮我瞅瞅物流 单号2023112", "0004 刚手快按了发送", "20231120004"),
        ("我买了3件", "0004", None),  # no order id together
        ("20231120004", "5", None),  # the id was whole already
    ],
)
def test_an_order_id_in_two_messages(previous: str, text: str, joined: str | None) -> None:
    assert joined_order_id(previous, text) == joined


@pytest.mark.parametrize(
    ("text", "praise"),
    [
        ("你们家客服回得挺快的 表扬一下👍", True),
        ("great service btw", True),
        ("服务太差了", False),  # anger
        ("给个好评能拿积分吗", False),  # a question of points
        ("你们客服态度不错 但是我的快递呢?", False),  # it goes on to ask
    ],
)
def test_praise_is_read_as_praise(text: str, praise: bool) -> None:
    assert praises(text) is praise


def test_a_yes_no_question_by_you_mei_you_is_a_question() -> None:
    # "积分有冇期限" is "积分有没有期限"; "on my end" is where the customer is, no case of theirs
    assert is_general_question("另外啲積分有冇期限㗎")
    assert not is_own_case("would i get hit with import tax on my end")


async def test_praise_is_thanked_not_missed(services) -> None:  # type: ignore[no-untyped-def]
    dispatcher = CollectingDispatcher()
    t = tracker("你们家客服回得挺快的 表扬一下👍", intent="nlu_fallback")
    await ActionFallback().run(dispatcher, t, {})
    assert "谢谢您的认可" in dispatcher.messages[0]["text"]


@pytest.mark.parametrize(
    ("text", "taken"),
    [
        ("唉 白抢了", True),  # heldout16: after the price protection's exceptions
        ("oh well, missed it", True),
        ("唉 到底啥时候到", False),  # still asks
        ("唉 气死我了", False),  # angry
        ("哎 我要退货", False),  # wants something
        ("唉", False),
    ],
)
def test_a_sigh_that_asks_nothing_takes_the_answer(text: str, taken: bool) -> None:
    assert resigned(text) is taken


async def test_trying_again_or_a_sigh_gets_no_miss(services) -> None:  # type: ignore[no-untyped-def]
    # heldout16: "那我换zfb再试一把" after the payment rules, "唉 白抢了" after the exceptions
    for text in ("那我换zfb再试一把", "唉 白抢了"):
        dispatcher = CollectingDispatcher()
        await ActionFallback().run(dispatcher, tracker(text, intent="nlu_fallback"), {})
        assert "还有什么可以帮您" in dispatcher.messages[0]["text"], dispatcher.messages
