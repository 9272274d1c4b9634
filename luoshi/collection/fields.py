"""A template's fields and rules (validated JSON), and the checking of a unit's values against them.

A field is ``{"key", "label", "kind", "required", "help", "min", "max", "options"}``; a rule is
``{"kind": "lte", "left": a, "right": b}`` (A ≤ B) or ``{"kind": "sum", "parts": [a, b], "total": c}``
(A + B = C). Saving a draft checks only the types; submitting checks everything. Every error names its field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from luoshi.collection.choices import NUMERIC_KINDS, FieldKind, RuleKind
from luoshi.core.errors import RuleViolation

KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_FIELDS = 60
MAX_TEXT = 5000
NUMBER_LIMIT = Decimal("1e15")


class ValuesInvalid(RuleViolation):
    """Values that break the template: ``errors`` by field key, each message naming the field."""

    code = "invalid_values"

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(_("；").join(errors.values()))


# --- the definition ----------------------------------------------------------------------------------------


def _number(value: Any, label: str, what: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise RuleViolation(_("字段「{label}」的{what}须为数字。").format(label=label, what=what)) from exc
    if not number.is_finite() or abs(number) >= NUMBER_LIMIT:
        raise RuleViolation(_("字段「{label}」的{what}须为数字。").format(label=label, what=what))
    return number


def _field(raw: Mapping[str, Any], index: int) -> dict[str, Any]:
    label = str(raw.get("label") or "").strip()[:60]
    if not label:
        raise RuleViolation(_("第 {n} 个字段缺少名称。").format(n=index))
    key = str(raw.get("key") or "").strip()
    if not KEY.match(key):
        raise RuleViolation(
            _("字段「{label}」的标识须以小写字母开头，只含小写字母、数字和下划线（至多 40 个字符）。").format(
                label=label
            )
        )
    kind = str(raw.get("kind") or "")
    if kind not in FieldKind.values:
        raise RuleViolation(_("字段「{label}」的类型无效。").format(label=label))
    field: dict[str, Any] = {
        "key": key,
        "label": label,
        "kind": kind,
        "required": bool(raw.get("required")),
        "help": str(raw.get("help") or "").strip()[:200],
    }
    if kind in NUMERIC_KINDS:
        low, high = _number(raw.get("min"), label, _("最小值")), _number(raw.get("max"), label, _("最大值"))
        if low is not None and high is not None and low > high:
            raise RuleViolation(_("字段「{label}」的最小值大于最大值。").format(label=label))
        field["min"] = None if low is None else str(low)
        field["max"] = None if high is None else str(high)
    if kind == FieldKind.CHOICE:
        options = [str(o).strip()[:60] for o in raw.get("options") or [] if str(o).strip()]
        if not options:
            raise RuleViolation(_("选项字段「{label}」至少要有一个选项。").format(label=label))
        field["options"] = list(dict.fromkeys(options))
    return field


def _rule(raw: Mapping[str, Any], fields: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    kind = str(raw.get("kind") or "")

    def numeric(key: Any) -> str:
        key = str(key or "")
        if key not in fields:
            raise RuleViolation(_("校验规则引用了不存在的字段「{key}」。").format(key=key))
        if fields[key]["kind"] not in NUMERIC_KINDS:
            raise RuleViolation(_("校验规则只能用于数字字段，「{label}」不是。").format(label=fields[key]["label"]))
        return key

    if kind == RuleKind.LTE:
        left, right = numeric(raw.get("left")), numeric(raw.get("right"))
        if left == right:
            raise RuleViolation(_("「A ≤ B」规则的两个字段不能相同。"))
        return {"kind": kind, "left": left, "right": right}
    if kind == RuleKind.SUM:
        parts = [numeric(k) for k in raw.get("parts") or []]
        total = numeric(raw.get("total"))
        if len(parts) < 2 or total in parts or len(set(parts)) != len(parts):
            raise RuleViolation(_("求和规则须有至少两个不同的加数字段，且合计字段不在其中。"))
        return {"kind": kind, "parts": parts, "total": total}
    raise RuleViolation(_("校验规则的类型无效。"))


def check_definition(
    fields: Sequence[Mapping[str, Any]], rules: Sequence[Mapping[str, Any]] = ()
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The fields and rules normalised, or a ``RuleViolation`` naming the field that is wrong."""
    if not isinstance(fields, list | tuple) or not fields:
        raise RuleViolation(_("模板至少要有一个字段。"))
    if len(fields) > MAX_FIELDS:
        raise RuleViolation(_("模板至多 {n} 个字段。").format(n=MAX_FIELDS))
    if not all(isinstance(f, Mapping) for f in fields) or not all(isinstance(r, Mapping) for r in rules or ()):
        raise RuleViolation(_("字段和规则的格式无效。"))
    cleaned = [_field(raw, i) for i, raw in enumerate(fields, start=1)]
    keys, labels = [f["key"] for f in cleaned], [f["label"] for f in cleaned]
    for seen, what in ((keys, _("标识")), (labels, _("名称"))):
        repeated = sorted({v for v in seen if seen.count(v) > 1})
        if repeated:
            raise RuleViolation(_("字段{what}「{value}」重复。").format(what=what, value=repeated[0]))
    by_key = {f["key"]: f for f in cleaned}
    return cleaned, [_rule(raw, by_key) for raw in rules or ()]


# --- values -----------------------------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _typed(field: Mapping[str, Any], value: Any) -> Any:
    """The value as stored (int, decimal text, text, choice, ISO date); a ``ValueError`` with the message if wrong."""
    label, kind = field["label"], field["kind"]
    if kind == FieldKind.INTEGER:
        try:
            number = Decimal(str(value).strip().replace(",", "")) if not isinstance(value, bool) else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or number != number.to_integral_value():
            raise ValueError(_("「{label}」须为整数。").format(label=label))
        if abs(number) >= NUMBER_LIMIT:
            raise ValueError(_("「{label}」数值过大。").format(label=label))
        return int(number)
    if kind == FieldKind.DECIMAL:
        try:
            number = Decimal(str(value).strip().replace(",", "")) if not isinstance(value, bool) else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise ValueError(_("「{label}」须为数字。").format(label=label))
        if abs(number) >= NUMBER_LIMIT:
            raise ValueError(_("「{label}」数值过大。").format(label=label))
        return str(number.normalize() if number == number.to_integral_value() else number)
    if kind == FieldKind.TEXT:
        text = str(value).strip()
        if len(text) > MAX_TEXT:
            raise ValueError(_("「{label}」不能超过 {n} 字。").format(label=label, n=MAX_TEXT))
        return text
    if kind == FieldKind.CHOICE:
        text = str(value).strip()
        if text not in field.get("options", []):
            options = _("、").join(field.get("options", []))
            raise ValueError(_("「{label}」须为以下选项之一：{options}。").format(label=label, options=options))
        return text
    if kind == FieldKind.DATE:
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        try:
            return dt.date.fromisoformat(str(value).strip()).isoformat()
        except ValueError as exc:
            raise ValueError(_("「{label}」须为日期（如 2026-11-30）。").format(label=label)) from exc
    # FILE: the ids of the submission's stored files
    ids = value if isinstance(value, list) else [value]
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise ValueError(_("「{label}」的附件无效。").format(label=label))
    return ids


def as_decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _limits(field: Mapping[str, Any], value: Any) -> str | None:
    number = as_decimal(value)
    low, high = as_decimal(field.get("min")), as_decimal(field.get("max"))
    if number is None:
        return None
    if low is not None and number < low:
        return _("「{label}」不能小于 {n}。").format(label=field["label"], n=field["min"])
    if high is not None and number > high:
        return _("「{label}」不能大于 {n}。").format(label=field["label"], n=field["max"])
    return None


def _rule_error(
    rule: Mapping[str, Any], by_key: Mapping[str, Mapping[str, Any]], values: Mapping[str, Any]
) -> tuple[str, str] | None:
    if rule["kind"] == RuleKind.LTE:
        left, right = as_decimal(values.get(rule["left"])), as_decimal(values.get(rule["right"]))
        if left is not None and right is not None and left > right:
            a, b = by_key[rule["left"]]["label"], by_key[rule["right"]]["label"]
            return rule["left"], _("「{a}」不能大于「{b}」。").format(a=a, b=b)
        return None
    parts = [as_decimal(values.get(k)) for k in rule["parts"]]
    total = as_decimal(values.get(rule["total"]))
    if total is None or any(p is None for p in parts):
        return None
    if sum(p for p in parts if p is not None) != total:
        names = " + ".join(f"「{by_key[k]['label']}」" for k in rule["parts"])
        label = by_key[rule["total"]]["label"]
        return rule["total"], _("{parts} 应等于「{total}」。").format(parts=names, total=label)
    return None


def clean_values(
    fields: Sequence[Mapping[str, Any]], rules: Sequence[Mapping[str, Any]], raw: Mapping[str, Any], *, full: bool
) -> dict[str, Any]:
    """The values typed by their fields (unknown keys dropped, blanks left out); ``full``: also required, limits and
    rules. A ``ValuesInvalid`` with every error otherwise."""
    if not isinstance(raw, Mapping):
        raise ValuesInvalid({"": _("填报内容格式无效。")})
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in fields:
        key = field["key"]
        value = raw.get(key)
        if _blank(value):
            if full and field["required"]:
                errors[key] = _("「{label}」为必填项。").format(label=field["label"])
            continue
        try:
            values[key] = _typed(field, value)
        except ValueError as exc:
            errors[key] = str(exc)
            continue
        if full and field["kind"] in NUMERIC_KINDS:
            limit = _limits(field, values[key])
            if limit:
                errors[key] = limit
    if full and not errors:
        by_key = {f["key"]: f for f in fields}
        for rule in rules:
            found = _rule_error(rule, by_key, values)
            if found and found[0] not in errors:
                errors[found[0]] = found[1]
    if errors:
        raise ValuesInvalid(errors)
    return values


def shown(field: Mapping[str, Any], value: Any) -> str:
    """A stored value as text for pages and exports."""
    if _blank(value):
        return ""
    if field["kind"] == FieldKind.FILE:
        return _("{n} 个附件").format(n=len(value) if isinstance(value, list) else 1)
    return str(value)
