"""The WeChat Official Account channel (公众号): ``GET /wechat`` (server check) and
``POST /wechat`` (messages and events, plaintext or safe mode).

Every request must carry a valid signature with a fresh timestamp and an unused nonce; anything
else is refused without a reply. WeChat waits five seconds and retries: a retried message
(same MsgId, or FromUserName+CreateTime for events) is answered ``success`` and not routed
twice. The bot's reply goes back passively when it is ready within the budget (4 s), otherwise
``success`` at once and the reply follows through the customer-service message API.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
import time
from dataclasses import dataclass, replace
from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, text

from bot import texts
from bot.background import keep
from bot.channels.wechat_choices import chosen, numbered_lines
from bot.channels.wechat_identity import UNBIND_WORDS, unbind_reply, wechat_customer
from bot.csat import MAX_COMMENT_CHARS, CsatAnswer, CsatRefused, record_csat
from bot.routing import IncomingMessage, Outcome, Router
from bot.settings import GatewaySettings
from bot.wechat.crypto import MessageCrypto, WeChatCryptoError, check_signature
from bot.wechat.outbox import WeChatOutbox, csat_key
from bot.wechat.xmlmsg import BadXml, encrypted_envelope, parse, text_reply
from kefu import redis_keys as keys
from kefu.errors import ApiError
from kefu.i18n import Lang, detect_lang
from kefu.logging import get_logger
from kefu.redis_client import text_or_empty

log = get_logger(__name__)

bp = Blueprint("wechat")

OPENID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
CSAT_ANSWER = re.compile(
    r"^\s*([1-5])\s*(?:分|星|stars?|points?)?[\s,，。.:：;；!！-]*(.*)$", re.S | re.I
)
DEDUPE_TTL_S = 600
SUCCESS = "success"


@dataclass
class Reply:
    """What to answer WeChat: a passive text, or ``success`` (nothing to say right now)."""

    to_user: str = ""
    from_user: str = ""
    content: str = ""


def _settings(request: Request) -> GatewaySettings:
    settings: GatewaySettings = request.app.ctx.settings
    if not settings.wechat_token.get_secret_value():
        raise ApiError(503, "wechat_not_configured", "WECHAT_TOKEN is not set")
    return settings


def _verify(request: Request, settings: GatewaySettings) -> tuple[str, str]:
    args = request.args
    sig, ts, nonce = (args.get("signature", ""), args.get("timestamp", ""), args.get("nonce", ""))
    if not (sig and ts and nonce) or len(nonce) > 64 or not ts.isdigit():
        raise ApiError(403, "invalid_signature", "signature, timestamp and nonce are required")
    if not check_signature(sig, settings.wechat_token.get_secret_value(), ts, nonce):
        raise ApiError(403, "invalid_signature", "signature does not match")
    if abs(time.time() - int(ts)) > settings.wechat_timestamp_window_s:
        raise ApiError(403, "stale_timestamp", "timestamp is outside the accepted window")
    return ts, nonce


@bp.get("/wechat")
async def server_check(request: Request) -> HTTPResponse:
    settings = _settings(request)
    _verify(request, settings)
    return text(request.args.get("echostr", ""))


@bp.post("/wechat")
async def receive(request: Request) -> HTTPResponse:
    settings = _settings(request)
    if len(request.body) > settings.wechat_max_body_bytes:
        raise ApiError(413, "payload_too_large", "WeChat message body is too large")
    ts, nonce = _verify(request, settings)
    fields = _parse(request.body)
    crypto: MessageCrypto | None = None
    if request.args.get("encrypt_type", "raw") == "aes":
        crypto = request.app.ctx.wechat_crypto
        if crypto is None:
            raise ApiError(503, "wechat_not_configured", "WECHAT_AES_KEY is not set")
        encrypted = fields.get("Encrypt", "")
        if not crypto.check(request.args.get("msg_signature", ""), ts, nonce, encrypted):
            raise ApiError(403, "invalid_signature", "msg_signature does not match")
        try:
            fields = _parse(crypto.decrypt(encrypted).encode())
        except WeChatCryptoError as exc:
            raise ApiError(400, "bad_encrypted_message", str(exc)) from None

    openid = fields.get("FromUserName", "")
    if not OPENID.match(openid):
        raise ApiError(400, "bad_message", "FromUserName is missing or malformed")
    msg_key = fields.get("MsgId") or f"{openid}:{fields.get('CreateTime', '')}"
    redis = request.app.ctx.redis
    nonce_key = keys.wechat_nonce(hashlib.sha1(f"{ts}:{nonce}".encode()).hexdigest())  # noqa: S324
    if not await redis.set(nonce_key, msg_key, nx=True, ex=2 * settings.wechat_timestamp_window_s):
        seen = await redis.get(nonce_key)
        if text_or_empty(seen) != msg_key:
            # A signed query reused with another body: a replay, not WeChat retrying.
            raise ApiError(403, "replayed", "this nonce was already used")
        return text(SUCCESS)
    if not await redis.set(keys.wechat_message(msg_key), "1", nx=True, ex=DEDUPE_TTL_S):
        return text(SUCCESS)  # WeChat retrying a message we already have

    reply = await _handle(request, settings, fields, openid)
    if not reply.content:
        return text(SUCCESS)
    xml = text_reply(openid, fields.get("ToUserName", ""), reply.content)
    if crypto is not None:
        ts2, nonce2 = str(int(time.time())), secrets.token_hex(8)
        encrypted = crypto.encrypt(xml)
        xml = encrypted_envelope(
            encrypted, crypto.msg_signature(ts2, nonce2, encrypted), ts2, nonce2
        )
    return text(xml, content_type="application/xml; charset=utf-8")


def _parse(body: bytes) -> dict[str, str]:
    try:
        return parse(body)
    except BadXml as exc:
        raise ApiError(400, "bad_xml", str(exc)) from None


async def _handle(
    request: Request, settings: GatewaySettings, f: dict[str, str], openid: str
) -> Reply:
    ctx = request.app.ctx
    outbox: WeChatOutbox | None = ctx.wechat_outbox
    conv_id = f"wx-{openid}"
    kind = f.get("MsgType", "")
    base = Reply(to_user=openid, from_user=f.get("ToUserName", ""))
    lang: Lang = "zh"

    if kind == "event":
        event = f.get("Event", "").lower()
        if event == "subscribe":
            if outbox is not None:
                await outbox.customer_wrote(openid, conv_id)
            base.content = texts.say(lang, texts.WELCOME)
        elif event == "unsubscribe" and outbox is not None:
            await outbox.stop_watching(conv_id)
        return base

    message: IncomingMessage | None = None
    if kind == "text":
        content = f.get("Content", "")
        lang = detect_lang(content)
        if not content.strip():
            return base
        if (m := CSAT_ANSWER.match(content)) and await ctx.redis.getdel(csat_key(conv_id)):
            try:
                comment = m.group(2).strip()[:MAX_COMMENT_CHARS]  # a chat message: keep the start
                answer = CsatAnswer(score=int(m.group(1)), comment=comment)
                await record_csat(ctx.conversations, ctx.archiver, conv_id, answer, "wechat")
            except CsatRefused as refused:
                if refused.code == "already_rated":
                    base.content = texts.say(lang, texts.CSAT_REFUSED)
                    return base
            else:
                base.content = texts.say(lang, texts.CSAT_THANKS)
                return base
        if content.strip().lower() in UNBIND_WORDS:
            base.content = await unbind_reply(ctx, openid, lang)
            return base
        choice = await chosen(ctx.conversations, conv_id, content)
        if choice is not None:  # "1" answers the bot's numbered buttons: that button's payload
            # (the router stores the button's title for people: ``bot.taps``)
            message = IncomingMessage(conv_id, choice.payload, "wechat", openid)
        else:
            message = IncomingMessage(conv_id, content[: settings.max_text_chars], "wechat", openid)
    elif kind == "voice":
        recognised = f.get("Recognition", "").strip()
        if not recognised:
            base.content = texts.say(lang, texts.VOICE_UNRECOGNISED)
            return base
        message = IncomingMessage(
            conv_id,
            recognised[: settings.max_text_chars],
            "wechat",
            openid,
            extra_metadata={"voice": True},
        )
    elif kind == "image":
        message = IncomingMessage(
            conv_id,
            "[图片]",
            "wechat",
            openid,
            lang="zh",
            kind="image",
            attachment={"pic_url": f.get("PicUrl", ""), "media_id": f.get("MediaId", "")},
        )
    elif kind == "location":
        label = f.get("Label", "") or f"{f.get('Location_X', '')},{f.get('Location_Y', '')}"
        message = IncomingMessage(
            conv_id,
            f"[位置] {label}",
            "wechat",
            openid,
            lang="zh",
            kind="location",
            attachment={"label": label, "x": f.get("Location_X", ""), "y": f.get("Location_Y", "")},
        )
    if message is None:
        base.content = texts.say(lang, texts.UNSUPPORTED)
        return base

    customer_id, identity = await wechat_customer(ctx, openid)
    message = replace(
        message,
        customer_id=customer_id,
        extra_metadata={**message.extra_metadata, "identity": identity},
    )
    router: Router = ctx.router
    if outbox is not None:
        await outbox.customer_wrote(openid, conv_id)
        await outbox.begin_turn(conv_id)
    task = keep(ctx.background, _turn(router, outbox, message, openid), f"WeChat turn of {conv_id}")
    try:
        outcome = await asyncio.wait_for(asyncio.shield(task), settings.wechat_passive_budget_s)
    except TimeoutError:
        task.add_done_callback(lambda t: _late(ctx, t, outbox, openid))
        return base
    base.content = reply_text(outcome)
    return base


async def _turn(
    router: Router, outbox: WeChatOutbox | None, message: IncomingMessage, openid: str
) -> Outcome:
    try:
        outcome = await router.handle(message)
    except BaseException:
        if outbox is not None:
            await outbox.end_turn(message.conversation_id, 0)
        raise
    if outbox is not None:
        await outbox.end_turn(message.conversation_id, outcome.seq)
    return outcome


def _late(ctx: Any, task: asyncio.Task[Outcome], outbox: WeChatOutbox | None, openid: str) -> None:
    """The reply missed the passive budget: send it through the customer-service API."""
    if task.cancelled() or task.exception() is not None or outbox is None:
        return  # a failure is logged by ``keep``
    outcome = task.result()
    content = reply_text(outcome)
    if not content:
        return
    keep(ctx.background, outbox.send(openid, outcome.conversation_id, content), "WeChat late reply")


def reply_text(outcome: Outcome) -> str:
    """All of a turn's replies as one text (WeChat's passive reply carries one message);
    quick-reply buttons become numbered lines, numbered across the turn; the customer answers
    with a number (``bot.channels.wechat_choices``)."""
    parts: list[str] = []
    shown = 0
    for reply in outcome.replies:
        body = str(reply.get("text") or "")
        lines = numbered_lines(list(reply.get("buttons") or []), shown + 1)
        shown += len(lines)
        if lines:
            body += ("\n" if body else "") + "\n".join(lines)
        if body:
            parts.append(body)
    if outcome.queue and not any("前面" in p or "ahead" in p for p in parts):
        parts.append(
            texts.queue_text(
                outcome.lang, outcome.queue["position"], outcome.queue.get("eta_seconds")
            )
        )
    return "\n\n".join(parts)
