"""``nlu_fallback`` and Rasa's core fallback: before a miss is a miss, what the customer may
mean is tried — a person asked for, a complaint, something said again, a filing confirmed, an
order or product follow-up, the knowledge base (``actions._kb_answer``). Rephrase once; angry,
a second miss in a row or a VIP → a person (a VIP is offered one at the first miss)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._again import say_again
from actions._answers import wants_spec_change
from actions._before_reading import settled_before_reading
from actions._decide import own_state_flow
from actions._escalate import insisted_handoff, will_wait
from actions._handoff import ANGRY_LEAD, angry_handoff, is_vip, start_handoff
from actions._kb_answer import answered_from_kb
from actions._order_routes import order_detail_followup, order_followup, product_followup
from actions._orders import asked_to_log_in, offers_identity, the_customer, why_log_in
from actions._payment_rules import hand_payment_to_person, paid_without_order
from actions._photos import photos_ready
from actions._reading import ORDER_ID, is_own_case, wants_to_leave
from actions._services import get_services
from actions._text import (
    anything_else,
    is_angry,
    is_thanks,
    person_button,
    praises,
    realises,
    resigned,
    say,
    thank_for_praise,
    vip_offer,
)
from actions._tracker import (
    answered_this_turn,
    lang_of,
    latest_text,
    previous_answer_text,
    previous_was_miss,
)
from actions._two_questions import answer_others, question_parts

CLOSING = frozenset({"goodbye", "thank"})


def _closing(tracker: Tracker) -> bool:
    """The NLU fell back torn between thanks and goodbye ("謝謝你 掰掰": 0.50 / 0.43): together
    they are the customer saying goodbye, not a message the bot failed to understand."""
    ranking = (tracker.latest_message or {}).get("intent_ranking") or []
    best = [r for r in ranking if r.get("name") != "nlu_fallback"][:2]
    return (
        len(best) == 2
        and all(r.get("name") in CLOSING for r in best)
        and sum(float(r.get("confidence") or 0.0) for r in best) >= 0.6
    )


async def _answer_beside(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    text: str,
    lang: str,
    followup: list[dict[str, Any]],
) -> None:
    """Before the flow ``followup`` starts on an order the message names, the other questions of
    the message that the knowledge base answers (``actions._two_questions.answer_others``)."""
    form = next((str(e.get("name")) for e in followup if e.get("event") == "followup"), "")
    if not form or not ORDER_ID.search(text):
        return
    services = get_services()
    parts = await question_parts(
        services, text, lang, previous_answer_text(tracker), with_order=True
    )
    if parts:
        await answer_others(services, dispatcher, text, lang, parts, form)


class ActionFallback(Action):
    """Runs on ``nlu_fallback``: rephrase once; angry, second miss or a VIP → a person."""

    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        if answered_this_turn(tracker):
            return [FollowupAction("action_listen")]  # one answer per message
        lang = lang_of(tracker)
        text = latest_text(tracker)
        if (
            settled := await settled_before_reading(get_services(), dispatcher, tracker, text)
        ) is not None:
            return settled
        if say_again(dispatcher, tracker, lang):
            return []
        if handed := await insisted_handoff(get_services(), dispatcher, tracker, text):
            # "都10天了还没到 你们帮我查一下" after "…超过时限请点转人工": a person, not a miss.
            return handed
        followup = None if is_angry(text) else order_followup(tracker)
        if followup is None and not is_angry(text):
            followup = order_detail_followup(tracker)  # "單號畀我吖" after the status
        if followup is not None:
            # "20231120003 还得几天才到 对了 今年得的积分明年还能用吗": the flow started for
            # this message reads no parts (it is not fresh) — the rule asked beside is said first
            await _answer_beside(dispatcher, tracker, text, lang, followup)
            return followup
        if is_own_case(text) and wants_spec_change(text):
            # "那件大衣M码我怕小 能换成L吗 还没发货吧": their own order's size, not the exchange
            # FAQ, nor the status its "还没发货吧" sounds like
            return [FollowupAction("change_form")]
        if not is_angry(text) and (followup := await product_followup(tracker)):
            return followup
        if not is_angry(text) and (state_form := own_state_flow(text)):
            return [FollowupAction(state_form)]  # "发票开了没": the shop's data answers it
        if asked_to_log_in(tracker) and offers_identity(text) and not is_angry(text):
            # "我手机号13812345678 这样能查吗" after "please log in": why a phone number in the
            # chat cannot do, not the privacy FAQ its words find
            why_log_in(dispatcher, lang)
            return []
        if (
            paid_without_order(text)
            and not is_angry(text)
            and (
                handed := await hand_payment_to_person(
                    get_services(),
                    dispatcher,
                    tracker,
                    text,
                    logged_in=bool(the_customer(get_services(), tracker)),
                )
            )
        ):
            # "alipay took ¥320 … but my order list is totally empty" (the NLU's inform): no
            # order number to ask for — finance traces the payment, as the payment flow does
            return handed
        if praises(text):  # "你们家客服回得挺快的 表扬一下👍": thanked, no miss
            return thank_for_praise(dispatcher, lang)
        if not is_angry(text) and await answered_from_kb(dispatcher, tracker, "nlu_fallback"):
            return []
        if is_angry(text):
            return await angry_handoff(get_services(), dispatcher, tracker, text, lead=ANGRY_LEAD)
        if _closing(tracker):
            dispatcher.utter_message(response="utter_goodbye")
            return []
        if photos_ready(dispatcher, tracker, lang):
            return []  # "照片我都拍好了" after the wrong-item rule asked for photos
        if (
            wants_to_leave(text)
            or is_thanks(text)
            or will_wait(text)
            or resigned(text)
            or realises(text)
        ):
            # "好吧 那算了", "謝謝 我去改", "唔該晒", "哦对 放小区柜子里了 我这就下楼拿" after an
            # answer: no miss, no rephrasing.
            return anything_else(dispatcher, lang)
        if asked_to_log_in(tracker):
            # "its my order, my name is emily", "我就是买家啊 手机号138开头的" after "please log
            # in": a name or a phone in the chat proves nothing; say why, and offer a person.
            # (Not "了解" / "ok": thanks are answered above.)
            why_log_in(dispatcher, lang)
            return []
        if previous_was_miss(tracker):
            return await start_handoff(
                get_services(),
                dispatcher,
                tracker,
                reason="repeated_fallback",
                priority="normal",
                summary=f"连续两次未理解 / two fallbacks in a row: {text[:200]}",
                lead=(
                    "抱歉呀，小蜜还是没能理解您的问题，为您转接人工客服来帮您～",
                    "Sorry, I still didn't understand — I'll bring in a human agent to help.",
                ),
            )
        dispatcher.utter_message(
            text=say(
                lang,
                "抱歉，小蜜没太理解您的意思，可以换个说法再描述一下吗？"
                "比如“查订单”“退货”“开发票”～",
                "Sorry, I didn't quite get that. Could you say it another way? "
                'For example "track my order", "return an item" or "invoice".',
            )
            + (f"\n{vip_offer(lang)}" if await is_vip(get_services(), tracker) else ""),
            buttons=[person_button(lang)],
        )
        return []


class ActionDefaultFallback(ActionFallback):
    """Rasa's core fallback (no rule or story for the message, e.g. an order id after a flow
    ended): the same decision as ``action_fallback``. Like Rasa's own, a reply ends with
    ``UserUtteranceReverted`` so the policies listen again instead of predicting it anew."""

    def name(self) -> str:
        return "action_default_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        events = await super().run(dispatcher, tracker, domain)
        if any(e.get("event") == "followup" for e in events):
            return events
        return [UserUtteranceReverted(), *events]  # then our slots (misses, handoff) stay
