"""The monthly report: its figures against the database, the snapshot, determinism, the command."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import timezone

from luoshi.analysis import charts, services
from luoshi.analysis.models import MonthlySnapshot
from luoshi.analysis.render import (
    CHANGE_HEADER,
    COLLECTION_HEADER,
    DEMAND_HEADER,
    LIVELIHOOD_HEADER,
    LOWEST_HEADER,
    PROBLEM_HEADER,
    RANKING_HEADER,
    TASK_HEADER,
    TOTAL,
)
from luoshi.analysis.tests.data import (
    MONTH,
    build,
    by_name,
    open_docx,
    problem_counts,
    table_with,
    task_counts,
    text_of,
)
from luoshi.audit.models import Action, AuditEvent
from luoshi.collection.models import Submission
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.demands.rates import Period, child_figures, composite_score
from luoshi.testing.problems import new_problem
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


def one_place(share: Fraction) -> Decimal:
    exact = Decimal(share.numerator * 100) / Decimal(share.denominator)
    return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def run(tmp_path: Path, name: str = "report.docx", **options: Any) -> tuple[bytes, str]:
    out = tmp_path / name
    call_command("monthly_report", str(out), **options)
    return out.read_bytes(), hashlib.sha256(out.read_bytes()).hexdigest()


def test_the_command_writes_a_report_whose_tables_are_the_database(world: World, tmp_path: Path) -> None:
    build(world)
    data, _digest = run(tmp_path, campaign=world.campaign.pk, month=MONTH)
    document = open_docx(data)
    text = text_of(document)
    assert "测试主题教育 2026年10月 工作分析报告" in text
    snapshot = MonthlySnapshot.objects.get()
    assert snapshot.month == dt.date(2026, 10, 1)
    assert snapshot.created_by is None
    assert "数据截至" in text
    assert f"{snapshot.taken_at.astimezone().minute:02d}" in text

    problems = by_name(table_with(document, PROBLEM_HEADER))
    for unit in (world.district_a, world.district_b):
        counts = problem_counts(world, unit)
        row = problems[unit.name]
        assert row[1:5] == [str(counts[k]) for k in ("total", "closed", "open", "overdue")]
    assert problems[TOTAL][1] == str(problem_counts(world, world.city)["total"])
    a = problem_counts(world, world.district_a)
    assert problems[world.district_a.name][5] == f"{a['closed'] / a['total'] * 100:.1f}%"
    assert problems[world.district_a.name][6] == "100.0%"  # closed before its deadline
    assert problems[world.district_b.name][5] == "0.0%"
    assert problems[world.district_b.name][6] == "—"

    tasks = by_name(table_with(document, TASK_HEADER))
    for unit in (world.district_a, world.district_b):
        counts = task_counts(world, unit)
        assert tasks[unit.name][1:3] == [str(counts["total"]), str(counts["done"])]
    assert tasks[world.district_a.name][4] == "100.0%"
    assert tasks[world.district_b.name][4] == "0.0%"

    livelihood = by_name(table_with(document, LIVELIHOOD_HEADER))
    assert livelihood[world.district_a.name][1] == "1"
    assert livelihood[world.district_b.name][1] == "0"

    demands = by_name(table_with(document, DEMAND_HEADER))
    for unit, found in child_figures(world.city, Period.month(2026, 10)):
        row = demands[unit.name]
        assert row[1] == str(found.received)
        score = composite_score(found)
        assert row[5] == ("—" if score is None else f"{one_place(score)}%")
    assert demands[world.district_a.name][1] == "2"
    assert demands[world.district_b.name][1] == "1"
    assert demands[world.district_b.name][3] == "0.0%"  # finished unresolved

    lowest = by_name(table_with(document, LOWEST_HEADER))
    assert lowest["销号率"][1].startswith(world.district_b.name)
    assert "本月无报送轮次" in text or "报送轮次" in text
    assert "上月没有生成月度快照" in text


def test_a_stored_snapshot_renders_to_the_same_bytes_every_time(world: World, tmp_path: Path) -> None:
    build(world)
    snapshot = services.generate_report(world.office_city, world.campaign, services.parse_month(MONTH))
    stored = default_storage.open(snapshot.document, "rb").read()
    assert hashlib.sha256(stored).hexdigest() == snapshot.sha256
    again, digest = run(tmp_path, "again.docx", snapshot=snapshot.pk)
    _third, digest3 = run(tmp_path, "third.docx", snapshot=snapshot.pk)
    assert digest == digest3 == snapshot.sha256
    assert again == stored == services.document_bytes(snapshot)
    # Nothing in the package depends on when it was written: every entry and property carries the snapshot time.
    taken = timezone.localtime(snapshot.taken_at)
    stamp = (taken.year, taken.month, taken.day, taken.hour, taken.minute, taken.second // 2 * 2)
    with zipfile.ZipFile(io.BytesIO(again)) as package:
        assert {info.date_time for info in package.infolist()} == {stamp}
    properties = open_docx(again).core_properties
    assert properties.created == properties.modified == snapshot.taken_at
    assert properties.revision == 1


def test_the_document_is_rendered_from_the_snapshot_not_from_the_live_data(world: World, tmp_path: Path) -> None:
    data = build(world)
    snapshot = services.take_snapshot(world.office_city, world.campaign, dt.date(2026, 10, 1))
    new_problem(data.world, unit=world.district_b, actor=world.liaison_b, title="快照之后登记")
    rendered, _digest = run(tmp_path, snapshot=snapshot.pk)
    problems = by_name(table_with(open_docx(rendered), PROBLEM_HEADER))
    assert problems[world.district_b.name][1] == "1"
    fresh, _digest = run(tmp_path, "fresh.docx", campaign=world.campaign.pk, month=MONTH)
    assert by_name(table_with(open_docx(fresh), PROBLEM_HEADER))[world.district_b.name][1] == "2"


def test_the_change_section_compares_with_the_previous_months_snapshot(world: World, tmp_path: Path) -> None:
    build(world)
    september = services.take_snapshot(world.office_city, world.campaign, dt.date(2026, 9, 1))
    new_problem(world, unit=world.district_b, actor=world.liaison_b, title="九月之后登记")
    data, _digest = run(tmp_path, campaign=world.campaign.pk, month=MONTH)
    october = MonthlySnapshot.objects.exclude(pk=september.pk).get()
    assert october.figures["previous"]["snapshot"] == september.pk
    changes = by_name(table_with(open_docx(data), CHANGE_HEADER))
    before = september.figures["headline"]["problems_total"]
    assert changes["问题总数"][1:] == [str(before + 1), str(before), "+1"]
    assert changes["诉求受理量"][1:3] == ["3", "0"]
    assert "与上月快照" in text_of(open_docx(data))


def test_a_snapshot_is_audited_and_only_the_campaigns_office_takes_one(world: World) -> None:
    with pytest.raises(NotAllowed):
        services.take_snapshot(world.office_a, world.campaign, dt.date(2026, 10, 1))
    with pytest.raises(NotAllowed):
        services.request_report(world.liaison_a, world.campaign, dt.date(2026, 10, 1))
    assert not MonthlySnapshot.objects.exists()
    snapshot = services.take_snapshot(world.office_city, world.campaign, dt.date(2026, 10, 1))
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="analysis.monthlysnapshot").count() == 1
    assert snapshot.created_by == world.office_city
    assert services.can_generate(world.office_city, world.campaign)
    assert not services.can_generate(world.office_a, world.campaign)
    assert services.can_download(world.leader_a, world.campaign) is False
    assert services.download_name(snapshot) == "测试主题教育 2026年10月 工作分析报告.docx"


def test_months_in_the_future_or_before_the_campaign_and_bad_text_are_refused(world: World, tmp_path: Path) -> None:
    today = dt.date(2026, 12, 7)
    with pytest.raises(RuleViolation):
        services.check_month(world.campaign, dt.date(2027, 1, 1), today)
    with pytest.raises(RuleViolation):
        services.check_month(world.campaign, dt.date(2025, 12, 1), today)
    assert services.check_month(world.campaign, dt.date(2026, 12, 1), today) == dt.date(2026, 12, 1)
    for text in ("2026/10", "2026-13", "", "十月", "99999999999999999999-1", "2026-10-01"):
        with pytest.raises(RuleViolation):
            services.parse_month(text)
    with pytest.raises(CommandError):
        call_command("monthly_report", str(tmp_path / "x.docx"), campaign=world.campaign.pk, month="2026-13")
    with pytest.raises(CommandError):
        call_command("monthly_report", str(tmp_path / "x.docx"), snapshot=987654)
    with pytest.raises(CommandError):
        call_command(
            "monthly_report", str(tmp_path / "x.docx"), campaign=world.campaign.pk, month=MONTH, user="office_a"
        )
    assert not (tmp_path / "x.docx").exists()


def test_the_command_as_a_named_user_is_scope_checked(world: World, tmp_path: Path) -> None:
    run(tmp_path, campaign=world.campaign.pk, month=MONTH, user="office_city")
    assert MonthlySnapshot.objects.get().created_by == world.office_city


def test_without_a_chinese_font_the_report_fails_with_a_clear_message(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(world)
    snapshot = services.take_snapshot(world.office_city, world.campaign, dt.date(2026, 10, 1))
    monkeypatch.setattr(charts, "CJK_FAMILIES", ("No Such CJK Font",))
    charts.cjk_family.cache_clear()
    try:
        with pytest.raises(charts.NoChineseFont, match="fonts-noto-cjk"):
            services.store_document(snapshot)
    finally:
        charts.cjk_family.cache_clear()
    assert snapshot.document == ""


def test_charts_use_a_cjk_font_and_are_reproducible() -> None:
    assert "CJK" in charts.cjk_family() or "Hei" in charts.cjk_family()
    one = charts.bar_chart("各单位", ["东城区", "西城区"], [("问题", [3, None])])
    two = charts.bar_chart("各单位", ["东城区", "西城区"], [("问题", [3, None])])
    assert one == two
    assert one.startswith(b"\x89PNG")
    assert b"Software" not in one


def test_the_collection_rounds_due_in_the_month_are_reported(world: World, tmp_path: Path) -> None:
    from luoshi.collection.tests.factory import in_state, open_round

    today = timezone.localdate()
    month = f"{today:%Y-%m}"
    data, _digest = run(tmp_path, "none.docx", campaign=world.campaign.pk, month=month)
    assert "本月无报送轮次" in text_of(open_docx(data))
    round_ = open_round(world, deadline=today)
    in_state(world, "submitted", round_=round_)
    data, _digest = run(tmp_path, campaign=world.campaign.pk, month=month)
    rows = table_with(open_docx(data), COLLECTION_HEADER)
    assert len(rows) == 1
    targets = Submission.objects.filter(round=round_).count()
    assert rows[0][2:4] == [str(targets), "1"]
    assert rows[0][7] == str(targets - 1)


def test_the_latest_published_ranking_of_the_month_is_aired(world: World, tmp_path: Path) -> None:
    from luoshi.rankings import periods
    from luoshi.rankings import services as ranking_services
    from luoshi.rankings.tests.helpers import city_scheme, closed_at

    closed_at(world, world.street_a)
    new_problem(world, unit=world.district_b, actor=world.liaison_b, title="西城未销号")
    ranking = ranking_services.publish(world.office_city, city_scheme(world), period=periods.month(2026, 10))
    data, _digest = run(tmp_path, campaign=world.campaign.pk, month=MONTH)
    document = open_docx(data)
    assert f"最近发布的排名：{ranking}" in text_of(document)
    top = table_with(document, RANKING_HEADER)
    assert [row[1] for row in top][:2] == [world.district_a.name, world.district_b.name]
    september, _digest = run(tmp_path, "september.docx", campaign=world.campaign.pk, month="2026-09")
    assert "尚无已发布的排名" in text_of(open_docx(september))
