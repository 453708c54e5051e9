"""Start a handoff from any action: build the packet, post it, tell the customer."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions._known import faqs_answered, typed_order_id, wanted
from actions._services import Services
from actions._text import asks_for_person, complains_now, is_angry, say
from actions._tracker import channel, customer_id, lang_of, recent_intents, recent_turns
from handoff.ticket_notify import opened_texts
from kefu.logging import get_logger
from shop import mask_text

log = get_logger(__name__)


async def is_vip(services: Services, tracker: Tracker) -> bool:
    """A customer whose shop ``vip_level`` reaches ``KEFU_VIP_HANDOFF_LEVEL`` (0: nobody).

    Such a customer is offered a person at the bot's first miss (a sentence and a button),
    never handed off on a misread. Their queue priority is not raised here: the handoff
    service already puts every ``vip_level`` > 0 ahead (``handoff.packet.effective_priority``),
    whatever the reason.
    """
    threshold = services.settings.vip_handoff_level
    cid = customer_id(tracker, services.settings.shop_default_customer_id)
    if threshold <= 0 or not cid:
        return False
    try:
        customer = await services.shop.customer(cid)
    except Exception as exc:  # an unreachable shop means the usual path, never a dead chat
        log.warning("vip look-up failed", error=f"{type(exc).__name__}: {exc}")
        return False
    return customer is not None and customer.vip_level >= threshold


async def build_packet(
    services: Services,
    tracker: Tracker,
    *,
    reason: str,
    priority: str,
    skill_group: str,
    summary: str,
    faq_tried: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    cid = customer_id(tracker, services.settings.shop_default_customer_id)
    customer = await services.shop.customer(cid) if cid else None
    order_id = typed_order_id(tracker)
    answered = await faqs_answered(services, tracker, lang_of(tracker))
    tried_ids = {f.get("faq_id") for f in faq_tried or []}
    faqs = [*(faq_tried or []), *(f for f in answered if f["faq_id"] not in tried_ids)]
    what = wanted(tracker, order_id)
    summary = f"{summary}；{what}" if summary and what else summary or what
    return {
        "conversation_id": tracker.sender_id,
        "channel": channel(tracker),
        "customer": {
            "id": cid,
            "display_name": customer.display_name if customer else "",
            "vip_level": customer.vip_level if customer else 0,
            "language": lang_of(tracker),
        },
        "reason": reason,
        "priority": priority,
        "skill_group": skill_group,
        "intents": recent_intents(tracker),
        "entities": {"order_id": order_id} if order_id else {},
        "faq_tried": faqs,
        "summary": mask_text(summary),
        "transcript": [{**t, "text": mask_text(t["text"])} for t in recent_turns(tracker)],
        "created_at": datetime.now(UTC).isoformat(),
    }


async def start_handoff(
    services: Services,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    *,
    reason: str,
    priority: str = "normal",
    skill_group: str = "",
    summary: str = "",
    faq_tried: list[dict[str, Any]] | None = None,
    lead: tuple[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Post the packet; on success the bot goes silent, on failure it says so kindly.

    ``skill_group``: empty lets the staff console route by what the customer wanted and
    their language (``handoff.skills``); a flow with its own reason names its group.

    ``lead``: what the bot says first (Chinese, English), e.g. why it is bringing in a person."""
    lang = lang_of(tracker)
    if lead is not None:
        dispatcher.utter_message(text=say(lang, *lead))
    packet = await build_packet(
        services,
        tracker,
        reason=reason,
        priority=priority,
        skill_group=skill_group,
        summary=summary,
        faq_tried=faq_tried,
    )
    result = await services.handoff.send(packet)
    ticket = result.ticket
    if result.outcome in ("queued", "already_queued", "already_assigned"):
        position = result.queue_position
        extra_zh = f"您目前排在第 {position} 位，" if position else ""
        extra_en = f" You are number {position} in the queue." if position else ""
        note_zh = f"（已登记为工单 {ticket['id']}）" if ticket else ""
        note_en = f" (Registered as ticket {ticket['id']}.)" if ticket else ""
        dispatcher.utter_message(
            text=say(
                lang,
                f"已为您转接人工客服{note_zh}，{extra_zh}请稍候～客服接入后会第一时间回复您。",
                f"I'm connecting you with a human agent now.{note_en}{extra_en} They'll reply as "
                "soon as they join.",
            )
        )
    elif ticket is not None:
        opened_zh, opened_en = opened_texts(ticket["id"], ticket["due_at"])
        dispatcher.utter_message(
            text=say(
                lang,
                f"非常抱歉，现在没有人工客服可以接入。{opened_zh}",
                f"Sorry, no agent can take the chat right now. {opened_en}",
            )
        )
    else:
        # Nothing was recorded (the staff console could not be reached): say only what is true.
        dispatcher.utter_message(
            text=say(
                lang,
                "非常抱歉，人工客服暂时无法接入，请您稍后再回复“转人工”试试～",
                'Sorry, our human agents can\'t be reached right now. Please type "human" again'
                " in a little while.",
            )
        )
    return [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet("handoff_reason", reason)]


async def person_asked(
    services: Services, dispatcher: CollectingDispatcher, tracker: Tracker, text: str
) -> list[dict[str, Any]]:
    """A person asked for in the customer's own words ("…太差了 给我转人工", "can someone
    actually check it") that the NLU read as something else: the same handoff as the request
    intent's, with priority when the message is angry."""
    return await start_handoff(
        services,
        dispatcher,
        tracker,
        reason="explicit_request",
        priority="high" if is_angry(text) else "normal",
        summary=f"客户要求转人工 / customer asked for a human: {text[:200]}",
    )


# What the bot says first to a clearly angry customer it hands over outside a flow (a flow says
# its own apology first: actions._mood)
ANGRY_LEAD = (
    "非常抱歉让您不愉快了！我马上为您转接人工客服，请稍等～",
    "I'm really sorry about this! Let me get a human agent for you right away.",
)


async def angry_handoff(
    services: Services,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    text: str,
    *,
    skill_group: str = "",
    lead: tuple[str, str] | None = None,
) -> list[dict[str, Any]]:
    """The handoff of a clearly angry customer: ``negative_sentiment``, high priority."""
    return await start_handoff(
        services,
        dispatcher,
        tracker,
        reason="negative_sentiment",
        priority="high",
        skill_group=skill_group,
        summary=f"客户情绪激动 / angry customer: {text[:200]}",
        lead=lead,
    )


async def complaint_handoff(
    services: Services, dispatcher: CollectingDispatcher, tracker: Tracker, text: str
) -> list[dict[str, Any]]:
    """A complaint: the apology first, then the complaints team (reason ``complaint``, high
    priority; the staff console makes it a ticket whoever is online)."""
    dispatcher.utter_message(
        text=say(
            lang_of(tracker),
            "非常抱歉给您带来了不好的体验，真的很抱歉！我们一定认真处理，"
            "现在就为您登记投诉并转给专门处理投诉的客服。",
            "I'm truly sorry for the trouble you've had. We will take this seriously: I'm "
            "registering your complaint now and passing it to the complaints team.",
        )
    )
    return await start_handoff(
        services,
        dispatcher,
        tracker,
        reason="complaint",
        priority="high",
        skill_group="complaints",
        summary=f"投诉 / complaint: {text[:200]}",
    )


async def person_or_anger(
    services: Services, dispatcher: CollectingDispatcher, tracker: Tracker, text: str
) -> list[dict[str, Any]] | None:
    """A person asked for in words, a complaint made in so many words ("你们这店我投诉定了") or a
    clearly angry message: that handoff (what a chit-chat, out-of-scope or in-flow reading
    checks first); None otherwise."""
    if asks_for_person(text):
        return await person_asked(services, dispatcher, tracker, text)
    if complains_now(text):
        return await complaint_handoff(services, dispatcher, tracker, text)
    if is_angry(text):
        return await angry_handoff(services, dispatcher, tracker, text, lead=ANGRY_LEAD)
    return None
