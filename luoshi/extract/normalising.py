"""Raw report text into the spec's normalised text (section 1)."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüê"
_PINYIN = re.compile(
    r"(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|er|in|un|vn|ia|ie|iu|ua|uo|ui|ve|ue"
    r"|a|o|e|i|u|v)"
)
_GLOSS = re.compile(rf"[(（]([a-z{_TONED}]{{1,6}})[)）] ?")
_GLOSS_RUN = re.compile(rf"(?<=[{_CJK}])(?:{_GLOSS.pattern})+")
_PLAIN_VOWELS = str.maketrans(
    {
        **dict.fromkeys("āáǎà", "a"),
        **dict.fromkeys("ēéěèê", "e"),
        **dict.fromkeys("īíǐì", "i"),
        **dict.fromkeys("ōóǒò", "o"),
        **dict.fromkeys("ūúǔù", "u"),
        **dict.fromkeys("ǖǘǚǜü", "v"),
    }
)
_WIDE = {**{chr(0xFF10 + i): str(i) for i in range(10)}, "％": "%", "\u00a0": " ", "\u3000": " "}
_WIDE_CHARS = re.compile("[０-９％\u00a0\u3000]")
_WIDE_POINT = re.compile(r"(?<=\d)．(?=\d)")  # １２．５％ → 12.5%
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_SPACES = re.compile(r"[ \t]+")
_CJK_CHAR = re.compile(rf"[{_CJK}]")
_FURNITURE_ITEM = (
    r"(?:小|中|大)字号|字[号体][:：]?(?:\s*[大中小])*"
    r"|分享让更多人看到|分享到[:：]?.*|返回顶部|回到顶部|返回首页|打印(?:本页|此页)?|关闭(?:窗口|本页)?|纠错|收藏(?:本站)?"
    r"|设为首页|.*(?:>>|＞＞|&gt;&gt;).*|(?:[^\s>]{1,12}\s*>\s*){2,}[^\s>]{0,20}|[\u4e00-\u9fff]{1,5}网"
    r"|扫一扫.*|微信|微博|QQ空间|QQ好友|手机看|朋友圈|(?:上一篇|下一篇|相关新闻|相关阅读|推荐阅读|点击排行|热点推荐)[:：]?.*"
    r"|网站地图|联系我们|关于我们|(?:用户|网友|我要|发表)?评论|已有\d+人(?:评论|参与)|[|｜]"
)
_FURNITURE = re.compile(rf"(?:[【\[]?\s*(?:{_FURNITURE_ITEM})\s*[】\]]?\s*)+", re.IGNORECASE)
# After one of these headers, the page lists links to other articles: their headlines are no body text.
_LINK_LIST = re.compile(r"(?:相关|推荐|延伸|热点|热门|精彩)(?:新闻|阅读|推荐|文章)[:：]?|点击排行[:：]?")
# View counters on a dateline or alone on a line (浏览次数：1,862次, 阅读量2.3万).
_COUNTER = re.compile(r"(?:浏览|阅读|点击|访问)(?:次数|量|数)?\s*[:：]?\s*\d[\d,.]*\s*[万亿]?(?:人次|次)?")
_META = re.compile(r"来源|发布|作者|编辑|时间|日期|\d{4}[-/年]\d|[|｜]")


@cache
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def _drop_gloss(match: re.Match[str]) -> str:
    syllable = match.group(1).translate(_PLAIN_VOWELS)
    return "" if _PINYIN.fullmatch(syllable) else match.group(0)


def _drop_glosses(run: re.Match[str]) -> str:
    """Each gloss of a run after one character (``黨(dang) (dang)``), so that a second pass finds none."""
    return _GLOSS.sub(_drop_gloss, run.group())


def remove_glosses(text: str) -> str:
    """``領(lǐng)導(dǎo)`` → ``領導``, ``黨(dang) 中央`` → ``黨中央``; ``(APP)``, ``(PM2.5)`` stay."""
    return _GLOSS_RUN.sub(_drop_glosses, text)


# Notices that may run long: editor credits, copyright.
_NOTICE_STARTS = ("(责编", "（责编", "(责任编辑", "（责任编辑", "责编", "责任编辑", "版权声明", "版权所有")
_NOTICE_WORDS = ("Copyright", "COPYRIGHT", "copyright", "©", "ICP备", "ICP证", "公网安备")
_SENTENCE_END = frozenset("。！？；!?;")


def _is_furniture(line: str) -> bool:
    if len(line) <= 80 and line[-1] not in _SENTENCE_END and _FURNITURE.fullmatch(line):
        return True
    return len(line) <= 400 and (line.startswith(_NOTICE_STARTS) or any(w in line for w in _NOTICE_WORDS))


def _join_figure(match: re.Match[str]) -> str:
    """Drop a space between a digit and a Chinese character or %, either way round."""
    text, start, end = match.string, match.start(), match.end()
    left, right = text[start - 1 : start], text[end : end + 1]
    if (left.isdigit() and (right == "%" or _CJK_CHAR.match(right))) or (right.isdigit() and _CJK_CHAR.match(left)):
        return ""
    return match.group()


_NUMERIC_FIELD = re.compile(r"[\d.,%]+")


def _is_table_row(line: str) -> bool:
    """``2 部门预算执行 18 16 8920.51``: a table row flattened to text, whose first field is a row number."""
    fields = line.split()
    if len(fields) < 3 or not _NUMERIC_FIELD.fullmatch(fields[0]):
        return False
    return sum(1 for field in fields[1:] if _NUMERIC_FIELD.fullmatch(field)) >= 2


def _strip_counters(line: str) -> str:
    if len(line) > 80 or line[-1] in _SENTENCE_END:
        return line
    stripped = _COUNTER.sub("", line).strip()
    return stripped if stripped != line and (not stripped or _META.search(line)) else line


def _body_lines(lines: list[str]) -> list[str]:
    """Lines that are neither furniture nor a headline of a link list (相关新闻 …) under its header."""
    kept: list[str] = []
    in_list = False
    for line in lines:
        if _LINK_LIST.fullmatch(line):
            in_list = True
            continue
        if in_list and len(line) <= 60 and line[-1] not in _SENTENCE_END and "来源" not in line:
            continue
        in_list = False
        if not _is_furniture(line):
            kept.append(line)
    return kept


def normalise(raw: str) -> str:
    """Simplified text without glosses, spaces in figures or web furniture; one body paragraph per line."""
    text = _INVISIBLE.sub("", raw.replace("\r\n", "\n").replace("\r", "\n"))
    text = _WIDE_POINT.sub(".", _WIDE_CHARS.sub(lambda m: _WIDE[m.group()], text))
    text = _t2s().convert(remove_glosses(text))
    text = "\n".join(line if _is_table_row(line) else _SPACES.sub(_join_figure, line) for line in text.split("\n"))
    lines = (_strip_counters(line.strip()) for line in text.split("\n") if line.strip())
    return "\n".join(_body_lines([line for line in lines if line]))
