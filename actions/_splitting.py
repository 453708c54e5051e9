"""The questions of one message ("包邮吗？还有就是能开发票不" → 包邮吗, 能开发票不), for the
two-question step (``actions._two_questions``). Patterns are written in simplified Mandarin and
read traditional and Cantonese text through ``actions._reading.simplified``."""

from __future__ import annotations

import re

from actions._reading import CJK, simplified

__all__ = ["asks_more_than_once", "is_bare_subject", "split_questions"]


# A message of several questions: split after a question mark or full stop, and where a
# question particle or a space is followed by "还有 / 另外 / 顺便 / also" or by "and" opening an
# English question ("is shipping free and can I pay…"); the connector is
# dropped from the part it opens.
_SPLIT = re.compile(
    r"[？?！!。；;\n]+|(?<=[吗么嘛呢不没])[\s，,]+|"
    r"[\s，,]+(?=还有|另外|顺便|再问|and also\b|also\b)|"
    r"[\s，,]+(?=and (?:can|could|do|does|is|are|will|how|what|when|where|which|who)\b)",
    re.IGNORECASE,
)
_CONNECTOR = re.compile(
    r"^(?:还有就是|还有|另外|顺便问一?下|顺便|再问一?下|然后|and also|also|and)[\s，,:：]*",
    re.IGNORECASE,
)


# A part that only asks more about the one before it ("do electronics come with a warranty? how
# long is it", "有M码吗 那多少钱"): a short question whose subject is a pronoun, or nothing but a
# question word. Searched alone it would find another FAQ ("how long is it" → delivery times).
_FOLLOW_UP_EN = re.compile(
    r"^(?:and |so |then )?(?:(?:how|what|when|where|which|why)\b(?:\s+[\w']+){0,3}?|"
    # an auxiliary asks of the thing before only when the thing is its subject ("is it
    # free"); "can you gift wrap it" asks something of its own
    r"(?:is|are|does|do|can|will|would))\s+(?:it|that|this|they|them|those)(?:\s+[\w']+)?$",
    re.IGNORECASE,
)
_FOLLOW_UP_ZH = re.compile(
    r"^(?:那|那么|那个|这个|它|这)?(?:要|需要|大概|一般|得)?"
    r"(?:多久|多长时间|多长|几天|多少钱|多少|怎么弄|怎么办|怎么算|啥时候|什么时候)[呢啊呀吗嘛]*$|"
    # "要额外交税吗 交给谁": who, of what the part before asked
    r"^(?:那|那么)?(?:要|得|是)?(?:交|付|缴|打|寄)?(?:给谁|找谁)[呢啊呀吗嘛]*$"
)
# "鞋子穿了没几天就开胶了 这个保修吗": "this" is what the part before told — when that part
# tells and asks nothing ("可以退吗 这个要运费吗" asks twice)
_REFERS_BACK = re.compile(
    r"^(?:那)?(?:这个|这种|这样|这种情况|这情况)(?:的话)?[^\s，,]{1,5}[吗么嘛不没][呢啊呀]*$"
)
_TELLS = re.compile(r"[吗么嘛呢]$|[?？]")
# time said, not asked ("穿了没几天就开胶了")
_TIME_SAID = re.compile(r"没几天|前几天|这几天|好几天|几天前|没多久|没多少天")


# "…两张店铺的券呢 能都用上不": both, together, too — of the things the part before names
_BOTH_ZH = re.compile(
    r"^(?:那|那么)?(?:能|可以|能不能|可不可以|会|是不是)(?:都|一起|同时|也|全|全部)[\u4e00-\u9fff]{0,4}$"
)


def _follows_up(part: str) -> bool:
    plain = simplified(part).strip(" ?？!！.。")
    return bool(_FOLLOW_UP_EN.match(plain) or _FOLLOW_UP_ZH.match(plain) or _BOTH_ZH.match(plain))


def _without_connector(part: str) -> str:
    """The part without its leading "还有 / 還有 / also" (read in simplified characters)."""
    match = _CONNECTOR.match(simplified(part))
    return part[match.end() :].strip() if match else part.strip()


def _split_any_script(text: str) -> list[str]:
    """``_SPLIT`` (written in simplified characters) applied to text in either script: the
    boundaries are found in the simplified reading ("可以退嗎 運費要自己出嗎" splits after 嗎)
    and the parts cut from the customer's own text (``_SPLIT`` has no groups: separators are
    dropped). OpenCC may map a phrase to one of another length; then the simplified parts are
    returned."""
    simple = simplified(text)
    if simple == text:
        return _SPLIT.split(text)
    if len(simple) != len(text):
        return _SPLIT.split(simple)
    parts, start = [], 0
    for match in _SPLIT.finditer(simple):
        parts.append(text[start : match.start()])
        start = match.end()
    parts.append(text[start:])
    return parts


# "运费险怎么理赔 换货也能赔吗": two Chinese questions side by side, the first asked by a question
# word, the second ending on its particle — no particle after the first for ``_SPLIT``.
_ASKED_BY_WORD = re.compile(r"怎么|怎样|如何|多久|多长时间|多少|什么|啥|哪|几天|几个")
# (ending on its particle, or asked as "X不X…": "要不要交税", Cantonese "要唔要交稅")
_ENDS_ASKING = re.compile(
    r"(?:[吗么嘛]|能不能\S*|可不可以\S*|[^\s不]不|^\S*?([^\s不])不\1\S*)[\s？?！!。～~]*$"
)
_CONDITION = re.compile(r"要是|如果|假如|的话|万一")
# a question word that scolds, asking nothing ("什么破服务", "搞什么")
_SCOLDS = re.compile(r"什么(?:破|鬼|玩意|东西|态度)|搞什么|干什么吃的|啥(?:破|玩意)")


def _two_asked(part: str) -> list[str]:
    """``part`` cut at a space between a question asked by a question word and one ending on
    its particle, each at least three characters of Chinese; else ``part`` whole."""
    plain = simplified(part)
    if not CJK.search(plain) or len(plain) != len(part):
        return [part]
    for match in re.finditer(r"\s+", plain):
        left, right = plain[: match.start()], plain[match.end() :]
        if (
            len(left) >= 3
            and len(right) >= 3
            and _asks_by_word(left)
            and (_ENDS_ASKING.search(right) or _asks_by_word(right, alone=True))
            and CJK.search(right)
        ):
            return [part[: match.start()], part[match.end() :]]
    return [part]


def _asks_by_word(clause: str, alone: bool = False) -> bool:
    """A question word asks ``clause``: not one inside a condition ("如果多少天没到 能退吗"),
    but one after a condition closed by 的话 ("寄台南的话运费要多少"). ``alone``: the clause
    is a question of its own, not one that leans on the one before ("大概多久",
    ``_follows_up``; "差不多几天收得到" is one), at least six characters long."""
    conditions = list(_CONDITION.finditer(clause))
    if not conditions:
        asked = clause
    else:  # after the last condition only when 的话 closes it
        last = conditions[-1]
        asked = clause[last.end() :] if last.group() == "的话" else ""
    if not _ASKED_BY_WORD.search(asked) or _SCOLDS.search(asked):
        return False
    # ("多久到账" after "那大概能赔多少" is more of the same: not a question of its own)
    return not alone or (len(CJK.findall(clause)) >= 6 and not _follows_up(clause))


def split_questions(text: str) -> list[str]:
    """The questions of one message, in order ("包邮吗？还有就是能开发票不" → 包邮吗, 能开发票不);
    one part when it asks one thing. A part that only asks more about the one before ("…a
    warranty? how long is it") stays with it."""
    parts = [p.strip(" ，,、~～…") for p in _split_any_script(text or "")]
    parts = [q for p in parts for q in _two_asked(p)]
    parts = [p if i == 0 else _without_connector(p) for i, p in enumerate(parts)]
    questions: list[str] = []
    for part in (p for p in parts if len(p) >= 2):
        if questions and (
            _follows_up(part)
            or (
                _REFERS_BACK.match(simplified(part))
                and not _TELLS.search(questions[-1])
                and not _ASKED_BY_WORD.search(_TIME_SAID.sub("", simplified(questions[-1])))
            )
        ):
            questions[-1] = f"{questions[-1]} {part}"
        else:
            questions.append(part)
    return questions[:3]


def asks_more_than_once(text: str) -> bool:
    """The message has two or more question parts before follow-ups are joined to the part
    they lean on ("how many points do i need for 1 yuan off, and do they expire?": "do they
    expire" asks of the points, and asks something else)."""
    parts = [p.strip(" ，,、~～…") for p in _split_any_script(text or "")]
    # (a bare subject and 呢 is one question with what follows: "积分呢 怎么没到账")
    return len([p for p in parts if len(p) >= 2 and not is_bare_subject(p)]) >= 2


# "积分呢", "那运费呢": a subject and 呢, which asks only with what follows or went before
_BARE_SUBJECT = re.compile(r"^[^\s，,。？?]{1,6}呢[？?～~]*$")


def is_bare_subject(part: str) -> bool:
    """A part that is only a subject and 呢 ("积分呢"): it asks nothing alone."""
    return bool(_BARE_SUBJECT.match(part.strip()))
