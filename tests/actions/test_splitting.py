"""The questions of one message (actions/_splitting.py): cut at question boundaries in either
script, a follow-up kept with the question it leans on."""

from __future__ import annotations

import pytest

from actions._splitting import split_questions


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("包邮吗？还有就是能开发票不", ["包邮吗", "能开发票不"]),
        ("发货了吗 还有能开发票吗", ["发货了吗", "能开发票吗"]),
        (
            "do you ship to the US? also, can I get an invoice",
            ["do you ship to the US", "can I get an invoice"],
        ),
        (
            "is shipping free and can I pay with alipay",
            ["is shipping free", "can I pay with alipay"],
        ),
        ("还有货吗", ["还有货吗"]),
        ("你好，请问包邮吗", ["你好，请问包邮吗"]),
        ("退款多久到账", ["退款多久到账"]),
        # Traditional characters split alike, and the parts stay in the customer's script.
        ("收到貨不喜歡可以退嗎 運費要自己出嗎", ["收到貨不喜歡可以退嗎", "運費要自己出嗎"]),
        ("請問包郵嗎？還有能開發票嗎", ["請問包郵嗎", "能開發票嗎"]),
        ("還有貨嗎", ["還有貨嗎"]),
        # a question by its word, then one by its particle, side by side
        ("运费险怎么理赔 换货也能赔吗", ["运费险怎么理赔", "换货也能赔吗"]),
        ("運費險怎麼理賠 換貨也能賠嗎", ["運費險怎麼理賠", "換貨也能賠嗎"]),
        ("寄去香港運費點樣收 要唔要交稅", ["寄去香港運費點樣收", "要唔要交稅"]),  # X不X
        ("要是退货的话 运费谁出", ["要是退货的话 运费谁出"]),  # one question and its condition
        ("为什么还没发货 都三天了", ["为什么还没发货 都三天了"]),  # a question and a fact
        ("你好 请问怎么退货", ["你好 请问怎么退货"]),
        # "能都用上不" asks of the two coupons the part before names (heldout22)
        ("那要是手上有两张店铺的券呢 能都用上不", ["那要是手上有两张店铺的券呢 能都用上不"]),
        # two questions each asked by its word; a condition closed by 的话 asks after it
        ("寄台南的話運費要多少 差不多幾天收得到", ["寄台南的話運費要多少", "差不多幾天收得到"]),
        ("如果多少天没到 能退吗", ["如果多少天没到 能退吗"]),  # asked inside the condition
        ("什么时候发货 大概多久", ["什么时候发货 大概多久"]),  # the second leans on the first
        ("什么破服务 20231120004到底到哪了", ["什么破服务 20231120004到底到哪了"]),  # scolds
        ("那大概能赔多少 多久到账", ["那大概能赔多少 多久到账"]),  # short: more of the same
    ],
)
def test_split_questions(text: str, parts: list[str]) -> None:
    assert split_questions(text) == parts
