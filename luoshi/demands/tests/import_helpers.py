"""Helpers for the ticket import tests: rows of the hotline export as CSV or Excel bytes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from typing import Any

from openpyxl import Workbook

from luoshi.demands.imports import HEADERS, ImportResult, import_demands

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
BASE: dict[str, str] = {
    "工单编号": "T0001",
    "受理时间": "2026-03-02 08:00:00",
    "渠道": "12345热线",
    "诉求类别": "物业管理/物业服务",
    "诉求类型": "投诉",
    "是否紧急": "否",
    "诉求内容": "3 号楼电梯停运两周\n物业未维修。",
    "地址": "幸福小区 3 号楼",
    "经度": "116.397128",
    "纬度": "39.916527",
    "联系人": "张三丰",
    "联系电话": "13812341234",
    "承办单位编码": "D001",
    "派单时间": "2026-03-02 09:00:00",
    "签收时间": "2026-03-02 09:30:00",
    "首次联系时间": "2026-03-02 10:00:00",
    "办结时间": "2026-03-05 16:00:00",
    "办理结果": "已解决",
    "办结说明": "已督促物业修复电梯。",
    "回访时间": "2026-03-06 10:00:00",
    "满意度": "满意",
    "归档时间": "2026-03-09 09:00:00",
}
LATER_STEPS = ("派单时间", "签收时间", "首次联系时间", "办结时间", "回访时间", "归档时间")


def local(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=ZONE)


def row(**changes: str) -> dict[str, str]:
    return {**BASE, **changes}


def until(step: str | None, **changes: str) -> dict[str, str]:
    """A row whose last step is ``step`` (None: only received); later steps and their fields are empty."""
    cut = LATER_STEPS.index(step) + 1 if step else 0
    values = row(**changes)
    for name in LATER_STEPS[cut:]:
        values[name] = ""
    if not values["办结时间"]:
        values.update({"办理结果": "", "办结说明": ""})
    if not values["回访时间"]:
        values["满意度"] = ""
    if not values["派单时间"]:
        values["承办单位编码"] = ""
    return values


def csv_bytes(rows: list[dict[str, str]], headers: tuple[str, ...] = HEADERS, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows([[r.get(h, "") for h in headers] for r in rows])
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[dict[str, Any]], headers: tuple[str, ...] = HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for values in rows:
        sheet.append([values.get(h) for h in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(actor: Any, rows: list[dict[str, str]], name: str = "热线.csv", **kw: Any) -> ImportResult:
    data = xlsx_bytes(rows) if name.endswith(".xlsx") else csv_bytes(rows)
    return import_demands(actor, io.BytesIO(data), name, **kw)
