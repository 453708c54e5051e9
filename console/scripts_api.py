"""The scripts library's HTTP side (话术库): the canned replies an agent picks from, and their
editing by team leads (their groups), supervisors and admins (``handoff.scripts``)."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Literal

from pydantic import Field, StringConstraints
from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json, raw
from sanic_ext import openapi

from console.api import principal
from handoff import access
from handoff.accounts import Principal
from handoff.outage import Outage
from handoff.scripts import VARIABLES, Scripts, sets_on
from kefu.bodies import BodyModel, body_doc, parse_body
from kefu.errors import ApiError

bp = Blueprint("scripts_api", url_prefix="/api/v1")
STAFF = ("agent", "team_lead", "supervisor")
EDITORS = ("team_lead", "supervisor")


def _text(most: int) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=most)


SetName = Literal["normal", "big_sale", "outage"]
Group = Annotated[str, StringConstraints(strip_whitespace=True, max_length=32)]
Scenario = Annotated[str, _text(32)]
ScenarioEn = Annotated[str, _text(64)]
Title = Annotated[str, _text(64)]
TitleEn = Annotated[str, _text(128)]
Text = Annotated[str, _text(1000)]
_CODES = {"script_set": "invalid_set", "skill_group": "invalid_skill_group"}


class NewScript(BodyModel):
    """A canned reply. Texts may use {customer_name}, {order_id} and {agent_name}; traditional
    Chinese is derived from text_zh. skill_group empty: shared by every group."""

    error_codes = _CODES

    script_set: SetName = "normal"
    skill_group: Group = ""
    scenario_zh: Scenario
    scenario_en: ScenarioEn
    title_zh: Title
    title_en: TitleEn
    text_zh: Text
    text_en: Text
    position: int = Field(default=0, ge=0, le=100_000)


class ScriptChange(BodyModel):
    """Any fields of a canned reply; those left out stay as they are."""

    error_codes = _CODES

    script_set: SetName | None = None
    skill_group: Group | None = None
    scenario_zh: Scenario | None = None
    scenario_en: ScenarioEn | None = None
    title_zh: Title | None = None
    title_en: TitleEn | None = None
    text_zh: Text | None = None
    text_en: Text | None = None
    position: int | None = Field(default=None, ge=0, le=100_000)


def _staff(request: Request, *roles: str) -> Principal:
    who = principal(request)
    who.require(*roles)
    return who


async def _sets_on(request: Request) -> list[str]:
    outage: Outage = request.app.ctx.outage
    big_sale = await request.app.ctx.queue.big_sale()
    return sets_on(bool(big_sale), (await outage.state()).on)


def _check_group(request: Request, group: str) -> None:
    groups = request.app.ctx.queue.config.skill_groups
    if group and group not in groups:
        raise ApiError(
            400, "invalid_skill_group", f"skill_group: empty (shared) or one of {groups}"
        )


@bp.get("/canned-replies")
@openapi.summary("The canned replies I may use (话术库): sets that are on first")
@openapi.description(
    "My groups' scripts plus the shared ones (supervisors: every group), of the sets that are "
    "on: `outage` while the outage switch is on, `big_sale` while the big-sale switch is on, "
    "then `normal`. Each has text_zh, text_hant (OpenCC) and text_en; `variables` lists what "
    "the console fills in from the conversation."
)
@openapi.secured("bearer")
async def canned_replies(request: Request) -> HTTPResponse:
    who = _staff(request, *STAFF)
    sets = await _sets_on(request)
    scripts: Scripts = request.app.ctx.scripts
    rows = await scripts.listed(access.script_groups(who), sets)
    return json(
        {"sets_on": sets, "variables": list(VARIABLES), "replies": [r.public() for r in rows]},
        ensure_ascii=False,
    )


@bp.get("/scripts")
@openapi.summary("Every script I may see, of every set, and which I may edit (leads)")
@openapi.secured("bearer")
async def list_scripts(request: Request) -> HTTPResponse:
    who = _staff(request, *EDITORS)
    scripts: Scripts = request.app.ctx.scripts
    rows = await scripts.listed(access.script_groups(who))
    groups = ["", *request.app.ctx.queue.config.skill_groups]
    return json(
        {
            "sets_on": await _sets_on(request),
            "variables": list(VARIABLES),
            "editable_groups": [g for g in groups if access.may_edit_script(who, g)],
            "scripts": [
                {**r.public(), "editable": access.may_edit_script(who, r.skill_group)} for r in rows
            ],
        },
        ensure_ascii=False,
    )


@bp.post("/scripts")
@openapi.summary("Add a script (a lead for their groups; shared ones: supervisors)")
@openapi.description("400 `unknown_variable` names a variable that does not exist.")
@body_doc(NewScript)
@openapi.secured("bearer")
async def add_script(request: Request) -> HTTPResponse:
    who = _staff(request, *EDITORS)
    body = parse_body(request, NewScript)
    _check_group(request, body.skill_group)
    access.require_edit_script(who, body.skill_group)
    row = await request.app.ctx.scripts.create(body.model_dump(), who.username)
    await request.app.ctx.audit.record(who.username, "script_added", str(row.id))
    return json(row.public(), status=201, ensure_ascii=False)


@bp.put("/scripts/<script_id:int>")
@openapi.summary("Change a script (fields left out stay)")
@openapi.description("400 `unknown_variable` names a variable that does not exist.")
@body_doc(ScriptChange)
@openapi.secured("bearer")
async def change_script(request: Request, script_id: int) -> HTTPResponse:
    who = _staff(request, *EDITORS)
    change = parse_body(request, ScriptChange).model_dump(exclude_none=True)
    scripts: Scripts = request.app.ctx.scripts
    access.require_edit_script(who, (await scripts.get(script_id)).skill_group)
    if "skill_group" in change:
        _check_group(request, change["skill_group"])
        access.require_edit_script(who, change["skill_group"])
    row = await scripts.update(script_id, change, who.username)
    await request.app.ctx.audit.record(who.username, "script_changed", str(script_id))
    return json(row.public(), ensure_ascii=False)


@bp.delete("/scripts/<script_id:int>")
@openapi.summary("Delete a script")
@openapi.secured("bearer")
async def delete_script(request: Request, script_id: int) -> HTTPResponse:
    who = _staff(request, *EDITORS)
    scripts: Scripts = request.app.ctx.scripts
    access.require_edit_script(who, (await scripts.get(script_id)).skill_group)
    await scripts.delete(script_id)
    await request.app.ctx.audit.record(who.username, "script_deleted", str(script_id))
    return json({"deleted": script_id})


EXPORT_COLUMNS = (
    "id",
    "script_set",
    "skill_group",
    "scenario_zh",
    "scenario_en",
    "title_zh",
    "title_en",
    "text_zh",
    "text_en",
    "position",
)


def _cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: a leading = + - @ would start a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@bp.get("/scripts/export")
@openapi.summary("Every script I may see as CSV (UTF-8 with BOM, opens in Excel)")
@openapi.secured("bearer")
async def export_scripts(request: Request) -> HTTPResponse:
    who = _staff(request, *EDITORS)
    scripts: Scripts = request.app.ctx.scripts
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for row in await scripts.listed(access.script_groups(who)):
        shown = row.public()
        writer.writerow([_cell(shown[c]) for c in EXPORT_COLUMNS])
    await request.app.ctx.audit.record(who.username, "scripts_exported")
    return raw(
        ("\ufeff" + out.getvalue()).encode("utf-8"),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="kefu-scripts.csv"'},
    )
