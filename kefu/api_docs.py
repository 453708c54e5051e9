"""The OpenAPI pages at ``/docs``, served whole by kefu so they work offline.

sanic-ext builds the specification (``/docs/openapi.json``), but its Swagger UI and ReDoc pages
load their scripts from public CDNs and its OAuth2 redirect page is fetched from one at request
time: blank pages (and a 500) on a network that cannot reach them, as in many shops in mainland
China. So Swagger UI comes from the ``swagger-ui-bundle`` package, served here under
``/docs/assets/``, with the redirect page from the same bundle.

sanic-ext's Swagger slot always adds its CDN-fetching redirect handler, so the page is given to
its other UI slot (``OAS_UI_REDOC``) with our own HTML, which runs Swagger UI: ``/docs`` and
``/docs/swagger`` show it; sanic-ext's Swagger slot stays off.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from sanic import Blueprint, Request, Sanic
from sanic.response import HTTPResponse, raw
from sanic_ext import openapi
from swagger_ui_bundle import swagger_ui_path

from kefu.errors import ApiError

__all__ = ["DOCS_PREFIX", "install_api_docs"]

DOCS_PREFIX = "/docs"
ASSETS_PREFIX = f"{DOCS_PREFIX}/assets"
UI_DIR = Path(__file__).with_name("api_docs_ui")
# Only these files are served (no directory listing, no path tricks).
BUNDLE_ASSETS = (
    "swagger-ui.css",
    "swagger-ui-bundle.js",
    "swagger-ui-standalone-preset.js",
    "favicon-32x32.png",
)
OUR_ASSETS = ("kefu-docs.js",)


def install_api_docs(app: Sanic, title: str, description: str) -> None:
    """Describe the app's API and serve ``/docs`` (Swagger UI) and ``/docs/openapi.json``.

    Call before anything touches ``app.ext``: sanic-ext reads these settings when it starts."""
    config = app.config
    config.OAS_URL_PREFIX = DOCS_PREFIX
    config.OAS_UI_SWAGGER = False  # its redirect handler fetches from a CDN
    config.OAS_UI_REDOC = True  # the slot that carries our own page (see the module's doc)
    config.OAS_UI_DEFAULT = "redoc"
    config.OAS_URI_TO_REDOC = "/swagger"
    config.OAS_PATH_TO_REDOC_HTML = str(UI_DIR / "page.html")
    config.OAS_UI_REDOC_CDN_URL = ASSETS_PREFIX
    config.OAS_UI_REDOC_HTML_TITLE = title
    app.ext.openapi.describe(title, version="1", description=description)
    app.ext.openapi.add_security_scheme("bearer", "http", scheme="bearer")
    app.blueprint(_assets_blueprint())


def _assets_blueprint() -> Blueprint:
    bundle = Path(str(swagger_ui_path))
    files = {name: (bundle / name).read_bytes() for name in BUNDLE_ASSETS}
    files.update({name: (UI_DIR / name).read_bytes() for name in OUR_ASSETS})
    redirect = (bundle / "oauth2-redirect.html").read_bytes()
    bp = Blueprint("kefu_docs", url_prefix=DOCS_PREFIX)

    @bp.get("/oauth2-redirect.html")
    @openapi.exclude()
    async def oauth2_redirect(_request: Request) -> HTTPResponse:
        return raw(redirect, content_type="text/html; charset=utf-8")

    @bp.get("/assets/<name:str>")
    @openapi.exclude()
    async def docs_asset(_request: Request, name: str) -> HTTPResponse:
        body = files.get(name)
        if body is None:
            raise ApiError(404, "not_found", "no such documentation asset")
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return raw(body, content_type=content_type, headers={"Cache-Control": "max-age=86400"})

    return bp
