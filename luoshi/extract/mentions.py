"""Indicator mentions in normalised text (spec section 2)."""

from __future__ import annotations

import bisect
import re
from decimal import Decimal

from luoshi.extract import lexicon
from luoshi.extract.types import Mention

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])|\d+(?:\.\d+)?"
_UNIT = "|".join(re.escape(u) for u in sorted(lexicon.UNITS, key=len, reverse=True))
# A range may repeat its multiplier or % on the lower end: 1.5万—2万人, 5万—10万元, 65%—82%.
_NUMBER = re.compile(rf"({_NUM})(?:(万|亿|%)?\s*[—–\-－~～〜至到]\s*({_NUM}))?")
_SINGLE = re.compile(rf"({_NUM})()()")  # a range's lower end alone, when the range is no mention
_TAIL = re.compile(
    rf"(?P<q1>[余多])?(?:(?P<money>万元|亿元)|(?P<mult>万亿(?!元)|亿|万)?(?P<q2>[余多])?(?P<unit>{_UNIT})?)"
    r"(?P<post>以内|以上|以下|左右|内)?"
)
_TITLE = re.compile(r"《[^《》\n]{0,120}》")
_LAST_CLAUSE_END = re.compile(r".*[，,。；;！!？?\n：:]", re.DOTALL)
_LAST_SENTENCE_END = re.compile(r".*[。；;！!？?\n]", re.DOTALL)
_SENTENCE_END = re.compile(r"[。；;！!？?\n]")
_LAST_PHRASE_END = re.compile(r".*[，,。；;！!？?\n：:、“”]", re.DOTALL)
_VERB = re.compile("|".join((*lexicon.RISE_VERBS, *lexicon.FALL_VERBS)))
_PRE_WITH_VERB = re.compile(r"(?:至少|不少于)[\u4e00-\u9fff]{1,2}$")
_PRE = re.compile("(?:" + "|".join(word for word, _ in lexicon.PRE_QUALIFIERS) + ")$")
_PRE_APPROX = dict(lexicon.PRE_QUALIFIERS)
_SUBJECT_AFTER = re.compile(r"[“‘\"]?([\u4e00-\u9fffA-Za-z]{1,12})")
_SUBJECT_STOP = re.compile(r"(?:的|和|与|及|等|、|开展|进行|完成|已|并|在|对|将|共|累计).*")
_SUBJECT_TRAILER = re.compile(r"(?:共|累计|达到?|超过|超|约|近|逾|至少|不少于|低于|高于|分别|同比|已|为|是)+$")
_CODE_NEIGHBOURS = frozenset("+＋/／×*")
_COLONS = frozenset(":：")
_ADDRESS_BEFORE = frozenset("栋幢")
_NUMBER_PARTS = frozenset("0123456789.")
_YEAR_WORDS = ("代", "级", "度", "初", "底", "末")
# A measure word outside the lexicon after 万/亿 (1.3万亿斤以上, 5万头左右) still carries a post-qualifier.
_MEASURE_POST = re.compile(r"[\u4e00-\u9fff](以内|以上|以下|左右)")


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _plain(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


class _Titles:
    def __init__(self, text: str) -> None:
        spans = [m.span() for m in _TITLE.finditer(text)]
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]

    def inside(self, pos: int) -> bool:
        i = bisect.bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.ends[i]


def _is_date_or_excluded(text: str, start: int, end: int, unit: str, values: tuple[Decimal, ...]) -> bool:
    after = text[end : end + 2]
    if unit == "年":
        return max(values) >= 1000 or after.startswith(_YEAR_WORDS)
    if unit == "月":
        return max(values) <= 12
    if unit == "周":
        return after.startswith(("年", "岁"))
    if unit == "分":
        return re.search(r"\d[时点]$", text[max(0, start - 4) : start]) is not None
    return False


def _excluded_context(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if before and (before in _NUMBER_PARTS or ("A" <= before <= "z" and before.isalpha() and before.isascii())):
        return True
    if before == "," and start > 1 and text[start - 2].isdigit():
        return True
    if before in _CODE_NEIGHBOURS or after in _CODE_NEIGHBOURS or before in _ADDRESS_BEFORE:
        return True
    if (before in _COLONS and text[start - 2 : start - 1].isdigit()) or (
        after in _COLONS and text[end + 1 : end + 2].isdigit()
    ):
        return True
    if before == "号" and start > 1 and text[start - 2].isdigit():
        return True
    return before == "第" or (before == "-" and start > 1 and text[start - 2].isdigit())


def _pre_qualifier(text: str, start: int) -> tuple[str, str]:
    """(approx, the qualifier's text if it touches the number) from what stands before the number."""
    before = text[max(0, start - 5) : start]
    found = _PRE.search(before)
    if found and before[-2:] not in lexicon.NOT_PRE:
        return _PRE_APPROX[found.group()], found.group()
    if _PRE_WITH_VERB.search(before):
        return "at_least", ""
    return "exact", ""


def _after_last(pattern: re.Pattern[str], text: str, start: int, reach: int) -> int:
    """Position just after the last match of ``pattern``'s final character within ``reach`` before ``start``."""
    left = max(0, start - reach)
    found = pattern.match(text, left, start)
    return found.end() if found else left


def _post_ok(text: str, pos: int, post: str) -> bool:
    return post != "内" or text[pos + 1 : pos + 2] not in lexicon.NOT_WITHIN_NEXT or pos + 1 >= len(text)


def _change(text: str, start: int, unit: str) -> str | None:
    if unit not in lexicon.CHANGE_UNITS:
        return None
    clause_start = _after_last(_LAST_CLAUSE_END, text, start, 200)
    found = None
    for verb in _VERB.finditer(text, clause_start, start):
        if text[verb.end() : verb.end() + 1] not in lexicon.VERB_NOUN_NEXT:
            found = verb.group()
    if found is None:
        return None
    return "up" if found in lexicon.RISE_VERBS else "down"


def _sentence(text: str, start: int, end: int) -> str:
    left = _after_last(_LAST_SENTENCE_END, text, start, 500)
    found = _SENTENCE_END.search(text, end, end + 500)
    right = found.end() if found else min(len(text), end + 500)
    return text[left:right].strip()


def _subject(text: str, start: int, end: int) -> str:
    after = _SUBJECT_AFTER.match(text, end)
    if after:
        phrase = _SUBJECT_STOP.sub("", after.group(1))
        if len(phrase) >= 2:
            return phrase
    clause_start = _after_last(_LAST_PHRASE_END, text, start, 40)
    before = re.sub(
        r"(?:共|累计|达到?|超过|超|约|近|逾|至少|不少于|低于|高于|分别|同比|已|为|是)+$", "", text[clause_start:start]
    )
    return before[-16:].strip('“”‘’" ')


def _range_repeats(lower_end: str, unit: str, mult: str) -> bool:
    """The lower end of a range repeats the upper end's multiplier or unit: 2万—3万人, 5万—10万元, 10%—15%."""
    if lower_end == "%":
        return unit == "%"
    return lower_end == mult or (not mult and unit.startswith(lower_end))


def _mention(text: str, num: re.Match[str], titles: _Titles) -> Mention | None:
    start, num_end = num.span()
    if titles.inside(start) or _excluded_context(text, start, num_end):
        return None
    tail = _TAIL.match(text, num_end)
    assert tail is not None
    unit = tail["money"] or tail["unit"] or ""
    mult = tail["mult"] or ""
    if not unit and not mult:
        return None
    post = tail["post"] or ""
    if post and not _post_ok(text, tail.start("post"), post):
        post = ""
    end = tail.end("post") if post else tail.end() - len(tail["post"] or "")
    after_end = text[end : end + 1]
    if unit == "" and after_end.isdigit():
        return None
    if num[2] and not _range_repeats(num[2], unit, mult):
        return None
    values = tuple(_number(n) for n in (num[1], num[3]) if n)
    if _is_date_or_excluded(text, start, end, unit, values):
        return None
    factor = lexicon.MULTIPLIERS.get(mult, 1)
    approx, pre_text = _pre_qualifier(text, start)
    if approx == "exact" and (tail["q1"] or tail["q2"]):
        approx = "more_than"
    if approx == "exact" and not post and not unit:
        measure = _MEASURE_POST.match(text, end)
        post = measure[1] if measure else ""
    if approx == "exact" and post:
        approx = dict(lexicon.POST_QUALIFIERS)[post]
    mention_start = start - len(pre_text)
    return Mention(
        text=text[mention_start:end],
        value=_plain(values[0] * factor),
        value_max=_plain(values[1] * factor) if len(values) > 1 else None,
        unit=unit,
        approx=approx,
        change=_change(text, start, unit),
        subject=_subject(text, start, end),
        start=mention_start,
        end=end,
        sentence=_sentence(text, start, end),
    )


def find_mentions(text: str) -> list[Mention]:
    """Every indicator mention of normalised ``text``, in text order."""
    titles = _Titles(text)
    found = []
    num = _NUMBER.search(text)
    while num is not None:
        mention = _mention(text, num, titles)
        if mention is None and num[3]:
            num = _SINGLE.match(text, num.start())
            assert num is not None
            mention = _mention(text, num, titles)
        if mention is not None:
            found.append(mention)
        num = _NUMBER.search(text, num.end())
    return found
