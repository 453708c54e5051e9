"""A customer's data on request (PIPL): export everything kefu holds about them, or erase it.
Admin only; every call is in the audit log (``customer.export``, ``customer.erase``)."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field
from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json
from sanic_ext import openapi

from console.api import principal
from handoff.customer_data import CustomerData
from kefu.bodies import BodyModel, ResponseModel, body_doc, parse_body, response_doc
from kefu.errors import ApiError

bp = Blueprint("customers", url_prefix="/api/v1/customers")


class EraseRequest(BodyModel):
    """The customer id again, so that an erase is never a slip of the URL."""

    default_code: ClassVar[str] = "bad_request"

    confirm: str = Field(min_length=1, max_length=128, description="the customer id again")


class EraseResult(ResponseModel):
    conversations: int
    tickets: int
    conversation_facts: int
    archives: int
    redis_keys: int


def _customer_data(request: Request) -> CustomerData:
    ctx = request.app.ctx
    return CustomerData(ctx.engine, ctx.redis, ctx.audit)


@bp.get("/<customer_id:str>/export")
@openapi.summary("Everything kefu holds about a customer, as JSON (admin; audit-logged)")
@openapi.secured("bearer")
async def export_customer(request: Request, customer_id: str) -> HTTPResponse:
    who = principal(request)
    who.require("admin")
    data: dict[str, Any] = await _customer_data(request).export(customer_id, who.username)
    return json(
        data,
        ensure_ascii=False,
        headers={"Content-Disposition": 'attachment; filename="customer-export.json"'},
    )


@bp.post("/<customer_id:str>/erase")
@openapi.summary("Erase what kefu holds about a customer (admin; audit-logged)")
@body_doc(EraseRequest)
@response_doc(EraseResult)
@openapi.secured("bearer")
async def erase_customer(request: Request, customer_id: str) -> HTTPResponse:
    who = principal(request)
    who.require("admin")  # before the body is read: sanic-ext's @validate would answer first
    body = parse_body(request, EraseRequest)
    if body.confirm != customer_id:
        raise ApiError(400, "confirm_mismatch", "confirm must repeat the customer id")
    counts = await _customer_data(request).erase(customer_id, who.username)
    return json(EraseResult(**counts).model_dump())
