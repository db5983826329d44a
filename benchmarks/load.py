"""A bounded load test of `bulletin-search serve`, loopback only.

    python -m benchmarks.load [--issues 500] [--clients 32] [--seconds 30] [--slow 200]

Generates a demo archive, indexes it, starts the production server on 127.0.0.1, and lets N client
threads send the staff queries (plus bulletin views and health checks) for a fixed time and a fixed
maximum count, while ``--slow`` more connections dribble a request one byte a second and never
finish it (a slowloris, or stalled browsers on a bad line).

Reports throughput, latency percentiles, errors, and the server's memory sampled
every second (to show it stays flat). Appends the table to BENCHMARKS.md.
"""
from __future__ import annotations

import argparse
import http.client
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from benchmarks.queries import STAFF_QUERIES
from benchmarks.run import CLI, REPO, free_port, generate, percentile

MAX_REQUESTS_PER_CLIENT = 100_000  # a hard bound besides the time limit


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def wait_healthy(port: int, timeout: float = 60) -> dict:
    deadline = time.time() + timeout
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            if response.status == 200:
                return json.loads(response.read())
        except OSError:
            pass
        if time.time() > deadline:
            raise RuntimeError("server did not become healthy")
        time.sleep(0.2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--issues", type=int, default=500)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--slow", type=int, default=200, help="slow connections held open meanwhile")
    parser.add_argument("--output", default=str(REPO / "BENCHMARKS.md"))
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="bulletin-load-"))
    server = None
    try:
        archive, index_dir = work / "archive", work / "index"
        generate(archive, args.issues, ("txt",))
        subprocess.run(CLI + ["index", str(archive), "--index-dir", str(index_dir)], cwd=REPO, check=True,
                       capture_output=True)
        port = free_port()
        server = subprocess.Popen(CLI + ["serve", "--port", str(port), "--index-dir", str(index_dir)],
                                  cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_healthy(port)

        first = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        first.request("GET", "/api/search?q=%E7%AA%97%E5%8F%A3&per_page=50")
        issue_urls = sorted({hit["url"].split("#")[0] for hit in json.loads(first.getresponse().read())["hits"]})
        paths = ["/api/search?" + urllib.parse.urlencode(p) for p in STAFF_QUERIES]
        paths += ["/?" + urllib.parse.urlencode(p) for p in STAFF_QUERIES[:8]]
        paths += issue_urls[:10] + ["/healthz"]

        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        stop_at = time.perf_counter() + args.seconds

        def client(offset: int) -> None:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine, failures = [], []
            for count in range(MAX_REQUESTS_PER_CLIENT):
                if time.perf_counter() >= stop_at:
                    break
                path = paths[(offset + count) % len(paths)]
                start = time.perf_counter()
                try:
                    connection.request("GET", path)
                    response = connection.getresponse()
                    response.read()
                    if response.status != 200:
                        failures.append(f"{response.status} {path}")
                except (OSError, http.client.HTTPException) as err:
                    failures.append(f"{type(err).__name__} {path}")
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                mine.append((time.perf_counter() - start) * 1000)
            with lock:
                latencies.extend(mine)
                errors.extend(failures)

        # One pass over every path first: the first answer of each query builds its caches, and
        # "flat" is about the run after that, not the warm-up.
        for path in paths:
            first.request("GET", path)
            first.getresponse().read()
        first.close()

        slow_open = [0]  # slow connections open at the last count

        def slow_clients() -> None:
            """Hold ``args.slow`` connections, each sending one more byte of a request line every
            second; one the server closes (its idle timeout) is opened again."""
            start, dribble = b"GET /api/search?q=%E7%AA%97%E5%8F%A3 HTTP/1.1\r\nHost: 127.0.0.1\r\n", b"X-Wait: 1\r\n"
            socks: list[list] = []
            while time.perf_counter() < stop_at:
                while len(socks) < args.slow:
                    try:
                        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
                        sock.sendall(start)
                        socks.append([sock, 0])
                    except OSError:
                        break
                alive = []
                for entry in socks:
                    sock, sent = entry
                    try:
                        sock.sendall(dribble[sent % len(dribble):sent % len(dribble) + 1])
                        entry[1] = sent + 1
                        alive.append(entry)
                    except OSError:
                        sock.close()
                socks = alive
                slow_open[0] = len(socks)
                time.sleep(1)
            for sock, _ in socks:
                sock.close()

        memory: list[float] = [rss_mb(server.pid)]
        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        if args.slow:
            threads.append(threading.Thread(target=slow_clients, name="slow"))
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        while any(t.is_alive() for t in threads):
            time.sleep(1)
            memory.append(rss_mb(server.pid))
        elapsed = time.perf_counter() - started

        table = "\n".join([
            "## Load test", "",
            f"`python -m benchmarks.load --issues {args.issues} --clients {args.clients} --seconds {args.seconds:g} "
            f"--slow {args.slow}` against `bulletin-search serve` (waitress, 8 threads) on 127.0.0.1.", "",
            "| clients | slow connections held | seconds | requests | errors | req/s | p50 ms | p95 ms | max ms |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            f"| {args.clients} | {slow_open[0]} | {elapsed:.0f} | {len(latencies)} | {len(errors)} | "
            f"{len(latencies) / elapsed:.0f} | "
            f"{percentile(latencies, 0.5):.1f} | {percentile(latencies, 0.95):.1f} | {max(latencies):.1f} |",
            "",
            "Server memory (RSS, MB), after one warm-up pass over every URL, then sampled each second:",
            "",
            "| after warm-up | at ¼ | at ½ | at ¾ | end | peak |",
            "|---:|---:|---:|---:|---:|---:|",
            "| " + " | ".join(f"{memory[min(len(memory) - 1, int(f * (len(memory) - 1)))]:.0f}"
                             for f in (0, 0.25, 0.5, 0.75, 1)) + f" | {max(memory):.0f} |",
            "",
            f"The mix: {len(STAFF_QUERIES)} staff queries through `/api/search`, 8 of them through the "
            "search page, 10 bulletin views and `/healthz`, each client cycling through them from its "
            "own offset. Clients and server share the machine's 2 cores, so throughput is a floor.",
            "",
        ])
        print(table)
        if errors:
            print("errors:", errors[:20], file=sys.stderr)
        output = Path(args.output)
        existing = output.read_text("utf-8") if output.is_file() else ""
        marker = "## Load test"
        if marker in existing:  # replace this section only; the sections after it stay
            start = existing.index(marker)
            end = existing.find("\n## ", start + len(marker))
            rest = existing[end + 1:] if end >= 0 else ""
            existing = existing[:start] + table.rstrip() + "\n" + ("\n" + rest if rest else "")
        else:
            existing = existing.rstrip() + "\n\n" + table
        output.write_text(existing, "utf-8")
        return 1 if errors else 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
