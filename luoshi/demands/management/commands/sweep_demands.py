"""``luoshi sweep_demands``: the breach sweep by hand (the worker also runs it every 10 minutes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from luoshi.demands.tasks import run_sweep
from luoshi.jobs.models import JobStatus


class Command(BaseCommand):
    help = "标记超过签收、联系群众、办结时限的诉求工单，办结超时的自动督办，并记录一条后台任务"

    def handle(self, *args: Any, **options: Any) -> None:
        job = run_sweep()
        if job.status != JobStatus.SUCCEEDED:
            raise CommandError(_("超时预警失败（任务 #{pk}）：{log}").format(pk=job.pk, log=job.log.strip()))
        counts = job.result or {}
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "签收超时 {sign} 件，联系群众超时 {respond} 件，办结超时 {resolve} 件，"
                    "自动督办 {escalated} 件（任务 #{pk}）。"
                ).format(pk=job.pk, **counts)
            )
        )
