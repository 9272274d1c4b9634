"""Backup and restore of a Luoshi installation: database, uploaded files, audit checkpoints and keys.

A backup folder holds ``database.sqlite3`` (SQLite online backup) or ``database.dump`` (``pg_dump`` custom
format), ``media/`` (MEDIA_ROOT), ``audit_checkpoints/``, ``keys/`` (mode 0600) and ``manifest.json`` with the
SHA-256 of every other file. Restore checks every hash before it writes anything, and only fills an empty target.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from django.apps import apps
from django.conf import settings
from django.db import connection, connections
from django.test.utils import override_settings
from django.utils.translation import gettext as _

MANIFEST = "manifest.json"
FORMAT = 1
DUMP_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
KEYS_DIR = "keys"
CHECKPOINTS = "audit_checkpoints"
KEY_ENV = {"secret_key": "LUOSHI_SECRET_KEY", "pii_key": "LUOSHI_PII_KEY", "audit_key": "LUOSHI_AUDIT_KEY"}
RETIRED_KEYS = "audit_keys_retired"
COUNTED = {"problems.Problem": "问题", "demands.Demand": "诉求工单", "problems.Evidence": "佐证材料"}


class BackupRefused(Exception):
    """A backup or restore that would be unsafe or incomplete; the message says why, in Chinese."""


@dataclass
class RestoreReport:
    files: int
    counts: dict[str, int] = field(default_factory=dict)
    audit_checked: int = 0
    audit_problem: str = ""
    keys_installed: list[str] = field(default_factory=list)


# --- shared ------------------------------------------------------------------------------------------------


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files(root: Path) -> Iterator[Path]:
    for folder, _dirs, names in os.walk(root):
        for name in sorted(names):
            yield Path(folder) / name


def _has_files(root: Path) -> bool:
    return root.exists() and next(_files(root), None) is not None


def _vendor() -> str:
    if connection.vendor not in DUMP_FILES:
        raise BackupRefused(_("不支持备份 {vendor} 数据库。").format(vendor=connection.vendor))
    return connection.vendor


def _pg_command(program: str) -> tuple[list[str], dict[str, str]]:
    """A PostgreSQL client command line for the default database; the password goes in the environment only."""
    if shutil.which(program) is None:
        raise BackupRefused(_("找不到 PostgreSQL 客户端程序 {program}，请先安装。").format(program=program))
    db = connection.settings_dict
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    if db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = str(db["OPTIONS"]["sslmode"])
    argv = [program]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            argv += [flag, str(db[key])]
    return argv, env


def _run(argv: list[str], env: dict[str, str] | None = None) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupRefused(
            _("{program} 执行失败：{error}").format(program=argv[0], error=done.stderr.strip() or done.returncode)
        )


# --- backup ------------------------------------------------------------------------------------------------


def _dump_sqlite(dest: Path) -> None:
    """A consistent copy of the live SQLite file through SQLite's online backup, readable on its own."""
    source = sqlite3.connect(str(connection.settings_dict["NAME"]), timeout=20)
    with closing(source), closing(sqlite3.connect(str(dest))) as target:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")


def _dump_postgres(dest: Path) -> None:
    argv, env = _pg_command("pg_dump")
    _run([*argv, "--format=custom", "--file", str(dest), "--dbname", str(connection.settings_dict["NAME"])], env)


def _key_texts() -> dict[str, str]:
    """The keys in force now, from the environment or DATA_DIR, by their file name in DATA_DIR."""
    texts = {
        "secret_key": settings.SECRET_KEY,
        "pii_key": settings.LUOSHI_PII_KEY,
        "audit_key": settings.LUOSHI_AUDIT_KEY,
    }
    retired = [*getattr(settings, "LUOSHI_AUDIT_OLD_KEYS", [])]
    retired_file = Path(settings.DATA_DIR) / RETIRED_KEYS
    if retired_file.exists():
        retired += [line.split("#", 1)[0].strip() for line in retired_file.read_text().splitlines()]
    if any(retired):
        texts[RETIRED_KEYS] = "\n".join(k for k in dict.fromkeys(retired) if k)
    return texts


def _write_keys(folder: Path) -> None:
    folder.mkdir(mode=0o700)
    for name, text in _key_texts().items():
        path = folder / name
        path.touch(mode=0o600)
        path.write_text(text.strip() + "\n")


def _copy_tree(source: Path, dest: Path) -> int:
    count = 0
    for path in _files(source):
        target = dest / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        count += 1
    return count


def _version() -> str:
    try:
        return importlib.metadata.version("luoshi")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def make_backup(target: Path) -> dict[str, Any]:
    """Back the installation up into ``target`` (new or empty); the manifest written there is returned."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupRefused(_("备份目录 {path} 已存在且不为空，请指定一个新目录或空目录。").format(path=target))
    vendor = _vendor()
    target.mkdir(parents=True, exist_ok=True)
    target.chmod(0o700)
    dump = target / DUMP_FILES[vendor]
    _dump_sqlite(dump) if vendor == "sqlite" else _dump_postgres(dump)
    _copy_tree(Path(settings.MEDIA_ROOT), target / "media")
    _copy_tree(Path(settings.DATA_DIR) / CHECKPOINTS, target / CHECKPOINTS)
    _write_keys(target / KEYS_DIR)
    hashes = {path.relative_to(target).as_posix(): sha256(path) for path in _files(target)}
    manifest = {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "version": _version(),
        "database": vendor,
        "file_count": len(hashes),
        "files": hashes,
    }
    path = target / MANIFEST
    path.touch(mode=0o600)
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return manifest


# --- restore -----------------------------------------------------------------------------------------------


def verify_backup(source: Path) -> dict[str, Any]:
    """The backup's manifest, once every file it lists has its recorded SHA-256 and no file is unlisted."""
    try:
        manifest = json.loads((source / MANIFEST).read_text())
        listed: dict[str, str] = dict(manifest["files"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupRefused(
            _("{path} 不是有效的备份（清单文件无法读取：{error}）。").format(path=source, error=exc)
        ) from exc
    present = {p.relative_to(source).as_posix() for p in _files(source)} - {MANIFEST}
    missing, unlisted = sorted(set(listed) - present), sorted(present - set(listed))
    if missing:
        raise BackupRefused(_("备份不完整：缺少文件 {name}。").format(name=missing[0]))
    if unlisted:
        raise BackupRefused(_("备份被改动：清单中没有文件 {name}。").format(name=unlisted[0]))
    for name, expected in sorted(listed.items()):
        if sha256(source / name) != expected:
            raise BackupRefused(_("备份被改动：文件 {name} 的校验值与清单不符。").format(name=name))
    return manifest


def _sqlite_path() -> Path:
    return Path(str(connection.settings_dict["NAME"]))


def database_is_empty() -> bool:
    """Whether the target database holds no tables (SQLite: also when its file does not exist yet)."""
    if connection.vendor == "sqlite" and not cast(Any, connection).is_in_memory_db():
        path = _sqlite_path()
        if not path.exists() or path.stat().st_size == 0:
            return True
    return not connection.introspection.table_names()


def _keys_to_install(source: Path, target_has_data: bool) -> dict[str, str]:
    """Backup keys the target lacks; refuses when the target's own keys differ and protect data."""
    install = {}
    for path in sorted((source / KEYS_DIR).iterdir()):
        wanted = path.read_text().strip()
        env = KEY_ENV.get(path.name)
        if env and os.environ.get(env):
            if os.environ[env].strip() != wanted:
                raise BackupRefused(
                    _("环境变量 {env} 中的密钥与备份中的不同：请改为备份中的密钥或取消该变量后再恢复。").format(env=env)
                )
            continue
        current = Path(settings.DATA_DIR) / path.name
        if current.exists() and current.read_text().strip() == wanted:
            continue
        if current.exists() and target_has_data:
            raise BackupRefused(_("目标已有数据，且密钥文件 {path} 与备份中的不同，不能覆盖。").format(path=current))
        install[path.name] = wanted
    return install


def _check_target(vendor: str, force: bool) -> bool:
    """Refuse a target that is not empty (unless forced) or of another vendor; True when it holds data."""
    if connection.vendor != vendor:
        raise BackupRefused(
            _("备份中的数据库是 {backup}，而当前配置的是 {target}。").format(backup=vendor, target=connection.vendor)
        )
    has_data = not database_is_empty() or _has_files(Path(settings.MEDIA_ROOT))
    if has_data and (vendor == "sqlite" or not force):
        hint = "" if vendor == "sqlite" else _("（PostgreSQL 可加 --force 覆盖）")
        raise BackupRefused(_("恢复目标不为空：数据库或上传文件目录中已有数据{hint}。").format(hint=hint))
    return has_data


def _load_sqlite(dump: Path) -> None:
    connections.close_all()
    path = _sqlite_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    partial = path.with_name(path.name + ".restoring")
    shutil.copyfile(dump, partial)
    os.replace(partial, path)


def _load_postgres(dump: Path, force: bool) -> None:
    connections.close_all()
    argv, env = _pg_command("pg_restore")
    argv += ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    argv += ["--clean", "--if-exists"] if force else []
    _run([*argv, "--dbname", str(connection.settings_dict["NAME"]), str(dump)], env)


def _install_keys(keys: dict[str, str]) -> None:
    data_dir = Path(settings.DATA_DIR)
    data_dir.mkdir(parents=True, exist_ok=True)
    for name, text in keys.items():
        path = data_dir / name
        partial = data_dir / f".{name}.restoring"
        partial.unlink(missing_ok=True)
        partial.touch(mode=0o600)
        partial.write_text(text + "\n")
        os.replace(partial, path)


def _restored_counts() -> dict[str, int]:
    return {label: apps.get_model(model).objects.count() for model, label in COUNTED.items()}


def restore_backup(source: Path, *, force: bool = False) -> RestoreReport:
    """Restore a verified backup into this (empty) installation, then check the audit chain under its keys."""
    from luoshi.audit.services import chain_report

    manifest = verify_backup(source)
    vendor = str(manifest.get("database"))
    if vendor not in DUMP_FILES:
        raise BackupRefused(_("备份中的数据库类型 {vendor} 无法识别。").format(vendor=vendor))
    has_data = _check_target(vendor, force)
    keys = _keys_to_install(source, has_data)
    dump = source / DUMP_FILES[vendor]
    _load_sqlite(dump) if vendor == "sqlite" else _load_postgres(dump, force)
    files = _copy_tree(source / "media", Path(settings.MEDIA_ROOT))
    _copy_tree(source / CHECKPOINTS, Path(settings.DATA_DIR) / CHECKPOINTS)
    _install_keys(keys)
    backup_keys = {p.name: p.read_text().strip() for p in (source / KEYS_DIR).iterdir()}
    in_force = {"LUOSHI_AUDIT_KEY": backup_keys["audit_key"], "LUOSHI_PII_KEY": backup_keys["pii_key"]}
    with override_settings(**in_force):
        report = chain_report()
        counts = _restored_counts()
    problem = "" if report.problem is None else str(report.problem)
    return RestoreReport(
        files=files, counts=counts, audit_checked=report.checked, audit_problem=problem, keys_installed=sorted(keys)
    )
