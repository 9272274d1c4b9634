"""``luoshi refresh_lights [--date YYYY-MM-DD]``: the overdue sweep by hand (also run daily by the worker)."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from luoshi.jobs.models import JobStatus
from luoshi.problems.tasks import run_refresh_lights


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(_("日期「{value}」格式不对，应为 YYYY-MM-DD").format(value=value)) from exc


class Command(BaseCommand):
    help = "重新计算所有未销号问题的超期预警（红黄绿灯），并记录一条后台任务"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=_date, default=None, help=_("按该日期计算（YYYY-MM-DD），默认今天"))

    def handle(self, *args: Any, **options: Any) -> None:
        job = run_refresh_lights(options["date"])
        if job.status != JobStatus.SUCCEEDED:
            raise CommandError(_("刷新预警失败（任务 #{pk}）：{log}").format(pk=job.pk, log=job.log.strip()))
        result = job.result or {}
        self.stdout.write(
            self.style.SUCCESS(
                _("已按 {date} 刷新预警：转为红灯 {red} 个，黄灯 {yellow} 个，绿灯 {green} 个（任务 #{pk}）。").format(
                    date=result["date"], red=result["red"], yellow=result["yellow"], green=result["green"], pk=job.pk
                )
            )
        )
