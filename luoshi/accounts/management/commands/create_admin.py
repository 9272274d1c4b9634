"""``luoshi create_admin USERNAME --unit CODE --role security_admin``: bootstrap the first admin accounts."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from luoshi.access.roles import Role
from luoshi.accounts import services
from luoshi.accounts.models import User
from luoshi.core.errors import RuleViolation
from luoshi.orgs.models import Unit

PASSWORD_ENV = "LUOSHI_ADMIN_PASSWORD"  # noqa: S105 (the name of the variable, not a password)


class Command(BaseCommand):
    help = (
        "新建账号（若不存在）并在单位上授予角色，用于开通第一个安全管理员或审计员。"
        f"密码取自 --password-file、环境变量 {PASSWORD_ENV}，或交互输入。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--unit", required=True, help=_("单位代码"))
        parser.add_argument("--role", default=Role.SECURITY_ADMIN, choices=Role.values)
        parser.add_argument("--password-file", type=Path, help=_("从文件第一行读取密码"))

    def handle(self, *args: Any, **opts: Any) -> None:
        unit = Unit.objects.filter(code=opts["unit"]).first()
        if unit is None:
            raise CommandError(_("单位代码 {unit} 不存在。").format(unit=opts["unit"]))
        username: str = opts["username"]
        exists = User.objects.filter(username=username).exists()
        password = None if exists else self._password(opts["password_file"])
        try:
            user = services.bootstrap_account(username, unit, opts["role"], password, operator=_operator())
        except RuleViolation as exc:
            raise CommandError(str(exc)) from exc
        note = _("（已有账号，密码未改动）") if exists else ""
        self.stdout.write(
            self.style.SUCCESS(
                _("已在「{unit}」授予 {username} 「{role}」角色{note}。").format(
                    unit=unit, username=user.username, role=Role(opts["role"]).label, note=note
                )
            )
        )

    def _password(self, path: Path | None) -> str:
        if path is not None:
            try:
                return path.read_text(encoding="utf-8").splitlines()[0]
            except (OSError, IndexError) as exc:
                raise CommandError(_("无法从 {path} 读取密码。").format(path=path)) from exc
        if os.environ.get(PASSWORD_ENV):
            return os.environ[PASSWORD_ENV]
        if not sys.stdin.isatty():
            raise CommandError(
                _("请用 --password-file 或环境变量 {password_env} 提供密码。").format(password_env=PASSWORD_ENV)
            )
        first = getpass.getpass(_("密码："))
        if first != getpass.getpass(_("再次输入密码：")):
            raise CommandError(_("两次输入的密码不一致。"))
        return first


def _operator() -> str:
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "?"
    return f"命令行:{who}"[:150]
