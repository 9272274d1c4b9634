"""``luoshi send_reminders [--date YYYY-MM-DD] [--force]``: run the day's reminder sweep now."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.reminders.services import run_sweep


class Command(BaseCommand):
    help = "发送当天的到期提醒、逾期提醒和逾期升级（每天只发一次，--force 重发）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="YYYY-MM-DD, default today")
        parser.add_argument("--force", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = dt.date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError as exc:
            raise CommandError("--date must be YYYY-MM-DD") from exc
        counts = run_sweep(day, force=options["force"])
        self.stdout.write(", ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "0")
