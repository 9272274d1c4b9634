"""The spec's word lists: units, qualifiers, change verbs (see docs/extraction.md)."""

from __future__ import annotations

UNITS = (
    "%", "个百分点", "个", "名", "人次", "人", "位", "条", "项", "件", "次", "场次", "场", "期", "集", "轮",
    "家", "户", "份", "种", "类", "方面", "大类", "批", "所", "处", "篇", "本", "册", "天", "周", "月", "年",
    "小时", "分钟", "元", "万元", "亿元", "亩", "平方米", "公里", "吨", "倍", "分", "张", "支", "队", "组",
    "座", "栋", "套", "台", "辆", "床", "户次", "家次", "公顷", "米", "部", "宗", "起", "例", "笔",
)  # fmt: skip
MULTIPLIERS = {"万亿": 10**12, "亿": 10**8, "万": 10**4}
CHANGE_UNITS = frozenset({"%", "个百分点", "倍"})

# Qualifier touching the number from the left, longest first, with its approx value.
PRE_QUALIFIERS = (
    ("不少于", "at_least"),
    ("不低于", "at_least"),
    ("不超过", "at_most"),
    ("至少", "at_least"),
    ("超过", "more_than"),
    ("低于", "below"),
    ("高于", "above"),
    ("逾", "more_than"),
    ("超", "more_than"),
    ("约", "about"),
    ("近", "about"),
)
# Words that end in a qualifier character but are no qualifier: 最近, 附近, 赶超.
NOT_PRE = frozenset({"最近", "附近", "赶超", "高超"})
AT_LEAST_WITH_VERB = ("至少", "不少于")
POST_QUALIFIERS = (
    ("以内", "at_most"),
    ("以上", "more_than"),
    ("以下", "at_most"),
    ("左右", "about"),
    ("内", "at_most"),
)
# 内 after a unit starts a word rather than meaning "within" when one of these follows it.
NOT_WITHIN_NEXT = frozenset("容部设外涵在地蒙陆河江网阁核耗政务科销")

RISE_VERBS = ("增长", "提升", "提高", "上升", "增加")
FALL_VERBS = ("减少", "下降", "降低")
# A change verb followed by one of these is a noun (增长率, 增加值), not a verb.
VERB_NOUN_NEXT = frozenset("率值量点幅")
