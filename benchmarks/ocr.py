"""OCR and layout benchmarks: seconds per scanned page and per scanned issue, and whether reading
text PDFs got slower with the layout rules (this tree against a git ref, back to back).

    python -m benchmarks.ocr [--baseline-ref main] [--rounds 3] [--pdf-issues 40] [--output BENCHMARKS.md]

Scans are the tests' own (tests/scans.py: the three public samples rendered, askew, speckled,
JPEG), read with an empty OCR cache, then again from the cache. The text-PDF figure parses the same
generated PDFs (plain layouts) and the samples in child processes, alternating this tree and the
baseline so that the machine's drift hits both alike. Writes its section into BENCHMARKS.md.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SECTION = "## OCR and page layouts"
SAMPLES = ("000_1d6bcb462de667dc", "002_791b0b33f42eefcb", "004_2038efc021b4be03")

_PARSE_ALL = """
import sys, time
from indexer.parsing.parser import parse_file
paths = sys.argv[1:]
for path in paths[:3]:
    parse_file(path)  # imports and first-use costs out of the measurement
start = time.perf_counter()
for path in paths:
    parse_file(path)
print(time.perf_counter() - start)
"""


def corpus_dir() -> Path:
    return Path(os.environ.get("BULLETIN_CORPUS_DIR") or REPO.parent / "shared" / "corpus")


def bench_ocr(work: Path) -> dict:
    from indexer.parsing import ocr
    from indexer.parsing.parser import parse_file
    from tests.scans import make_scan

    if not ocr.available():
        return {"skipped": "Tesseract with chi_sim is not installed (make ocr)"}
    os.environ["BULLETIN_CACHE_DIR"] = str(work / "cache")  # empty: every page read afresh
    rows = []
    for sample in SAMPLES:
        scan = make_scan(corpus_dir() / f"{sample}.pdf", work / f"{sample}-scan.pdf", seed=7)
        cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        own_before = time.process_time()
        start = time.perf_counter()
        bulletin = parse_file(str(scan))
        wall = time.perf_counter() - start
        cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (cpu_after.ru_utime - cpu_before.ru_utime + cpu_after.ru_stime - cpu_before.ru_stime
               + time.process_time() - own_before)
        start = time.perf_counter()
        parse_file(str(scan))
        cached = time.perf_counter() - start
        rows.append({"sample": sample, "pages": len(bulletin.ocr_pages), "wall": wall, "cpu": cpu, "cached": cached})
    return {"rows": rows, "workers": os.cpu_count()}


def bench_text_pdfs(work: Path, baseline_ref: str, rounds: int, issues: int) -> dict:
    from indexer.demo.archive import write_demo_archive

    folder = work / "pdfs"
    write_demo_archive(str(folder), issues=issues, seed=2014, formats=("pdf",))
    paths = [str(p) for p in sorted(folder.glob("*.pdf"))] + [str(corpus_dir() / f"{s}.pdf") for s in SAMPLES]
    trees = {}
    for name, ref in (("baseline", baseline_ref), ("this", "HEAD")):  # committed snapshots of both
        trees[name] = work / name
        trees[name].mkdir()
        archive = subprocess.run(["git", "-C", str(REPO), "archive", ref], capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(trees[name])], input=archive.stdout, check=True)
    times: dict[str, list[float]] = {"baseline": [], "this": []}
    for _ in range(rounds):
        for name, tree in trees.items():
            env = dict(os.environ, PYTHONPATH=str(tree))
            done = subprocess.run([sys.executable, "-c", _PARSE_ALL, *paths], capture_output=True, text=True,
                                  env=env, cwd=str(tree), check=True)
            times[name].append(float(done.stdout.strip().splitlines()[-1]))
    return {"files": len(paths), "ref": baseline_ref, "rounds": rounds,
            "baseline": statistics.median(times["baseline"]), "this": statistics.median(times["this"]),
            "all": times}


def render(ocr_result: dict, text: dict) -> str:
    out = [SECTION, "", "Produced by `python -m benchmarks.ocr` "
           f"on {time.strftime('%Y-%m-%d')} ({os.cpu_count()} cores, shared).", ""]
    if "skipped" in ocr_result:
        out += [f"OCR not measured: {ocr_result['skipped']}.", ""]
    else:
        rows = ocr_result["rows"]
        out += ["| scanned issue | pages | wall s | CPU s | wall s/page | CPU s/page | again, from the cache s |",
                "|---|---:|---:|---:|---:|---:|---:|"]
        for row in rows:
            out.append(f"| {row['sample']} | {row['pages']} | {row['wall']:.1f} | {row['cpu']:.1f} | "
                       f"{row['wall'] / row['pages']:.2f} | {row['cpu'] / row['pages']:.2f} | {row['cached']:.2f} |")
        pages = sum(r["pages"] for r in rows)
        wall, cpu = sum(r["wall"] for r in rows), sum(r["cpu"] for r in rows)
        out += ["", f"Over {pages} pages: {wall / pages:.2f} s a page wall-clock with {ocr_result['workers']} "
                f"Tesseract processes at a time, {cpu / pages:.2f} CPU-s a page (rendering, straightening, "
                f"Tesseract, the header read again on first pages); {wall / len(rows):.1f} s an issue.", ""]
    ratio = text["this"] / text["baseline"]
    out += ["| text PDFs parsed | baseline (" + text["ref"] + ") s | this branch (HEAD) s | ratio |", "|---:|---:|---:|---:|",
            f"| {text['files']} | {text['baseline']:.2f} | {text['this']:.2f} | {ratio:.3f} |", "",
            f"Medians of {text['rounds']} rounds, alternating the two trees in child processes "
            f"(all rounds: baseline {', '.join(f'{t:.2f}' for t in text['all']['baseline'])}; "
            f"this {', '.join(f'{t:.2f}' for t in text['all']['this'])}).", ""]
    return "\n".join(out)


def write_section(output: Path, section: str) -> None:
    previous = output.read_text("utf-8") if output.is_file() else ""
    if SECTION in previous:
        start = previous.index(SECTION)
        following = previous.find("\n## ", start + len(SECTION))
        previous = previous[:start].rstrip() + ("\n\n" + previous[following + 1:] if following != -1 else "")
    output.write_text(previous.rstrip() + "\n\n" + section.rstrip() + "\n", "utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline-ref", default="main", help="git ref whose text-PDF parsing is the baseline")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pdf-issues", type=int, default=40)
    parser.add_argument("--output", default=str(REPO / "BENCHMARKS.md"))
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bulletin-ocr-bench-"))
    try:
        print("… OCR", file=sys.stderr)
        ocr_result = bench_ocr(work)
        print("… text PDFs, this tree and the baseline", file=sys.stderr)
        text = bench_text_pdfs(work, args.baseline_ref, args.rounds, args.pdf_issues)
        section = render(ocr_result, text)
        print(section)
        write_section(Path(args.output), section)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
