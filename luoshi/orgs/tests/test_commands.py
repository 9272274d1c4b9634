"""``luoshi import_units`` and ``luoshi export_units``."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from luoshi.audit.models import Action, AuditEvent
from luoshi.orgs.imports import HEADERS
from luoshi.orgs.models import Unit
from luoshi.orgs.tests.sheets import sheet_rows, xlsx_bytes


def test_import_command_builds_the_tree_as_the_system(db, tmp_path, capsys):
    source = tmp_path / "tree.xlsx"
    source.write_bytes(
        xlsx_bytes(
            [["C2", "区", "县市区", "C1", 4, ""], ["C1", "市", "党委", "", 1, ""], ["C3", "市二", "党委", "", 0, ""]]
        )
    )
    call_command("import_units", str(source))
    assert "新建 3 个单位" in capsys.readouterr().out
    assert list(Unit.objects.order_by("path").values_list("code", "path")) == [
        ("C1", "00001."),
        ("C2", "00001.00001."),
        ("C3", "00002."),
    ]
    event = AuditEvent.objects.get(action=Action.IMPORT)
    assert (event.actor, event.actor_name, (event.after or {})["file"]) == (None, "系统", "tree.xlsx")


def test_import_command_lists_errors_and_writes_nothing(world, tmp_path, capsys):
    source = tmp_path / "bad.xlsx"
    source.write_bytes(xlsx_bytes([["V1", "一村", "村社区", "NOPE", 1, ""], ["V2", "", "村社区", "S001", 1, ""]]))
    with pytest.raises(CommandError, match="发现 2 处错误"):
        call_command("import_units", str(source))
    err = capsys.readouterr().err
    assert "第 2 行「上级单位代码」" in err
    assert "第 3 行「单位名称」：单位名称不能为空" in err
    assert not Unit.objects.filter(code__in=["V1", "V2"]).exists()


def test_import_command_refuses_a_file_that_is_not_xlsx(db, tmp_path):
    source = tmp_path / "tree.xlsx"
    source.write_text("not a workbook")
    with pytest.raises(CommandError, match="不符"):
        call_command("import_units", str(source))
    with pytest.raises(CommandError, match="不存在"):
        call_command("import_units", str(tmp_path / "missing.xlsx"))


def test_export_command_whole_tree_and_subtree(world, tmp_path):
    everything = tmp_path / "all.xlsx"
    call_command("export_units", str(everything))
    assert [r[0] for r in sheet_rows(everything.read_bytes())] == ["单位代码", "C000", "D001", "S001", "D002"]
    part = tmp_path / "part.xlsx"
    call_command("export_units", str(part), "--unit", "D001")
    assert sheet_rows(part.read_bytes()) == [
        HEADERS,
        ("D001", "东城区", "县市区", "C000", 0, None),
        ("S001", "东城街道", "乡镇街道", "D001", 0, None),
    ]
    assert AuditEvent.objects.filter(action=Action.EXPORT, actor_name="系统").count() == 2
    with pytest.raises(CommandError, match="NOPE"):
        call_command("export_units", str(part), "--unit", "NOPE")
