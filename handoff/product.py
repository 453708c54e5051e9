"""The product page a customer came from (咨询此商品): the one rule for what a shop's page may pass
(the widget's ``kefu('setProduct', …)``, the page's ``hello`` frame) and what a handoff packet
may carry. Short plain text, and only http(s) links: the page that shows it to an agent sets
every field as text and the title as a link, so nothing here is ever markup or a
``javascript:`` URL."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

__all__ = ["BadProduct", "clean_product", "product_line", "product_or_why_not"]

LIMITS = {"id": 64, "title": 200, "price": 32}
MAX_URL = 2000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class BadProduct(ValueError):
    """What is wrong with a product, as one English sentence for the developer."""


def _text(value: Any, name: str, limit: int, required: bool) -> str:
    if value is None or value == "":
        if required:
            raise BadProduct(f"product.{name} is required")
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise BadProduct(f"product.{name} must be a string")
    text = _CONTROL.sub(" ", str(value)).strip()
    if len(text) > limit:
        raise BadProduct(f"product.{name} is over {limit} characters")
    if required and not text:
        raise BadProduct(f"product.{name} is required")
    return text


def _url(value: Any, name: str, required: bool) -> str:
    if value is None or value == "":
        if required:
            raise BadProduct(f"product.{name} is required")
        return ""
    if not isinstance(value, str) or len(value) > MAX_URL or _CONTROL.search(value):
        raise BadProduct(f"product.{name} must be a URL of at most {MAX_URL} characters")
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        raise BadProduct(f"product.{name} is not a URL") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise BadProduct(f"product.{name} must be an http(s) URL")
    return value.strip()


def clean_product(value: Any) -> dict[str, str] | None:
    """``{id, title, url[, price][, image]}`` checked and trimmed; None for no product.
    Raises ``BadProduct`` for anything else (unknown fields included)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise BadProduct("product must be an object {id, title, url, price?, image?}")
    unknown = set(value) - {"id", "title", "url", "price", "image"}
    if unknown:
        raise BadProduct(f"product has unknown fields: {', '.join(sorted(map(str, unknown)))}")
    product = {
        "id": _text(value.get("id"), "id", LIMITS["id"], True),
        "title": _text(value.get("title"), "title", LIMITS["title"], True),
        "url": _url(value.get("url"), "url", True),
    }
    price = _text(value.get("price"), "price", LIMITS["price"], False)
    image = _url(value.get("image"), "image", False)
    return {**product, **({"price": price} if price else {}), **({"image": image} if image else {})}


def product_or_why_not(value: Any) -> tuple[dict[str, str] | None, str]:
    """``(product, "")`` when it passes (or None, "" for none); ``(None, why)`` when not."""
    try:
        return clean_product(value), ""
    except BadProduct as exc:
        return None, str(exc)


def product_line(product: dict[str, str]) -> str:
    """One line for the summary an agent reads (both languages, like the rest of it)."""
    price = f"，{product['price']}" if product.get("price") else ""
    return f"咨询商品：{product['title']}（{product['id']}{price}） / product: {product['title']}"
