"""``serve --watch DIR``: index new and changed bulletin files while the search is served.

The archive grows by a PDF a week; nobody should have to run ``index`` for it to be found.

* Events come from watchdog: inotify where the system has it, its polling observer where not
  (network shares, containers out of inotify watches).
* A file is indexed once it has stopped changing (size and mtime the same for ``settle``
  seconds), so a file still being copied is waited for, not refused as truncated.
* A refused file is logged once by name; it is tried again only when it changes.
* A removed file's issue is dropped only with ``prune`` (as ``index --prune``); otherwise the
  log says once that it stays searchable.
* The index is written by ``index_paths`` under the one writer lock, so a manual ``index`` run
  at the same time is waited for; the search service reopens the new state by itself.
"""
from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from typing import Callable, Iterable, Optional

from .search.errors import IndexBusy
from .search.indexing import SUFFIXES, collect_files, index_paths

SETTLE_SECONDS = 2.0  # unchanged this long: the copy is finished
TICK_SECONDS = 0.25  # how often pending files are looked at
POLL_SECONDS = 1.0  # the polling observer's scan interval

Log = Callable[[str], None]


def _stderr(line: str) -> None:
    from .names import printable  # a file name may hold a newline or an ESC: never raw

    print(printable(line), file=sys.stderr, flush=True)


def _signature(path: str) -> Optional[tuple]:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


def _identity(folder: str) -> Optional[tuple]:
    try:
        st = os.stat(folder)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def _is_bulletin_file(path: str) -> bool:
    name = os.path.basename(path)
    return not name.startswith(".") and os.path.splitext(name)[1].lower() in SUFFIXES


class Watcher:
    """Watches folders and keeps the index in ``index_dir`` up with them, in a thread."""

    def __init__(self, folders: Iterable[str], index_dir, prune: bool = False,
                 polling: bool = False, settle: float = SETTLE_SECONDS, log: Log = _stderr):
        self.folders = [str(Path(f).resolve()) for f in folders]
        self.index_dir = str(index_dir)
        self.prune = prune
        self.polling = polling
        self.settle = settle
        self.log = log
        self._lock = threading.Lock()
        self._pending: dict[str, tuple] = {}  # path -> (signature, since when unchanged)
        self._removed: set[str] = set()
        self._refused: dict[str, tuple] = {}  # path -> signature it was refused at
        self._stop = threading.Event()
        self._observer = None
        self._thread: Optional[threading.Thread] = None
        self.how = ""  # "inotify" or "polling", once started
        self._identity: dict[str, Optional[tuple]] = {}  # folder -> (device, inode) watched

    # --- events (watchdog's thread) ----------------------------------------------------------

    def _changed(self, path: str) -> None:
        if _is_bulletin_file(path):
            with self._lock:
                self._pending[path] = (None, time.monotonic())
                self._removed.discard(path)

    def _gone(self, path: str) -> None:
        if _is_bulletin_file(path):
            with self._lock:
                self._pending.pop(path, None)
                self._refused.pop(path, None)
                self._removed.add(path)

    def _handler(self):
        from watchdog.events import FileSystemEventHandler

        watcher = self

        class Handler(FileSystemEventHandler):
            def on_created(self, event):
                if not event.is_directory:
                    watcher._changed(event.src_path)
                else:  # a folder copied in: its files may not each get an event
                    for path in collect_files([event.src_path]):
                        watcher._changed(path)

            def on_modified(self, event):
                if not event.is_directory:
                    watcher._changed(event.src_path)

            def on_closed(self, event):
                watcher._changed(event.src_path)

            def on_moved(self, event):
                if not event.is_directory:
                    watcher._gone(event.src_path)
                    watcher._changed(event.dest_path)

            def on_deleted(self, event):
                if not event.is_directory:
                    watcher._gone(event.src_path)

        return Handler()

    # --- running -----------------------------------------------------------------------------

    def start(self) -> "Watcher":
        for folder in self.folders:
            os.makedirs(folder, exist_ok=True)
        self._identity = {folder: _identity(folder) for folder in self.folders}
        self._observer = self._start_observer()
        # what is already there (added while nobody watched) is indexed first, like `index DIR`
        for path in collect_files(self.folders):
            self._changed(path)
        self._thread = threading.Thread(target=self._loop, name="bulletin-watch", daemon=True)
        self._thread.start()
        self.log(f"watch: watching {', '.join(self.folders)} ({self.how}); new and changed files "
                 f"are indexed{'; removed ones pruned' if self.prune else ''}")
        return self

    def _start_observer(self, existing_only: bool = False):
        """``existing_only``: schedule only the folders there now (restarted after one came back;
        one still gone is scheduled when it comes back)."""
        from watchdog.observers.polling import PollingObserver

        handler = self._handler()
        folders = [f for f in self.folders if not existing_only or os.path.isdir(f)]
        if not self.polling:
            from watchdog.observers import Observer

            observer = Observer()
            try:
                for folder in folders:
                    observer.schedule(handler, folder, recursive=True)
                observer.start()
                self.how = "inotify" if "inotify" in type(observer).__name__.lower() else "native events"
                return observer
            except OSError as e:  # out of inotify watches, a file system without events
                self.log(f"watch: file system events unavailable ({e.strerror or e}); polling instead")
        observer = PollingObserver(timeout=POLL_SECONDS)
        for folder in folders:
            observer.schedule(handler, folder, recursive=True)
        observer.start()
        self.how = "polling"
        return observer

    def stop(self) -> None:
        self._stop.set()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _loop(self) -> None:
        while not self._stop.wait(TICK_SECONDS):
            try:
                self.step()
            except Exception as e:  # the watcher must outlive any one bad moment; say what it was
                self.log(f"watch: error: {type(e).__name__}: {e}")

    # --- one step: what has settled gets indexed ---------------------------------------------

    def _settled(self) -> list[str]:
        now, ready = time.monotonic(), []
        with self._lock:
            for path, (seen, since) in list(self._pending.items()):
                current = _signature(path)
                if current is None:  # gone before it settled
                    del self._pending[path]
                elif current != seen:
                    self._pending[path] = (current, now)  # still changing: wait on
                elif now - since >= self.settle:
                    del self._pending[path]
                    if self._refused.get(path) == current:
                        continue  # refused as it is: said once already
                    ready.append(path)
        return ready

    def _check_folders(self) -> None:
        """A watched folder removed (a share unmounted, a folder renamed away) takes its watch
        with it: inotify reports nothing more for a folder made again under the same name. Each
        tick compares the folders with what is watched; one gone is said once, one come back is
        watched again and everything in it looked at, as at start."""
        back = []
        for folder in self.folders:
            now, before = _identity(folder), self._identity.get(folder)
            if now == before:
                continue
            if now is None:
                self.log(f"watch: {folder} is gone; its issues stay searchable, and it is watched "
                         "again when it comes back")
                self._identity[folder] = now
            else:
                back.append(folder)
        if back:
            if self._observer is not None:
                self._observer.stop()
                self._observer.join(timeout=5)
                self._observer = None
            self._observer = self._start_observer(existing_only=True)
            for folder in back:  # only once watched again: a failed restart is retried next tick
                self._identity[folder] = _identity(folder)
            for path in collect_files(back):
                self._changed(path)
            self.log(f"watch: {', '.join(back)} came back; watching it again")

    def step(self) -> None:
        self._check_folders()
        ready = self._settled()
        with self._lock:
            removed, self._removed = self._removed, set()
        if removed and not self.prune:
            for path in sorted(removed):
                self.log(f"watch: {path} was removed; its issue stays searchable "
                         "(serve --watch … --prune drops it)")
        if not ready and not (removed and self.prune):
            return
        refused = []
        try:
            report = index_paths(ready, self.index_dir, prune=bool(removed and self.prune),
                                 on_refused=refused.append, workers=0)
        except IndexBusy as busy:
            self.log(f"watch: waiting: {busy}")
            with self._lock:  # try again once the other writer is done
                for path in ready:
                    self._pending.setdefault(path, (None, time.monotonic()))
                self._removed |= removed if self.prune else set()
            return
        refused_paths = set()
        for refusal in refused:
            path = str(refusal.path)
            refused_paths.add(path)
            self._refused[path] = _signature(path)
            self.log(f"refused: {refusal}")
        done = [p for p in ready if p not in refused_paths]
        for path in done:
            self._refused.pop(path, None)
        if done or report.pruned:
            names = (", ".join(os.path.basename(p) for p in done) if len(done) <= 5
                     else f"{len(done)} files")
            self.log(f"watch: {report.summary()}" + (f": {names}" if names else ""))
