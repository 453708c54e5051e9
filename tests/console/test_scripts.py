"""The scripts library (话术库): canned replies in SQL, seeded from a data file as the normal set,
edited by team leads (their groups) and supervisors (every group and the shared ones), with
known variables only, and served to agents — their groups' plus shared — with the sets that are
on (outage, 大促) first."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import text

from kefu.db import make_engine
from tests.staff_console import Console

SEED = Path(__file__).parents[2] / "kefu" / "migrations" / "data" / "0008_canned_replies.json"


def script(**overrides: Any) -> dict[str, Any]:
    body = {
        "script_set": "normal",
        "skill_group": "aftersales",
        "scenario_zh": "售后",
        "scenario_en": "After-sales",
        "title_zh": "换货运费",
        "title_en": "Exchange shipping",
        "text_zh": "{customer_name}您好，订单{order_id}换货的运费由我们承担。",
        "text_en": "Hi {customer_name}, we pay the shipping for exchanging order {order_id}.",
    }
    body.update(overrides)
    return body


def test_the_migration_seeds_the_former_fixed_list_as_the_shared_normal_set(
    migrated_sqlite: Callable[[str], str],
) -> None:
    engine = make_engine(migrated_sqlite("seeded.db"))
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT script_set, skill_group, title_zh, text_zh, text_en FROM canned_replies "
                "ORDER BY position"
            )
        ).all()
    engine.dispose()
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    assert len(rows) == len(seed) == 8
    assert {(r.script_set, r.skill_group) for r in rows} == {("normal", "")}
    assert [r.text_zh for r in rows] == [s["text_zh"] for s in seed]
    assert (
        rows[0].text_en
        == "Hi {customer_name}, I'm {agent_name} from customer service. How can I help?"
    )


async def test_who_reads_and_edits_which_scripts(console: Console) -> None:
    c = console
    agent = await c.agent("li", ["aftersales"], online=False)
    presale_agent = await c.agent("wang", ["presale"], online=False)
    lead = await c.agent("zhang", ["aftersales"], roles=["team_lead"], online=False)
    boss = await c.agent("boss", [], roles=["supervisor"], online=False)

    # an agent neither lists nor edits scripts
    assert (await c.http.get("/api/v1/scripts", headers=agent)).status_code == 403
    r = await c.http.post("/api/v1/scripts", headers=agent, json=script())
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden", r.text

    r = await c.http.post("/api/v1/scripts", headers=lead, json=script())
    assert r.status_code == 201, r.text
    mine = r.json()
    assert mine["text_hant"] == "{customer_name}您好，訂單{order_id}換貨的運費由我們承擔。"
    for group in ("presale", ""):  # another group's, or shared: not a lead's
        r = await c.http.post("/api/v1/scripts", headers=lead, json=script(skill_group=group))
        assert r.status_code == 403 and r.json()["error"]["code"] == "not_your_group", r.text
    r = await c.http.post(
        "/api/v1/scripts", headers=boss, json=script(skill_group="presale", title_zh="预售定金")
    )
    presale = r.json()
    assert r.status_code == 201, r.text
    r = await c.http.post("/api/v1/scripts", headers=boss, json=script(skill_group=""))
    shared = r.json()
    assert r.status_code == 201, r.text

    for method in ("PUT", "DELETE"):
        for target in (presale, shared):
            r = await c.http.request(
                method, f"/api/v1/scripts/{target['id']}", headers=lead, json={"title_zh": "改"}
            )
            assert r.status_code == 403 and r.json()["error"]["code"] == "not_your_group"
    # a lead cannot move their own script into another group either
    r = await c.http.put(
        f"/api/v1/scripts/{mine['id']}", headers=lead, json={"skill_group": "presale"}
    )
    assert r.status_code == 403, r.text
    r = await c.http.put(
        f"/api/v1/scripts/{mine['id']}", headers=lead, json={"title_en": "Free exchange"}
    )
    assert r.status_code == 200 and r.json()["title_en"] == "Free exchange", r.text

    listed = (await c.http.get("/api/v1/scripts", headers=lead)).json()
    editable = {s["id"]: s["editable"] for s in listed["scripts"]}
    assert editable[mine["id"]] is True and editable[shared["id"]] is False
    assert presale["id"] not in editable  # another group's scripts are not a lead's to see
    assert listed["editable_groups"] == ["aftersales"]

    # agents get their groups' scripts plus the shared ones
    ids = {
        s["id"]
        for s in (await c.http.get("/api/v1/canned-replies", headers=agent)).json()["replies"]
    }
    assert {mine["id"], shared["id"]} <= ids and presale["id"] not in ids
    r = await c.http.get("/api/v1/canned-replies", headers=presale_agent)
    ids = {s["id"] for s in r.json()["replies"]}
    assert {presale["id"], shared["id"]} <= ids and mine["id"] not in ids

    r = await c.http.delete(f"/api/v1/scripts/{mine['id']}", headers=lead)
    assert r.status_code == 200, r.text
    r = await c.http.delete(f"/api/v1/scripts/{mine['id']}", headers=lead)
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_script", r.text


async def test_unknown_variables_and_bad_fields_are_refused_clearly(console: Console) -> None:
    c = console
    boss = await c.agent("boss", [], roles=["supervisor"], online=False)
    cases = [
        (script(text_zh="{name}您好"), "unknown_variable", "name"),
        (script(text_en="Hi {customer_name}, order {orderid}"), "unknown_variable", "orderid"),
        (script(text_zh="您好 {customer_name"), "unknown_variable", "{"),
        (script(script_set="flash"), "invalid_set", None),
        (script(skill_group="nope"), "invalid_skill_group", None),
        (script(text_zh="   "), "invalid_body", None),
    ]
    for body, code, variable in cases:
        r = await c.http.post("/api/v1/scripts", headers=boss, json=body)
        assert r.status_code == 400 and r.json()["error"]["code"] == code, (body, r.text)
        if variable:
            assert r.json()["error"]["variable"] == variable
            assert "{customer_name}, {order_id}, {agent_name}" in r.json()["error"]["message"]
    made = (await c.http.post("/api/v1/scripts", headers=boss, json=script())).json()
    r = await c.http.put(f"/api/v1/scripts/{made['id']}", headers=boss, json={"text_en": "{x}"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "unknown_variable", r.text
    r = await c.http.put("/api/v1/scripts/999999", headers=boss, json={"title_zh": "无"})
    assert r.status_code == 404, r.text


async def test_the_set_that_is_on_comes_first(console: Console) -> None:
    c = console
    agent = await c.agent("li", ["aftersales"], online=False)
    boss = await c.agent("boss", [], roles=["supervisor"], online=False)
    made = {}
    for name in ("normal", "big_sale", "outage"):
        r = await c.http.post(
            "/api/v1/scripts", headers=boss, json=script(script_set=name, title_zh=name)
        )
        made[name] = r.json()["id"]

    async def served() -> tuple[list[str], list[int]]:
        data = (await c.http.get("/api/v1/canned-replies", headers=agent)).json()
        mine = [s["id"] for s in data["replies"] if s["id"] in made.values()]
        return data["sets_on"], mine

    assert await served() == (["normal"], [made["normal"]])
    r = await c.http.post("/api/v1/settings/big-sale", headers=boss, json={"on": True})
    assert r.status_code == 200, r.text
    assert await served() == (["big_sale", "normal"], [made["big_sale"], made["normal"]])
    r = await c.http.post("/api/v1/settings/outage", headers=boss, json={"on": True})
    assert r.status_code == 200, r.text
    assert await served() == (
        ["outage", "big_sale", "normal"],
        [made["outage"], made["big_sale"], made["normal"]],
    )


async def test_scripts_export_as_csv_for_the_callers_groups(console: Console) -> None:
    c = console
    lead = await c.agent("zhang", ["aftersales"], roles=["team_lead"], online=False)
    boss = await c.agent("boss", [], roles=["supervisor"], online=False)
    await c.http.post("/api/v1/scripts", headers=lead, json=script(title_zh="=cmd|计算"))
    await c.http.post("/api/v1/scripts", headers=boss, json=script(skill_group="presale"))
    r = await c.http.get("/api/v1/scripts/export", headers=lead)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv"), r.text
    assert r.content.startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    mine = [row for row in rows if row["skill_group"]]
    assert [(row["skill_group"], row["title_zh"]) for row in mine] == [
        ("aftersales", "'=cmd|计算")  # a formula is exported as text
    ]
    assert mine[0]["text_zh"] == "{customer_name}您好，订单{order_id}换货的运费由我们承担。"
