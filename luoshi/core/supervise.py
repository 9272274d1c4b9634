"""Process supervision for ``luoshi serve``: the web server must stay up, the job worker is restarted.

A child marked ``restart`` (the huey worker) that dies is started again after a short back-off, at most
``max_restarts`` times a minute; past that the supervisor gives up and stops everything. Any other child (the
web server) that ends stops the whole service with a non-zero exit code.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

RESTART_WINDOW_SECONDS = 60.0
STOP_GRACE_SECONDS = 20.0


@dataclass
class Child:
    """One supervised process: a display name, its command line, and whether it is restarted when it dies."""

    name: str
    argv: Sequence[str]
    restart: bool = False
    proc: subprocess.Popen[bytes] | None = None
    restarts: deque[float] = field(default_factory=deque)
    restart_at: float | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(list(self.argv))  # noqa: S603 - our own fixed command lines
        self.restart_at = None

    def exit_code(self) -> int | None:
        return None if self.proc is None else self.proc.poll()


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Supervisor:
    """Starts the children, restarts the restartable ones, and stops them all on request or failure."""

    def __init__(
        self,
        children: Sequence[Child],
        *,
        max_restarts: int = 5,
        backoff: float = 1.0,
        max_backoff: float = 10.0,
        poll: float = 0.2,
        log: Callable[[str], None] = _stderr,
    ) -> None:
        self.children = list(children)
        self.max_restarts = max_restarts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.poll = poll
        self.log = log
        self._stop = threading.Event()

    def request_stop(self) -> None:
        """Ask the running loop to stop every child and return (safe from a signal handler or another thread)."""
        self._stop.set()

    def run(self) -> int:
        """Start every child and watch them; the exit code is 0 after ``request_stop``, non-zero on failure."""
        for child in self.children:
            child.start()
        try:
            while not self._stop.wait(self.poll):
                failure = self._check()
                if failure is not None:
                    return failure
            return 0
        finally:
            self.stop_all()

    def _check(self) -> int | None:
        now = time.monotonic()
        for child in self.children:
            code = child.exit_code()
            if child.restart_at is not None:
                if now >= child.restart_at:
                    child.start()
                    self.log(_("{name}已重新启动（进程号 {pid}）。").format(name=child.name, pid=child.proc.pid))  # type: ignore[union-attr]
            elif code is not None:
                failure = self._died(child, code, now)
                if failure is not None:
                    return failure
        return None

    def _died(self, child: Child, code: int, now: float) -> int | None:
        if not child.restart:
            self.log(_("{name}已退出（退出码 {code}），正在停止全部服务。").format(name=child.name, code=code))
            return code if code > 0 else 1  # killed by a signal (negative) or a clean exit still means failure
        while child.restarts and now - child.restarts[0] > RESTART_WINDOW_SECONDS:
            child.restarts.popleft()
        if len(child.restarts) >= self.max_restarts:
            self.log(
                _("{name}在一分钟内已退出 {count} 次，不再重启，正在停止全部服务。请查看上面的日志找出原因。").format(
                    name=child.name, count=len(child.restarts) + 1
                )
            )
            return 1
        child.restarts.append(now)
        delay = min(self.backoff * 2 ** (len(child.restarts) - 1), self.max_backoff)
        child.restart_at = now + delay
        message = _("{name}意外退出（退出码 {code}），{delay:.1f} 秒后重新启动。")
        self.log(message.format(name=child.name, code=code, delay=delay))
        return None

    def stop_all(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """Terminate every running child, and kill those still running after ``grace`` seconds."""
        running = [c.proc for c in self.children if c.proc is not None and c.proc.poll() is None]
        for proc in running:
            proc.terminate()
        deadline = time.monotonic() + grace
        for proc in running:
            try:
                proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
