"""Request and response bodies as pydantic models: one definition gives the validation, the 400
that names each wrong field, and the OpenAPI schema that ``/docs`` shows.

Handlers call ``parse_body(request, Model)`` and declare ``openapi.body(Model)`` /
``openapi.response(200, Model)`` (``body_doc`` / ``response_doc``). We do not use sanic-ext's
``@validate``: it reads the body without ``kefu.web.json_body``'s checks (nesting depth, lone
surrogates), turns pydantic's errors into one string that repeats the submitted values (a password
sent in the wrong field would come back in the error) and answers in its own error shape; here
every 400 has kefu's shape, ``{"error": {"code", "message", "fields"}}``, with no input echoed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar, cast

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.json_schema import JsonSchemaMode
from sanic import Request
from sanic_ext import openapi
from sanic_ext.extensions.openapi.types import Schema

from kefu.errors import ApiError
from kefu.web import json_body

M = TypeVar("M", bound=BaseModel)
F = TypeVar("F", bound=Callable[..., Any])


class BodyModel(BaseModel):
    """A request body: unknown fields refused, no type coercion ("3" is not 3, true is not 1),
    submitted values never echoed in errors. ``error_codes`` maps a field to the error code of
    its 400 (the API's stable codes); other failures (an unknown field, say) are
    ``default_code``."""

    model_config = ConfigDict(extra="forbid", strict=True, hide_input_in_errors=True)
    error_codes: ClassVar[dict[str, str]] = {}
    default_code: ClassVar[str] = "invalid_body"


class ResponseModel(BaseModel):
    """A response body, for the OpenAPI schema (handlers still answer plain dicts)."""


def invalid(model: type[BaseModel], exc: ValidationError) -> ApiError:
    """The 400 for a body that ``model`` refused: the first wrong field's code, every problem."""
    fields = [
        {
            "field": ".".join(str(part) for part in err["loc"]) or "(body)",
            "problem": err["msg"],
        }
        for err in exc.errors(include_url=False, include_input=False, include_context=False)
    ]
    first = str(exc.errors()[0]["loc"][0]) if exc.errors() and exc.errors()[0]["loc"] else ""
    codes: dict[str, str] = getattr(model, "error_codes", {})  # BodyModel's; plain models: none
    code = codes.get(first, getattr(model, "default_code", "invalid_body"))
    message = "; ".join(f"{f['field']}: {f['problem']}" for f in fields)
    return ApiError(400, code, message, fields=fields)


def validate_fields(model: type[M], data: Any) -> M:
    """``data`` as ``model`` or the 400 (also for callers that are not requests, e.g. the CLI)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid(model, exc) from None


def parse_body(request: Request, model: type[M], *, optional: bool = False) -> M:
    """The request's JSON object as ``model``, or a 400 that says what is wrong with it.
    ``optional``: no body at all is ``{}`` (a model whose fields all have defaults)."""
    return validate_fields(model, {} if optional and not request.body else json_body(request))


class _JsonSchema(Schema):
    """A JSON schema that ``/docs`` shows as it is (sanic-ext's ``Schema`` keeps only the
    keywords it knows at the top level, so ``properties`` would be lost)."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self._fields = schema

    def serialize(self) -> dict[str, Any]:
        return self._fields


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(defs[ref.removeprefix("#/$defs/")], defs)
        return {key: _inline(value, defs) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline(item, defs) for item in node]
    return node


def openapi_schema(model: type[BaseModel], mode: JsonSchemaMode = "validation") -> Schema:
    """``model``'s JSON schema for ``/docs``: its fields, which are required, their limits, and
    nested models written out in place. (Given the class itself, sanic-ext would list class
    variables such as ``error_codes`` as fields and leave out ``required``.)"""
    schema = model.model_json_schema(mode=mode)
    defs = schema.pop("$defs", {})
    return _JsonSchema(_inline(schema, defs))


def body_doc(model: type[BaseModel]) -> Callable[[F], F]:
    """``openapi.body`` for a JSON body of ``model``."""
    return cast(
        "Callable[[F], F]",
        openapi.body({"application/json": openapi_schema(model)}, required=True),
    )


def response_doc(
    model: type[BaseModel], status: int = 200, description: str = "OK"
) -> Callable[[F], F]:
    """``openapi.response`` for a JSON answer of ``model``."""
    content = {"application/json": openapi_schema(model, "serialization")}
    return cast("Callable[[F], F]", openapi.response(status, content, description))
