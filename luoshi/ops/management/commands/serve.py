"""``luoshi serve``: the production WSGI server (gunicorn) and the job worker (huey) together.

Before starting, the database must be migrated (otherwise serve refuses, naming ``luoshi migrate``) and the
static files collected (otherwise serve collects them itself). The worker is restarted when it dies; when the
web server dies, everything stops with a non-zero exit code.
"""

from __future__ import annotations

import signal
import sys
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _

from luoshi.core.supervise import Child, Supervisor


def unapplied_migrations() -> list[str]:
    """Migrations of the default database not yet applied, as ``app.name``."""
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def static_files_missing() -> bool:
    """Whether the manifest static storage lacks its manifest or an entry for a static file the app ships."""
    storage = staticfiles_storage
    if not isinstance(storage, ManifestFilesMixin):
        return False
    if storage.read_manifest() is None:
        return True
    known, _hash = storage.load_manifest()
    ignore = apps.get_app_config("staticfiles").ignore_patterns
    for finder in get_finders():
        for path, source in finder.list(ignore):
            prefix = getattr(source, "prefix", None)
            if (f"{prefix}/{path}" if prefix else path).replace("\\", "/") not in known:
                return True
    return False


class Command(BaseCommand):
    help = "启动 Web 服务（gunicorn）和后台任务进程（huey）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=3)
        parser.add_argument("--no-worker", action="store_true", help=_("不启动后台任务进程"))
        parser.add_argument(
            "--prepare-only", action="store_true", help=_("只做启动前的检查和准备（迁移、静态文件），不启动服务")
        )
        parser.add_argument(
            "--max-restarts", type=int, default=5, help=_("后台任务进程每分钟最多重启的次数，超过则停止全部服务")
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        self.prepare()
        if opts["prepare_only"]:
            self.stdout.write(self.style.SUCCESS(_("启动前检查通过，可以启动服务。")))
            return
        supervisor = Supervisor(self.children(opts), max_restarts=opts["max_restarts"])

        def stop(signum: int, frame: Any) -> None:
            supervisor.request_stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self._print_banner(opts["host"], opts["port"])
        code = supervisor.run()
        if code:
            raise CommandError(_("服务已停止（退出码 {code}）。").format(code=code), returncode=code)

    def prepare(self) -> None:
        """Refuse an unmigrated database; collect the static files when their manifest is missing or stale."""
        pending = unapplied_migrations()
        if pending:
            raise CommandError(
                _("数据库有 {count} 个迁移尚未执行（如 {first}），请先运行 luoshi migrate 再启动服务。").format(
                    count=len(pending), first=pending[0]
                )
            )
        if static_files_missing():
            self.stderr.write(_("静态文件尚未收集或已过期，正在运行 collectstatic……"))
            call_command("collectstatic", interactive=False, verbosity=0)
            self.stderr.write(_("静态文件已收集到 {root}。").format(root=settings.STATIC_ROOT))

    def children(self, opts: dict[str, Any]) -> list[Child]:
        bind = f"{opts['host']}:{opts['port']}"
        web = [sys.executable, "-m", "gunicorn", "luoshi.wsgi:application", "--bind", bind]
        web += ["--workers", str(opts["workers"]), "--threads", "4", "--access-logfile", "-"]
        children = [Child(_("Web 服务（gunicorn）"), web)]
        if not opts["no_worker"] and not settings.HUEY.get("immediate"):
            worker = [sys.executable, "-m", "luoshi.cli", "run_huey", "--quiet"]
            children.append(Child(_("后台任务进程（huey）"), worker, restart=True))
        return children

    def _print_banner(self, host: str, port: int) -> None:
        from luoshi.demo.accounts import demo_accounts_text

        self.stdout.write(
            self.style.SUCCESS(_("\n落实 Luoshi 已启动：http://{host}:{port}/").format(host=host, port=port))
        )
        text = demo_accounts_text()
        if text:
            self.stdout.write(text)
        self.stdout.write(_("按 Ctrl+C 停止。\n"))
