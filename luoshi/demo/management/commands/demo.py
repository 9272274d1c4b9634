"""``luoshi demo``: load the demo data (演示数据) into an empty database."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.core.demo_accounts import DEMO_PASSWORD, DEMO_PREFIX
from luoshi.demo.builder import DEFAULT_SEED, DEFAULT_UNITS, build_demo
from luoshi.demo.orgtree import MIN_UNITS
from luoshi.orgs.models import Unit


class Command(BaseCommand):
    help = "生成演示数据：虚构的示范市组织架构、各角色演示账号和一个进行中的检视整改活动（只装入空库）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="库中已有单位时什么也不做")
        parser.add_argument("--units", type=int, default=DEFAULT_UNITS, help=f"单位数（默认 {DEFAULT_UNITS}）")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子，相同种子生成相同数据")

    def handle(self, *args: Any, **opts: Any) -> None:
        if Unit.objects.exists():
            if opts["if_empty"]:
                self.stdout.write("库中已有组织数据，不再生成演示数据。")
                return
            raise CommandError("库中已有组织数据；演示数据只装入空库（加 --if-empty 可在非空时直接跳过）。")
        if get_user_model().objects.filter(username__startswith=DEMO_PREFIX).exists():
            raise CommandError(f"库中已有 {DEMO_PREFIX} 开头的账号，请先删除后再生成演示数据。")
        if opts["units"] < MIN_UNITS:
            raise CommandError(f"--units 不能少于 {MIN_UNITS}。")
        summary = build_demo(units=opts["units"], seed=opts["seed"])
        self.stdout.write(self.style.SUCCESS("\n".join(summary.lines())))
        self.stdout.write(f"演示账号密码均为 {DEMO_PASSWORD}。")
