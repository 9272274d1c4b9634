"""A generated hotline export (热线工单导出) in the import format, for tests, demos and the benchmark.

``write_sample_csv`` writes ``n`` tickets over the 12 months before ``end``, handled by the given units
(or every unit below the root), in every state; the same seed and end give the same file.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from luoshi.demands.imports import HEADERS
from luoshi.demands.models import Category, Company, DemandChannel, Project
from luoshi.orgs.models import Unit

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"
PLACES = ("幸福小区", "锦绣花园", "滨江苑", "翠湖新村", "光明里", "和平街", "长安路", "新华园")
ISSUES = (
    ("小区电梯经常停运，物业维修不及时", "物业管理"),
    ("楼道堆放杂物，存在消防隐患", "物业管理"),
    ("夜间施工噪声扰民，影响休息", "环保"),
    ("公交站台破损，雨天无法候车", "交通"),
    ("孩子入学报名材料咨询", "教育"),
    ("医保报销进度咨询", "医疗卫生"),
    ("路边违章搭建影响通行", "城市管理"),
    ("超市销售过期食品", "市场监管"),
)
KINDS = (("投诉", 40), ("求助", 25), ("咨询", 20), ("建议", 10), ("举报", 5))
# The last step a ticket reached: none (received only) … archived, with weights.
LAST_STEP = ((0, 4), (1, 3), (2, 3), (3, 5), (4, 10), (5, 30), (6, 45))
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


class _Picker:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def weighted(self, options: Sequence[tuple[Any, int]]) -> Any:
        return self.rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]

    def after(self, moment: dt.datetime, low_minutes: int, high_minutes: int) -> dt.datetime:
        return moment + dt.timedelta(minutes=self.rng.randint(low_minutes, high_minutes))


def _categories() -> dict[str, list[str]]:
    """Category paths (上级/分类) by top-level name."""
    paths: dict[str, list[str]] = {}
    for child in Category.objects.filter(parent__isnull=False).select_related("parent").order_by("pk"):
        assert child.parent is not None
        paths.setdefault(child.parent.name, []).append(f"{child.parent.name}/{child.name}")
    return paths


def _units(units: Sequence[Unit] | None) -> list[str]:
    if units is not None:
        return [u.code for u in units]
    return list(Unit.objects.exclude(parent=None).order_by("path").values_list("code", flat=True))


def _projects() -> list[tuple[str, str]]:
    projects = Project.objects.select_related("company").order_by("pk")
    found = [(p.company.credit_code, p.name) for p in projects]
    return found or [(code, "") for code in Company.objects.order_by("pk").values_list("credit_code", flat=True)]


def _steps(pick: _Picker, received: dt.datetime, end: dt.datetime) -> list[dt.datetime | None]:
    """派单 … 归档 times (None for steps not reached); a ticket stops at the step that would pass ``end``."""
    last = pick.weighted(LAST_STEP)
    gaps = ((5, 180), (5, 240), (10, 1800), (60, 12 * 24 * 60), (60, 3 * 24 * 60), (60, 4 * 24 * 60))
    times: list[dt.datetime | None] = []
    moment = received
    for index, (low, high) in enumerate(gaps):
        moment = pick.after(moment, low, high)
        if index >= last or moment >= end or (index == 2 and pick.rng.random() < 0.15):
            times.append(None)
            if index != 2:
                break
            continue
        times.append(moment)
    return times + [None] * (6 - len(times))


def _row(number: str, pick: _Picker, world: dict[str, Any], received: dt.datetime, end: dt.datetime) -> list[str]:
    rng = pick.rng
    issue, top = rng.choice(ISSUES)
    categories = world["categories"].get(top) or world["all_categories"]
    place = rng.choice(PLACES)
    steps = _steps(pick, received, end)
    dispatched, finished, called_back = steps[0], steps[3], steps[4]
    company, project = ("", "")
    if top == "物业管理" and world["projects"] and rng.random() < 0.8:
        company, project = rng.choice(world["projects"])
    values = {
        "工单编号": number,
        "受理时间": received.strftime(TIME_FORMAT),
        "渠道": rng.choice(world["channels"]),
        "诉求类别": rng.choice(categories),
        "诉求类型": pick.weighted(KINDS),
        "是否紧急": "是" if rng.random() < 0.05 else "否",
        "诉求内容": f"{place}{rng.randint(1, 30)}号楼：{issue}，请尽快处理。",
        "地址": f"示范市{place}{rng.randint(1, 30)}号楼",
        "联系人": rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else ""),
        "联系电话": f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}",
        "承办单位编码": rng.choice(world["units"]) if dispatched else "",
        "物业企业": company,
        "项目（小区）": project,
        "办理结果": ("已解决" if rng.random() < 0.85 else "未解决") if finished else "",
        "办结说明": "已联系相关单位处理完毕，群众诉求已答复。" if finished else "",
        "满意度": pick.weighted((("满意", 70), ("基本满意", 20), ("不满意", 10))) if called_back else "",
    }
    names = ("派单时间", "签收时间", "首次联系时间", "办结时间", "回访时间", "归档时间")
    for name, moment in zip(names, steps, strict=True):
        values[name] = moment.strftime(TIME_FORMAT) if moment else ""
    return [values.get(header, "") for header in HEADERS]


def sample_rows(
    n: int, units: Sequence[Unit] | None = None, *, seed: int = 2026, end: dt.date | None = None, prefix: str = "RX"
) -> Iterator[list[str]]:
    """The data rows of ``write_sample_csv``, one list of cells per ticket, in received order."""
    rng = random.Random(seed)  # noqa: S311 - sample data, not a secret
    pick = _Picker(rng)
    last_day = end or dt.date.today().replace(day=1)
    end_moment = dt.datetime.combine(last_day, dt.time())
    start = end_moment - dt.timedelta(days=365)
    categories = _categories()
    world = {
        "categories": categories,
        "all_categories": [p for paths in categories.values() for p in paths] or ["其他"],
        "channels": list(DemandChannel.objects.order_by("order", "pk").values_list("name", flat=True)),
        "units": _units(units),
        "projects": _projects(),
    }
    span = (end_moment - start).total_seconds()
    for index in range(n):
        received = start + dt.timedelta(seconds=int(span * (index + rng.random()) / max(n, 1)))
        yield _row(f"{prefix}{index + 1:010d}", pick, world, received, end_moment)


def write_sample_csv(
    path: Path | str,
    n: int,
    units: Sequence[Unit] | None = None,
    *,
    seed: int = 2026,
    end: dt.date | None = None,
    encoding: str = "utf-8",
    prefix: str = "RX",
) -> int:
    """Write a hotline export of ``n`` tickets to ``path`` (header row first); returns ``n``."""
    with Path(path).open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        writer.writerows(sample_rows(n, units, seed=seed, end=end, prefix=prefix))
    return n
