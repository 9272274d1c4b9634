"""The breach sweep every 10 minutes: its schedule, its Job row, and the command; plus default data."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from luoshi.demands.models import Category, Demand, DemandChannel
from luoshi.demands.tasks import JOB_KIND, run_sweep, sweep_breaches_periodically
from luoshi.demands.tests.lifecycle import dispatched
from luoshi.jobs.models import Job, JobStatus
from luoshi.testing.world import World

SH = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(("minute", "due"), [(0, True), (10, True), (50, True), (5, False), (11, False)])
def test_the_sweep_runs_every_ten_minutes(minute: int, due: bool) -> None:
    assert sweep_breaches_periodically.s().validate_datetime(dt.datetime(2026, 3, 6, 3, minute)) is due


@pytest.mark.django_db
def test_the_periodic_task_records_a_job_with_the_counts(world: World) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 6, 10, tzinfo=SH), tick=False):
        demand = dispatched(world)
    with time_machine.travel(dt.datetime(2026, 3, 6, 12, 10, tzinfo=SH), tick=False):
        sweep_breaches_periodically.call_local()
    job = Job.objects.get(kind=JOB_KIND)
    assert job.status == JobStatus.SUCCEEDED
    assert job.result == {"sign": 1, "respond": 0, "resolve": 0, "escalated": 0}
    assert "签收超时 1 件" in job.log
    assert Demand.objects.get(pk=demand.pk).events.filter(kind="breached").count() == 1


@pytest.mark.django_db
def test_run_sweep_takes_a_moment(world: World) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 6, 10, tzinfo=SH), tick=False):
        dispatched(world)
    job = run_sweep(dt.datetime(2026, 3, 20, 10, tzinfo=SH))
    assert job.result == {"sign": 1, "respond": 1, "resolve": 1, "escalated": 1}


@pytest.mark.django_db
def test_the_command_sweeps_and_reports(world: World) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 6, 10, tzinfo=SH), tick=False):
        dispatched(world)
    out = StringIO()
    with time_machine.travel(dt.datetime(2026, 3, 7, 11, tzinfo=SH), tick=False):
        call_command("sweep_demands", stdout=out)
    assert "签收超时 1 件，联系群众超时 1 件，办结超时 0 件" in out.getvalue()
    assert Job.objects.filter(kind=JOB_KIND, status=JobStatus.SUCCEEDED).count() == 1


@pytest.mark.django_db
def test_default_channels_and_category_tree_are_installed() -> None:
    names = set(DemandChannel.objects.values_list("name", flat=True))
    assert {"12345热线", "网站", "移动应用", "来信", "下访接访", "电视问政"} <= names
    roots = set(Category.objects.filter(parent=None).values_list("name", flat=True))
    assert {"物业管理", "住房", "交通", "环保", "教育", "医疗卫生", "市场监管", "城市管理", "社会保障", "其他"} <= roots
    assert Category.objects.filter(name="物业服务", parent__name="物业管理").exists()
