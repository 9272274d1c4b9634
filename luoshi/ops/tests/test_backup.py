"""``luoshi backup`` and ``luoshi restore``: a full round trip into an empty installation, and the refusals.

The round trip runs the real commands as separate processes on their own data folders (and, when the suite
runs on PostgreSQL, on their own databases), because the test database lives only inside this process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from luoshi.ops import backup

# the module builds one source site: its tests share a worker (``--dist loadgroup``) so it is built once
pytestmark = pytest.mark.xdist_group("backup")

SNAPSHOT = """
import hashlib, json
from luoshi.core.crypto import decrypt
from luoshi.demands.models import Demand
from luoshi.problems.models import Evidence, Problem
files = []
for evidence in Evidence.objects.order_by("id"):
    with evidence.file.open("rb") as handle:
        files.append([evidence.file.name, hashlib.sha256(handle.read()).hexdigest()])
demands = [[d.id, d.title, decrypt(d.citizen_name_enc)] for d in Demand.objects.order_by("id")]
problems = list(Problem.objects.order_by("id").values_list("id", "title", "state"))
print(json.dumps({"problems": problems, "demands": demands, "files": files}, ensure_ascii=False))
"""


def postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def luoshi(data_dir: Path, database_url: str | None, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``luoshi ARGS`` with production settings on its own data folder (and database)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUOSHI_") and k != "DATABASE_URL"}
    env |= {"DJANGO_SETTINGS_MODULE": "luoshi.settings", "LUOSHI_DATA_DIR": str(data_dir), "LUOSHI_JOBS": "immediate"}
    if database_url:
        env["DATABASE_URL"] = database_url
    argv = [sys.executable, "-m", "luoshi.cli", *args]
    # a demo build on PostgreSQL takes minutes on a busy two-core machine: the limit only stops a hung command
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


@pytest.fixture(scope="module")
def databases() -> Iterator[tuple[str | None, str | None]]:
    """Source and target database URLs: fresh PostgreSQL databases when the suite runs on PostgreSQL."""
    url = postgres_url()
    if url is None:
        yield None, None
        return
    import psycopg

    base = f"{dj_database_url.parse(url)['NAME']}_backup_{os.getpid()}"
    names = [f"{base}_src", f"{base}_dst"]
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
    yield with_database(url, names[0]), with_database(url, names[1])
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory, databases: tuple[str | None, str | None]) -> Path:
    """An installation with demo data: problems with evidence files, demands with encrypted names, audit log."""
    data = tmp_path_factory.mktemp("source")
    ok(luoshi(data, databases[0], "migrate", "--noinput", "-v", "0"))
    ok(luoshi(data, databases[0], "demo", "--units", "100", "--demands", "20"))
    return data


@pytest.fixture(scope="module")
def made_backup(
    source: Path, databases: tuple[str | None, str | None], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    folder = tmp_path_factory.mktemp("backups") / "nightly"
    done = luoshi(source, databases[0], "backup", str(folder))
    assert "备份已写入" in ok(done)
    assert "含有系统密钥" in done.stderr
    return folder


def test_backup_holds_the_database_files_and_keys_with_their_hashes(made_backup: Path, source: Path) -> None:
    manifest = json.loads((made_backup / "manifest.json").read_text())
    vendor = "postgresql" if postgres_url() else "sqlite"
    assert manifest["database"] == vendor
    assert manifest["version"]
    assert manifest["file_count"] == len(manifest["files"])
    media = sorted(p.relative_to(source).as_posix() for p in (source / "media").rglob("*") if p.is_file())
    assert media
    assert set(media) <= set(manifest["files"])
    for name in ("secret_key", "pii_key", "audit_key"):
        key = made_backup / "keys" / name
        assert key.stat().st_mode & 0o777 == 0o600
        assert key.read_text().strip() == (source / name).read_text().strip()
    assert backup.sha256(made_backup / backup.DUMP_FILES[vendor]) == manifest["files"][backup.DUMP_FILES[vendor]]


def test_restore_into_an_empty_installation_brings_back_everything(
    made_backup: Path, source: Path, databases: tuple[str | None, str | None], tmp_path: Path
) -> None:
    target = tmp_path / "restored"
    out = ok(luoshi(target, databases[1], "restore", str(made_backup)))
    assert "审计日志完整" in out
    assert "已从备份写入密钥文件" in out
    before = json.loads(ok(luoshi(source, databases[0], "shell", "-v", "0", "-c", SNAPSHOT)))
    after = json.loads(ok(luoshi(target, databases[1], "shell", "-v", "0", "-c", SNAPSHOT)))
    assert before["problems"]
    assert before["demands"]
    assert before["files"]
    assert after == before
    for name in ("pii_key", "audit_key", "secret_key"):
        assert (target / name).read_text().strip() == (source / name).read_text().strip()
    assert "审计日志完整" in ok(luoshi(target, databases[1], "verify_audit"))
    again = luoshi(target, databases[1], "restore", str(made_backup))
    assert again.returncode != 0
    assert "恢复目标不为空" in again.stderr


def test_restore_refuses_a_tampered_backup_naming_the_file(made_backup: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(made_backup, copy)
    photo = next(p for p in (copy / "media").rglob("*") if p.is_file())
    photo.write_bytes(photo.read_bytes() + b"x")
    with pytest.raises(CommandError, match=photo.name):
        call_command("restore", str(copy))
    photo.unlink()
    with pytest.raises(CommandError, match="缺少文件"):
        call_command("restore", str(copy))
    shutil.rmtree(copy)
    shutil.copytree(made_backup, copy)
    (copy / "extra.txt").write_text("x")
    with pytest.raises(CommandError, match=r"extra\.txt"):
        call_command("restore", str(copy))


@pytest.mark.django_db
def test_restore_refuses_when_the_environment_holds_another_key(
    made_backup: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backup, "database_is_empty", lambda: True)
    monkeypatch.setenv("LUOSHI_PII_KEY", "00" * 32)
    with override_settings(MEDIA_ROOT=tmp_path / "media"), pytest.raises(CommandError, match="LUOSHI_PII_KEY"):
        call_command("restore", str(made_backup))
    assert not (tmp_path / "media").exists()


@pytest.mark.django_db
def test_backup_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_text("x")
    with pytest.raises(CommandError, match="不为空"):
        call_command("backup", str(tmp_path))
    assert backup.database_is_empty() is False
