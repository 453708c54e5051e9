"""Who a WeChat follower is: their openid bound to a shop customer (``ShopBackend
.customer_by_openid``; the shop binds it once, e.g. on its WeChat login page, through
``bind_openid``). A bound follower's order questions work in WeChat; an unbound one is
anonymous and the bot asks them to log in. "解除绑定" unbinds."""

from __future__ import annotations

from typing import Any

from bot import texts
from kefu.logging import get_logger
from shop import ShopBackend, SqlShop

log = get_logger(__name__)

UNBIND_WORDS = frozenset({"解除绑定", "解除綁定", "取消绑定", "unbind"})


def _shop(ctx: Any) -> ShopBackend:
    shop: ShopBackend | None = getattr(ctx, "shop", None)
    if shop is None:
        shop = ctx.shop = SqlShop(ctx.engine)
    return shop


async def wechat_customer(ctx: Any, openid: str) -> tuple[str, str]:
    """(customer id, "verified" | "anonymous") for a follower; a shop that cannot answer
    leaves them anonymous for this message (the chat goes on)."""
    try:
        customer = await _shop(ctx).customer_by_openid(openid)
    except Exception as exc:
        log.warning("openid look-up failed", error=repr(exc))
        customer = None
    if customer is None:
        return openid, "anonymous"
    return customer.id, "verified"


async def unbind_reply(ctx: Any, openid: str, lang: str) -> str:
    try:
        customer = await _shop(ctx).customer_by_openid(openid)
        if customer is None:
            return texts.say(lang, texts.WECHAT_NOT_BOUND)
        await _shop(ctx).bind_openid(customer.id, None)
    except Exception as exc:
        log.warning("unbind failed", error=repr(exc))
        return texts.say(lang, texts.WECHAT_UNBIND_FAILED)
    return texts.say(lang, texts.WECHAT_UNBOUND)
