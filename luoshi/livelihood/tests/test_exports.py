"""The project list as Excel: the list's filters, scope, formula-safe cells, figures as numbers, audited."""

from __future__ import annotations

import io

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from luoshi.audit.models import Action, AuditEvent
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.livelihood import exports, services
from luoshi.livelihood.tests import helpers
from luoshi.testing.twofactor import verified_login
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


def rows_of(content: bytes) -> list[tuple[object, ...]]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_the_export_holds_the_users_projects_with_their_figures(world: World) -> None:
    project = helpers.evaluated(world, title='=HYPERLINK("http://x")', budget=500)
    helpers.new_project(world, title="西城项目", unit=world.district_b, actor=world.office_b)
    content, count = exports.export_projects(world.office_a, QueryDict())
    rows = rows_of(content)
    assert count == 1
    header, row = rows[0], rows[1]
    values = dict(zip(header, row, strict=True))
    assert values["项目名称"] == '\'=HYPERLINK("http://x")'
    assert values["编号"] == project.number
    assert values["进度"] == 1.0
    assert values["满意率"] == 0.95
    assert values["投资（万元）"] == 500
    assert values["时间节点"] == "0/0"
    audit = AuditEvent.objects.get(action=Action.EXPORT)
    assert (audit.after or {})["rows"] == 1


def test_the_export_follows_the_filters_and_refuses_bad_ones(world: World) -> None:
    helpers.new_project(world, title="实施中")
    helpers.completed(world, title="已完成")
    content, _count = exports.export_projects(world.office_a, QueryDict("state=completed"))
    assert [r[1] for r in rows_of(content)[1:]] == ["已完成"]
    with pytest.raises(RuleViolation, match="筛选条件有误"):
        exports.export_projects(world.office_a, QueryDict(f"unit={world.district_b.pk}"))
    with pytest.raises(NotAllowed):
        exports.export_projects(world.auditor, QueryDict())


def test_the_export_page_downloads_and_answers_bad_filters_with_400(world: World) -> None:
    client = Client()
    verified_login(client, world.liaison_a)
    helpers.new_project(world)
    answer = client.get(reverse("livelihood:export"))
    assert answer.status_code == 200
    assert "attachment" in answer["Content-Disposition"]
    assert client.get(reverse("livelihood:export"), {"campaign": "1e99"}).status_code == 400
    services.stop_project(world.office_a, helpers.new_project(world, title="停"), reason="调整")
    assert len(rows_of(client.get(reverse("livelihood:export")).getvalue())) == 3
