"""A free-text answer that is a question is no answer (actions/_free_answers.py): "我是拼团拍的
这种也算吗" while the return form asks the reason filed a return with that as its reason. A
request asked for again a turn after it was filed is told it is in (actions/_filed.py), and a
yes beside a statement is a yes."""

from __future__ import annotations

from typing import Any

import pytest

from actions._filed import confirms
from actions._flow_start import on_flow_start
from actions.order_forms import ValidateRepairForm, ValidateReturnForm
from tests.actions.conftest import tracker
from tests.actions.test_flow_turns import in_form, run_with_domain


def _extracted(t: Any, name: str, value: str) -> Any:
    """The tracker as Rasa sends it after the form's mapping took the message for ``name``."""
    t.events.append({"event": "slot", "name": name, "value": value})
    return t


def _values(events: list[dict[str, Any]], name: str) -> list[Any]:
    return [e["value"] for e in events if e.get("event") == "slot" and e.get("name") == name]


async def test_a_question_is_no_return_reason(services) -> None:
    asked = "我是拼团拍的 这种也算吗"
    t = in_form(
        "return_form",
        asked,
        intent="ask_faq",
        order_id="20231120006",
        requested_slot="return_reason",
        return_reason=asked,
    )
    t = _extracted(t, "return_reason", asked)
    events, texts, _ = await run_with_domain(ValidateReturnForm(), t)
    values = _values(events, "return_reason")
    assert None in values and asked not in values
    assert any("没找到这个问题的答案" in x for x in texts), texts


@pytest.mark.parametrize("reason", ["尺码不合适", "衣服有点扎人"])
async def test_a_reason_is_taken(services, reason: str) -> None:
    t = in_form(
        "return_form",
        reason,
        order_id="20231120006",
        requested_slot="return_reason",
        return_reason=reason,
    )
    events, _, _ = await run_with_domain(
        ValidateReturnForm(), _extracted(t, "return_reason", reason)
    )
    assert _values(events, "return_reason")[-1] == reason


async def test_a_question_is_no_fault(services) -> None:
    asked = "修的话要多久啊"
    t = in_form(
        "repair_form",
        asked,
        intent="ask_faq",
        order_id="20231120013",
        requested_slot="fault_description",
        fault_description=asked,
    )
    t = _extracted(t, "fault_description", asked)
    events, _, _ = await run_with_domain(ValidateRepairForm(), t)
    assert None in _values(events, "fault_description")
    assert asked not in _values(events, "fault_description")


async def test_a_repair_asked_again_after_it_was_filed_is_in(services) -> None:
    history = [
        {"event": "user", "text": "星光白那副耳机右边一会儿有声一会儿没声 想报修"},
        {
            "event": "bot",
            "text": "已为您提交保修维修申请（编号 RP2C4F5F4456），降噪蓝牙耳机 Pro在保修期内",
        },
    ]
    t = tracker(
        "就是右耳断断续续的 没摔过也没进水 帮我提交维修", intent="request_repair", history=history
    )
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    events = await on_flow_start("repair_form", dispatcher, t, "aftersales")
    texts = [m.get("text") or "" for m in dispatcher.messages]
    assert events is not None and any("RP2C4F5F4456" in x and "已提交" in x for x in texts)
    # A question about it is answered, not told it is in.
    t = tracker("维修大概要多久", intent="ask_faq", history=history)
    dispatcher = CollectingDispatcher()
    await on_flow_start("repair_form", dispatcher, t, "aftersales")
    assert not any("RP2C4F5F4456" in (m.get("text") or "") for m in dispatcher.messages)
    # Another product named: not the request filed before.
    t = tracker("那个粉色的牙刷也开不了机 帮我报修", intent="request_repair", history=history)
    dispatcher = CollectingDispatcher()
    await on_flow_start("repair_form", dispatcher, t, "aftersales")
    assert not any("RP2C4F5F4456" in (m.get("text") or "") for m in dispatcher.messages)


@pytest.mark.parametrize(
    ("text", "yes"),
    [
        ("yep tags are on, go ahead and submit it", True),
        ("对 就按质量问题退 图我待会儿传", True),
        ("go ahead, how long does it take?", False),
        ("tags are on", False),
        ("对 还有运费谁出", False),
    ],
)
def test_a_yes_beside_a_statement_is_a_yes(text: str, yes: bool) -> None:
    assert confirms(text) is yes


async def test_a_question_asked_with_the_request_is_answered_and_the_flow_goes_on(
    services,
) -> None:
    from rasa_sdk.executor import CollectingDispatcher

    from actions._two_questions import requests_flow

    # "取消吧" asks for the cancel; the refund question beside it is answered, then the cancel
    t = tracker("那干脆不要了 取消吧 钱会退回原本的卡吗", intent="cancel_order")
    dispatcher = CollectingDispatcher()
    events = await on_flow_start("cancel_form", dispatcher, t, "presale")
    texts = [m.get("text") or "" for m in dispatcher.messages]
    assert events is None and any("原路退回" in x for x in texts), texts
    assert not requests_flow("cancel_form", "订单怎么取消")
    assert not requests_flow("cancel_form", "how do i cancel")
