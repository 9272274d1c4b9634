"""``luoshi demo``: load the demo data (演示数据) into an empty database."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from luoshi.demo.accounts import DEMO_PASSWORD, DEMO_PREFIX
from luoshi.demo.builder import DEFAULT_SEED, DEFAULT_UNITS, build_demo
from luoshi.demo.demands import TICKETS_PER_UNIT
from luoshi.demo.orgtree import MIN_UNITS
from luoshi.orgs.models import Unit


class Command(BaseCommand):
    help = (
        "生成演示数据：虚构的示范市组织架构、各角色演示账号、一个进行中的检视整改活动和近一年的诉求工单（只装入空库）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help=_("库中已有单位时什么也不做"))
        parser.add_argument(
            "--units",
            type=int,
            default=DEFAULT_UNITS,
            help=_("单位数（默认 {default_units}）").format(default_units=DEFAULT_UNITS),
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=_("随机种子，相同种子生成相同数据"))
        parser.add_argument(
            "--demands",
            type=int,
            default=None,
            help=_("近一年诉求工单数（默认每个单位 {per_unit} 件）").format(per_unit=TICKETS_PER_UNIT),
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if Unit.objects.exists():
            if opts["if_empty"]:
                self.stdout.write(_("库中已有组织数据，不再生成演示数据。"))
                return
            raise CommandError(_("库中已有组织数据；演示数据只装入空库（加 --if-empty 可在非空时直接跳过）。"))
        if get_user_model().objects.filter(username__startswith=DEMO_PREFIX).exists():
            raise CommandError(
                _("库中已有 {demo_prefix} 开头的账号，请先删除后再生成演示数据。").format(demo_prefix=DEMO_PREFIX)
            )
        if opts["units"] < MIN_UNITS:
            raise CommandError(_("--units 不能少于 {min_units}。").format(min_units=MIN_UNITS))
        if opts["demands"] is not None and opts["demands"] < 0:
            raise CommandError(_("--demands 不能为负数。"))
        summary = build_demo(units=opts["units"], seed=opts["seed"], demands=opts["demands"])
        self.stdout.write(self.style.SUCCESS("\n".join(summary.lines())))
        self.stdout.write(_("演示账号密码均为 {demo_password}。").format(demo_password=DEMO_PASSWORD))
