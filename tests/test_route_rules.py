"""Every route of both servers and every message type of both WebSockets has a declared
access rule (``console.route_rules``, ``bot.route_rules``, ``console.agent_socket.MESSAGE_RULES``),
and the rules hold: no token → 401, a role outside the rule → 403 ``forbidden``, a role inside
it is never refused by role. Conversation and ticket ownership (wrong agent, wrong group) is
checked in ``tests/console/test_access.py``."""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from typing import Any

import httpx
import pytest
from sanic import Sanic

import bot.channels.web
import console.agent_socket
from bot.app import create_app as create_gateway
from bot.route_rules import ROUTES as GATEWAY_ROUTES
from bot.route_rules import WEB_FRAMES
from console.agent_socket import MESSAGE_RULES
from console.app import create_app as create_staff
from console.route_rules import ROUTES as STAFF_ROUTES
from handoff.models import ROLES
from tests.bot.conftest import gateway_settings, wechat_overrides
from tests.conftest import TEST_ADMIN_PASSWORD, unique_app_name
from tests.console.test_staff_api import staff_settings

DOCS = "/docs"  # sanic-ext's OpenAPI pages: public on both servers
PARAMS = {
    "conversation_id": "matrix-nobody",
    "ticket_id": "999999",
    "script_id": "999999",
    "version": "999999",
    "faq_id": "no-such-faq",
    "past_id": "no-such-past",
    "username": "nobody",
    "customer_id": "matrix-customer",
    "name": "console.js",
    "day": "2030-01-01",
    "item_id": "999999",
    "rect_id": "999999",
}


def declared_routes(app: Sanic) -> dict[str, Any]:
    app.router.finalize()
    found = {}
    for route in app.router.routes:
        uri = "/" + route.path.lstrip("/") if not route.uri.startswith("/") else route.uri
        if uri.startswith(DOCS):
            continue
        methods = ["WS"] if route.extra.websocket else sorted(route.methods)
        for method in methods:
            found[f"{method} {uri}"] = route
    return found


def _url(key: str) -> tuple[str, str]:
    method, uri = key.split(" ", 1)
    return method, re.sub(r"<(\w+):\w+>", lambda m: PARAMS[m.group(1)], uri)


def _types_handled(function: Any) -> set[str]:
    """Message types a handler dispatches on: ``kind == "x"`` and ``kind in {"x", ...}``."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    types: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and getattr(node.left, "id", None) == "kind":
            for comparator in node.comparators:
                for const in ast.walk(comparator):
                    if isinstance(const, ast.Constant) and isinstance(const.value, str):
                        types.add(const.value)
    return types


def test_every_route_of_both_servers_has_a_rule(redis_url: str, database_url: str) -> None:
    staff = create_staff(staff_settings(redis_url, database_url), unique_app_name("rules"))
    gateway = create_gateway(gateway_settings(redis_url, database_url), unique_app_name("rules-gw"))
    for app, registry in ((staff, STAFF_ROUTES), (gateway, GATEWAY_ROUTES)):
        routes = set(declared_routes(app))
        assert routes - set(registry) == set(), f"{app.name}: routes without an access rule"
        assert set(registry) - routes == set(), f"{app.name}: rules of routes that are gone"


def test_every_websocket_message_type_has_a_rule() -> None:
    console_types = _types_handled(console.agent_socket._Session.handle)
    assert console_types == set(MESSAGE_RULES), "console socket types vs MESSAGE_RULES"
    web_types = _types_handled(bot.channels.web.Session.frame)
    assert web_types == set(WEB_FRAMES), "web chat frame types vs bot.route_rules.WEB_FRAMES"


async def test_staff_rules_hold_for_no_token_and_every_role(serve, redis_url, database_url):  # type: ignore[no-untyped-def]
    server = await serve(
        create_staff(staff_settings(redis_url, database_url), unique_app_name("matrix"))
    )
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        r = await http.post(
            "/api/v1/auth/login", json={"username": "admin", "password": TEST_ADMIN_PASSWORD}
        )
        admin = {"Authorization": f"Bearer {r.json()['token']}"}
        tokens = {"admin": admin}
        for role in ROLES:
            if role == "admin":
                continue
            r = await http.post(
                "/api/v1/agents",
                headers=admin,
                json={
                    "username": f"m-{role}",
                    "password": "matrix-pass-1",
                    "roles": [role],
                    "skill_groups": ["aftersales"],
                },
            )
            assert r.status_code == 201, r.text
            r = await http.post(
                "/api/v1/auth/login", json={"username": f"m-{role}", "password": "matrix-pass-1"}
            )
            tokens[role] = {"Authorization": f"Bearer {r.json()['token']}"}

        for key, rule in STAFF_ROUTES.items():
            method, url = _url(key)
            if method == "WS" or rule == "public":
                continue
            r = await http.request(method, url, json={})
            assert r.status_code == 401, (key, r.status_code, r.text)
            if rule == "internal":
                r = await http.request(method, url, json={}, headers=tokens["agent"])
                assert r.status_code == 401, (key, "a staff token is not the internal one")
                continue
            if rule == "account":
                continue  # any logged-in account (logout, own password): no role to refuse
            allowed = set(rule.removeprefix("roles:").split(",")) | {"admin"}
            for role, headers in tokens.items():
                if role in allowed and method != "GET":
                    continue  # never run a change for real; refusals happen before any change
                r = await http.request(method, url, json={}, headers=headers)
                refused = r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
                assert refused == (role not in allowed), (key, role, r.status_code, r.text)
                assert r.status_code != 401, (key, role, r.text)


@pytest.mark.parametrize("rule", ["api_key", "wechat_signature"])
async def test_gateway_rules_refuse_calls_without_credentials(serve, redis_url, database_url, rule):  # type: ignore[no-untyped-def]
    settings = gateway_settings(redis_url, database_url, **wechat_overrides("http://127.0.0.1:9"))
    server = await serve(create_gateway(settings, unique_app_name("matrix-gw")))
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        for key, declared in GATEWAY_ROUTES.items():
            method, url = _url(key)
            if declared != rule or method == "WS":
                continue
            r = await http.request(method, url, json={"text": "hi"})
            expected = 401 if rule == "api_key" else 403
            assert r.status_code == expected, (key, r.status_code, r.text)
