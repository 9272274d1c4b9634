"""``luoshi extract`` and ``luoshi evaluate_extraction``: the extractor as commands, without Django."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from luoshi.extract.api import extract, normalise, read_text
from luoshi.extract.evaluation import evaluate, format_table
from luoshi.extract.types import UnreadableDocument

COMMANDS = ("extract", "evaluate_extraction")


def _extract(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="luoshi extract", description="报告数字提取：每个文件输出一行 JSON。")
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument("--normalise", action="store_true", help="输出规范化后的文本，而不是提取结果")
    args = parser.parse_args(argv)
    status = 0
    for name in args.files:
        try:
            text = normalise(read_text(Path(name).read_bytes(), name))
        except UnreadableDocument as exc:
            print(f"{name}: {exc}", file=sys.stderr)
            status = 1
            continue
        except OSError as exc:
            print(f"{name}: 无法打开文件（{exc.strerror}）。", file=sys.stderr)
            status = 1
            continue
        if args.normalise:
            sys.stdout.write(text + "\n")
        else:
            print(json.dumps({"file": name, **extract(text).as_gold()}, ensure_ascii=False))
    return status


def _evaluate(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="luoshi evaluate_extraction", description="按标注文件评估提取结果（精确率、召回率、F1 等）。"
    )
    parser.add_argument("folder", type=Path)
    parser.add_argument("--gold", type=Path, default=None, help="标注文件夹（默认 FOLDER/gold）")
    parser.add_argument("--json", action="store_true", help="以 JSON 输出")
    args = parser.parse_args(argv)
    gold = args.gold or args.folder / "gold"
    if not gold.is_dir():
        print(f"{gold}: 标注文件夹不存在。", file=sys.stderr)
        return 2
    documents, total = evaluate(args.folder, gold)
    if args.json:
        out = {"documents": [d.as_dict() for d in documents], "total": total.as_dict()}
        print(json.dumps(out, ensure_ascii=False, indent=1))
    else:
        print(format_table(documents, total))
    return 1 if total.errors else 0


def main(argv: list[str]) -> int:
    """Run ``argv`` (``["extract", ...]`` or ``["evaluate_extraction", ...]``); returns the exit status."""
    command, rest = argv[0], argv[1:]
    return _extract(rest) if command == "extract" else _evaluate(rest)
