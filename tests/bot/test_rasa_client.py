"""RasaClient against servers speaking Rasa's REST webhook protocol: spreading turns over
several Rasa servers, a refused server passing the turn on, a bound on turns in flight, and a
time limit that includes the wait. The real Rasa is exercised in test_rest.py and
tests/conversations; these servers stand in for it so that load and failures can be staged."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse, json

from bot.rasa_client import RasaClient, RasaUnavailable, rasa_http_client
from bot.settings import GatewaySettings
from kefu.redis_server import free_port
from tests.conftest import unique_app_name


class FakeRasa:
    """Answers ``POST /webhooks/kefu/webhook`` like Rasa ({"recipient_id", "text"}), after
    ``delay_s``; records who asked and the most turns it held at once."""

    def __init__(self, name: str, delay_s: float = 0.05) -> None:
        self.name = name
        self.delay_s = delay_s
        self.senders: list[str] = []
        self.now = 0
        self.peak = 0
        self.app = Sanic(unique_app_name(f"fake-rasa-{name}"))
        self.app.add_route(self.webhook, "/webhooks/kefu/webhook", methods=["POST"])

    async def webhook(self, request: Request) -> HTTPResponse:
        body = request.json
        self.now += 1
        self.peak = max(self.peak, self.now)
        try:
            await asyncio.sleep(self.delay_s)
        finally:
            self.now -= 1
        self.senders.append(body["sender"])
        return json([{"recipient_id": body["sender"], "text": f"{self.name}: {body['message']}"}])


async def test_turns_spread_over_several_rasa_servers(serve):
    a, b = FakeRasa("a"), FakeRasa("b")
    urls = [(await serve(a.app)).url, (await serve(b.app)).url]
    async with rasa_http_client(4, 10.0, servers=2) as http:
        client = RasaClient(urls, http, max_in_flight=4, timeout_s=10.0)
        replies = await asyncio.gather(
            *(client.send(f"c{i}", "你好", {"lang": "zh"}) for i in range(40))
        )
    served = Counter(r[0].text.split(":")[0] for r in replies)
    assert served["a"] + served["b"] == 40
    # Least-in-flight: with every turn as slow as the next, both servers carry about half.
    assert 15 <= served["a"] <= 25, served
    assert a.peak <= 4 and b.peak <= 4
    assert client.in_flight() == [0, 0]


async def test_a_refusing_server_passes_the_turn_to_the_next(serve):
    up = FakeRasa("up")
    down = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    async with rasa_http_client(4, 10.0, servers=2) as http:
        client = RasaClient([down, (await serve(up.app)).url], http, max_in_flight=4)
        for i in range(5):
            replies = await client.send(f"c{i}", "在吗", {})
            assert replies[0].text == "up: 在吗"
    assert len(up.senders) == 5


async def test_every_server_refusing_is_rasa_unavailable():
    downs = [f"http://127.0.0.1:{free_port()}" for _ in range(2)]
    async with rasa_http_client(2, 5.0, servers=2) as http:
        client = RasaClient(downs, http, max_in_flight=2, timeout_s=5.0)
        with pytest.raises(RasaUnavailable, match="Cannot connect"):
            await client.send("c1", "hi", {})
        assert client.in_flight() == [0, 0]


async def test_turns_in_flight_are_bounded_and_the_rest_wait_in_order(serve):
    slow = FakeRasa("slow", delay_s=0.1)
    url = (await serve(slow.app)).url
    async with rasa_http_client(3, 10.0) as http:
        client = RasaClient(url, http, max_in_flight=3, timeout_s=10.0)
        await asyncio.gather(*(client.send(f"c{i:02d}", "x", {}) for i in range(12)))
    assert slow.peak == 3
    assert len(slow.senders) == 12


async def test_the_time_limit_counts_the_wait_for_a_free_slot(serve):
    slow = FakeRasa("slow", delay_s=0.6)
    url = (await serve(slow.app)).url
    async with rasa_http_client(1, 1.0) as http:
        client = RasaClient(url, http, max_in_flight=1, timeout_s=1.0)
        results = await asyncio.gather(
            *(client.send(f"c{i}", "x", {}) for i in range(3)), return_exceptions=True
        )
    answered = [r for r in results if isinstance(r, list)]
    refused = [r for r in results if isinstance(r, RasaUnavailable)]
    # One slot, 0.6 s a turn, 1 s for everything: the first answers, the third cannot.
    assert len(answered) >= 1 and len(refused) >= 1
    assert all("no reply within 1 s" in str(r) for r in refused)


@pytest.mark.parametrize(
    ("status", "body", "why"),
    [
        (200, b"<html>proxy error</html>", "not JSON"),
        (200, b'{"text": "a dict, not a list"}', "not a list"),
        (500, b"[]", "HTTP 500"),
    ],
)
async def test_a_broken_rasa_answer_is_rasa_unavailable(serve, status: int, body: bytes, why: str):
    app = Sanic(unique_app_name("broken-rasa"))

    async def webhook(request: Request) -> HTTPResponse:
        return HTTPResponse(body, status=status, content_type="application/json")

    app.add_route(webhook, "/webhooks/kefu/webhook", methods=["POST"])
    url = (await serve(app)).url
    async with rasa_http_client(1, 5.0) as http:
        client = RasaClient(url, http, max_in_flight=1, timeout_s=5.0)
        with pytest.raises(RasaUnavailable, match=why):
            await client.send("c1", "你好", {})


def test_rasa_url_settings_accept_a_list_and_refuse_nonsense(monkeypatch):
    monkeypatch.setenv("KEFU_RASA_URL", " http://10.0.0.5:5005/ , http://10.0.0.6:5005")
    assert GatewaySettings().rasa_urls == ["http://10.0.0.5:5005/", "http://10.0.0.6:5005"]
    for bad in ("", "localhost:5005", "http://a:1,ftp://b:2"):
        monkeypatch.setenv("KEFU_RASA_URL", bad)
        with pytest.raises(ValueError, match="KEFU_RASA_URL"):
            GatewaySettings()
