"""The WeChat Official Account channel through a real gateway, real Redis and a local fake of
WeChat's API server (speaking its documented JSON), fed real-format XML messages."""

from __future__ import annotations

import asyncio
import secrets
import time
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from bot.app import create_app
from bot.wechat import MessageCrypto, WeChatApi, parse, signature
from handoff.conversation import Conversations, Owner
from tests.bot.conftest import (
    WX_AES_KEY,
    WX_APPID,
    WX_SECRET,
    WX_TOKEN,
    gateway_settings,
    wechat_overrides,
)
from tests.conftest import unique_app_name

OPENID = "oLVPpjqs9BhvzwPj5A-vTYAX3GLc"
GH = "gh_1234567890ab"


def signed_query(ts: int | None = None, nonce: str | None = None, **extra: str) -> dict[str, str]:
    ts_s = str(ts if ts is not None else int(time.time()))
    nonce = nonce or secrets.token_hex(6)
    return {
        "signature": signature(WX_TOKEN, ts_s, nonce),
        "timestamp": ts_s,
        "nonce": nonce,
        "openid": OPENID,
        **extra,
    }


def text_xml(content: str, msg_id: str | None = None, openid: str = OPENID) -> bytes:
    return (
        f"<xml><ToUserName><![CDATA[{GH}]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content>"
        f"<MsgId>{msg_id or secrets.randbelow(10**18)}</MsgId></xml>"
    ).encode()


def xml_of(msg_type: str, body: str, create_time: int | None = None) -> bytes:
    return (
        f"<xml><ToUserName><![CDATA[{GH}]]></ToUserName>"
        f"<FromUserName><![CDATA[{OPENID}]]></FromUserName>"
        f"<CreateTime>{create_time or int(time.time())}</CreateTime>"
        f"<MsgType><![CDATA[{msg_type}]]></MsgType>{body}</xml>"
    ).encode()


@pytest.fixture
async def wx(serve, redis_url: str, sqlite_url: str, fake_wechat):  # type: ignore[no-untyped-def]
    api_base, state = fake_wechat
    settings = gateway_settings(redis_url, sqlite_url, **wechat_overrides(api_base))
    server = await serve(create_app(settings, unique_app_name("gw-wx")))
    async with httpx.AsyncClient(base_url=server.url, timeout=15) as client:
        client.fake = state  # type: ignore[attr-defined]
        yield client


async def customer_events(redis: Redis, openid: str = OPENID) -> list[dict[str, Any]]:
    events = await Conversations(redis).events(f"wx-{openid}")
    return [e.as_dict() for e in events]


# ------------------------------------------------------------------ server check


async def test_server_check_echoes_only_with_a_valid_fresh_signature(wx: httpx.AsyncClient):
    r = await wx.get("/wechat", params={**signed_query(), "echostr": "4527361583127"})
    assert r.status_code == 200
    assert r.text == "4527361583127"

    forged = {**signed_query(), "echostr": "1"}
    forged["signature"] = signature("not-the-token", forged["timestamp"], forged["nonce"])
    r = await wx.get("/wechat", params=forged)
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "invalid_signature"

    r = await wx.get("/wechat", params={**signed_query(ts=int(time.time()) - 3600), "echostr": "1"})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "stale_timestamp"

    r = await wx.get("/wechat", params={"echostr": "1"})
    assert r.status_code == 403


# ------------------------------------------------------------------ plaintext messages


async def test_text_message_gets_a_passive_reply_and_is_routed_once(
    wx: httpx.AsyncClient, redis: Redis
):
    # Rasa is down in this gateway: the router's polite fallback is the bot-turn reply.
    body = text_xml("我的订单怎么还没发货", msg_id="1234567890123456")
    r = await wx.post("/wechat", params=signed_query(), content=body)
    assert r.status_code == 200
    reply = parse(r.content)
    assert reply["ToUserName"] == OPENID
    assert reply["FromUserName"] == GH
    assert reply["MsgType"] == "text"
    assert "系统繁忙" in reply["Content"]

    # WeChat retries the same MsgId with a new nonce: answered "success", not routed again.
    r = await wx.post("/wechat", params=signed_query(), content=body)
    assert r.text == "success"
    events = await customer_events(redis)
    customer = [e for e in events if e["type"] == "message" and e["from"] == "customer"]
    assert [e["text"] for e in customer] == ["我的订单怎么还没发货"]
    state = await Conversations(redis).state(f"wx-{OPENID}")
    assert state.channel == "wechat"
    assert state.customer_id == OPENID


async def test_forged_and_replayed_signatures_get_no_reply(wx: httpx.AsyncClient, redis: Redis):
    query = signed_query()
    forged = {**query, "signature": "0" * 40}
    r = await wx.post("/wechat", params=forged, content=text_xml("你好"))
    assert r.status_code == 403
    assert "xml" not in r.text

    r = await wx.post("/wechat", params=query, content=text_xml("第一条", msg_id="11"))
    assert r.status_code == 200
    # The same signed query with another body: a replay.
    r = await wx.post("/wechat", params=query, content=text_xml("伪造的消息", msg_id="12"))
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "replayed"
    # The same query with the same body: WeChat retrying; harmless.
    r = await wx.post("/wechat", params=query, content=text_xml("第一条", msg_id="11"))
    assert r.text == "success"

    r = await wx.post(
        "/wechat", params=signed_query(ts=int(time.time()) - 3600), content=text_xml("旧消息")
    )
    assert r.status_code == 403

    texts = [e["text"] for e in await customer_events(redis) if e.get("from") == "customer"]
    assert texts == ["第一条"]


async def test_subscribe_welcomes_and_unsubscribe_is_quiet(wx: httpx.AsyncClient):
    r = await wx.post(
        "/wechat",
        params=signed_query(),
        content=xml_of("event", "<Event><![CDATA[subscribe]]></Event>"),
    )
    assert "欢迎关注" in parse(r.content)["Content"]
    # Same FromUserName+CreateTime again is a retry of that event.
    ct = int(time.time()) - 5
    body = xml_of("event", "<Event><![CDATA[unsubscribe]]></Event>", create_time=ct)
    r = await wx.post("/wechat", params=signed_query(), content=body)
    assert r.text == "success"


async def test_voice_image_location_and_unknown_types(wx: httpx.AsyncClient, redis: Redis):
    r = await wx.post(
        "/wechat",
        params=signed_query(),
        content=xml_of(
            "voice",
            "<MediaId><![CDATA[m1]]></MediaId><Format><![CDATA[amr]]></Format>"
            "<Recognition><![CDATA[快递到哪了]]></Recognition><MsgId>201</MsgId>",
        ),
    )
    assert r.status_code == 200
    assert "系统繁忙" in parse(r.content)["Content"]  # routed to the (down) bot as text

    r = await wx.post(
        "/wechat",
        params=signed_query(),
        content=xml_of(
            "voice",
            "<MediaId><![CDATA[m2]]></MediaId><Format><![CDATA[amr]]></Format>"
            "<Recognition><![CDATA[]]></Recognition><MsgId>202</MsgId>",
        ),
    )
    assert "没有听清" in parse(r.content)["Content"]

    r = await wx.post(
        "/wechat",
        params=signed_query(),
        content=xml_of(
            "image",
            "<PicUrl><![CDATA[http://mmbiz.qpic.cn/x.jpg]]></PicUrl>"
            "<MediaId><![CDATA[img1]]></MediaId><MsgId>203</MsgId>",
        ),
    )
    assert "图片" in parse(r.content)["Content"]

    r = await wx.post(
        "/wechat",
        params=signed_query(),
        content=xml_of(
            "location",
            "<Location_X>23.134521</Location_X><Location_Y>113.358803</Location_Y>"
            "<Scale>20</Scale><Label><![CDATA[广州市天河区]]></Label><MsgId>204</MsgId>",
        ),
    )
    assert "广州市天河区" in parse(r.content)["Content"]

    r = await wx.post(
        "/wechat",
        params=signed_query(),
        content=xml_of("video", "<MediaId><![CDATA[v]]></MediaId><MsgId>205</MsgId>"),
    )
    assert parse(r.content)["Content"].startswith("暂不支持该类型消息")

    customer = [e for e in await customer_events(redis) if e.get("from") == "customer"]
    assert customer[0]["text"] == "快递到哪了"
    kinds = {e.get("kind"): e.get("attachment") for e in customer if e.get("kind")}
    assert kinds["image"]["pic_url"] == "http://mmbiz.qpic.cn/x.jpg"
    assert kinds["location"]["label"] == "广州市天河区"


# ------------------------------------------------------------------ hostile bodies


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b"<xml><ToUserName>a</ToUserName><FromUserName>" + OPENID.encode() + b"</FromUserName>"
    b"<MsgType>text</MsgType><Content>&lol3;</Content><MsgId>1</MsgId></xml>"
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b"<xml><FromUserName>" + OPENID.encode() + b"</FromUserName><MsgType>text</MsgType>"
    b"<Content>&xxe;</Content><MsgId>2</MsgId></xml>"
)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (BILLION_LAUGHS, 400),
        (EXTERNAL_ENTITY, 400),
        (b"this is not xml at all", 400),
        (b'{"json": true}', 400),
        (b"<html><body>hi</body></html>", 400),
        (b"<xml><MsgType>text</MsgType><Content>no sender</Content></xml>", 400),
        (b"<xml>" + b"<A>x</A>" * 5000 + b"</xml>", 413),
    ],
)
async def test_hostile_bodies_are_refused_and_the_gateway_lives_on(
    wx: httpx.AsyncClient, redis: Redis, body: bytes, status: int
):
    r = await wx.post("/wechat", params=signed_query(), content=body)
    assert r.status_code == status, r.text
    assert "error" in r.json()
    assert "root:" not in r.text
    assert await customer_events(redis) == []
    r = await wx.post("/wechat", params=signed_query(), content=text_xml("还在吗"))
    assert r.status_code == 200
    assert parse(r.content)["MsgType"] == "text"


# ------------------------------------------------------------------ safe (AES) mode


async def test_safe_mode_decrypts_checks_and_encrypts_the_reply(wx: httpx.AsyncClient):
    crypto = MessageCrypto(WX_TOKEN, WX_AES_KEY, WX_APPID)
    ts, nonce = str(int(time.time())), secrets.token_hex(5)
    encrypted = crypto.encrypt(text_xml("hello, where is my parcel").decode())
    envelope = (
        f"<xml><ToUserName><![CDATA[{GH}]]></ToUserName>"
        f"<Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    ).encode()
    query = {
        **signed_query(int(ts), nonce),
        "encrypt_type": "aes",
        "msg_signature": crypto.msg_signature(ts, nonce, encrypted),
    }
    r = await wx.post("/wechat", params=query, content=envelope)
    assert r.status_code == 200, r.text
    outer = parse(r.content)
    assert crypto.check(outer["MsgSignature"], outer["TimeStamp"], outer["Nonce"], outer["Encrypt"])
    inner = parse(crypto.decrypt(outer["Encrypt"]).encode())
    assert inner["ToUserName"] == OPENID
    assert "busy" in inner["Content"]

    bad = {**signed_query(), "encrypt_type": "aes", "msg_signature": "f" * 40}
    r = await wx.post("/wechat", params=bad, content=envelope)
    assert r.status_code == 403

    other_app = MessageCrypto(WX_TOKEN, WX_AES_KEY, "wx_someone_else")
    foreign = other_app.encrypt(text_xml("hi").decode())
    ts, nonce = str(int(time.time())), secrets.token_hex(5)
    query = {
        **signed_query(int(ts), nonce),
        "encrypt_type": "aes",
        "msg_signature": crypto.msg_signature(ts, nonce, foreign),
    }
    r = await wx.post(
        "/wechat",
        params=query,
        content=f"<xml><Encrypt><![CDATA[{foreign}]]></Encrypt></xml>".encode(),
    )
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "bad_encrypted_message"


# ------------------------------------------------------------------ late replies, token, window


async def test_slow_bot_answers_success_then_sends_through_customer_service_api(
    serve, redis_url: str, sqlite_url: str, fake_wechat, hung_server: str
):
    api_base, state = fake_wechat
    settings = gateway_settings(
        redis_url,
        sqlite_url,
        **wechat_overrides(api_base),
        rasa_url=hung_server,
        rasa_timeout_s=1.5,
        wechat_passive_budget_s=0.3,
    )
    server = await serve(create_app(settings, unique_app_name("gw-wx")))
    async with httpx.AsyncClient(base_url=server.url, timeout=15) as client:
        r = await client.post("/wechat", params=signed_query(), content=text_xml("在吗"))
        assert r.text == "success"
        sent = await state.wait_sent(1)
    assert sent[0]["touser"] == OPENID
    assert sent[0]["msgtype"] == "text"
    assert "系统繁忙" in sent[0]["text"]["content"]
    assert state.token_calls == 1


async def test_access_token_is_fetched_once_across_processes_and_renewed_on_40001(
    redis_url: str, fake_wechat
):
    api_base, state = fake_wechat
    clients = [Redis.from_url(redis_url) for _ in range(3)]
    async with httpx.AsyncClient(timeout=10) as http:
        apis = [WeChatApi(c, http, api_base, WX_APPID, WX_SECRET) for c in clients]
        tokens = await asyncio.gather(*(a.access_token() for a in apis for _ in range(3)))
        assert len(set(tokens)) == 1
        assert state.token_calls == 1

        state.invalidate_tokens()  # WeChat rotated it: the next send sees 40001
        await apis[1].send_text(OPENID, "您好")
        assert state.token_calls == 2
        assert state.sent[-1]["text"]["content"] == "您好"
    for c in clients:
        await c.aclose()


async def test_agent_messages_are_merged_counted_and_window_closure_reported(
    wx: httpx.AsyncClient, redis: Redis
):
    conv = f"wx-{OPENID}"
    r = await wx.post("/wechat", params=signed_query(), content=text_xml("转人工"))
    assert r.status_code == 200
    conversations = Conversations(redis)
    await conversations.transition(
        conv,
        {Owner.BOT},
        Owner.QUEUED,
        "queued",
        {"position": 3, "eta_seconds": 180, "skill_group": "presale"},
    )
    await conversations.append(conv, "queue_update", {"position": 2, "eta_seconds": 120})
    await conversations.append(conv, "queue_update", {"position": 1, "eta_seconds": 60})
    sent = await wx.fake.wait_sent(1)  # type: ignore[attr-defined]
    assert len(sent) == 1
    assert "您前面还有 1 位" in sent[0]["text"]["content"]
    assert "3 位" not in sent[0]["text"]["content"]

    await conversations.transition(
        conv, {Owner.QUEUED}, Owner.AGENT, "accepted", {"agent_name": "小王"}, agent="wang"
    )
    await conversations.append(conv, "note", {"text": "客户是老客户，态度好", "internal": True})
    await conversations.append(
        conv, "message", {"from": "agent", "text": "您好，我是小王", "agent_name": "小王"}
    )
    sent = await wx.fake.wait_sent(2)  # type: ignore[attr-defined]
    assert "客服 小王 为您服务" in sent[1]["text"]["content"]
    assert "您好，我是小王" in sent[1]["text"]["content"]
    assert all("老客户" not in m["text"]["content"] for m in sent)

    # Five messages per customer message: three more go out, then the window is closed.
    for i in range(5):
        await conversations.append(conv, "message", {"from": "agent", "text": f"第{i}条"})
        await asyncio.sleep(0.8)  # let each be its own delivery
    failed = []
    for _ in range(50):
        failed = [e for e in await conversations.events(conv) if e.type == "delivery_failed"]
        if failed:
            break
        await asyncio.sleep(0.2)
    assert len(wx.fake.sent) == 5  # type: ignore[attr-defined]
    assert failed[0].data["reason"] == "wechat_window_closed"
    assert failed[0].data["internal"] is True

    # WeChat itself says the window is closed (45047): reported the same way.
    r = await wx.post("/wechat", params=signed_query(), content=text_xml("还在吗"))
    wx.fake.out_of_window.add(OPENID)  # type: ignore[attr-defined]
    before = len([e for e in await conversations.events(conv) if e.type == "delivery_failed"])
    await conversations.append(conv, "message", {"from": "agent", "text": "在的"})
    for _ in range(50):
        found = [e for e in await conversations.events(conv) if e.type == "delivery_failed"]
        if len(found) > before:
            break
        await asyncio.sleep(0.2)
    assert found[-1].data.get("errcode") == 45047


async def test_closing_asks_for_csat_and_the_answer_is_stored(wx: httpx.AsyncClient, redis: Redis):
    conv = f"wx-{OPENID}"
    await wx.post("/wechat", params=signed_query(), content=text_xml("转人工"))
    conversations = Conversations(redis)
    await conversations.transition(
        conv, {Owner.BOT}, Owner.QUEUED, "queued", {"position": 1, "eta_seconds": 30}
    )
    await conversations.transition(
        conv, {Owner.QUEUED}, Owner.AGENT, "accepted", {"agent_name": "小李"}, agent="li"
    )
    await conversations.transition(
        conv, {Owner.AGENT}, Owner.CLOSED, "closed", {"resolution": "solved"}
    )
    for _ in range(50):
        contents = [m["text"]["content"] for m in wx.fake.sent]  # type: ignore[attr-defined]
        if any("打分" in c for c in contents):
            break
        await asyncio.sleep(0.2)
    assert any("打分" in c for c in contents)

    r = await wx.post("/wechat", params=signed_query(), content=text_xml("5分 很满意，谢谢"))
    assert "感谢您的评价" in parse(r.content)["Content"]
    csat = [e for e in await conversations.events(conv) if e.type == "csat"]
    assert csat[0].data["score"] == 5
    assert csat[0].data["comment"] == "很满意，谢谢"
