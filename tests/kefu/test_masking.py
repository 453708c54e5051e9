"""One set of masking rules: the shop (what the bot repeats back, handoff summaries) and the
staff console's packet check mask an ID number, a phone and an address the same way."""

from __future__ import annotations

import shop
from handoff.packet import validate_packet
from kefu.masking import mask_address, mask_phone, mask_text


def test_id_numbers_keep_four_and_four_everywhere():
    text = "身份证11010119900307123X，电话+86 138 1234 5678"
    assert mask_text(text) == "身份证1101**********123X，电话138****5678"
    assert shop.mask_text(text) == mask_text(text)


def test_the_packet_masks_as_the_shop_does():
    line = "我的身份证110101199003071234，手机13812345678，地址北京市朝阳区建国路88号"
    packet = validate_packet(
        {
            "conversation_id": "c-mask",
            "channel": "web",
            "customer": {"id": "u1", "display_name": "张三", "language": "zh"},
            "reason": "explicit_request",
            "skill_group": "aftersales",
            "summary": line,
            "transcript": [{"from": "customer", "text": line}],
        },
        ["presale", "aftersales", "logistics", "complaints"],
    )
    assert packet["summary"] == shop.mask_text(line)
    assert "1101**********1234" in packet["summary"] and "110101199003071234" not in str(packet)


def test_phone_and_address_alone():
    assert mask_phone("+86 139-1234-5678") == "139****5678"
    assert mask_phone("12345") == "*****"
    assert "690" not in mask_address("上海市浦东新区张江镇碧波路690号3号楼502室")
    assert mask_address("") == ""
