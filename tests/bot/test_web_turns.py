"""A web chat turn belongs to the conversation, not to the socket it came in on: the customer
whose connection drops while the bot is still thinking gets the reply on the next connection."""

from __future__ import annotations

import json

from redis.asyncio import Redis
from websockets.asyncio.client import connect

from bot.app import create_app
from handoff.conversation import Conversations
from tests.bot.conftest import gateway_settings
from tests.bot.test_web_ws import hello, until, ws_url
from tests.conftest import LiveServer, unique_app_name


async def test_a_turn_outlives_the_socket_and_its_reply_waits_in_the_log(
    serve, redis_url: str, sqlite_url: str, redis: Redis, hung_server: str
):
    # Rasa accepts and never answers, so the turn ends with the gateway's timeout reply
    # ("系统繁忙…") a second after the customer has gone.
    settings = gateway_settings(redis_url, sqlite_url, rasa_url=hung_server, rasa_timeout_s=1.0)
    server = await serve(create_app(settings, unique_app_name("gw-drop")))
    async with connect(ws_url(server)) as ws:
        welcome = await hello(ws)
        conv, customer = welcome["conversation_id"], welcome["customer_id"]
        await ws.send(json.dumps({"type": "message", "text": "我的快递到哪了", "cid": "gone1"}))
        frames = await until(ws, lambda f: f["type"] == "ack")
    # the phone locked its screen: the socket is closed before the bot has answered
    mine = [f for f in frames if f["type"] == "event" and f.get("from") == "customer"]
    seen = max((f["seq"] for f in mine), default=0)
    async with connect(ws_url(server)) as ws:
        await hello(ws, conversation_id=conv, customer_id=customer, after=seen)
        later = await until(ws, lambda f: f["type"] == "event" and f.get("from") == "system")
    assert "系统繁忙" in later[-1]["text"]
    said = [
        (e.data["from"], e.data["text"])
        for e in await Conversations(redis).events(conv)
        if e.type == "message"
    ]
    assert said[0] == ("customer", "我的快递到哪了")
    assert [who for who, _ in said] == ["customer", "system"]


async def test_a_gateway_stopping_mid_turn_finishes_the_turn_first(
    redis_url: str, sqlite_url: str, redis: Redis, hung_server: str
):
    """A deploy restarts the gateway while a customer waits for the bot: the turn ends (here
    with the timeout reply) and is stored before the server lets go of Redis."""
    settings = gateway_settings(redis_url, sqlite_url, rasa_url=hung_server, rasa_timeout_s=1.0)
    server = await LiveServer(create_app(settings, unique_app_name("gw-restart"))).start()
    async with connect(ws_url(server)) as ws:
        conv = (await hello(ws))["conversation_id"]
        await ws.send(json.dumps({"type": "message", "text": "在吗", "cid": "restart1"}))
        await until(ws, lambda f: f["type"] == "ack")
        await server.stop()
    said = [e.data["from"] for e in await Conversations(redis).events(conv) if e.type == "message"]
    assert said == ["customer", "system"]
