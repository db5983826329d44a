"""``bulletin-search index``: add bulletin files to the index, incrementally and safely.

* Incremental by content: a file whose sha256 is recorded is skipped; a changed file replaces its
  issue's sections; ``prune`` drops issues whose files are gone.
* ``rebuild`` (and a schema version change) writes a new generation beside the live one and swaps
  it in atomically (store.py), so a searcher never sees a half-built index.
* One writer at a time (store.WriterLock); the second gets ``IndexBusy`` with a clear message.
* An index that fails to open is reported, never deleted.
* One issue found twice (a .txt and a .pdf of it) is one issue; the PDF is its source, since
  it carries page numbers.
"""
from __future__ import annotations

import errno
import hashlib
import multiprocessing
import multiprocessing.connection
import os
import shutil
import signal
import stat
import threading
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

try:
    import resource
except ImportError:  # Windows: no per-process memory limit
    resource = None

from ..parsing.figures import extract_figures
from ..parsing.model import RefusedInput
from ..parsing.reading import READ_MEMORY_LIMIT, READ_TIME_LIMIT, check_size
from . import backends, engine, store
from .errors import IndexDamaged
from .figures_store import FiguresWriter

__all__ = ["IndexReport", "index_paths", "collect_files"]

SUFFIXES = (".pdf", ".txt")
# progress(done, total, path, ocr_pages): files done of total, the file being read, scanned pages
# read by OCR so far (a scanned issue takes seconds a page: the bar says why it is slow)
Progress = Optional[Callable[[int, int, str, int], None]]
# Parsing and analysing (jieba) are half of a build and need nothing from the index, so a large
# run hands them to worker processes while this one writes; a few files are not worth the start.
PARALLEL_MIN_FILES = 32
IN_FLIGHT_PER_WORKER = 8  # prepared files waiting for the writer: bounds the memory they hold
# A worker still busy this long after the time limit did not answer its alarm (stuck in C code,
# where a signal handler never runs): the writer kills it and starts another.
WATCHDOG_GRACE = 5.0


@dataclass
class IndexReport:
    new: int = 0
    replaced: int = 0
    unchanged: int = 0
    duplicates: int = 0  # files holding an issue another file already provides
    pruned: int = 0
    refused: list = field(default_factory=list)  # RefusedInput
    partial: list = field(default_factory=list)  # (path, warning): indexed, but pages were damaged
    sections: int = 0  # sections written in this run
    ocr_pages: int = 0  # scanned pages read by OCR (or from its cache) in this run
    seconds: float = 0.0
    rebuilt: bool = False

    def summary(self) -> str:
        extra = ""
        if self.duplicates:
            # say what it means: nothing was lost, the issue is searchable from its better form
            extra += (f", {self.duplicates} {'copy' if self.duplicates == 1 else 'copies'} of an issue "
                      "another file holds (a .pdf is preferred to a .txt)")
        if self.pruned:
            extra += f", {self.pruned} pruned"
        if self.partial:
            extra += f", {len(self.partial)} read only in part (damaged pages, see the warnings)"
        if self.ocr_pages:
            extra += f", {self.ocr_pages} {'page' if self.ocr_pages == 1 else 'pages'} read by OCR"
        return (f"indexed {self.new} new, {self.replaced} replaced, {self.unchanged} unchanged, "
                f"{len(self.refused)} refused{extra}; {self.sections} sections in {self.seconds:.1f} s"
                + (" (rebuilt)" if self.rebuilt else ""))


def collect_files(paths: Iterable[str]) -> list[str]:
    """Every .pdf/.txt under the paths, absolute, each once; a PDF before the .txt of its name so
    the preferred source of an issue is usually met first."""
    return _collect(paths)[0]


def _collect(paths: Iterable[str]) -> tuple[list[str], list[RefusedInput]]:
    """``collect_files``, and a refusal for each entry with a bulletin's name that is no file to
    read: a link to nothing, a loop of links, a named pipe (opening one would wait forever).

    The folders given are resolved, the entries in them are not: a linked bulletin is indexed
    and refused under the name it has in the archive, not its target's."""
    found: set[str] = set()
    odd: dict[str, RefusedInput] = {}
    for p in paths:
        path = Path(p)
        if path.is_dir():
            base = path.resolve()
            for entry in base.rglob("*"):
                if entry.suffix.lower() not in SUFFIXES:
                    continue
                if entry.is_file():
                    found.add(str(entry))
                elif not entry.is_dir():
                    odd[str(entry)] = RefusedInput(str(entry), _not_a_file(entry))
        elif path.is_file():
            found.add(str(path.parent.resolve() / path.name))
        elif path.is_symlink() or path.exists():
            entry = path.parent.resolve() / path.name
            odd[str(entry)] = RefusedInput(str(entry), _not_a_file(entry))
    files = sorted(found, key=lambda f: (os.path.dirname(f), Path(f).stem, _rank(f), f))
    return files, [odd[name] for name in sorted(odd)]


def _not_a_file(entry: Path) -> str:
    """Why an entry named like a bulletin cannot be read, for its refusal line."""
    if entry.is_symlink():
        try:
            os.stat(entry)
        except FileNotFoundError:
            return f"a link to {os.readlink(entry)}, which does not exist"
        except OSError as e:
            if e.errno == errno.ELOOP:
                return "a link that leads back to itself (a loop of links)"
            return f"a link that cannot be followed ({e.strerror or e})"
        return "a link to something that is not a file"
    try:
        mode = os.lstat(entry).st_mode
    except OSError as e:
        return f"could not be read ({e.strerror or e})"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a file: skipped"
    return "not a regular file (a socket or device): skipped"


def _rank(path: str) -> int:
    return 0 if path.lower().endswith(".pdf") else 1


def file_sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _default_parse(path: str):
    from ..parsing.parser import parse_file
    return parse_file(path)


def default_workers() -> int:
    """One worker per core but one: the writer in this process keeps a core busy too."""
    return max(1, (os.cpu_count() or 1) - 1)


def index_paths(paths: Iterable[str], index_dir, rebuild: bool = False, prune: bool = False,
                progress: Progress = None, on_refused: Optional[Callable] = None,
                parse: Optional[Callable] = None, workers: Optional[int] = None,
                on_warning: Optional[Callable[[str, str], None]] = None,
                time_limit: Optional[float] = READ_TIME_LIMIT,
                memory_limit: Optional[int] = READ_MEMORY_LIMIT,
                engine_name: Optional[str] = None) -> IndexReport:
    """Index every bulletin file under ``paths`` into ``index_dir``; see the module docstring.

    ``progress(done, total, path, ocr_pages)`` is called before each file and once at the end;
    ``on_refused(RefusedInput)`` for each file that cannot be read as a bulletin;
    ``on_warning(path, warning)`` for each file indexed although some of its pages were damaged.
    ``workers``: processes that parse and analyse (None: ``default_workers()`` when at least
    PARALLEL_MIN_FILES files need reading; 0: all in this process). Only the default parser
    runs in workers; the outcome is the same either way.
    ``time_limit``: seconds one file may take to be read and analysed before it is refused by
    name and the run goes on (None or 0: no limit).
    ``memory_limit``: bytes of memory one file may take to be read, the same way. Only a worker
    process can be limited (the writer's own memory must not be), so with a limit files are read
    in one unless ``workers=0`` says otherwise; a worker stuck past the time limit or dead is
    replaced and its file refused.
    ``engine_name``: "whoosh" or "tantivy" (None: $BULLETIN_ENGINE, else the live index's engine,
    else Whoosh). Asking for another engine than the live index's builds a new generation with it.
    """
    started = time.monotonic()
    index_dir = Path(index_dir)
    custom_parse = parse is not None
    parse = parse or _default_parse
    files, odd = _collect(paths)
    report = IndexReport()
    with store.WriterLock(index_dir):
        if store.live_generation(index_dir) is None:
            store.adopt_finished_build(index_dir, engine.SCHEMA_VERSION)
        if store.live_generation(index_dir) is not None:
            store.remove_stale_generations(index_dir)
        run = _Run(index_dir, rebuild, report, backends.requested_engine(engine_name))
        if run.carried_sources:  # a schema change: keep every issue the old index held
            files = collect_files(files + [p for p in run.carried_sources if os.path.isfile(p)])
        for refusal in odd:
            run.refuse(refusal, on_refused)
        try:
            if prune:
                run.prune()
            hashes = _hash_files(files, run, on_refused)
            files = [p for p in files if p in hashes]
            to_read = [p for p in files if not run.is_unchanged(p, hashes[p])]
            limit_memory = bool(memory_limit) and memory_limit_usable()
            if workers is None:
                workers = (default_workers() if len(to_read) >= PARALLEL_MIN_FILES
                           else 1 if limit_memory else 0)
            if time_limit and not workers and not _alarm_usable():
                workers = 1  # a thread cannot set an alarm: a worker process can
            with _Preparer(to_read, hashes, workers if not custom_parse else 0,
                           time_limit, memory_limit if limit_memory else None) as prepared:
                for done, path in enumerate(files):
                    if progress:
                        progress(done, len(files), path, report.ocr_pages)
                    run.add_file(path, parse, on_refused, hashes[path], prepared.take(path),
                                 time_limit, on_warning)
            if progress:
                progress(len(files), len(files), "", report.ocr_pages)
            run.commit()
        except BaseException:
            run.cancel()
            raise
    report.seconds = time.monotonic() - started
    return report


def _hash_files(files: list[str], run: "_Run", on_refused) -> dict:
    """The sha256 of each file; one that vanished since it was listed, cannot be opened, or is
    empty or far too large (refused before hashing gigabytes) is refused in one line, and the run
    goes on without it."""
    hashes = {}
    for path in files:
        try:
            check_size(path, os.path.getsize(path))
            hashes[path] = file_sha256(path)
        except RefusedInput as refusal:
            run.refuse(refusal, on_refused)
        except FileNotFoundError:
            run.refuse(RefusedInput(path, "the file disappeared before it could be read"), on_refused)
        except PermissionError:
            run.refuse(RefusedInput(path, "no permission to read this file"), on_refused)
        except OSError as e:
            run.refuse(RefusedInput(path, f"could not be read ({e.strerror or e})"), on_refused)
    return hashes


class _TookTooLong(BaseException):
    """Raised by the alarm inside a file's reading. A BaseException, so the parser's own
    ``except Exception`` (which turns a zoo of pdfminer errors into "damaged PDF") lets it by."""


def _alarm_usable() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def _time_limit(seconds: Optional[float]):
    """Interrupt the work inside after ``seconds`` of wall time (SIGALRM: pdfminer's loops are
    Python, so the signal lands between two of their steps). Without a limit, or off the main
    thread (where no alarm can be set; index_paths then reads in a worker), nothing happens."""
    if not seconds or not _alarm_usable():
        yield
        return

    def on_alarm(signum, frame):
        raise _TookTooLong()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def took_too_long(time_limit: float) -> str:
    return (f"took longer than {time_limit:g} s to read, so it is damaged or hostile "
            "(a longer limit can be set with --time-limit)")


def needed_too_much(memory_limit: Optional[int]) -> str:
    return (f"needed more than {_bytes(memory_limit)} of memory to read, so it is damaged or hostile "
            "(a larger limit can be set with --memory-limit)")


def _bytes(n: Optional[int]) -> str:
    if not n:
        return "all the"
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= size:
            return f"{n / size:g} {unit}" if n % size == 0 else f"{n / size:.1f} {unit}"
    return f"{n} bytes"


def prepare_file(path: str, sha: str, parse: Callable = _default_parse,
                 time_limit: Optional[float] = None, memory_limit: Optional[int] = None) -> tuple:
    """Parse and analyse one file, needing nothing from the index: ("ok", bulletin dict, section
    documents, 办件 figures) or ("refused", reason). Plain tuples, so a worker process can send
    them back. What the figures extractor could not read joins the bulletin's warnings.
    Past ``time_limit`` seconds, or out of memory (``memory_limit``: the limit a worker was
    given, for the message), the file is refused and the run goes on."""
    try:
        with _time_limit(time_limit):
            try:
                bulletin = parse(path)
            except RefusedInput as refusal:
                return ("refused", refusal.reason)
            except MemoryError:
                return ("refused", needed_too_much(memory_limit))
            except Exception as e:  # one unreadable file must not stop a run over thousands
                return ("refused", f"could not be read ({type(e).__name__}: {e})")
            data = bulletin.to_dict()
            data["issue"]["source"] = {"path": path, "sha256": sha}
            ocr_pages = len(getattr(bulletin, "ocr_pages", ()))  # for the summary: not in the stored JSON
            if not store.valid_issue_id(data["issue"]["id"]):
                return ("ok", data, [], [], ocr_pages)  # refused by the writer, which names the id
            figures, warnings = extract_figures(data)
            data["warnings"] = list(data.get("warnings") or []) + [f"figures: {w}" for w in warnings]
            return ("ok", data, list(engine.section_documents(data, store.bulletin_version(data))),
                    figures, ocr_pages)
    except _TookTooLong:
        return ("refused", took_too_long(time_limit))
    except MemoryError:  # analysing or extracting figures, past the parser
        return ("refused", needed_too_much(memory_limit))


def _start_worker() -> None:
    """Load once per worker, before its first file (and before its memory limit is set, which
    is for reading files, not for loading the libraries that read them)."""
    import pdfplumber  # noqa: F401

    from ..parsing import parser  # noqa: F401
    from . import analysis

    analysis.jieba_tokenizer()


class _Worker:
    """One process that reads files for the writer, one at a time, over a pipe. The writer
    watches it: a worker that dies (killed, out of memory in C code) or that is still busy well
    past the time limit (stuck in C code, where the alarm cannot land) is killed and replaced,
    and its file refused by name."""

    def __init__(self, context, time_limit: Optional[float], memory_limit: Optional[int]):
        self.conn, child = context.Pipe()
        # when the worker's alarm is due (time.monotonic(), the same clock in every process)
        self.alarm_due = context.Value("d", 0.0, lock=False)
        self.process = context.Process(target=_worker_main,
                                       args=(child, self.conn, os.getpid(), time_limit, memory_limit,
                                             self.alarm_due),
                                       daemon=True)
        self.process.start()
        child.close()
        self.path: Optional[str] = None  # the file it is reading
        self.started = 0.0

    def give(self, path: str, sha: str) -> None:
        self.path, self.started = path, time.monotonic()
        self.alarm_due.value = 0.0  # the last file's alarm, however extended, is not this one's
        self.conn.send((path, sha))

    def overdue(self, time_limit: Optional[float]) -> Optional[float]:
        """When the writer gives up on this worker's file: WATCHDOG_GRACE after its alarm was due,
        the alarm being the time limit from the start, or later where reading extended it (each
        page OCR reads adds time: a long scanned issue is slow, not stuck)."""
        if not time_limit or self.path is None:
            return None
        return max(self.started + time_limit, self.alarm_due.value) + WATCHDOG_GRACE

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


def _worker_main(conn, writers_end, writer: int, time_limit: Optional[float],
                 memory_limit: Optional[int], alarm_due=None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the writer's to handle
    writers_end.close()  # a copy of the writer's end kept here would hide the writer's death
    store.close_inherited_locks()
    _die_with(writer)
    try:
        _start_worker()
        if alarm_due is not None and time_limit and hasattr(signal, "getitimer"):
            threading.Thread(target=_report_alarm, args=(alarm_due,), daemon=True).start()
        base = _address_space()
        _limit_memory(memory_limit, base)
        _serve_writer(conn, writer, time_limit, memory_limit, base)
    except BaseException:  # the writer names the file and why; no traceback over its output
        os._exit(WORKER_FAILED)


WORKER_FAILED = 70


def _report_alarm(alarm_due) -> None:
    """Keep the writer told when this process's alarm is due (ITIMER_REAL is the process's, so a
    thread can read it). Stuck in C code holding the interpreter, this thread stops too and the
    last time told stands: the writer then kills the worker a grace after it."""
    while True:
        left = signal.getitimer(signal.ITIMER_REAL)[0]
        if left > 0:
            alarm_due.value = time.monotonic() + left
        time.sleep(0.5)


def _die_with(writer: int) -> None:
    """On Linux, be killed the moment the writer dies (kill -9 included): a worker left reading
    would hold the engine's files and the CPU. Elsewhere the worker notices within a second
    (``_serve_writer``)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != writer:  # died before the request was made
        os._exit(WORKER_FAILED)


def _serve_writer(conn, writer: int, time_limit: Optional[float], memory_limit: Optional[int],
                  base: Optional[int]) -> None:
    while True:
        # A writer killed by SIGKILL cannot stop its workers: each sees it gone within a second
        # and leaves (it must not hold the writer's stdout open, nor the CPU, for ever).
        while not conn.poll(1.0):
            if os.getppid() != writer:
                return
        try:
            task = conn.recv()
        except EOFError:  # the writer is gone
            return
        if task is None:
            return
        path, sha = task
        store.crash_point(f"reading {os.path.basename(path)}")
        _hang_point(f"reading {os.path.basename(path)}")
        result = prepare_file(path, sha, time_limit=time_limit, memory_limit=memory_limit)
        try:
            conn.send((path, result))
            continue
        except MemoryError:  # pickled whole before a byte is sent: nothing went half-way
            pass
        # out of the except block, whose traceback holds the half-built pickle; and with the
        # limit lifted for the moment, as the little left may not hold even the refusal
        result = None
        _lift_memory_limit()
        conn.send((path, ("refused", needed_too_much(memory_limit))))
        _limit_memory(memory_limit, base)


HANG_POINT_VARIABLE = "BULLETIN_HANG_AT"


def _hang_point(step: str) -> None:
    """Hang here, deaf to the alarm, when $BULLETIN_HANG_AT names this step: how the tests stand
    for a reader stuck inside C code, which the time limit's alarm cannot interrupt."""
    if os.environ.get(HANG_POINT_VARIABLE) == step:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(3600)


def _address_space() -> Optional[int]:
    """Bytes of address space this process holds now; None where that cannot be known."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return None


def _limit_memory(limit: Optional[int], base: Optional[int]) -> None:
    """Let this worker's address space grow by at most ``limit`` bytes beyond ``base`` (what it
    held once the interpreter and jieba's dictionary were loaded): past it, allocation fails
    with MemoryError, which prepare_file turns into a refusal. Without a limit, RLIMIT_AS, or a
    known base, nothing."""
    if not limit or resource is None or base is None:
        return
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    soft = base + limit if hard == resource.RLIM_INFINITY else min(base + limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _lift_memory_limit() -> None:
    """Up to the hard limit, as a process may: for a moment, to send a refusal."""
    if resource is not None:
        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def memory_limit_usable() -> bool:
    return resource is not None and os.path.exists("/proc/self/statm")


class _Preparer:
    """Files prepared ahead by worker processes, handed out in order; at most a few per worker
    wait at any time. With no workers, nothing is prepared ahead and the writer reads each file
    itself."""

    def __init__(self, paths: list[str], hashes: dict, workers: int,
                 time_limit: Optional[float] = None, memory_limit: Optional[int] = None):
        self.time_limit = time_limit
        self.memory_limit = memory_limit
        self.queue = deque(paths)
        self.hashes = hashes
        self.results: dict = {}
        self.workers: list[_Worker] = []
        if workers > 0 and paths:
            methods = multiprocessing.get_all_start_methods()
            self.context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
            self.workers = [self._new_worker() for _ in range(min(workers, len(paths)))]
            self.limit = len(self.workers) * IN_FLIGHT_PER_WORKER
            self._fill()

    def _new_worker(self) -> _Worker:
        return _Worker(self.context, self.time_limit, self.memory_limit)

    def _fill(self) -> None:
        for worker in self.workers:
            busy = sum(1 for w in self.workers if w.path is not None)
            if worker.path is None and self.queue and len(self.results) + busy < self.limit:
                path = self.queue.popleft()
                worker.give(path, self.hashes[path])

    def take(self, path: str) -> Optional[tuple]:
        """The prepared result for ``path`` if it was given to a worker, else None."""
        if not self.workers:
            return None
        while path not in self.results:
            if not any(w.path == path for w in self.workers):
                return None
            self._wait()
            self._fill()
        result = self.results.pop(path)
        self._fill()
        return result

    def _wait(self) -> None:
        """Until some worker answers, dies, or overruns the time limit by WATCHDOG_GRACE."""
        busy = [w for w in self.workers if w.path is not None]
        timeout = None
        if self.time_limit:  # woken at the first deadline, or each second (deadlines may move)
            deadline = min(w.overdue(self.time_limit) for w in busy)
            timeout = min(1.0, max(0.0, deadline - time.monotonic()))
        ready = multiprocessing.connection.wait(
            [w.conn for w in busy] + [w.process.sentinel for w in busy], timeout)
        for index, worker in enumerate(self.workers):
            if worker.path is None:
                continue
            if worker.conn in ready:
                try:
                    path, result = worker.conn.recv()
                except (EOFError, OSError):  # died while sending: the sentinel says how
                    pass
                else:
                    self.results[path] = result
                    worker.path = None
                    continue
            overdue = self.time_limit and time.monotonic() > worker.overdue(self.time_limit)
            if worker.process.sentinel in ready or worker.conn in ready or overdue:
                self.results[worker.path] = self._lost(worker, overdue)
                worker.stop()
                self.workers[index] = self._new_worker()

    def _lost(self, worker: _Worker, overdue: bool) -> tuple:
        if overdue:
            return ("refused", took_too_long(self.time_limit))
        worker.process.join()
        code = worker.process.exitcode
        if code is not None and code < 0 and -code == signal.SIGKILL and self.memory_limit:
            how = "was killed (SIGKILL: by the system when out of memory, or by hand)"
        elif code is not None and code < 0:
            how = f"was killed by signal {-code}"
        else:
            how = f"stopped (exit status {code})"
        return ("refused", f"the process reading it {how}, so it is damaged or hostile; "
                           "the run went on without it")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for worker in self.workers:  # finished or failed: nothing more is wanted from them
            worker.stop()
        return False


def _engine_of_live(live: Optional[Path], rebuild: bool) -> Optional[str]:
    """The engine that built the live generation; None when there is none, or when a rebuild
    replaces it whole and its mark is damaged (the rebuild is the repair)."""
    if live is None:
        return None
    try:
        return engine.engine_of(store.generation_meta(live))
    except IndexDamaged:
        if rebuild:
            return None
        raise


class _Run:
    """One indexing run over one generation (the live one, or a new one being built)."""

    def __init__(self, index_dir: Path, rebuild: bool, report: IndexReport, engine_name: Optional[str]):
        self.index_dir = index_dir
        self.report = report
        self.carried_sources: list[str] = []
        live = store.live_generation(index_dir)
        live_engine = _engine_of_live(live, rebuild)
        self.engine = engine_name or live_engine or backends.DEFAULT_ENGINE
        if live is not None and not rebuild:
            version = store.generation_meta(live).get("schema_version")
            # another schema, or another engine asked for: keep every issue the old index held
            if version != engine.SCHEMA_VERSION or self.engine != live_engine:
                rebuild = True
                self.carried_sources = sorted(store.load_files(live))
        self.building = live is None or rebuild
        report.rebuilt = live is not None and rebuild
        if self.building:
            self.gen = store.new_generation(index_dir)
            self.ix = engine.create_index(self.gen, self.engine)
            self.files: dict = {}
        else:
            self.gen = live
            self.ix = engine.open_index(live, self.engine)  # IndexUnreadable; nothing is deleted
            self.ix.check_readable()
            self.files = store.load_files(live)
            store.recover_staged(live, engine.issue_versions(live, self.engine,
                                                             store.staged_issue_ids(live)))
            engine.remove_unused_files(live, self.engine)  # what a failed or killed writer left
        self.writer = self.ix.writer()
        self.figures = FiguresWriter(self.gen, durable=not self.building)
        self.outcome: dict[str, tuple[str, int]] = {}  # issue id -> ("new"|"replaced", sections)
        self.dropped: set[str] = set()  # issue ids whose stored bulletin goes at commit

    def owner_of(self, issue_id: str) -> Optional[str]:
        for path, rec in self.files.items():
            if rec.get("issue_id") == issue_id and not rec.get("duplicate_of"):
                return path
        return None

    def prune(self) -> None:
        for path in [p for p in self.files if not os.path.exists(p)]:
            # popped already when an earlier missing file of the same issue was pruned
            rec = self.files.pop(path, None)
            if rec is None or rec.get("duplicate_of"):
                continue
            issue_id = rec["issue_id"]
            self.writer.delete_issue(issue_id)
            self.figures.delete_issue(issue_id)
            self.dropped.add(issue_id)
            self.report.pruned += 1
            # a surviving duplicate of the issue is read again so it takes over
            for other, orec in list(self.files.items()):
                if orec.get("issue_id") == issue_id:
                    del self.files[other]

    def is_unchanged(self, path: str, sha: str) -> bool:
        rec = self.files.get(path)
        return rec is not None and rec.get("sha256") == sha

    def add_file(self, path: str, parse, on_refused, sha: str, prepared: Optional[tuple],
                 time_limit: Optional[float] = None, on_warning=None) -> None:
        rec = self.files.get(path)
        if self.is_unchanged(path, sha):
            self.report.unchanged += 1
            return
        if prepared is None:
            prepared = prepare_file(path, sha, parse, time_limit)
        if prepared[0] == "refused":
            return self.refuse(RefusedInput(path, prepared[1]), on_refused)
        _, data, documents, figures, *more = prepared
        self.report.ocr_pages += more[0] if more else 0
        issue_id = data["issue"]["id"]
        if not store.valid_issue_id(issue_id):
            return self.refuse(RefusedInput(path, f"unusable issue id {issue_id!r}"), on_refused)
        owner = self.owner_of(issue_id)
        if owner is not None and owner != path and os.path.exists(owner):
            if _rank(owner) <= _rank(path):  # the owner is as good a source (a PDF beats a .txt)
                self.files[path] = {"sha256": sha, "issue_id": issue_id, "duplicate_of": owner}
                self.report.duplicates += 1
                return
            self.files[owner] = dict(self.files[owner], duplicate_of=path)
            self.report.duplicates += 1
        stale = {issue_id}
        if rec is not None and not rec.get("duplicate_of") and rec.get("issue_id") != issue_id:
            stale.add(rec["issue_id"])  # the file now holds another issue
            self.dropped.add(rec["issue_id"])
        if stale & set(self.outcome):
            self._flush()
        existed = owner is not None or issue_id in self.outcome
        for old in stale:
            self.writer.delete_issue(old)
            self.figures.delete_issue(old)
        self.figures.put_issue(data["issue"], figures, data["sections"])
        for doc in documents:
            self.writer.add(doc)
        store.save_bulletin(self.gen, data, staged=not self.building)
        self.dropped.discard(issue_id)
        previous = self.outcome.get(issue_id, ("replaced" if existed else "new", 0))[0]
        self.outcome[issue_id] = (previous, len(data["sections"]))
        self.files[path] = {"sha256": sha, "issue_id": issue_id}
        if data.get("damaged_pages"):
            warning = data["warnings"][0]  # the parser puts the damage first
            self.report.partial.append((path, warning))
            if on_warning:
                on_warning(path, warning)

    def _flush(self) -> None:
        """Commit what is buffered: Whoosh deletes only committed documents, so an issue written
        earlier in this run (its .txt met before its .pdf) must be committed before replacing."""
        self.writer.commit()
        store.crash_point("after-flush")
        self.writer = self.ix.writer()

    def refuse(self, refusal: RefusedInput, on_refused) -> None:
        self.report.refused.append(refusal)
        if on_refused:
            on_refused(refusal)

    def commit(self) -> None:
        """The engine's commit is the run's one commit point: from it on, readers see the run's
        issues and no others (the service ignores stored bulletins the index does not hold, and
        finds those still staged), however the steps after it are cut short."""
        self.writer.commit()
        store.crash_point("after-engine-commit")
        # The figures right after the documents, never before: a run that fails at Whoosh's commit
        # (a full disk) is undone whole, figures included. Killed between the two, the manifest is
        # not yet saved, so the next run reads those files again and writes both.
        self.figures.commit()
        store.crash_point("after-index-commit")
        if not self.building:
            store.publish_staged(self.gen)
        for issue_id in self.dropped:
            store.delete_bulletin(self.gen, issue_id)
            store.crash_point("deleting-bulletins")
        store.crash_point("before-manifest")
        store.save_files(self.gen, self.files)
        store.crash_point("after-manifest")
        for kind, sections in self.outcome.values():
            setattr(self.report, kind, getattr(self.report, kind) + 1)
            self.report.sections += sections
        if self.building:
            store.mark_complete(self.gen, engine.SCHEMA_VERSION, self.engine)
            store.crash_point("before-swap")
            store.swap_in(self.index_dir, self.gen)

    def cancel(self) -> None:
        try:
            try:
                self.writer.cancel()
            except Exception:  # a writer that failed mid-commit may not cancel cleanly; cleaned below
                pass
            finally:
                self.figures.cancel()
        finally:
            if self.building:  # never the live generation: only the one this run was building
                shutil.rmtree(self.gen, ignore_errors=True)
            else:  # the live generation keeps the bulletins its index has
                store.discard_staged(self.gen)
                engine.remove_unused_files(self.gen, self.engine)  # retries on a full disk
