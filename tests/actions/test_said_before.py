"""A follow-up the bot's last reply already answers (actions/_said_before.py): the sentence of it
that says so, said again — in the FAQ action and the fallback, on the real demo knowledge base."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions._flow_start import on_flow_start
from actions._said_before import prefers_said, said_before, said_before_reply
from actions.fallback import ActionFallback
from actions.faq import ActionAnswerFaq
from knowledge_base import Hit
from tests.actions.conftest import tracker
from tests.actions.test_follow_up import answered, run, said

POINTS = "100积分可抵1元，每单最多抵扣实付金额的10%；也可在积分商城兑换优惠券和礼品。"
INSURANCE = (
    "无需申请。退货退款完成后72小时内，保险公司会自动理赔到您的付款账户，金额按寄件地与收件地计算"
    "（一般5–25元），可在订单「运费险详情」中查看。"
)
GIFT = (
    "Many items can be gift-wrapped (3 yuan) with a free greeting card — tick it at checkout and"
    ' add your message. For gifts, note "no price slip" and no prices will be included in the'
    " parcel."
)
FREE = (
    "Orders paying 59 yuan or more ship free nationwide (99 yuan for remote regions such as"
    " Xinjiang, Tibet and Qinghai). Below that, shipping is 6 yuan, or 15 yuan for remote regions."
)


@pytest.mark.parametrize(
    ("text", "reply", "sentence"),
    [
        ("一单最多能抵多少", POINTS, "每单最多抵扣实付金额的10%"),
        # a short sentence comes with the next one: "无需申请。" alone says little
        ("钱会自己打过来吗 还是得我去点申请", INSURANCE, "无需申请。退货退款完成后72小时内"),
        ("also please make sure no receipt with prices goes in the parcel", GIFT, "no price slip"),
        # a city names its region (knowledge_base.normalise): Urumqi is Xinjiang's
        ("my parents live in urumqi, same deal there?", FREE, "99 yuan for remote regions"),
    ],
)
def test_the_sentence_that_speaks_of_the_follow_up_is_found(
    text: str, reply: str, sentence: str
) -> None:
    found = said_before(text, reply)
    assert found is not None and sentence in found, found


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("我那个是秒杀抢的", POINTS),  # nothing of it in the reply
        ("积分", POINTS + "积分商城"),  # two sentences say it equally
        ("一单最多能抵多少 没用啊", POINTS),  # the reply did not help: never said again
        ("20231120003一单最多能抵多少", POINTS),  # an order named is about that order
        ("一单最多能抵多少", "抱歉，小蜜没太理解您的意思，可以换个说法再描述一下吗？"),  # a miss
        ("一单最多能抵多少", "请问您最多想抵扣多少呢？"),  # the bot's own question
        ("一单最多能抵多少" * 6, POINTS),  # a long message is a question of its own
        # a word of asking names nothing ("提供": what papers to send, not the invoice kinds)
        (
            "要提供哪些資料給你們",
            "可以。我們提供電子普通發票和增值稅專用發票。下單時勾選“開具發票”。",
        ),
    ],
)
def test_nothing_is_said_again_without_one_clear_sentence(text: str, reply: str) -> None:
    assert said_before(text, reply) is None


def test_the_sentence_is_led_in_its_own_language() -> None:
    assert said_before_reply("zh", "每单最多抵扣10%").startswith("刚才提到了哦：")
    assert said_before_reply("zh-Hant", "每單最多抵扣10%").startswith("剛才提到了哦：")
    # an English answer given on a Chinese page is quoted in English
    assert said_before_reply("zh", "For gifts, note it.").startswith("As I mentioned: ")


def faq_answer(text: str, faq_id: str) -> dict[str, Any]:
    """A knowledge-base answer as Rasa records it: the FAQ's id in the bot event's metadata."""
    return {"event": "bot", "text": text, "metadata": {"faq_id": faq_id}}


async def test_the_faq_action_says_the_sentence_again_rather_than_not_found(services) -> None:
    history = [said("积份咋抵钱 一百个能抵多少"), faq_answer(POINTS, "mem-002")]
    _, texts = await run(
        ActionAnswerFaq(), tracker("一单最多能抵多少", intent="ask_faq", history=history)
    )
    assert texts[0] == "刚才提到了哦：100积分可抵1元，每单最多抵扣实付金额的10%；", texts
    # alone, the knowledge base has no answer for it
    _, alone = await run(ActionAnswerFaq(), tracker("一单最多能抵多少", intent="ask_faq"))
    assert "10%" not in alone[0]


async def test_the_fallback_says_the_sentence_again(services) -> None:
    asked = "can you gift wrap an order? its for my girlfriends birthday"
    text = "also please make sure no receipt with prices goes in the parcel"
    history = [said(asked), faq_answer(GIFT, "prd-004-en")]
    t = tracker(text, intent="nlu_fallback", lang="en", history=history)
    _, texts = await run(ActionFallback(), t)
    assert texts[0].startswith("As I mentioned: For gifts") and "no price slip" in texts[0]
    # only an answer of the knowledge base is said again, never a flow's words
    t = tracker(text, intent="nlu_fallback", lang="en", history=[said(asked), answered(GIFT)])
    _, texts = await run(ActionFallback(), t)
    assert not texts[0].startswith("As I mentioned")


PRICE = (
    "支持价格保护。签收后7天内同一商品降价（同规格、同店铺），可在订单详情点「申请价保」，差价将在24小时内"
    "退回原支付账户。"
)


async def test_a_follow_up_naming_what_the_answer_does_not_say_gets_the_faq_that_does(
    services,
) -> None:
    # "我那个是秒杀抢的" after price protection: 秒杀 is nowhere in it — its exceptions say it
    history = [said("买完第二天就降了三十 能补差价不"), faq_answer(PRICE, "prc-001")]
    t = tracker("我那个是秒杀抢的", intent="nlu_fallback", history=history)
    _, texts = await run(ActionFallback(), t)
    assert "以下不支持价保：秒杀" in texts[0], texts
    # with no FAQ answer before it, nothing is guessed from a word
    _, alone = await run(ActionFallback(), tracker("我那个是秒杀抢的", intent="nlu_fallback"))
    assert "不支持价保" not in alone[0]


async def test_same_deal_there_is_answered_from_the_answer_just_given(services) -> None:
    # alone, "urumqi" finds the delivery times (far ahead: a clear best); after the free-shipping
    # answer, "same deal there?" asks whether that answer holds for Xinjiang — which it says
    history = [said("is there a minimum i need to spend before delivery is free?"),
               faq_answer(FREE, "shp-004-en")]  # fmt: skip
    text = "my parents live in urumqi (xinjiang), same deal there?"
    _, texts = await run(ActionAnswerFaq(), tracker(text, intent="ask_faq", lang="en",
                                                     history=history))  # fmt: skip
    assert texts[0].startswith("As I mentioned:") and "99 yuan" in texts[0], texts


async def test_a_word_named_in_part_finds_the_faq_that_says_it(services) -> None:
    # "拍照片" is said as 照片 by the answer on wrong or faulty items (the return postage just
    # given names no photo)
    postage = (
        "七天无理由退货的寄回运费由买家承担（购买了运费险的可获得理赔）；因质量问题或发错货的退换，"
        "运费由我们承担，可在退款时一并补偿。"
    )
    history = [said("收到的东西是坏的 退回去邮费谁出啊"), faq_answer(postage, "ret-004")]
    _, texts = await run(ActionFallback(), tracker("那需要拍照片不", intent="nlu_fallback",
                                                   history=history))  # fmt: skip
    assert "上传照片" in texts[0], texts


async def test_what_about_a_region_the_answer_named_gets_its_line(services) -> None:
    # "what about an address in qinghai province" read as an address change: alone, the
    # address book (a clear best at 0.69, "address"); after the free-shipping answer it leans on
    # that answer, whose remote-regions line names Qinghai — that line, not the address book
    history = [said("whats the minimum spend to get free postage?"), faq_answer(FREE, "shp-004-en")]
    text = "what about an address in qinghai province"
    dispatcher = CollectingDispatcher()
    t = tracker(text, intent="change_order", lang="en", history=history)
    events = await on_flow_start("change_form", dispatcher, t, "aftersales")
    reply = dispatcher.messages[0]["text"]
    assert events is not None and reply.startswith("As I mentioned:") and "99 yuan" in reply
    # alone, it is no follow-up: the address book answers it
    dispatcher = CollectingDispatcher()
    t = tracker(text, intent="change_order", lang="en")
    await on_flow_start("change_form", dispatcher, t, "aftersales")
    assert "Delivery addresses" in dispatcher.messages[0]["text"]


@pytest.mark.parametrize(
    ("text", "prefers"),
    [
        ("what about an address in qinghai province", True),  # leans on it, names Qinghai
        ("same deal there?", True),  # asks whether it holds
        ("how do i manage my addresses", False),  # a question of its own
    ],
)
def test_the_answer_just_given_is_preferred_only_by_a_follow_up(text: str, prefers: bool) -> None:
    book = Hit(
        faq_id="acc-005-en",
        question="How do I manage my delivery addresses?",
        answer="Under Me → Delivery addresses you can add, edit and delete addresses.",
        score=0.69,
    )
    line = "Orders paying 59 yuan or more ship free (99 yuan for Xinjiang, Tibet and Qinghai)."
    assert prefers_said(text, line, book) is prefers
