"""A request is filed once: asked again, the return or repair flow names the open request
instead of filing a second; a confirmation typed after the filing ("对 确认提交") is told the
request is in, with its number (``actions._filed``)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from actions.fallback import ActionFallback
from actions.faq import ActionAnswerFaq
from actions.repair import ActionRequestRepair
from actions.returns import ActionRequestReturn
from shop.models import RepairRow, ReturnRow
from tests.actions.conftest import tracker
from tests.actions.test_flows import run
from tests.actions.test_follow_up import answered, said
from tests.actions.test_follow_up import run as run_action

DRESS, EARPHONES = "20231120006", "20231120013"  # inside 7 days; inside the warranty


async def _count(services, table) -> int:  # type: ignore[no-untyped-def]
    async with services.shop._sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(table)))


async def test_a_return_asked_twice_is_filed_once_and_named(services) -> None:
    slots = {"order_id": DRESS, "return_reason": "不想要了"}
    _, first, _ = await run(ActionRequestReturn(), tracker("碎花连衣裙要退货", slots=slots))
    again_slots = {"order_id": DRESS, "return_reason": "上身效果跟图片差太多"}
    _, again, _ = await run(ActionRequestReturn(), tracker("就是不喜欢", slots=again_slots))
    number = re.search(r"RT[0-9A-F]{10}", first[0])
    assert number and "已为您提交订单" in first[0] and "的退货申请" in first[0]
    assert "签收3天，在7天无理由退货期内" in first[0]  # why it could be filed at once
    assert number.group(0) in again[0] and "不用重复申请" in again[0]
    assert await _count(services, ReturnRow) == 1
    _, english, _ = await run(ActionRequestReturn(), tracker("return it", slots=slots, lang="en"))
    assert number.group(0) in english[0] and "already has a return request" in english[0]


async def test_a_repair_asked_twice_is_filed_once(services) -> None:
    slots = {"order_id": EARPHONES, "fault_description": "右耳没声音"}
    _, first, _ = await run(ActionRequestRepair(), tracker("耳机坏了", slots=slots))
    _, again, _ = await run(ActionRequestRepair(), tracker("耳机右边没声", slots=slots))
    number = re.search(r"RP[0-9A-F]{10}", first[0])
    assert number and number.group(0) in again[0] and "不用重复申请" in again[0]
    assert await _count(services, RepairRow) == 1


FILED = (
    "好的，已为您提交订单 20231120006（法式碎花连衣裙）的退货申请（编号 RT0A373EB0DB）～审核会在24"
    "小时内完成。"
)
FILED_EN = (
    "Your return request RT0C951AC83A for order 20231120022 (Linen shirt) has been submitted."
)


@pytest.mark.parametrize(
    ("text", "lang", "filed", "reply"),
    [
        ("对 确认提交", "zh", FILED, "退货申请已提交（编号 RT0A373EB0DB）"),
        ("對 確認提交", "zh-Hant", FILED, "退貨申請已提交（編號 RT0A373EB0DB）"),
        ("yes go ahead and submit it", "en", FILED_EN, "return request RT0C951AC83A is already"),
        ("yup that's right, please proceed", "en", FILED_EN, "RT0C951AC83A is already"),
    ],
    ids=["zh", "zh-Hant", "en", "en-proceed"],
)
async def test_a_confirmation_after_the_filing_is_told_it_is_in(
    services, handoffs, text: str, lang: str, filed: str, reply: str
) -> None:
    history = [said("碎花连衣裙要退货", "request_return"), answered(filed)]
    _, texts = await run_fallback(tracker(text, intent="nlu_fallback", lang=lang, history=history))
    assert reply in texts[0] and handoffs == []


@pytest.mark.parametrize("text", ["不用提交了", "ok 谢谢", "我确认一下地址 是杭州", "能再退一件吗"])
async def test_other_words_after_a_filing_are_no_confirmation(services, text: str) -> None:
    history = [said("碎花连衣裙要退货", "request_return"), answered(FILED)]
    _, texts = await run_fallback(tracker(text, intent="nlu_fallback", history=history))
    assert not any("不用再确认" in t for t in texts)


REPAIR_FILED = "已为您提交保修维修申请（编号 RP16DF406F86），降噪蓝牙耳机 Pro在保修期内，维修免费～"
CHANGED = "好的～订单 20231120002 的收货地址已更新为 杭州市西湖区****，仓库会按新信息为您发货哦。"


async def test_a_yes_in_other_words_after_a_repair_was_filed_is_told_it_is_in(services) -> None:
    history = [said("耳麦右耳彻底没声了 帮我报个修 20231120013的", "request_repair")]
    history.append(answered(REPAIR_FILED))
    t = tracker("嗯呐 就这么报吧", intent="nlu_fallback", history=history)
    _, texts = await run_fallback(t)
    assert "维修申请已提交（编号 RP16DF406F86）" in texts[0]


@pytest.mark.parametrize(
    ("text", "lang"), [("没问题 就这个", "zh"), ("對 改這個 謝謝你", "zh-Hant")]
)
async def test_a_yes_right_after_the_address_was_changed_is_told_it_is_done(
    services, handoffs, text: str, lang: str
) -> None:
    history = [said("改成 杭州市西湖区文三路259号8幢1单元601", "inform"), answered(CHANGED)]
    _, texts = await run_fallback(tracker(text, intent="nlu_fallback", lang=lang, history=history))
    said_done = ("收货地址已修改好啦", "收貨地址已修改好啦")
    assert any(done in texts[0] for done in said_done) and handoffs == []
    # the same yes after an answer that changed nothing is not told anything was changed
    plain = [said("运费多少", "ask_faq"), answered("单笔实付满59元全国包邮。")]
    _, texts = await run_fallback(tracker(text, intent="nlu_fallback", lang=lang, history=plain))
    assert not any("修改好" in t for t in texts)


async def test_a_confirmation_with_nothing_filed_is_not_told_it_was(services) -> None:
    history = [said("运费多少", "ask_faq"), answered("单笔实付满59元全国包邮。")]
    _, texts = await run_fallback(tracker("对 确认提交", intent="nlu_fallback", history=history))
    assert not any("已提交" in t for t in texts)


async def run_fallback(t):  # type: ignore[no-untyped-def]
    return await run_action(ActionFallback(), t)


async def test_a_go_ahead_after_a_question_answered_since_the_filing_is_told_it_is_in(
    services, handoffs
) -> None:
    # "the linen shirt is too small, can i send it back" (filed) → "who pays the postage for
    # that" (answered) → "ok its just too small, go ahead", read as a question
    history = [
        said("the linen shirt is too small, can i send it back", "request_return"),
        answered(FILED_EN),
        said("who pays the postage for that", "ask_faq"),
        answered("For no-reason returns the buyer pays return shipping."),
    ]
    t = tracker("ok its just too small, go ahead", intent="ask_faq", lang="en", history=history)
    _, texts = await run_action(ActionAnswerFaq(), t)
    assert "RT0C951AC83A is already submitted" in texts[0] and handoffs == []
    # a plain "ok" that long after is no confirmation of anything
    _, plain = await run_action(ActionAnswerFaq(), tracker("ok", intent="ask_faq", lang="en",
                                                          history=history))  # fmt: skip
    assert not any("already submitted" in x for x in plain)
