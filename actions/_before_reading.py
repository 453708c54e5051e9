"""What every catch-all reply (the FAQ answer, out of scope and the fallback) settles before it
reads a message as a question: one list, so the three cannot drift apart.

In order: a person asked for in so many words, a complaint made now, a yes to a request filed
just before, a yes to an address or phone just changed. Each is said by the customer whatever
the NLU read, so each comes before any knowledge-base search or order follow-up."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions._filed import already_changed, already_filed, confirmed_change, confirmed_filing
from actions._handoff import person_asked
from actions._services import Services
from actions._text import asks_for_person, complains_now
from actions._tracker import lang_of


async def settled_before_reading(
    services: Services, dispatcher: CollectingDispatcher, tracker: Tracker, text: str
) -> list[dict[str, Any]] | None:
    """The reply when the message is one of the four above; None when it is to be read."""
    if asks_for_person(text):
        # "can someone actually check it pls": a person, in so many words
        return await person_asked(services, dispatcher, tracker, text)
    if complains_now(text):
        # "上回那个客服爱答不理的 我要投诉她": a complaint now, not the FAQ on complaining (the
        # complaint action first checks for a return it offered and a reported scam)
        return [FollowupAction("action_file_complaint")]
    lang = lang_of(tracker)
    if record := confirmed_filing(tracker, text):
        # "ok its just too small, go ahead" after the return was filed: it is in
        dispatcher.utter_message(text=already_filed(lang, record))
        return []
    if changed := confirmed_change(tracker, text):
        # "没问题 就这个" after the address was changed: done already
        dispatcher.utter_message(text=already_changed(lang, changed))
        return []
    return None
