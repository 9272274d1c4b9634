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
_GLOSS = re.compile(rf"(?<=[{_CJK}])[(（]([a-z{_TONED}]{{1,6}})[)）] ?")
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
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_SPACES = re.compile(r"[ \t]+")
_CJK_CHAR = re.compile(rf"[{_CJK}]")
_FURNITURE = re.compile(
    r"(?:[【\[]?\s*(?:小|中|大)字号\s*[】\]]?|[【\[]?字号[:：]?\s*(?:大|中|小|\s)*[】\]]?"
    r"|分享让更多人看到|分享到[:：]?.*|返回顶部|回到顶部|返回首页|打印(?:本页)?|关闭(?:窗口|本页)?|【?纠错】?|收藏"
    r"|.*(?:>>|＞＞|&gt;&gt;).*|(?:[^\s>]{1,12}\s*>\s*){2,}[^\s>]{0,20}|[\u4e00-\u9fff]{1,5}网"
    r"|扫一扫.*|(?:微信|微博|QQ空间|QQ好友|手机看|朋友圈|\s)+|(?:上一篇|下一篇|相关新闻|相关阅读|推荐阅读|点击排行|热点推荐)[:：]?.*"
    r"|网站地图|联系我们|关于我们|(?:\|\s*)+)",
    re.IGNORECASE,
)


@cache
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def _drop_gloss(match: re.Match[str]) -> str:
    syllable = match.group(1).translate(_PLAIN_VOWELS)
    return "" if _PINYIN.fullmatch(syllable) else match.group(0)


def remove_glosses(text: str) -> str:
    """``領(lǐng)導(dǎo)`` → ``領導``, ``黨(dang) 中央`` → ``黨中央``; ``(APP)``, ``(PM2.5)`` stay."""
    return _GLOSS.sub(_drop_gloss, text)


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


def normalise(raw: str) -> str:
    """Simplified text without glosses, spaces in figures or web furniture; one body paragraph per line."""
    text = _INVISIBLE.sub("", raw.replace("\r\n", "\n").replace("\r", "\n"))
    text = _WIDE_CHARS.sub(lambda m: _WIDE[m.group()], text)
    text = _t2s().convert(remove_glosses(text))
    text = _SPACES.sub(_join_figure, text)
    lines = (line.strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line and not _is_furniture(line))
