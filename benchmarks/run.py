"""Benchmarks: build, incremental add, PDF parsing, and query latency against a linear scan.

    python -m benchmarks.run [--sizes 500,5000] [--repeat 5] [--output BENCHMARKS.md]

Archives come from the project's own generator (indexer/demo). Builds run `bulletin-search index`
as a child process so that its peak memory is its own; queries run in-process through the one
search service and over HTTP against `bulletin-search serve` (waitress). Prints a table and writes
BENCHMARKS.md.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from benchmarks.linear_scan import linear_search, scan_docs
from benchmarks.queries import STAFF_QUERIES

REPO = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "indexer.cli"]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def latency_row(label: str, samples: list[float]) -> dict:
    return {"label": label, "p50": percentile(samples, 0.5), "p95": percentile(samples, 0.95),
            "max": max(samples), "n": len(samples)}


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def run_measured(command: list[str], env: dict | None = None) -> tuple[float, int, subprocess.CompletedProcess]:
    """Wall time and peak RSS (bytes) of a child process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=env, cwd=REPO)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    stdout, stderr = process.stdout.read(), process.stderr.read()
    process.returncode = os.waitstatus_to_exitcode(status)
    result = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
    if result.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(command)} failed:\n{stderr[-2000:]}")
    return elapsed, usage.ru_maxrss * 1024, result


def generate(folder: Path, issues: int, formats: tuple[str, ...]) -> float:
    from indexer.demo.archive import write_demo_archive

    start = time.perf_counter()
    write_demo_archive(str(folder), issues=issues, seed=2014, formats=formats)
    return time.perf_counter() - start


def bench_pdf_parsing(work: Path, issues: int = 40) -> dict:
    import pdfplumber

    from indexer.parser import parse_file

    folder = work / "pdf-sample"
    generate(folder, issues, ("pdf",))
    files = sorted(folder.rglob("*.pdf"))
    pages = 0
    for path in files:
        with pdfplumber.open(path) as pdf:
            pages += len(pdf.pages)
    start = time.perf_counter()
    for path in files:
        parse_file(str(path))
    elapsed = time.perf_counter() - start
    return {"files": len(files), "pages": pages, "seconds": elapsed, "pages_per_s": pages / elapsed}


def query_in_process(service, repeat: int) -> list[float]:
    for params in STAFF_QUERIES:  # warm caches once, as a running server would be
        service.search_params(params)
    samples = []
    for _ in range(repeat):
        for params in STAFF_QUERIES:
            start = time.perf_counter()
            service.search_params(params)
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def query_over_http(index_dir: Path, repeat: int) -> tuple[list[float], int]:
    """Latency through the production server, and the server's peak memory (VmHWM)."""
    port = free_port()
    server = subprocess.Popen(CLI + ["serve", "--port", str(port), "--index-dir", str(index_dir)],
                              cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError("server did not start")
                time.sleep(0.2)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        paths = ["/api/search?" + urllib.parse.urlencode(params) for params in STAFF_QUERIES]
        for path in paths:
            connection.request("GET", path)
            connection.getresponse().read()
        samples = []
        for _ in range(repeat):
            for path in paths:
                start = time.perf_counter()
                connection.request("GET", path)
                response = connection.getresponse()
                body = response.read()
                samples.append((time.perf_counter() - start) * 1000)
                if response.status != 200:
                    raise RuntimeError(f"{path}: HTTP {response.status} {body[:200]!r}")
        peak = 0
        for line in Path(f"/proc/{server.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1]) * 1024
        return samples, peak
    finally:
        server.terminate()
        server.wait(timeout=30)


def query_linear(archive: Path, repeat: int) -> list[float]:
    from indexer.parser import parse_file

    bulletins = [parse_file(str(p)) for p in sorted(archive.rglob("*.txt"))]
    docs = scan_docs(bulletins)
    samples = []
    for params in STAFF_QUERIES:
        linear_search(docs, params)
    for _ in range(repeat):
        for params in STAFF_QUERIES:
            start = time.perf_counter()
            linear_search(docs, params)
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def bench_size(work: Path, issues: int, repeat: int) -> dict:
    from indexer.search.service import open_service

    archive = work / f"archive-{issues}"
    bigger = work / f"archive-{issues + 1}"
    generation_s = generate(archive, issues, ("txt",))
    generate(bigger, issues + 1, ("txt",))
    known = {p.relative_to(bigger) for p in bigger.rglob("*.txt")} - {p.relative_to(archive) for p in archive.rglob("*.txt")}
    new_file = bigger / sorted(known)[0]

    index_dir = work / f"index-{issues}"
    env = dict(os.environ, BULLETIN_INDEX_DIR=str(index_dir))
    build_s, build_rss, result = run_measured(CLI + ["index", str(archive), "--index-dir", str(index_dir)], env)
    service = open_service(str(index_dir))
    stats = service.stats()
    input_mb = folder_bytes(archive) / 2**20

    add_s, _, _ = run_measured(CLI + ["index", str(new_file), "--index-dir", str(index_dir)], env)
    from indexer.search.indexing import index_paths
    again = work / f"archive-extra-{issues}"
    again.mkdir()
    shutil.copy(new_file, again / "extra.txt")
    start = time.perf_counter()
    index_paths([str(again)], str(index_dir))  # unchanged now: the skip path
    skip_s = time.perf_counter() - start

    in_process = query_in_process(open_service(str(index_dir)), repeat)
    over_http, server_peak = query_over_http(index_dir, repeat)
    linear = query_linear(archive, repeat)
    return {
        "issues": issues,
        "sections": stats["sections"],
        "generation_s": generation_s,
        "build_s": build_s,
        "sections_per_s": stats["sections"] / build_s,
        "mb_per_s": input_mb / build_s,
        "input_mb": input_mb,
        "index_mb": folder_bytes(index_dir) / 2**20,
        "build_peak_mb": build_rss / 2**20,
        "add_one_s": add_s,
        "unchanged_rescan_s": skip_s,
        "summary": result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "",
        "in_process": latency_row("in-process (service)", in_process),
        "http": latency_row("HTTP (waitress)", over_http),
        "linear": latency_row("linear scan (Ctrl+F)", linear),
        "server_peak_mb": server_peak / 2**20,
    }


def machine() -> dict:
    from importlib.metadata import version

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        memory = f"{int(Path('/proc/meminfo').read_text().split()[1]) / 2**20:.0f} GiB"
    except (OSError, ValueError):
        pass
    packages = {name: version(name) for name in ("whoosh-reloaded", "jieba", "pdfplumber", "flask", "waitress")}
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": memory, "python": platform.python_version(),
            "system": platform.platform(), "packages": packages}


def render(results: list[dict], pdf: dict, info: dict, command: str) -> str:
    out = ["# Benchmarks", "", f"Produced by `{command}` on {time.strftime('%Y-%m-%d')}.", "",
           "## Machine", "",
           f"- CPU: {info['cpu']} ({info['cores']} cores), memory {info['memory']}",
           f"- {info['system']}, Python {info['python']}",
           "- " + ", ".join(f"{k} {v}" for k, v in info["packages"].items()), "",
           "## Build", "",
           "| issues | sections | build s | sections/s | input MB/s | index MB | build peak MB | add one issue s | unchanged re-scan s |",
           "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        out.append(f"| {r['issues']} | {r['sections']} | {r['build_s']:.1f} | {r['sections_per_s']:.0f} | "
                   f"{r['mb_per_s']:.2f} | {r['index_mb']:.1f} | {r['build_peak_mb']:.0f} | {r['add_one_s']:.2f} | "
                   f"{r['unchanged_rescan_s']:.2f} |")
    out += ["", "Build and add-one are whole `bulletin-search index` processes (interpreter start and the "
            "jieba dictionary load included), over the generator's `.txt` bulletins.", "",
            "## PDF parsing on its own", "",
            "| files | pages | seconds | pages/s |", "|---:|---:|---:|---:|",
            f"| {pdf['files']} | {pdf['pages']} | {pdf['seconds']:.1f} | {pdf['pages_per_s']:.1f} |", "",
            f"## Query latency ({len(STAFF_QUERIES)} staff-like queries, all with facets and snippets)", "",
            "| issues | path | p50 ms | p95 ms | max ms | queries | p95 vs linear scan |",
            "|---:|---|---:|---:|---:|---:|---:|"]
    for r in results:
        for key in ("in_process", "http", "linear"):
            row = r[key]
            ratio = r["linear"]["p95"] / row["p95"] if row["p95"] else float("inf")
            out.append(f"| {r['issues']} | {row['label']} | {row['p50']:.1f} | {row['p95']:.1f} | {row['max']:.1f} | "
                       f"{row['n']} | {'—' if key == 'linear' else f'{ratio:.1f}× faster'} |")
    out += ["", "## Server memory", "", "| issues | peak RSS of `bulletin-search serve` after the HTTP run (MB) |",
            "|---:|---:|"]
    out += [f"| {r['issues']} | {r['server_peak_mb']:.0f} |" for r in results]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="500,5000", help="comma-separated issue counts (default 500,5000)")
    parser.add_argument("--repeat", type=int, default=5, help="rounds over the query set (default 5)")
    parser.add_argument("--pdf-issues", type=int, default=40, help="issues for the PDF parsing figure")
    parser.add_argument("--output", default=str(REPO / "BENCHMARKS.md"))
    parser.add_argument("--notes", default=str(REPO / "benchmarks" / "NOTES.md"),
                        help="hand-written findings appended to the output")
    args = parser.parse_args(argv)
    command = "python -m benchmarks.run " + " ".join(argv if argv is not None else sys.argv[1:])
    work = Path(tempfile.mkdtemp(prefix="bulletin-bench-"))
    try:
        results = []
        for size in (int(s) for s in args.sizes.split(",")):
            print(f"… {size} issues", file=sys.stderr)
            results.append(bench_size(work, size, args.repeat))
        print("… PDF parsing", file=sys.stderr)
        pdf = bench_pdf_parsing(work, args.pdf_issues)
        report = render(results, pdf, machine(), command.strip())
        if Path(args.notes).is_file():
            report += "\n" + Path(args.notes).read_text("utf-8")
        print(report)
        output = Path(args.output)
        previous = output.read_text("utf-8") if output.is_file() else ""
        if "## Load test" in previous:  # written by benchmarks.load; kept until that is run again
            report = report.rstrip() + "\n\n" + previous[previous.index("## Load test"):]
        output.write_text(report, "utf-8")
        (work / "results.json").write_text(json.dumps(results, indent=1))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
