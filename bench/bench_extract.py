"""Throughput and peak memory of the report extractor (normalise + extract) on about 10 MB of text.

Builds the input by repeating the sample reports (``../shared/reports`` beside the repository, else the
test reports shipped in ``luoshi/extract/tests/reports``) up to just under the 10 MB input limit, once as
they are and once converted to traditional characters, and times ``normalise`` + ``extract`` on each,
side by side with jieba's plain segmentation (``jieba.lcut``) of the same text. Peak memory is measured
in a fresh process that runs ``process`` on the 10 MB file's bytes (``ru_maxrss``).

    uv run python -m bench.bench_extract [--mb 9.9] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from bench.machine import describe

ROOT = Path(__file__).resolve().parents[1]
SOURCES = (ROOT.parent / "shared" / "reports", ROOT / "luoshi" / "extract" / "tests" / "reports")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=9.9, help="input size in MiB (the limit is 10)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of normalise + extract (best is kept)")
    parser.add_argument("--memory-child", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def sample_text() -> tuple[str, Path]:
    for folder in SOURCES:
        files = sorted(p for p in folder.glob("*") if p.suffix in (".txt", ".html"))
        if files:
            from luoshi.extract.api import read_text

            return "\n".join(read_text(p.read_bytes(), p.name) for p in files), folder
    raise SystemExit("no sample reports found")


def build(seed: str, size: int) -> str:
    copies = size // len(seed.encode()) + 1
    data = ("\n".join([seed] * copies)).encode()[:size]
    return data.decode(errors="ignore")


def best_of(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def measure_memory(path: Path) -> dict[str, float]:
    done = subprocess.run(  # noqa: S603 - this interpreter running this module
        [sys.executable, "-m", "bench.bench_extract", "--memory-child", str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(done.stdout.splitlines()[-1])


def peak_rss_mb() -> float:
    """Peak resident memory of this process image (VmHWM; ``ru_maxrss`` would carry the parent's over exec)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory_child(path: Path) -> None:
    from luoshi.extract.api import process

    before = peak_rss_mb()
    started = time.perf_counter()
    result = process(path.read_bytes(), path.name)
    seconds = time.perf_counter() - started
    out = {"peak_mb": peak_rss_mb(), "start_mb": before, "seconds": seconds, "mentions": len(result.mentions)}
    print(json.dumps(out))


def _extract_count(text: str, found: list[int]) -> None:
    from luoshi.extract.api import extract, normalise

    found.append(len(extract(normalise(text)).mentions))


def main() -> None:
    args = parse_args()
    if args.memory_child:
        memory_child(args.memory_child)
        return
    import opencc

    from luoshi.extract.api import normalise

    seed, folder = sample_text()
    size = int(args.mb * 2**20)
    variants = {
        "样本原文（简繁混合，含拼音注音）": build(seed, size),
        "繁体版本": build(opencc.OpenCC("s2t").convert(normalise(seed)), size),
    }
    tmp = ROOT / "var" / "bench_extract_input.txt"
    tmp.parent.mkdir(exist_ok=True)
    tmp.write_text(variants["繁体版本"], encoding="utf-8")
    memory = measure_memory(tmp)
    tmp.unlink()
    import jieba

    jieba.initialize()
    print(f"报告数字提取吞吐量：输入约 {args.mb} MiB，样本来自 {folder.name}/，取 {args.runs} 次中最快一次")
    print(f"机器：{describe()}\n")
    print(f"{'输入':<20}{'MB':>7}{'规范化+提取 s':>14}{'MB/s':>8}{'提及数':>9}{'jieba.lcut s':>14}{'MB/s':>8}")
    for label, text in variants.items():
        mb = len(text.encode()) / 2**20
        found: list[int] = []
        seconds = best_of(args.runs, partial(_extract_count, text, found))
        jieba_seconds = best_of(1, partial(jieba.lcut, text))
        print(
            f"{label:<20}{mb:>7.2f}{seconds:>14.2f}{mb / seconds:>8.2f}{found[-1]:>9,}"
            f"{jieba_seconds:>14.2f}{mb / jieba_seconds:>8.2f}"
        )
    print(
        f"\n峰值内存（新进程中 process() 处理 {args.mb} MiB 繁体文件）：{memory['peak_mb']:.0f} MB "
        f"（启动后 {memory['start_mb']:.0f} MB），耗时 {memory['seconds']:.2f} s，提及 {memory['mentions']:,} 条"
    )


if __name__ == "__main__":
    main()
