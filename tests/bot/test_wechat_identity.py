"""A WeChat follower bound to a shop customer is that customer (their orders work); "解除绑定"
unbinds; an unbound follower is anonymous — real gateway, Redis, SQL demo shop, fake WeChat."""

from __future__ import annotations

import httpx
from redis.asyncio import Redis

from bot.wechat import parse
from handoff.conversation import Conversations
from kefu.db import make_async_engine
from shop import SqlShop
from shop.demo import seed_shop
from tests.bot.test_wechat import OPENID, signed_query, text_xml, wx  # noqa: F401 (fixture)


async def say(client: httpx.AsyncClient, text: str) -> str:
    r = await client.post("/wechat", params=signed_query(), content=text_xml(text))
    assert r.status_code == 200
    return parse(r.content).get("Content", "") if r.content.startswith(b"<xml") else ""


async def test_a_bound_follower_is_the_shop_customer_until_they_unbind(
    wx: httpx.AsyncClient,  # noqa: F811
    redis: Redis,
    sqlite_url: str,
):
    seed_shop(sqlite_url)
    engine = make_async_engine(sqlite_url)
    shop = SqlShop(engine)
    assert await shop.bind_openid("demo-001", OPENID)  # e.g. on the shop's WeChat login page
    conversations = Conversations(redis)
    await say(wx, "我的订单到哪了")
    assert (await conversations.state(f"wx-{OPENID}")).customer_id == "demo-001"

    assert "已为您解除" in await say(wx, "解除绑定")
    assert await shop.customer_by_openid(OPENID) is None
    await say(wx, "我的订单到哪了")
    assert (await conversations.state(f"wx-{OPENID}")).customer_id == OPENID  # anonymous
    assert "还没有绑定" in await say(wx, "解除绑定")
    await engine.dispose()
