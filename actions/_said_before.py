"""A follow-up the bot's last reply already answers ("一单最多能抵多少" right after "100积分可
抵1元，每单最多抵扣实付金额的10%…"; "also please make sure no receipt with prices goes in the
parcel" right after the gift-wrap answer, which says to note "no price slip"): the sentence of that
reply which speaks of what the follow-up names, said again with a word that it was said.

Asked only when nothing else answers the message — no confident or clear answer of its own, no
answer read with the message before (``actions._follow_up``) — and before a likely answer or
"not found": the customer is still on the subject just answered, and the knowledge base, which
reads each message alone, misses it ("一单最多能抵多少" alone finds nothing above 0.1). A message
asking whether what was just said holds ("same deal there?": ``refers_back``) is answered so
even before a clear best answer of its own. A sentence is chosen by the content words of the
follow-up it contains (``knowledge_base.content_words``), and only when one sentence contains
more of them than any other; a message that says the reply did not help, names an order or is
long is never answered so. Only a knowledge-base answer is quoted (the callers pass
``actions._tracker.previous_faq_answer``), never a flow's words."""

from __future__ import annotations

import re

from actions._follow_up_text import is_elliptical
from actions._reading import CJK, ORDER_ID
from actions._specific import NAMING_FLOOR
from actions._tracker import MISS_MARKS
from kefu.i18n import say
from kefu.mandarin import to_mandarin
from knowledge_base import Hit, content_words, normalise, topic_terms

__all__ = [
    "answer_naming_it",
    "prefers_said",
    "refers_back",
    "said_before",
    "said_before_reply",
    "said_instead",
]

_SENTENCE = re.compile(r"(?<=[。！？；!?;])|(?<=\.)\s+|\n+")
_ASKED = re.compile(r"[？?]\s*$")
# "没用 / 不是这个 / that's not what i asked": the reply did not help — never said again
_UNHELPED = re.compile(
    r"没用|沒用|不是这个|不是這個|不是我问的|不是我問的|答非所问|答非所問|说了等于没说|"
    r"\b(?:not what i (?:asked|meant)|didn'?t help|doesn'?t help|not helpful)\b",
    re.IGNORECASE,
)
FOLLOW_UP_CJK = 30  # characters of a Chinese follow-up
FOLLOW_UP_WORDS = 16  # words of an English one
MIN_SENTENCE = 4  # characters: shorter pieces ("好的～") say nothing
SHORT_SENTENCE = 8  # characters (CJK) or 5 words: the next sentence is said with it


# "same deal there?", "does that apply to…", "那边也一样吗": whether what was just said holds
# for something else — the answer just given says it, not another the words alone find
_REFERS_BACK = re.compile(
    r"\bsame (?:deal|thing|rule|rules|price|for|there|here|with)\b|\bdoes (?:that|this|it) "
    r"(?:apply|count|work|hold)\b|\balso apply\b|也一样|一样吗|也是这样|也这样吗|也适用|同样适用|"
    r"也算吗|也行吗",
    re.IGNORECASE,
)


def refers_back(text: str) -> bool:
    """The message asks whether what was just said holds for something else ("same deal
    there?", "那新疆也一样吗")."""
    return bool(_REFERS_BACK.search(to_mandarin(text)))


def prefers_said(text: str, sentence: str | None, hit: Hit | None) -> bool:
    """``sentence`` of the answer just given (``said_before``) answers ``text`` rather than
    ``hit``, its own answer: the message asks whether what was just said holds
    (``refers_back``), or leans on it ("what about an address in qinghai province" after the
    free-shipping answer, whose remote-regions line names Qinghai) and that sentence says at
    least as many of its words as ``hit``'s answer ("Delivery addresses…" names the address)."""
    if sentence is None:
        return False
    if refers_back(text) or hit is None:
        return True
    if not is_elliptical(text):
        return False
    asked = set(content_words(normalise(text)))
    in_sentence = sum(_present(w, normalise(sentence)) for w in asked)
    return in_sentence >= sum(_present(w, normalise(hit.answer)) for w in asked)


def said_instead(text: str, answered: str, hit: Hit) -> str | None:
    """The sentence of the answer just given to say instead of ``hit`` (``prefers_said``), else
    None. Only a message that refers back or leans on it is read for its words (jieba's tagger,
    a millisecond): a knowledge-base answer after an FAQ answer is on the hot path."""
    if not (refers_back(text) or is_elliptical(text)):
        return None
    sentence = said_before(text, answered)
    return sentence if sentence is not None and prefers_said(text, sentence, hit) else None


def _stem(word: str) -> str:
    for end in ("ing", "ed", "es", "s"):
        if word.endswith(end) and len(word) - len(end) >= 4:
            return word[: -len(end)]
    return word


def _present(word: str, sentence: str) -> bool:
    """``word`` of the follow-up is said in ``sentence`` (both normalised): an English word by
    its stem at a word's start ("prices" in "price slip"), a Chinese one whole or, when longer
    than two characters, by a two-character piece ("拍照片": 照片)."""
    if word.isascii():
        return re.search(rf"\b{re.escape(_stem(word))}", sentence) is not None
    if word in sentence:
        return True
    return len(word) > 2 and any(word[i : i + 2] in sentence for i in range(len(word) - 1))


def _sentences(reply: str) -> list[str]:
    pieces = [p.strip() for p in _SENTENCE.split(reply)]
    return [p for p in pieces if len(p) >= MIN_SENTENCE and not _ASKED.search(p)]


def _follow_up_length(text: str) -> bool:
    if CJK.search(text):
        return len(CJK.findall(text)) <= FOLLOW_UP_CJK
    return len(text.split()) <= FOLLOW_UP_WORDS


def _is_short(sentence: str) -> bool:
    if CJK.search(sentence):
        return len(CJK.findall(sentence)) < SHORT_SENTENCE
    return len(sentence.split()) < 5


def _asks_after(text: str, answered: str) -> bool:
    """``text`` may be a follow-up of the answer ``answered``: short, no order named, no word
    that the answer did not help, after an answer that was no miss."""
    return not (
        not answered.strip()
        or not text.strip()
        or text.startswith("/")
        or any(mark in answered for mark in MISS_MARKS)
        or ORDER_ID.search(text)
        or not _follow_up_length(text)
        or _UNHELPED.search(text)
    )


def said_before(text: str, answered: str) -> str | None:
    """The sentence (with the next one when it is short) of the bot's last reply ``answered``
    that speaks of what the follow-up ``text`` names; None when none does, or two do equally."""
    if not _asks_after(text, answered):
        return None
    asked = set(content_words(normalise(text)))
    if not asked:
        return None
    sentences = _sentences(answered)
    scores = [sum(_present(w, normalise(s)) for w in asked) for s in sentences]
    if not scores or max(scores) == 0 or scores.count(max(scores)) > 1:
        return None
    at = scores.index(max(scores))
    chosen = sentences[at]
    if _is_short(chosen) and at + 1 < len(sentences):
        chosen = f"{chosen}{'' if CJK.search(chosen) else ' '}{sentences[at + 1]}"
    return chosen


def answer_naming_it(text: str, answered: str, hits: list[Hit]) -> Hit | None:
    """After an FAQ answer, a follow-up naming something that answer does not say ("我那个是秒杀
    抢的" after price protection, which names no 秒杀): of the follow-up's own best answers (the
    top three, from ``NAMING_FLOOR``), the one that says it and shares a shop topic with the
    answer just given (the exceptions of price protection); else None. Asked after
    ``said_before`` found no sentence for it."""
    if not _asks_after(text, answered):
        return None
    before = normalise(answered)
    lacking = [w for w in content_words(normalise(text)) if not _present(w, before)]
    topics = set(topic_terms(answered))
    for hit in hits[:3]:
        said = normalise(hit.answer)
        if (
            hit.score >= NAMING_FLOOR
            and said[:20] not in before  # not the answer just given
            and any(_present(w, said) for w in lacking)
            and topics & set(topic_terms(f"{hit.question} {hit.answer}"))
        ):
            return hit
    return None


def said_before_reply(lang: str, sentence: str) -> str:
    """The sentence said again, with a word that it was just said (in the sentence's
    language: an English answer on a Chinese page is quoted in English)."""
    if not CJK.search(sentence):
        lang = "en"
    elif lang not in ("zh", "zh-Hant"):
        lang = "zh"
    return say(lang, f"刚才提到了哦：{sentence}", f"As I mentioned: {sentence}")
