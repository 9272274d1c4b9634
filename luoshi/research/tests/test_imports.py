"""Excel in and out of research: the topic import (all or nothing, errors by row and column), the exports."""

from __future__ import annotations

import io

import pytest
from django.http import QueryDict
from openpyxl import Workbook, load_workbook

from luoshi.audit.models import Action, AuditEvent
from luoshi.core.errors import NotAllowed
from luoshi.research import exports, imports
from luoshi.research.choices import PlanState
from luoshi.research.models import ResearchDirection, ResearchTopic
from luoshi.research.tests.factory import in_state, topic
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
HEADER = ["调研方向", "课题名称", "反面案例", "说明"]


def sheet(*rows: list[object]) -> io.BytesIO:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(HEADER)
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_topics_are_imported_with_new_directions(world: World) -> None:
    services_direction = topic(world).direction
    assert services_direction is not None
    source = sheet(
        [services_direction.name, "迎检过多的成因", "否", ""],
        ["干部作风", "形式主义典型案例剖析", "是", "反面案例"],
        ["干部作风", "【示例】跳过", "", ""],
        ["干部作风", "基层干部担当作为", "", "说明"],
    )
    ids = imports.import_topics(world.office_city, world.campaign, source, "课题.xlsx")
    made = ResearchTopic.objects.filter(pk__in=ids).order_by("id")
    assert [(t.title, t.is_counter_example, t.direction.name if t.direction else "") for t in made] == [
        ("迎检过多的成因", False, services_direction.name),
        ("形式主义典型案例剖析", True, "干部作风"),
        ("基层干部担当作为", False, "干部作风"),
    ]
    assert ResearchDirection.objects.filter(campaign=world.campaign, name="干部作风").count() == 1
    assert AuditEvent.objects.filter(action=Action.IMPORT, detail__contains="课题 3 个").exists()


def test_a_file_with_errors_imports_nothing_and_names_each_row_and_column(world: World) -> None:
    existing = topic(world)
    source = sheet(
        ["基层减负", "好课题", "是", ""],
        ["", existing.title, "也许", ""],
        ["基层减负", "好课题", "否", ""],
        ["基层减负", "", "", ""],
    )
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_topics(world.office_city, world.campaign, source, "课题.xlsx")
    errors = {(e.row, e.column) for e in rejected.value.errors}
    assert errors == {(3, "调研方向"), (3, "课题名称"), (3, "反面案例"), (4, "课题名称"), (5, "课题名称")}
    assert "4 处错误" in str(rejected.value) or "5 处错误" in str(rejected.value)
    assert ResearchTopic.objects.count() == 1
    assert not ResearchDirection.objects.filter(name="基层减负").exists()
    with pytest.raises(NotAllowed):
        imports.import_topics(world.office_a, world.campaign, sheet(["方向", "课题", "", ""]), "课题.xlsx")
    broken = imports.import_topics
    with pytest.raises(imports.ImportRejected):
        broken(world.office_city, world.campaign, io.BytesIO(b"not a workbook"), "x.xlsx")


def test_the_template_and_the_topic_export_read_back(world: World) -> None:
    buffer = io.BytesIO()
    imports.build_template(world.campaign, buffer)
    buffer.seek(0)
    assert load_workbook(buffer).active["A1"].value.startswith("调研方向")
    made = topic(world, counter=True)
    ResearchTopic.objects.filter(pk=made.pk).update(title="=HYPERLINK(1)")
    book = load_workbook(io.BytesIO(exports.topics_workbook(world.office_a, world.campaign)))
    rows = list(book.active.iter_rows(min_row=2, values_only=True))
    assert rows[0][1] != "=HYPERLINK(1)"
    assert rows[0][1].endswith("=HYPERLINK(1)")
    assert rows[0][2] == "是"


def test_the_plan_export_follows_the_filters_and_the_scope(world: World) -> None:
    mine = in_state(world, PlanState.SUBMITTED)
    in_state(world, PlanState.DRAFT)
    content, count = exports.plans_workbook(world.office_a, QueryDict("state=submitted"))
    assert count == 1
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(min_row=2, values_only=True))
    assert rows[0][0] == mine.pk
    assert rows[0][5] == mine.title
    assert exports.plans_workbook(world.office_b, QueryDict())[1] == 0
    with pytest.raises(Exception, match="活动"):
        exports.plans_workbook(world.office_a, QueryDict("campaign=abc"))
