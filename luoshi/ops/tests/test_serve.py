"""``luoshi serve`` restarts a dead job worker, stops when the web server dies, and prepares a new data folder."""

from __future__ import annotations

import io
import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from luoshi.core.supervise import Child, Supervisor
from luoshi.ops.management.commands import serve

SLEEPER = [sys.executable, "-c", "import time; time.sleep(30)"]
QUITTER = [sys.executable, "-c", "raise SystemExit(3)"]
MANIFEST_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def wait_for(condition: object, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def start(supervisor: Supervisor) -> tuple[threading.Thread, list[int]]:
    result: list[int] = []
    thread = threading.Thread(target=lambda: result.append(supervisor.run()), daemon=True)
    thread.start()
    assert wait_for(lambda: all(c.proc is not None for c in supervisor.children))
    return thread, result


def test_a_killed_worker_is_restarted_and_stop_ends_every_child() -> None:
    web, worker = Child("web", SLEEPER), Child("worker", SLEEPER, restart=True)
    logged: list[str] = []
    supervisor = Supervisor([web, worker], backoff=0.1, poll=0.05, log=logged.append)
    thread, result = start(supervisor)
    first = worker.proc
    assert first is not None
    os.kill(first.pid, signal.SIGKILL)
    assert wait_for(lambda: worker.proc is not first and worker.exit_code() is None)
    assert any("意外退出" in line for line in logged)
    assert any("已重新启动" in line for line in logged)
    supervisor.request_stop()
    thread.join(timeout=30)
    assert result == [0]
    assert web.exit_code() is not None
    assert worker.exit_code() is not None


def test_a_worker_that_keeps_dying_is_given_up_and_everything_stops() -> None:
    web, worker = Child("web", SLEEPER), Child("worker", QUITTER, restart=True)
    logged: list[str] = []
    supervisor = Supervisor([web, worker], max_restarts=3, backoff=0.05, max_backoff=0.1, poll=0.05, log=logged.append)
    assert supervisor.run() == 1
    assert sum("意外退出" in line for line in logged) == 3
    assert "不再重启" in logged[-1]
    assert web.exit_code() is not None


def test_when_the_web_server_dies_the_worker_is_stopped_and_the_code_is_not_zero() -> None:
    web, worker = Child("web", QUITTER), Child("worker", SLEEPER, restart=True)
    logged: list[str] = []
    assert Supervisor([web, worker], poll=0.05, log=logged.append).run() == 3
    assert worker.exit_code() is not None
    assert "正在停止全部服务" in logged[-1]


@pytest.mark.django_db
def test_serve_collects_static_files_on_a_new_data_folder(tmp_path: Path) -> None:
    err = io.StringIO()
    with override_settings(STATIC_ROOT=tmp_path / "static", STORAGES=MANIFEST_STORAGE):
        assert serve.static_files_missing()
        call_command("serve", "--prepare-only", stdout=io.StringIO(), stderr=err)
        assert (tmp_path / "static" / "staticfiles.json").exists()
        assert not serve.static_files_missing()
        again = io.StringIO()
        call_command("serve", "--prepare-only", stdout=io.StringIO(), stderr=again)
    assert "collectstatic" in err.getvalue()
    assert again.getvalue() == ""


@pytest.mark.django_db
def test_serve_refuses_an_unmigrated_database(monkeypatch: pytest.MonkeyPatch) -> None:
    assert serve.unapplied_migrations() == []
    monkeypatch.setattr(serve, "unapplied_migrations", lambda: ["problems.0042_new"])
    with pytest.raises(CommandError, match="luoshi migrate"):
        call_command("serve", "--prepare-only", stdout=io.StringIO())
