"""Extraction rules of spec section 2, one crafted sentence each (normalised text in, mentions out)."""

from __future__ import annotations

import pytest

from luoshi.extract.api import extract


def figures(text: str) -> list[tuple]:
    """(text, value, value_max, unit, approx, change) of each mention, in order."""
    return [(m.text, m.value, m.value_max, m.unit, m.approx, m.change) for m in extract(text).mentions]


def one(text: str) -> tuple:
    found = figures(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("全市1.59万个基层党组织", ("1.59万个", 15900, None, "个", "exact", None)),
        ("带动就业3.2亿人次", ("3.2亿人次", 320000000, None, "人次", "exact", None)),
        ("满足150万外出务工人员参保需求", ("150万", 1500000, None, "", "exact", None)),
        ("完成投资693.57万元", ("693.57万元", 693.57, None, "万元", "exact", None)),
        ("争取资金1.2亿元", ("1.2亿元", 1.2, None, "亿元", "exact", None)),
        ("发放补贴3万余元", ("3万余元", 30000, None, "元", "more_than", None)),
        ("收集意见建议1.2万余条", ("1.2万余条", 12000, None, "条", "more_than", None)),
        ("覆盖书记8200多人次", ("8200多人次", 8200, None, "人次", "more_than", None)),
        ("惠及群众50多万人", ("50多万人", 500000, None, "人", "more_than", None)),
        ("累计培训2,108人", ("2,108人", 2108, None, "人", "exact", None)),
        ("高于全国0.8个百分点", ("0.8个百分点", 0.8, None, "个百分点", "exact", None)),
        ("办结率达98.5%", ("98.5%", 98.5, None, "%", "exact", None)),
        ("每个专题安排2—3天时间", ("2—3天", 2, 3, "天", "exact", None)),
        ("每个专题安排2-3天时间", ("2-3天", 2, 3, "天", "exact", None)),
        ("每个专题安排2至3天时间", ("2至3天", 2, 3, "天", "exact", None)),
        ("每个专题安排2~3天时间", ("2~3天", 2, 3, "天", "exact", None)),
        ("每个专题安排2－3天时间", ("2－3天", 2, 3, "天", "exact", None)),
        ("覆盖1.5万—2万人", ("1.5万—2万人", 15000, 20000, "人", "exact", None)),
        ("宣讲10万余场次", ("10万余场次", 100000, None, "场次", "more_than", None)),
        ("制定118项共5大类", ("5大类", 5, None, "大类", "exact", None)),
        ("梳理形成14方面问题清单", ("14方面", 14, None, "方面", "exact", None)),
        ("聚焦6个方面查摆突出问题", ("6个", 6, None, "个", "exact", None)),
        ("新建道路15公里", ("15公里", 15, None, "公里", "exact", None)),
        ("改造老旧小区32平方米", ("32平方米", 32, None, "平方米", "exact", None)),
        ("经济总量增长1.5倍", ("1.5倍", 1.5, None, "倍", "exact", "up")),
        ("各县区进度在65%—82%之间", ("65%—82%", 65, 82, "%", "exact", None)),
        ("每个项目奖补5万—10万元", ("5万—10万元", 5, 10, "万元", "exact", None)),
        ("覆盖2万—3万人", ("2万—3万人", 20000, 30000, "人", "exact", None)),
        ("培训时间3〜5天", ("3〜5天", 3, 5, "天", "exact", None)),
        ("调整账目122,164.52万元", ("122,164.52万元", 122164.52, None, "万元", "exact", None)),
        ("问题总数：697个", ("697个", 697, None, "个", "exact", None)),
        ("其中:16项工程类项目", ("16项", 16, None, "项", "exact", None)),
        ("国内生产总值增加到121万亿元", ("121万亿元", 1210000, None, "亿元", "exact", None)),
        ("粮食产量1.37万亿斤", ("1.37万亿", 1370000000000, None, "", "exact", None)),
    ],
)
def test_numbers_multipliers_units_and_ranges(sentence: str, expected: tuple) -> None:
    assert figures(sentence)[-1] == expected


@pytest.mark.parametrize(
    ("sentence", "text", "approx"),
    [
        ("解决问题1.8万余件", "1.8万余件", "more_than"),
        ("红色教育基地50多个", "50多个", "more_than"),
        ("受众超10万人次", "超10万人次", "more_than"),
        ("受众超过10万人次", "超过10万人次", "more_than"),
        ("受众逾10万人次", "逾10万人次", "more_than"),
        ("参与群众95%以上", "95%以上", "more_than"),
        ("约300名志愿者", "约300名", "about"),
        ("近3年来", "近3年", "about"),
        ("历时20天左右", "20天左右", "about"),
        ("至少10个半天", "至少10个", "at_least"),
        ("至少安排10个半天开展集中学习", "10个", "at_least"),
        ("不少于3次", "不少于3次", "at_least"),
        ("不少于组织3次", "3次", "at_least"),
        ("在1周内完成", "1周内", "at_most"),
        ("在2天以内完成", "2天以内", "at_most"),
        ("办理时间不超过5天", "不超过5天", "at_most"),
        ("响应及时率低于95%的企业", "低于95%", "below"),
        ("满意率高于90%", "高于90%", "above"),
        ("高于全国0.8个百分点", "0.8个百分点", "exact"),
        ("最近3年", "3年", "exact"),
        ("聚焦3项内容", "3项", "exact"),
        ("粮食产量稳定在1.3万亿斤以上", "1.3万亿", "more_than"),
        ("存栏生猪5万头左右", "5万", "about"),
        ("存栏生猪5万头", "5万", "exact"),
    ],
)
def test_qualifiers(sentence: str, text: str, approx: str) -> None:
    mention = one(sentence)
    assert (mention[0], mention[4]) == (text, approx)


@pytest.mark.parametrize(
    ("sentence", "changes"),
    [
        ("涉企行政检查数量同比下降64.9%", ["down"]),
        ("全市性会议召开数量同比减少14.7%", ["down"]),
        ("实施率同比提升24.6%", ["up"]),
        ("城乡居民人均可支配收入分别增长4.2%、5.2%", ["up", "up"]),
        ("地区生产总值同比增长6.0%,高于全国0.8个百分点", ["up", None]),
        ("规模以上工业增加值同比增长6.9%", ["up"]),
        ("规模以上工业增加值6.9%", [None]),
        ("项目进展率达68.9%", [None]),
        ("增长率为5%", [None]),
        ("能耗降低2个百分点", ["down"]),
        ("投诉量由120件下降到80件", [None, None]),
        ("粮食产量提高3%，达到500万吨", ["up", None]),
    ],
)
def test_change_only_for_rates_with_a_verb_before_in_the_clause(sentence: str, changes: list) -> None:
    assert [f[5] for f in figures(sentence)] == changes


@pytest.mark.parametrize(
    "sentence",
    [
        "2023年启动",
        "2020年11月13日,总书记亲临视察",
        "9月10日召开会议",
        "1—10月,全省规模以上工业增加值",
        "截至11月底",
        "2023年05月23日07:43",
        "成立100周年座谈会",
        "上午9时30分召开",
        "90年代以来",
        "第9巡回指导组",
        "第3个专题",
        "“1+6”实施意见",
        "“11+1”方面突出问题",
        "“1+3+3”专项整治",
        "“4+1”重要要求",
        "“132”总体工作部署",
        "构建“510”科技创新体系和“361”现代化产业体系",
        "推广“81890”经验",
        "拨打12345热线",
        "《关于推进10项改革的意见》",
        "地址:相山北路5号1栋1单元",
        "〔2016〕8号文件",
        "约占1/10",
        "1.加强学习",
        "(1)加强学习",
        "“好客山东 好品山东”2023北京推介活动",
        "六项行动任务、百人宣讲团、超百万人次",
        "PM2.5浓度",
        "5G基站",
        "为60周岁以上老人提供助餐服务",
        "按3:1的比例配备",
    ],
)
def test_exclusions(sentence: str) -> None:
    assert figures(sentence) == []


def test_a_range_that_is_no_mention_leaves_its_two_numbers_to_be_read_alone() -> None:
    assert [f[0] for f in figures("占比10%-20个单位")] == ["10%", "20个"]
    assert [f[0] for f in figures("投入3.5万—4亿元")] == ["3.5万", "4亿元"]


def test_numbers_with_units_inside_quotation_marks_count() -> None:
    assert [f[0] for f in figures("对照“2个问题清单”,推广“村级小微权力36条”")] == ["2个", "36条"]


def test_numbers_in_titles_do_not_count_but_the_same_figure_outside_does() -> None:
    assert [f[0] for f in figures("印发《10项措施》,落实10项措施")] == ["10项"]


def test_longest_unit_wins() -> None:
    units = [f[3] for f in figures("3个百分点,4人次,5场次,6户次,7家次,8大类,9分钟,10小时,11亿元")]
    assert units == ["个百分点", "人次", "场次", "户次", "家次", "大类", "分钟", "小时", "亿元"]


def test_year_as_a_duration_counts_but_a_year_does_not() -> None:
    assert [f[0] for f in figures("2021—2023年,连续3年开展")] == ["3年"]


def test_offsets_and_sentence_point_into_the_text() -> None:
    text = "第一句没有数字。全市收集意见建议1.2万余条,办结率达98%。"
    mentions = extract(text).mentions
    assert [text[m.start : m.end] for m in mentions] == ["1.2万余条", "98%"]
    assert {m.sentence for m in mentions} == {"全市收集意见建议1.2万余条,办结率达98%。"}


def test_subject_names_what_is_counted() -> None:
    first, second = extract("团结凝聚全市1.59万个基层党组织,收集意见建议1.2万余条。").mentions
    assert first.subject == "基层党组织"
    assert second.subject.endswith("意见建议")


def test_subject_keeps_a_whole_clause_of_up_to_sixteen_characters() -> None:
    (only,) = extract("区委常委会开展集中学习15次。").mentions
    assert only.subject == "区委常委会开展集中学习"
