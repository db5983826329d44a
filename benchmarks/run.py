"""Benchmarks: build, incremental add, PDF parsing, and query latency against a linear scan.

    python -m benchmarks.run [--sizes 500,5000] [--repeat 5] [--engines whoosh,tantivy]
                             [--output BENCHMARKS.md]

Every engine named builds its own index of the same archive and answers the same queries in one
run, beside a plain substring scan and the project's own scan; the further figures (adding an
issue, HTTP, memory) are taken on the first engine's index.

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
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from benchmarks.linear_scan import ctrl_f_ids, linear_search, plain_search, scan_docs
from benchmarks.queries import STAFF_QUERIES

REPO = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "indexer.cli"]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def latency_row(label: str, samples: list[float]) -> dict:
    return {"label": label, "p50": percentile(samples, 0.5), "p95": percentile(samples, 0.95),
            "p99": percentile(samples, 0.99), "max": max(samples), "n": len(samples)}


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

    from indexer.parsing.parser import parse_file

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


def query_in_process(service, repeat: int) -> tuple[list[float], list[float]]:
    """(first-time samples, repeated samples). The service keeps per-term bitsets and scores
    for its snapshot, so a query's first answer after the index opens is timed on its own."""
    cold = []
    for params in STAFF_QUERIES:  # warm caches once, as a running server would be
        start = time.perf_counter()
        service.search_params(params)
        cold.append((time.perf_counter() - start) * 1000)
    samples = []
    for _ in range(repeat):
        for params in STAFF_QUERIES:
            start = time.perf_counter()
            service.search_params(params)
            samples.append((time.perf_counter() - start) * 1000)
    return cold, samples


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
            except OSError as e:
                if time.time() > deadline:
                    raise RuntimeError("server did not start") from e
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


def archive_docs(archive: Path) -> list:
    """Every section of the archive as the scans read it (parsed once, not timed)."""
    from indexer.parsing.parser import parse_file

    return scan_docs([parse_file(str(p)) for p in sorted(archive.rglob("*.txt"))])


def query_linear(docs: list, repeat: int, search=linear_search) -> list[float]:
    samples = []
    for params in STAFF_QUERIES:
        search(docs, params)
    for _ in range(repeat):
        for params in STAFF_QUERIES:
            start = time.perf_counter()
            search(docs, params)
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def recall(service, docs: list) -> tuple[int, int]:
    """(found, expected) over the staff queries without exclusions: of the sections Ctrl+F finds
    (every word as typed, within the filters), how many the engine's matches hold."""
    found = expected = 0
    for params in STAFF_QUERIES:
        if any(v.startswith("-") or " -" in v for n, v in params if n == "q"):
            continue  # -word also drops a department's sections in its other forms: not Ctrl+F
        if not any(n == "q" and v.strip() for n, v in params):
            continue  # browsing: no words to find
        wanted = ctrl_f_ids(docs, params)
        got = {h["section_id"] for h in service.export_hits(params, limit=10**9)}
        found += len(wanted & got)
        expected += len(wanted)
    return found, expected


def engine_bytes(index_dir: Path) -> int:
    """The engine's own files in the live generation: without the stored bulletins and manifest."""
    from indexer.search import store

    gen = store.live_generation(index_dir)
    return sum(p.stat().st_size for p in gen.iterdir() if p.is_file()
               and p.name not in (store.FILES, store.GEN_META))


def bench_engine(work: Path, archive: Path, issues: int, engine: str, repeat: int, docs: list) -> dict:
    """One engine on one archive: a whole `bulletin-search index --engine` process, the index's
    size, opening the service, each query's first answer and repeated answers, recall."""
    from indexer.search.service import open_service

    index_dir = work / f"index-{issues}-{engine}"
    env = dict(os.environ, BULLETIN_INDEX_DIR=str(index_dir))
    build_s, build_rss, result = run_measured(
        CLI + ["index", str(archive), "--index-dir", str(index_dir), "--engine", engine], env)
    start = time.perf_counter()
    service = open_service(str(index_dir))
    open_s = time.perf_counter() - start
    cold, warm = query_in_process(service, repeat)
    found, expected = recall(service, docs)
    return {"engine": engine, "index_dir": index_dir, "build_s": build_s, "build_rss": build_rss,
            "summary": result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "",
            "index_mb": folder_bytes(index_dir) / 2**20, "engine_mb": engine_bytes(index_dir) / 2**20,
            "open_s": open_s, "cold": latency_row("first time", cold), "warm": latency_row("warm", warm),
            "recall": found / expected if expected else 1.0, "recall_n": expected,
            "sections": service.stats()["sections"]}


def new_issue_files(archive: Path, service, count: int) -> list[Path]:
    """Files of the bigger archive holding issues the index does not have. The generator spreads
    a larger archive differently, so most of its files repeat an indexed issue under another
    name, and adding one of those is a duplicate that writes nothing."""
    from indexer.parsing.parser import parse_file

    found = []
    for path in sorted(archive.rglob("*.txt"), reverse=True):  # the newest issues come last
        if service.issue(parse_file(str(path)).issue.id) is None:
            found.append(path)
            if len(found) == count:
                return found
    raise RuntimeError(f"fewer than {count} new issues in {archive}")


def bench_size(work: Path, issues: int, repeat: int, engines: tuple[str, ...] = ("whoosh",)) -> dict:
    from indexer.search import analysis
    from indexer.search.service import open_service

    archive = work / f"archive-{issues}"
    bigger = work / f"archive-{issues + 2}"
    generation_s = generate(archive, issues, ("txt",))
    generate(bigger, issues + 2, ("txt",))
    docs = archive_docs(archive)
    raw_mb = sum(len(d.text.encode("utf-8")) for d in docs) / 2**20
    analysis.jieba_tokenizer()  # loaded once here, so no engine's "open" pays for it
    compared = [bench_engine(work, archive, issues, engine, repeat, docs) for engine in engines]

    # the further figures on the first engine's index (adding issues changes it)
    first = compared[0]
    index_dir = first["index_dir"]
    env = dict(os.environ, BULLETIN_INDEX_DIR=str(index_dir))
    build_s, build_rss, summary = first["build_s"], first["build_rss"], first["summary"]
    start = time.perf_counter()
    service = open_service(str(index_dir))  # the snapshot's columns and texts
    open_s = time.perf_counter() - start
    stats = service.stats()
    input_mb = folder_bytes(archive) / 2**20
    new_file, second_new_file = new_issue_files(bigger, service, 2)

    # one new issue as a user adds it: a whole `bulletin-search index` process
    add_s, _, added = run_measured(CLI + ["index", str(new_file), "--index-dir", str(index_dir)], env)
    if "indexed 1 new" not in added.stdout:
        raise RuntimeError(f"adding {new_file} did not add one new issue: {added.stdout!r}")
    # and in a warm process (jieba loaded), as a long-running indexer would; then the time the
    # running service takes to show it (it reopens its snapshot on the next request)
    from indexer.search.indexing import index_paths
    start = time.perf_counter()
    if index_paths([str(second_new_file)], str(index_dir)).new != 1:
        raise RuntimeError(f"adding {second_new_file} did not add one new issue")
    add_warm_s = time.perf_counter() - start
    start = time.perf_counter()
    service.stats()
    reopen_s = time.perf_counter() - start
    start = time.perf_counter()
    rescan = index_paths([str(archive)], str(index_dir))  # every file unchanged: hashing only
    skip_s = time.perf_counter() - start
    if rescan.unchanged != issues:
        raise RuntimeError(f"re-scan of an indexed archive: {rescan.summary()}")
    del service

    cold, in_process = query_in_process(open_service(str(index_dir)), repeat)
    over_http, server_peak = query_over_http(index_dir, repeat)
    linear = query_linear(docs, repeat)
    plain = query_linear(docs, repeat, plain_search)
    return {
        "engines": [{k: v for k, v in row.items() if k != "index_dir"} for row in compared],
        "plain": latency_row("plain substring scan", plain),
        "raw_mb": raw_mb,
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
        "add_one_warm_s": add_warm_s,
        "reopen_s": reopen_s,
        "open_s": open_s,
        "unchanged_rescan_s": skip_s,
        "summary": summary,
        "in_process": latency_row("in-process (service)", in_process),
        "cold": latency_row("in-process, first time", cold),
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
    packages = {name: version(name) for name in ("whoosh-reloaded", "tantivy", "jieba", "pdfplumber", "flask",
                                                  "waitress")}
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": memory, "python": platform.python_version(),
            "system": platform.platform(), "packages": packages}


def render(results: list[dict], pdf: dict, info: dict, command: str) -> str:
    out = ["# Benchmarks", "", f"Produced by `{command}` on {time.strftime('%Y-%m-%d')}.", "",
           "## Machine", "",
           f"- CPU: {info['cpu']} ({info['cores']} cores), memory {info['memory']}",
           f"- {info['system']}, Python {info['python']}",
           "- " + ", ".join(f"{k} {v}" for k, v in info["packages"].items()), "",
           "## Build", "",
           "| issues | sections | build s | sections/s | input MB/s | index MB | build peak MB | add one issue s "
           "(process / warm) | service open s | reopen after add s | unchanged re-scan s |",
           "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        out.append(f"| {r['issues']} | {r['sections']} | {r['build_s']:.1f} | {r['sections_per_s']:.0f} | "
                   f"{r['mb_per_s']:.2f} | {r['index_mb']:.1f} | {r['build_peak_mb']:.0f} | "
                   f"{r['add_one_s']:.2f} / {r['add_one_warm_s']:.2f} | {r['open_s']:.2f} | "
                   f"{r['reopen_s']:.2f} | {r['unchanged_rescan_s']:.2f} |")
    out += ["", "Build and the first add-one figure are whole `bulletin-search index` processes (interpreter "
            "start, imports and the jieba dictionary load included: about 1 s of it on this machine), over the generator's `.txt` "
            "bulletins; the target \"one new issue ≤ 1 s\" is read against that whole process. \"warm\" adds "
            "another issue with `index_paths` in the benchmark's own process, jieba already loaded. "
            "\"Service open\" is opening the search service on the built index; \"reopen after add\" is the "
            "first request after an incremental commit, which opens the new snapshot. Build peak MB is the "
            "largest single process of the build (the writer or a worker), not their sum.", "",
            *render_engines(results),
            "## PDF parsing on its own", "",
            "| files | pages | seconds | pages/s |", "|---:|---:|---:|---:|",
            f"| {pdf['files']} | {pdf['pages']} | {pdf['seconds']:.1f} | {pdf['pages_per_s']:.1f} |", "",
            f"## Query latency ({len(STAFF_QUERIES)} staff-like queries, all with facets and snippets)", "",
            "| issues | path | p50 ms | p95 ms | max ms | queries | linear scan ÷ this (p50 / p95 / max) |",
            "|---:|---|---:|---:|---:|---:|---:|"]
    for r in results:
        for key in ("in_process", "cold", "http", "linear"):
            row = r[key]
            ratios = " / ".join(f"{_ratio(r['linear'][p], row[p]):.1f}×" for p in ("p50", "p95", "max"))
            out.append(f"| {r['issues']} | {row['label']} | {row['p50']:.1f} | {row['p95']:.1f} | {row['max']:.1f} | "
                       f"{row['n']} | {'—' if key == 'linear' else ratios} |")
    out += ["", "Each query is answered once to warm up, then timed in rounds. \"First time\" is that warm-up "
            "round: each query's first answer on a freshly opened service, before its words' bitsets and "
            "scores are cached.", "", "## Server memory", "", "| issues | peak RSS of `bulletin-search serve` after the HTTP run (MB) |",
            "|---:|---:|"]
    out += [f"| {r['issues']} | {r['server_peak_mb']:.0f} |" for r in results]
    out += ["", "## Targets (issue 5)", "", "| issues | target | measured | met |", "|---:|---|---:|:-:|"]
    out += [f"| {issues} | {target} | {measured} | {'yes' if ok else '**no**'} |"
            for issues, target, measured, ok in targets(results)]
    return "\n".join(out) + "\n"


def render_engines(results: list[dict]) -> list[str]:
    """The engines side by side on the same archive in the same run, beside the scans."""
    out = ["## Engines side by side", "",
           f"Each engine builds its own index of the same archive (a whole `bulletin-search index "
           f"--engine E` process) and answers the same {len(STAFF_QUERIES)} staff queries in-process "
           "through the service (facets and snippets included): first each query's first answer on "
           "a freshly opened service (no caches), then repeated rounds (warm caches). The plain "
           "substring scan matches every word as typed, counts departments and years and sorts the "
           "hits, without snippets: the floor an index must beat. Recall: of the sections Ctrl+F "
           "finds for the queries without exclusions (every word as typed, within the filters), the "
           "share the engine finds.", "",
           "| issues | engine | build s | index MB (engine + stored bulletins) | open s | first p50 / p95 / p99 ms "
           "| warm p50 / p95 / p99 ms | recall vs Ctrl+F |",
           "|---:|---|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        for e in r.get("engines", []):
            c, w = e["cold"], e["warm"]
            out.append(f"| {r['issues']} | {e['engine']} | {e['build_s']:.1f} | {e['engine_mb']:.1f} + "
                       f"{e['index_mb'] - e['engine_mb']:.1f} | {e['open_s']:.2f} | "
                       f"{c['p50']:.1f} / {c['p95']:.1f} / {c['p99']:.1f} | "
                       f"{w['p50']:.1f} / {w['p95']:.1f} / {w['p99']:.1f} | "
                       f"{e['recall']:.3f} ({e['recall_n']} sections) |")
        for key in ("plain", "linear"):
            row = r.get(key)
            if row:
                out.append(f"| {r['issues']} | {row['label']} | — | {r['raw_mb']:.1f} (raw text) | — | — | "
                           f"{row['p50']:.1f} / {row['p95']:.1f} / {row['p99']:.1f} | 1.000 |")
    out += ["", "Targets of issue 16 this run measured:", "",
            "| issues | target | measured | met |", "|---:|---|---:|:-:|"]
    for r in results:
        by = {e["engine"]: e for e in r.get("engines", [])}
        plain = r.get("plain")
        if "whoosh" in by and plain:
            w = by["whoosh"]
            out.append(f"| {r['issues']} | Whoosh first-time p95 below the plain substring scan's | "
                       f"{w['cold']['p95']:.1f} vs {plain['p95']:.1f} ms | "
                       f"{'yes' if w['cold']['p95'] < plain['p95'] else '**no**'} |")
        for name, e in by.items():
            out.append(f"| {r['issues']} | {name}: recall vs Ctrl+F 1.000 | {e['recall']:.3f} | "
                       f"{'yes' if e['recall'] == 1.0 else '**no**'} |")
        if "tantivy" in by:
            t = by["tantivy"]
            out.append(f"| {r['issues']} | Tantivy index ≤ 3× the raw text, stored bulletins included | "
                       f"{t['index_mb']:.1f} vs 3 × {r['raw_mb']:.1f} MB | "
                       f"{'yes' if t['index_mb'] <= 3 * r['raw_mb'] else '**no**'} |")
    return out + [""]


def _ratio(baseline: float, value: float) -> float:
    return baseline / value if value else float("inf")


def targets(results: list[dict]) -> list[tuple]:
    """(issues, target, measured, met) for each of issue 5's targets this run measured."""
    rows = []
    for r in results:
        n, lin = r["issues"], r["linear"]
        if n == 500:
            rows += [(n, "query p95 in-process ≤ 15 ms", f"{r['in_process']['p95']:.1f} ms", r["in_process"]["p95"] <= 15),
                     (n, "query p95 over HTTP ≤ 30 ms", f"{r['http']['p95']:.1f} ms", r["http"]["p95"] <= 30),
                     (n, "full build ≤ 20 s", f"{r['build_s']:.1f} s", r["build_s"] <= 20),
                     (n, "one new issue ≤ 1 s (whole process)", f"{r['add_one_s']:.2f} s", r["add_one_s"] <= 1)]
        if n == 5000:
            rows += [(n, "query p95 in-process ≤ 60 ms", f"{r['in_process']['p95']:.1f} ms", r["in_process"]["p95"] <= 60),
                     (n, "server peak memory ≤ 500 MB", f"{r['server_peak_mb']:.0f} MB", r["server_peak_mb"] <= 500)]
        for key in ("in_process", "http"):
            row = r[key]
            rows.append((n, f"{row['label']}: every percentile faster than the linear scan",
                         " / ".join(f"{row[p]:.1f} vs {lin[p]:.1f}" for p in ("p50", "p95", "max")),
                         all(row[p] < lin[p] for p in ("p50", "p95", "max"))))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="500,5000", help="comma-separated issue counts (default 500,5000)")
    parser.add_argument("--repeat", type=int, default=5, help="rounds over the query set (default 5)")
    parser.add_argument("--engines", default="whoosh,tantivy",
                        help="engines compared side by side; the first also gets the HTTP, add-one "
                             "and memory figures (default whoosh,tantivy)")
    parser.add_argument("--pdf-issues", type=int, default=40, help="issues for the PDF parsing figure")
    parser.add_argument("--output", default=str(REPO / "BENCHMARKS.md"))
    parser.add_argument("--notes", default=str(REPO / "benchmarks" / "NOTES.md"),
                        help="hand-written findings appended to the output")
    args = parser.parse_args(argv)
    engines = tuple(e for e in args.engines.split(",") if e)
    command = "python -m benchmarks.run " + " ".join(argv if argv is not None else sys.argv[1:])
    work = Path(tempfile.mkdtemp(prefix="bulletin-bench-"))
    try:
        results = []
        for size in (int(s) for s in args.sizes.split(",")):
            print(f"… {size} issues", file=sys.stderr)
            results.append(bench_size(work, size, args.repeat, engines))
        print("… PDF parsing", file=sys.stderr)
        pdf = bench_pdf_parsing(work, args.pdf_issues)
        report = render(results, pdf, machine(), command.strip())
        if Path(args.notes).is_file():
            report += "\n" + Path(args.notes).read_text("utf-8")
        print(report)
        output = Path(args.output)
        previous = output.read_text("utf-8") if output.is_file() else ""
        # Sections written by benchmarks.load and benchmarks.ocr are kept until those are run again.
        for kept in ("## OCR and page layouts", "## Load test"):
            if kept in previous:
                start = previous.index(kept)
                following = previous.find("\n## ", start + len(kept))
                report = report.rstrip() + "\n\n" + previous[start:following if following != -1 else None].rstrip() + "\n"
        output.write_text(report, "utf-8")
        (work / "results.json").write_text(json.dumps(results, indent=1))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
