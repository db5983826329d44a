"""Benchmarks of issue 14: ``/api/stats`` for one series over 5,000 issues, and what extracting
the 办件 figures adds to an index build.

    python -m benchmarks.figures [--issues 5000] [--build-issues 200] [--rounds 3] [--base DIR]

1. ``/api/stats``: the figures of 5,000 generated issues (the demo generator's text, read by the
   real extractor, written by the real FiguresWriter) in a generation of their own, then
   ``GET /api/stats?subject=行政许可事项&measure=受理&kind=周报`` answered over and over through
   Flask's WSGI stack (JSON encoding included), and the service call alone.
2. Indexing: the same generated ``.txt`` archive built by this code and by ``--base`` (a checkout
   of the code before the figures existed, e.g. ``git archive b339811 | tar -x -C DIR``), each a
   whole ``bulletin-search index`` child process with one writer and no workers, alternating,
   back to back. The ratio of medians is the cost of extraction.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.run import latency_row

REPO = Path(__file__).resolve().parent.parent
SERIES = [("subject", "行政许可事项"), ("measure", "受理"), ("kind", "周报")]


def bulletin_of(issue) -> dict:
    """A generated issue in the parser's shape, ids as the parser gives them."""
    data = issue.to_dict()
    data["issue"]["id"] = issue.id
    for n, section in enumerate(data["sections"], 1):
        section["id"] = f"{issue.id}-{n}"
        section["paragraphs"] = [{"id": f"{issue.id}-{n}-p{k}", "text": text, "page": None}
                                 for k, text in enumerate(section["text"].split("\n"), 1)]
    return data


def figures_index(issues: int, folder: Path) -> tuple[int, float]:
    """A complete generation holding only figures (an empty Whoosh index beside them)."""
    from indexer.demo.bulletin import iter_issues
    from indexer.parsing.figures import extract_figures
    from indexer.search import engine, store
    from indexer.search.figures_store import FiguresWriter

    started = time.perf_counter()
    gen = store.new_generation(folder)
    engine.create_index(gen, "whoosh")
    writer = FiguresWriter(gen)
    count = 0
    for issue in iter_issues(issues, seed=2014):
        data = bulletin_of(issue)
        figures, _ = extract_figures(data)
        writer.put_issue(data["issue"], figures, data["sections"])
        count += len(figures)
    writer.commit()
    store.mark_complete(gen, engine.SCHEMA_VERSION)
    store.swap_in(folder, gen)
    return count, time.perf_counter() - started


def api_latency(folder: Path, rounds: int) -> tuple[list[dict], int, float]:
    """Latency rows of one series' /api/stats: every answer computed (each request with a ``to``
    of its own far in the future, so the reply cache never answers and the result is the same),
    repeated (the cache answers), and the dict path the CLI and the page use."""
    from webapp import create_app

    app = create_app({"INDEX_DIR": str(folder)})
    client = app.test_client()
    with app.app_context():
        from webapp.searching import get_service

        service = get_service()
    started = time.perf_counter()
    first = client.get("/api/stats", query_string=SERIES)
    first_ms = (time.perf_counter() - started) * 1000
    assert first.status_code == 200, first.data[:200]
    points = len(first.get_json()["figures"])
    computed, repeated, dicts = [], [], []
    for n in range(rounds * 50):
        started = time.perf_counter()
        reply = client.get("/api/stats", query_string=SERIES + [("to", f"{2200 + n}-01-01")])
        computed.append((time.perf_counter() - started) * 1000)
        assert reply.status_code == 200 and len(reply.get_json()["figures"]) == points
        started = time.perf_counter()
        client.get("/api/stats", query_string=SERIES)
        repeated.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        service.figures(SERIES)
        dicts.append((time.perf_counter() - started) * 1000)
    return ([latency_row("GET /api/stats, every answer computed (stored JSON joined by SQLite)", computed),
             latency_row("GET /api/stats, repeated (kept reply)", repeated),
             latency_row("service.figures (dicts: the CLI's and the page's path)", dicts)], points, first_ms)


def extraction_share(archive: Path, rounds: int) -> tuple[float, float]:
    """(CPU s of parsing and analysing the archive as a build does, CPU s of extracting and
    storing its figures): the part of a build that is the figures' own, measured in one process
    on the same parsed bulletins, so other load on the machine shifts both alike."""
    from indexer.parsing.figures import extract_figures
    from indexer.search import engine
    from indexer.search.figures_store import FiguresWriter
    from indexer.search.indexing import _default_parse, collect_files

    files = collect_files([str(archive)])
    parse_cpu, figures_cpu = [], []
    for _ in range(rounds):
        started = time.process_time()
        bulletins = []
        for path in files:
            data = _default_parse(path).to_dict()
            list(engine.section_documents(data))
            bulletins.append(data)
        parse_cpu.append(time.process_time() - started)
        with tempfile.TemporaryDirectory() as gen:
            started = time.process_time()
            writer = FiguresWriter(Path(gen), durable=False)
            for data in bulletins:
                figures, _ = extract_figures(data)
                writer.put_issue(data["issue"], figures, data["sections"])
            writer.commit()
            figures_cpu.append(time.process_time() - started)
    return statistics.median(parse_cpu), statistics.median(figures_cpu)


def build_seconds(code: Path, archive: Path, index_dir: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of ``index_paths`` alone in a child process running ``code``. CPU time
    (user + system) is what to compare on a shared machine: other people's work stretches the
    wall time of either side by tens of per cent."""
    env = dict(os.environ, PYTHONPATH=str(code))
    script = ("import sys, time; from indexer.search.indexing import index_paths; import indexer; "
              "assert indexer.__file__.startswith(sys.argv[3]), indexer.__file__; "
              "from indexer.search import analysis; analysis.jieba_tokenizer(); "
              "t, c = time.perf_counter(), time.process_time(); "
              "index_paths([sys.argv[1]], sys.argv[2], workers=0); "
              "print(time.perf_counter() - t, time.process_time() - c)")
    out = subprocess.run([sys.executable, "-c", script, str(archive), str(index_dir), str(code)],
                         env=env, cwd="/", capture_output=True, text=True, check=True)
    wall, cpu = out.stdout.strip().splitlines()[-1].split()
    return float(wall), float(cpu)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--issues", type=int, default=5000)
    parser.add_argument("--build-issues", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--base", help="a checkout of the code without figures, for the build comparison")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-figures-") as tmp:
        tmp = Path(tmp)
        count, seconds = figures_index(args.issues, tmp / "figures-index")
        rows, points, first_ms = api_latency(tmp / "figures-index", args.rounds)
        print(f"{args.issues} issues: {count} figures stored in {seconds:.1f} s; one series = {points} points; "
              f"first answer {first_ms:.1f} ms")
        for row in rows:
            print(f"  {row['label']}: p50 {row['p50']:.1f} ms, p95 {row['p95']:.1f} ms, "
                  f"max {row['max']:.1f} ms over {row['n']}")
        if args.base:
            from indexer.demo.archive import write_demo_archive

            archive = tmp / "archive"
            write_demo_archive(archive, issues=args.build_issues, formats=("txt",))
            with_figures, without = [], []
            for round_ in range(args.rounds):
                for code, times in ((Path(args.base), without), (REPO, with_figures)):
                    index_dir = tmp / f"index-{round_}-{len(times)}-{code.name}"
                    times.append(build_seconds(code, archive, index_dir))
            print(f"build of {args.build_issues} .txt issues, one writer, alternating (wall / CPU s):")
            for label, times in (("without figures (base)", without), ("with figures (this)", with_figures)):
                print(f"  {label:<24}" + ", ".join(f"{w:.2f}/{c:.2f}" for w, c in times))
            parse_cpu, figures_cpu = extraction_share(archive, args.rounds)
            base_cpu = statistics.median(t[1] for t in without)
            print(f"  in one process: parsing and analysing {parse_cpu:.2f} s CPU; extracting and storing "
                  f"the figures {figures_cpu:.3f} s CPU = {100 * figures_cpu / base_cpu:.1f} % of the base build's CPU")
            for n, what in ((0, "wall"), (1, "CPU")):
                ratio = statistics.median(t[n] for t in with_figures) / statistics.median(t[n] for t in without)
                # each round's two builds ran back to back: their ratio drifts less with the load
                paired = statistics.median(w[n] / b[n] for w, b in zip(with_figures, without))
                print(f"  {what}: ratio of medians {ratio:.3f}, median of the rounds' ratios {paired:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
