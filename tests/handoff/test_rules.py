"""Pure rules of the handoff side: masking personal data, business hours, SLA targets."""

from __future__ import annotations

from datetime import UTC, datetime

from handoff.queue import QueueService
from handoff.queue_config import QueueConfig, in_business_hours
from kefu import redis_keys as keys
from kefu.masking import mask_text, mask_value


def test_phone_id_and_address_are_masked():
    text = "电话13812345678，身份证110101199003071234，地址上海市浦东新区世纪大道100号3栋502室"
    masked = mask_text(text)
    assert "13812345678" not in masked and "138****5678" in masked
    assert "110101199003071234" not in masked and "1101**********1234" in masked
    assert "100号3栋502室" not in masked and "世纪大道****" in masked
    assert mask_text("订单号20231120001") == "订单号20231120001"  # order ids stay readable
    assert mask_value("entities", {"address": "北京市朝阳区建国路88号", "order_id": "123"}) == {
        "address": "北京市朝阳区****",
        "order_id": "123",
    }
    assert mask_value("x", {"phone": "+86 139-1234-5678"})["phone"] == "139****5678"


def test_business_hours_including_overnight():
    noon_sh = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
    assert in_business_hours("09:00-23:00", "Asia/Shanghai", noon_sh)
    assert not in_business_hours("13:00-23:00", "Asia/Shanghai", noon_sh)
    assert in_business_hours("20:00-13:00", "Asia/Shanghai", noon_sh)
    assert in_business_hours("00:00-24:00", "Asia/Shanghai", noon_sh)


def test_sla_targets_and_big_sale_switch(redis):
    normal = QueueService(
        redis, QueueConfig(sla_first_response_s={"presale": 30.0, "aftersales": 3600.0})
    )
    assert normal.first_response_target("presale") == 30.0
    assert normal.first_response_target("aftersales") == 3600.0
    sale = QueueService(redis, QueueConfig(big_sale=True, sla_first_response_s={"presale": 30.0}))
    assert sale.first_response_target("presale") == 60.0


async def test_big_sale_switch_at_runtime_sets_the_presale_timer(redis):
    queue = QueueService(redis, QueueConfig(sla_first_response_s={"presale": 30.0}))
    await queue.start_sla("n1", "presale")
    assert float(await redis.hget(keys.sla_info("n1"), "target")) == 30.0
    await queue.set_big_sale(True)
    await queue.start_sla("n2", "presale")
    assert float(await redis.hget(keys.sla_info("n2"), "target")) == 60.0
