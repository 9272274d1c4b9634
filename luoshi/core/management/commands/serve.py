"""``luoshi serve``: the production WSGI server (gunicorn) and the job worker (huey) together."""

from __future__ import annotations

import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "启动 Web 服务（gunicorn）和后台任务进程（huey）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=3)
        parser.add_argument("--no-worker", action="store_true", help=_("不启动后台任务进程"))

    def handle(self, *args: Any, **opts: Any) -> None:
        bind = f"{opts['host']}:{opts['port']}"
        web = [sys.executable, "-m", "gunicorn", "luoshi.wsgi:application", "--bind", bind]
        web += ["--workers", str(opts["workers"]), "--threads", "4", "--access-logfile", "-"]
        procs = [subprocess.Popen(web)]  # noqa: S603
        if not opts["no_worker"] and not settings.HUEY.get("immediate"):
            worker = [sys.executable, "-m", "luoshi.cli", "run_huey", "--quiet"]
            procs.append(subprocess.Popen(worker))  # noqa: S603
        self._print_banner(opts["host"], opts["port"])

        def stop(signum: int, frame: Any) -> None:
            for proc in procs:
                proc.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        for proc in procs:
            proc.wait()

    def _print_banner(self, host: str, port: int) -> None:
        from luoshi.core.demo_accounts import demo_accounts_text

        self.stdout.write(
            self.style.SUCCESS(_("\n落实 Luoshi 已启动：http://{host}:{port}/").format(host=host, port=port))
        )
        text = demo_accounts_text()
        if text:
            self.stdout.write(text)
        self.stdout.write(_("按 Ctrl+C 停止。\n"))
