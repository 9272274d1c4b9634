"""A template's fields and rules, and the checking of values: types on a draft, everything on submit."""

from __future__ import annotations

import pytest

from luoshi.collection.fields import ValuesInvalid, check_definition, clean_values, shown
from luoshi.collection.tests.factory import FIELDS, GOOD, RULES
from luoshi.core.errors import RuleViolation

DEFINED = check_definition(FIELDS, RULES)


def test_a_definition_is_normalised() -> None:
    fields, rules = DEFINED
    assert [f["key"] for f in fields] == ["found", "fixed", "visits", "level", "practice"]
    assert fields[0]["min"] == "0"
    assert fields[0]["max"] is None
    assert fields[3]["options"] == ["好", "一般", "差"]
    assert rules == [{"kind": "lte", "left": "fixed", "right": "found"}]


@pytest.mark.parametrize(
    ("fields", "rules", "message"),
    [
        ([], [], "至少要有一个字段"),
        ([{"key": "Bad", "label": "甲", "kind": "integer"}], [], "「甲」的标识"),
        ([{"key": "a", "label": "甲", "kind": "money"}], [], "「甲」的类型无效"),
        ([{"key": "a", "label": "甲", "kind": "choice"}], [], "选项字段「甲」"),
        ([{"key": "a", "label": "甲", "kind": "integer", "min": 5, "max": 1}], [], "「甲」的最小值大于最大值"),
        ([{"key": "a", "label": "甲", "kind": "integer", "min": "x"}], [], "「甲」的最小值须为数字"),
        (
            [{"key": "a", "label": "甲", "kind": "text"}, {"key": "a", "label": "乙", "kind": "text"}],
            [],
            "标识「a」重复",
        ),
        (FIELDS, [{"kind": "lte", "left": "fixed", "right": "nope"}], "不存在的字段「nope」"),
        (FIELDS, [{"kind": "lte", "left": "fixed", "right": "practice"}], "「主要做法」不是"),
        (FIELDS, [{"kind": "sum", "parts": ["found"], "total": "fixed"}], "至少两个"),
        (FIELDS, [{"kind": "ratio"}], "类型无效"),
    ],
)
def test_a_wrong_definition_names_what_is_wrong(fields, rules, message) -> None:
    with pytest.raises(RuleViolation) as refused:
        check_definition(fields, rules)
    assert message in str(refused.value)


def test_a_draft_checks_only_the_types() -> None:
    fields, rules = DEFINED
    assert clean_values(fields, rules, {"found": "3", "fixed": 9}, full=False) == {"found": 3, "fixed": 9}
    with pytest.raises(ValuesInvalid) as refused:
        clean_values(fields, rules, {"found": "三", "level": "很好", "visits": "x"}, full=False)
    assert set(refused.value.errors) == {"found", "level", "visits"}
    assert "「本周新排查问题数」须为整数" in refused.value.errors["found"]
    assert "「进展评价」须为以下选项之一" in refused.value.errors["level"]


def test_a_submission_checks_required_fields_limits_and_rules() -> None:
    fields, rules = DEFINED
    assert clean_values(fields, rules, GOOD, full=True)["visits"] == "12.5"
    with pytest.raises(ValuesInvalid) as refused:
        clean_values(fields, rules, {"found": -1, "fixed": 1}, full=True)
    assert refused.value.errors == {"found": "「本周新排查问题数」不能小于 0。", "practice": "「主要做法」为必填项。"}
    with pytest.raises(ValuesInvalid) as refused:
        clean_values(fields, rules, {**GOOD, "fixed": 6}, full=True)
    assert refused.value.errors == {"fixed": "「本周整改完成数」不能大于「本周新排查问题数」。"}


def test_a_sum_rule_and_the_number_kinds() -> None:
    fields, rules = check_definition(
        [
            {"key": "a", "label": "甲", "kind": "integer"},
            {"key": "b", "label": "乙", "kind": "decimal", "max": "10"},
            {"key": "c", "label": "合计", "kind": "decimal"},
            {"key": "d", "label": "日期", "kind": "date"},
        ],
        [{"kind": "sum", "parts": ["a", "b"], "total": "c"}],
    )
    assert (
        clean_values(fields, rules, {"a": 1, "b": "2.5", "c": 3.5, "d": "2026-11-30"}, full=True)["d"] == "2026-11-30"
    )
    with pytest.raises(ValuesInvalid) as refused:
        clean_values(fields, rules, {"a": 1, "b": "2.5", "c": 4}, full=True)
    assert refused.value.errors == {"c": "「甲」 + 「乙」 应等于「合计」。"}
    with pytest.raises(ValuesInvalid) as refused:
        clean_values(fields, rules, {"a": "1.5", "b": "11", "d": "30/11"}, full=True)
    assert set(refused.value.errors) == {"a", "b", "d"}
    assert shown(fields[0], None) == ""
    assert shown(fields[0], 3) == "3"
