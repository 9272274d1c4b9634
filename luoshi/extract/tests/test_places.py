"""Place (administrative area with suffix) and publication date of a report."""

from __future__ import annotations

import pytest

from luoshi.extract import places
from luoshi.extract.api import extract


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("泰州市委督导组出席。泰兴召开推进会,全市上下,泰兴各级干部,我市制定。泰兴人敢争先。", "泰兴市"),
        ("宁波在全市开展学习教育,宁波把学习教育作为重要实践。全市有关做法被报道。", "宁波市"),
        ("山东深入学习。召开山东省推进会。济南市、青岛市分别发言。山东坚决扛牢责任。", "山东省"),
        ("吉林深入推进,全省上下齐心。吉林各地。", "吉林省"),
        ("吉林深入推进,全市上下齐心。吉林各区。", "吉林市"),
        ("海淀区召开大会。海淀各街镇,全区上下。", "海淀区"),
        ("内蒙古自治区召开会议,内蒙古各盟市。", "内蒙古自治区"),
        ("今天天气很好,大家都来了。", None),
        ("官渡区委召开会议。新建和完善制度589项。官渡区纪委通报,官渡各街道落实。", "官渡区"),
        ("示范市委召开会议,示范各县区落实。", "示范市"),
        ("大足区龙水镇完成安全生产任务。大足区要求,大足区各镇落实。", "大足区"),
        ("暗访组对深圳各部门开展检查,覆盖福田区、罗湖区、南山区等3个区。", "深圳市"),
        ("全国乡村振兴局长会议召开。河南等地作了交流发言。", None),
        ("全国832个贫困县全部摘帽,贫困人口全部脱贫。", None),
    ],
)
def test_place_is_the_area_named_most_with_its_suffix(text: str, place: str | None) -> None:
    assert extract(text).place == place


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("标题\n2023年05月23日07:43 | 来源:四川日报\n正文2022年1月1日召开会议。", "2023-05-23"),
        ("标题\n发布时间:2024-03-08 10:20:33\n正文", "2024-03-08"),
        ("标题\n来源:新华网 2021/7/1\n正文", "2021-07-01"),
        ("正文\n中共某某市委办公室\n2023年12月5日", "2023-12-05"),
        ("正文\n二〇二三年十二月二十五日", "2023-12-25"),
        ("2020年11月13日,总书记亲临视察,亲切赞许“扬州是个好地方”,为扬州经济社会发展作出重大战略指引。", None),
        ("9月10日,召开推进会。", None),
        ("标题\n2023年02月30日 | 来源:某报", None),
        ("标题\n2023年12月05日 星期二\n正文", "2023-12-05"),
        ("标题\n［2023-12-05］\n正文", "2023-12-05"),
        ("今天是2024年3月5日 星期二\n标题\n日期：2023.12.05\n正文", "2023-12-05"),
        ("标题\n深广电第一现场2019年5月25日讯 五一假期前后,暗访组出动168人次。", "2019-05-25"),
        ("标题\n新华社北京2022年1月4日电 记者从会议上获悉。", "2022-01-04"),
        ("通报\n宜春市热线工作领导小组办公室2023年6月19日\n一、总体情况", "2023-06-19"),
        ("标题\n正文称,会议于2023年6月19日召开,研究部署有关工作并听取了各单位的情况汇报。", None),
    ],
)
def test_date_comes_from_a_dateline_only(text: str, day: str | None) -> None:
    assert extract(text).date == day


def test_shipped_gazetteer_is_the_one_built_from_jieba_and_the_official_list() -> None:
    """``python -m luoshi.extract.places`` rebuilds ``places.tsv``; the shipped file must equal its output."""
    built = places.gazetteer_lines(places.build_gazetteer())
    assert places.DATA_FILE.read_text(encoding="utf-8").splitlines() == built
    assert places.gazetteer().names["泰兴"] == ("泰兴县", "泰兴市")


def test_a_district_only_the_official_list_names_is_found() -> None:
    text = (
        "东城区工作情况报告\n东城区委主题教育领导小组办公室2026年3月5日\n主题教育开展以来，东城区坚持学查改一体推进。\n"
    )
    assert extract(text).place == "东城区"
    assert places.gazetteer().names["西城"] == ("西城区",)


@pytest.mark.parametrize("stem", ["和平", "新华", "市中", "新市"])
def test_an_official_stem_that_is_another_word_counts_only_with_its_suffix(stem: str) -> None:
    gaz = places.gazetteer()
    assert stem + "区" in gaz.names[stem]
    assert stem not in gaz.bare_ok


def test_official_placeholders_are_no_places() -> None:
    assert "市辖" not in places.gazetteer().names
    assert "市辖区" not in places.official_names()
