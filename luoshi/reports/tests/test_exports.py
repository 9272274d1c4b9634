"""Excel export of a campaign's figures: one row per figure, Chinese headers, only the user's scope, audited."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from luoshi.audit.models import AuditEvent
from luoshi.reports import exports, services
from luoshi.reports.tests.helpers import upload
from luoshi.testing.twofactor import verified_login

pytestmark = pytest.mark.django_db
HEADERS = ("单位", "报告", "主题", "数值", "上限", "计量单位", "约数", "变化", "原句")


def rows_of(data: bytes) -> list[tuple]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    rows = [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    book.close()
    return rows


@pytest.fixture
def reports(world):
    east = upload(world, "整改措施63项，用时2—3天。同比下降64.9%。", title="东城简报")
    west = upload(world, "征集意见建议1.2万余条。", actor=world.liaison_b, unit=world.district_b, title="西城简报")
    return east, west


def test_export_page_gives_one_row_per_figure(client, world, reports) -> None:
    east, _west = reports
    wrong = east.figures.get(unit="天")
    services.correct_figure(world.liaison_a, wrong, wrong.version, excluded=True)
    verified_login(client, world.office_city)
    response = client.get(reverse("reports:export"), {"campaign": world.campaign.pk})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = rows_of(b"".join(response.streaming_content))
    assert rows[0] == HEADERS
    assert rows[1:] == [
        ("东城区", "东城简报", rows[1][2], 63, None, "项", "确数", None, "整改措施63项，用时2—3天。"),
        ("东城区", "东城简报", rows[2][2], 64.9, None, "%", "确数", "下降", "同比下降64.9%。"),
        ("西城区", "西城简报", rows[3][2], 12000, None, "条", "以上/余/多", None, "征集意见建议1.2万余条。"),
    ]
    event = AuditEvent.objects.get(action="export", object_type="reports.figure")
    assert (event.actor, event.after) == (world.office_city, {"campaign": world.campaign.pk, "rows": 3})


def test_district_exports_only_its_own_reports(world, reports) -> None:
    target = io.BytesIO()
    count = exports.export_for_user(world.leader_b, world.campaign, target)
    rows = rows_of(target.getvalue())
    assert count == 1
    assert [row[1] for row in rows[1:]] == ["西城简报"]


def test_range_and_corrected_values_are_exported(world, reports) -> None:
    east, _west = reports
    days = east.figures.get(unit="天")
    services.correct_figure(world.office_a, days, days.version, value=2, value_max=4, subject="办理时限")
    target = io.BytesIO()
    exports.export_for_user(world.office_a, world.campaign, target)
    row = next(r for r in rows_of(target.getvalue()) if r[5] == "天")
    assert row[2:6] == ("办理时限", 2, 4, "天")


def test_export_of_a_campaign_out_of_sight_is_404(client, world) -> None:
    from luoshi.campaigns.models import Campaign

    hidden = Campaign.objects.create(
        name="西城专项", unit=world.district_b, starts_on=world.campaign.starts_on, ends_on=world.campaign.ends_on
    )
    verified_login(client, world.office_a)
    assert client.get(reverse("reports:export"), {"campaign": hidden.pk}).status_code == 404
    assert client.get(reverse("reports:export")).status_code == 404
