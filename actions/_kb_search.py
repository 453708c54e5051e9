"""The knowledge base as the decision step asks it: the best hits for a message, searched among
the FAQs of the language it is written in, a long message by its question too, the FAQ naming
what the message names first (``actions._specific``); an FAQ's text as the customer reads it."""

from __future__ import annotations

import asyncio
import re

from rasa_sdk.executor import CollectingDispatcher

from actions._item_wishes import wrong_item_clause
from actions._products import without_kinds
from actions._reading import asked_clause, focus, topic_clauses
from actions._services import Services
from actions._shop_words import alone_queries, named_queries
from actions._specific import naming_first
from actions._splitting import asks_more_than_once
from actions._text import person_button
from kefu.i18n import detect_lang, normalise_lang, say, to_traditional
from kefu.logging import get_logger
from knowledge_base.api import Hit, Searcher, Thresholds

__all__ = ["faq_text", "likely_answer", "ready_searcher", "say_likely", "search_kb"]

MIN_BARE = 3  # characters (or words) a question keeps without its product words to be searched
_TEXT = re.compile(r"[\u4e00-\u9fff]|[a-z]+")

log = get_logger(__name__)


def _search_lang(query: str, lang: str) -> str:
    """The FAQs to search are those of the language the customer wrote in: "hi can i still
    return stuff after 7 days" on a Chinese page is searched among the English FAQs (a Chinese
    message on an English page among the Chinese ones); the page's language otherwise."""
    written = detect_lang(query, default=normalise_lang(lang) or "zh")
    if written == "en" and lang != "en":
        return "en"
    if written != "en" and lang == "en":
        return written
    return lang


async def ready_searcher(services: Services) -> Searcher | None:
    """The live knowledge base once it is built, else None (raises what opening it raises).
    It is synchronous (an encoder on the CPU): opening and asking it stay off the loop."""
    searcher = await asyncio.to_thread(lambda: services.searcher)
    return None if services.knowledge_base_missing() is not None else searcher


async def search_kb(
    services: Services, text: str, lang: str, k: int = 3, record: bool = True
) -> tuple[list[Hit], Thresholds | None]:
    """The knowledge base's best hits (never raises: a failing index is no hit). A long
    message is searched whole and by its ``focus`` (a short one by its ``asked_clause``), each
    FAQ keeping its better score: the
    question may need the story ("the price dropped right after I bought it, … can I get the
    difference back?" — the clause alone names no price) or be lost in it. ``record``: the
    customer typed ``text`` (kept for the editors when nothing is found), not the bot."""
    whole = text.strip()
    query = focus(whole)
    if not query or query.startswith("/"):
        return [], None
    if query == whole and (clause := asked_clause(whole)):
        query = clause  # "不说了 你们过年发货不": the question, and the message whole beside it
    lang = _search_lang(query, lang)
    try:
        searcher = await ready_searcher(services)
        if searcher is None:
            return [], None
        hits = list(await asyncio.to_thread(searcher.search, query, lang, k, record))
        others = [(whole, record)] if query != whole else []
        if said := wrong_item_clause(whole):
            others.append((said, False))  # "牛仔裤发错了 我买的深蓝27 收到的是浅蓝29"
        # "東西拿到覺得不喜歡 幾天內可以退", "大年初三下的单 啥时候能寄出来": the topic named
        others.extend((named, False) for named in named_queries(whole))
        # "积分能换啥 在哪换": each clause that asks of a topic, never recorded as asked
        others.extend((c, False) for c in topic_clauses(whole) if c not in (query, whole))
        bare = without_kinds(query)
        if bare is not None and len(_TEXT.findall(bare)) >= MIN_BARE:
            # "睡衣套装发错码了" (0.44) is "套装发错码了" (0.91): the product word said, the
            # question the FAQ asks — searched without it too, never recorded as asked
            others.append((bare, False))
        if others:
            best = {h.faq_id: h for h in hits}
            alone = set(alone_queries(whole))
            lead: Hit | None = None  # the best answer of a topic whose words are the question
            for other, kept in others:
                found = await asyncio.to_thread(searcher.search, other, lang, k, kept)
                for hit in found:
                    if hit.faq_id not in best or hit.score > best[hit.faq_id].score:
                        best[hit.faq_id] = hit
                if other in alone and found and (lead is None or found[0].score > lead.score):
                    lead = found[0]
            hits = sorted(best.values(), key=lambda h: h.score, reverse=True)[:k]
            hits = _alone_first(hits, lead, searcher.thresholds)
            if lead is not None and hits and hits[0].faq_id == lead.faq_id:
                # the topic whose words are the question leads, not a close FAQ naming one of
                # its words ("大年三十到初六这几天下单，什么时候能发出": the festival's pause,
                # not the everyday shipping time its 下单…发出 names)
                return hits, searcher.thresholds
        # the FAQ that names what the message names, within the best one's topic
        # ("内衣拆了还能七天无理由吗": the exceptions): actions._specific
        return naming_first(query, hits), searcher.thresholds
    except Exception as exc:  # the knowledge base must never take the chat down
        log.warning("kb search failed", error=f"{type(exc).__name__}: {exc}")
        return [], None


def _alone_first(hits: list[Hit], lead: Hit | None, thresholds: Thresholds) -> list[Hit]:
    """A topic whose words are the whole question (``actions._shop_words.alone_queries``:
    "箱子都压扁了 我是签还是不签" is the damaged-goods rule) leads with its confident answer,
    though the message's own words score another FAQ a little higher (签收: "signed for but
    not received")."""
    if lead is None or lead.score < thresholds.confident or not hits:
        return hits
    if hits[0].faq_id == lead.faq_id:
        return hits
    return [lead, *(h for h in hits if h.faq_id != lead.faq_id)]


def faq_text(lang: str, text: str) -> str:
    """An FAQ's answer or question as the customer reads it (traditional for zh-Hant)."""
    return to_traditional(text) if lang == "zh-Hant" else text


def second_sure(
    text: str, hits: list[Hit], thresholds: Thresholds | None, first: Hit
) -> Hit | None:
    """Another FAQ as sure as the one answering ``first``, for a message of two question
    parts ("how many points do i need for 1 yuan off, and do they expire?": "do they expire"
    leans on the points, and asks something else) — said after it; else None."""
    if thresholds is None or not asks_more_than_once(text):
        return None
    return next(
        (
            h
            for h in hits
            if h.faq_id != first.faq_id
            and h.answer != first.answer
            and h.score >= thresholds.confident
        ),
        None,
    )


def likely_answer(lang: str, hit: Hit, then: bool = True) -> str:
    """A likely answer (``actions._decide.likely_best``): the FAQ's question named, then its
    answer, then (``then``) how to go on if it was not what the customer asked."""
    question = hit.question.rstrip("？?")
    return say(  # the whole reply in traditional characters for a zh-Hant customer
        lang,
        f"您问的可能是「{question}」：\n{hit.answer}"
        + ("\n如果不是您想问的，可以再具体描述一下，或者点“转人工客服”～" if then else ""),
        f'You may be asking "{question}":\n{hit.answer}'
        + (
            '\nIf that is not your question, tell me a little more or tap "Talk to an agent".'
            if then
            else ""
        ),
    )


def say_likely(dispatcher: CollectingDispatcher, lang: str, hit: Hit) -> None:
    """Say ``hit`` as a likely answer, with the person button (the FAQ action and the
    fallback alike)."""
    dispatcher.utter_message(
        text=likely_answer(lang, hit), faq_id=hit.faq_id, buttons=[person_button(lang)]
    )
