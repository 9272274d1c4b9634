"""``luoshi extract`` and ``luoshi evaluate_extraction``, run through the ``luoshi`` entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from luoshi import cli
from luoshi.extract.tests.makers import make_docx

HERE = Path(__file__).parent
OWN_REPORTS = HERE / "reports"


def run(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["luoshi", *args])
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    return int(stopped.value.code or 0)


def test_extract_prints_one_json_line_per_file(monkeypatch: pytest.MonkeyPatch, capsys, tmp_path: Path) -> None:
    docx = tmp_path / "总结.docx"
    docx.write_bytes(make_docx(["泰兴召开推进会,全市上下,泰兴各级,重点围绕督导组提出的38个问题、8个重要方面。"]))
    status = run(monkeypatch, "extract", str(docx), str(OWN_REPORTS / "news_page.html"))
    out = capsys.readouterr().out.splitlines()
    assert status == 0
    first, second = (json.loads(line) for line in out)
    assert first == {
        "file": str(docx),
        "place": "泰兴市",
        "date": None,
        "mentions": [
            {"text": "38个", "value": 38, "unit": "个", "approx": "exact", "subject": "问题"},
            {"text": "8个", "value": 8, "unit": "个", "approx": "exact", "subject": "重要方面"},
        ],
    }
    assert second["date"] == "2024-06-18"
    assert len(second["mentions"]) == 14


def test_unreadable_file_is_named_on_stderr_and_the_others_still_run(
    monkeypatch: pytest.MonkeyPatch, capsys, tmp_path: Path
) -> None:
    empty, junk = tmp_path / "empty.txt", tmp_path / "tool.docx"
    empty.write_bytes(b"")
    junk.write_bytes(b"MZ\x90\x00" + bytes(range(256)) * 4)
    good = OWN_REPORTS / "traditional_glosses.txt"
    status = run(monkeypatch, "extract", str(empty), str(good), str(junk), str(tmp_path / "missing.txt"))
    captured = capsys.readouterr()
    assert status == 1
    assert [json.loads(line)["file"] for line in captured.out.splitlines()] == [str(good)]
    errors = captured.err.splitlines()
    assert errors == [
        f"{empty}: 文件是空的。",
        f"{junk}: 这是一个可执行程序，不是报告文件。",
        f"{tmp_path / 'missing.txt'}: 无法打开文件（No such file or directory）。",
    ]


def test_extract_normalise_prints_the_text(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    assert run(monkeypatch, "extract", "--normalise", str(OWN_REPORTS / "traditional_glosses.txt")) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "□ 中共示范市委主题教育领导小组"
    assert "全市2.6万名党员参加集中轮训" in lines[1]


def test_evaluate_prints_per_document_and_total(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    assert run(monkeypatch, "evaluate_extraction", str(OWN_REPORTS)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines[1:]] == ["news_page", "traditional_glosses", "合计"]
    assert lines[-1].split()[1:7] == ["24", "24", "24", "1.000", "1.000", "1.000"]


def test_evaluate_json_with_a_gold_folder_elsewhere(monkeypatch: pytest.MonkeyPatch, capsys, tmp_path: Path) -> None:
    gold = tmp_path / "gold"
    gold.mkdir()
    mentions = [
        {"text": "3100个", "value": 3100, "unit": "个", "approx": "at_least"},
        {"text": "9个", "value": 9, "unit": "个"},
    ]
    (gold / "traditional_glosses.json").write_text(
        json.dumps({"place": "示范市", "date": "2023-11-20", "mentions": mentions}), encoding="utf-8"
    )
    assert run(monkeypatch, "evaluate_extraction", str(OWN_REPORTS), "--gold", str(gold), "--json") == 0
    total = json.loads(capsys.readouterr().out)["total"]
    assert (total["predicted"], total["gold"], total["matched"]) == (10, 2, 1)
    assert (total["precision"], total["recall"], total["approx_accuracy"]) == (0.1, 0.5, 0.0)
    assert (total["place_right"], total["date_right"]) == (1, 0)


def test_evaluate_without_gold_folder_says_so(monkeypatch: pytest.MonkeyPatch, capsys, tmp_path: Path) -> None:
    assert run(monkeypatch, "evaluate_extraction", str(tmp_path)) == 2
    assert "标注文件夹不存在" in capsys.readouterr().err


def test_the_extract_command_does_not_set_up_django() -> None:
    code = (
        "import sys; from luoshi import cli; sys.argv = ['luoshi', 'extract', sys.argv[1]]\n"
        "try:\n    cli.main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), 'django imported'\n"
    )
    done = subprocess.run(  # noqa: S603 - this interpreter, fixed code
        [sys.executable, "-c", code, str(OWN_REPORTS / "traditional_glosses.txt")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["place"] == "示范市"
