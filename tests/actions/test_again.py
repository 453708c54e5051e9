"""A question about what the bot's last answer said ("抬头写的啥来着 我忘了") gets that answer
again — it came from the shop's data, which no FAQ holds (``actions._again``)."""

from __future__ import annotations

import pytest

from actions._again import asked_again
from actions.faq import ActionAnswerFaq
from tests.actions.conftest import tracker
from tests.actions.test_follow_up import answered, run, said

STATE = (
    "订单 20231120013（降噪蓝牙耳机 Pro）的发票已开具：电子普通发票，抬头“上海某某科技有限公司”。"
    "可在订单详情「查看发票」下载PDF～"
)
TRACKING = (
    "Order 20231120021: Wireless earbuds, shipped\nCarrier: 顺丰速运, tracking number SF1402."
)


@pytest.mark.parametrize(
    ("text", "answer", "again"),
    [
        ("抬头写的啥来着 我忘了", STATE, True),
        ("抬頭係咩嚟㗎 我唔記得咗", STATE, True),
        ("what was the tracking number again", TRACKING, True),
        ("发票怎么开来着", STATE, False),  # a how-to, not what the answer said
        ("抬头能改吗", STATE, False),  # asks to change it, not what it was
        ("what was the title again", TRACKING, False),  # the answer said no title
        # without "again": only right after an answer about an order (its id said)
        ("抬头写的是啥 我看下对不对", STATE, True),
        ("whats the tracking number", TRACKING, True),
        ("抬头写的是啥", "电子发票抬头可填个人或公司名称，公司需填写税号。", False),  # a policy
    ],
)
def test_what_the_answer_said_asked_again(text: str, answer: str, again: bool) -> None:
    assert asked_again(text, answer) is again


async def test_the_title_asked_again_is_the_invoice_state_again(services) -> None:
    history = [said("耳机那单发票开好了吗", "request_invoice"), answered(STATE)]
    _, texts = await run(
        ActionAnswerFaq(), tracker("抬头写的啥来着 我忘了", intent="ask_faq", history=history)
    )
    assert "上海某某科技有限公司" in texts[0] and "再跟您说一遍" in texts[0]
