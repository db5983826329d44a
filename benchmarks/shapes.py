"""Query latency by shape: is any kind of query slower than before?

    python -m benchmarks.shapes [--issues 500] [--repeat 20] [--json out.json]
    python -m benchmarks.shapes --compare before.json after.json

In-process, through the one search service, on a generated archive (seed 2014). For each shape:
the first answer on a fresh service (what a new word costs) and the median of the repeated rounds
(what a running server answers). Uses only calls every version has, so running it with PYTHONPATH
at another checkout measures that checkout; run the two back to back on this shared machine.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

SHAPES: dict[str, list[list[tuple[str, str]]]] = {
    "one word": [[("q", "营业执照")], [("q", "电子证照")], [("q", "行政许可")]],
    "word, segments apart": [[("q", "上门服务")], [("q", "资质审批")]],
    "two words": [[("q", "行政许可 办结")], [("q", "窗口 企业")]],
    "phrase": [[("q", '"上门服务"')], [("q", '"一网通办"')]],
    "department": [[("q", "应急厅")], [("q", "住建厅")]],
    "department + word": [[("q", "应急厅 上门服务")], [("q", "交通厅 道路运输")]],
    "OR": [[("q", "延时服务 OR 预约服务")]],
    "exclusion": [[("q", "上门 -应急厅")], [("q", "窗口 -上门服务")]],
    "filters": [[("q", "窗口"), ("year", "2022")], [("q", "服务"), ("type", "窗口动态")]],
    "browse": [[("q", ""), ("department", "水利厅")], [("q", ""), ("year", "2025")]],
    "one character": [[("q", "厅")]],
    "column name": [[("q", "厅长进大厅")], [("q", "大厅巡查")]],
    "unspaced": [[("q", "应急厅的上门服务")], [("q", "商务厅厅长进大厅")]],
    "issue reference": [[("q", "2022年第40期")], [("q", "总第415期 应急厅")]],
    "traditional": [[("q", "應急廳 上門服務")]],
    "finds nothing": [[("q", "应急听")], [("q", "电子正照")], [("q", "yingjiting")]],
    "nothing searchable": [[("q", "%")], [("q", "的")]],
}


def measure(index_dir: Path, repeat: int) -> dict:
    from indexer.search.service import open_service

    service = open_service(index_dir)
    first: dict[str, list[float]] = {}
    warm: dict[str, list[float]] = {}
    for name, queries in SHAPES.items():
        for pairs in queries:
            start = time.perf_counter()
            service.search_params(pairs)
            first.setdefault(name, []).append((time.perf_counter() - start) * 1000)
    for _ in range(repeat):
        for name, queries in SHAPES.items():
            for pairs in queries:
                start = time.perf_counter()
                service.search_params(pairs)
                warm.setdefault(name, []).append((time.perf_counter() - start) * 1000)
    return {name: {"first_ms": max(first[name]), "median_ms": statistics.median(warm[name])}
            for name in SHAPES}


def compare(before: dict, after: dict) -> str:
    lines = ["| shape | median before → after (ms) | ratio | first answer before → after (ms) |",
             "|---|---:|---:|---:|"]
    for name in SHAPES:
        b, a = before.get(name), after.get(name)
        if not b or not a:
            continue
        ratio = a["median_ms"] / b["median_ms"] if b["median_ms"] else float("inf")
        lines.append(f"| {name} | {b['median_ms']:.2f} → {a['median_ms']:.2f} | {ratio:.2f} | "
                     f"{b['first_ms']:.1f} → {a['first_ms']:.1f} |")
    return "\n".join(lines)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--issues", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--archive", help="an existing archive folder to index (else generated)")
    parser.add_argument("--json", help="write the figures here")
    parser.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args(argv)
    if args.compare:
        before, after = (json.loads(Path(p).read_text()) for p in args.compare)
        print(compare(before, after))
        return 0
    from indexer.search.indexing import index_paths

    with tempfile.TemporaryDirectory(prefix="shapes-") as work:
        archive = Path(args.archive) if args.archive else Path(work) / "archive"
        if not args.archive:
            from indexer.demo.archive import write_demo_archive

            write_demo_archive(str(archive), issues=args.issues, seed=2014, formats=("txt",))
        index_paths([str(archive)], Path(work) / "index")
        result = measure(Path(work) / "index", args.repeat)
    for name, row in result.items():
        print(f"{name:24} median {row['median_ms']:7.2f} ms  first {row['first_ms']:7.1f} ms", file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
