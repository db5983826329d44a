"""The index directory on disk, apart from what Whoosh writes: generations, the pointer, the lock,
the parsed bulletins and the file manifest.

    index_dir/
      CURRENT           name of the live generation, replaced atomically (os.replace)
      .lock             flocked by the one writer, holding its pid
      gen-000002/       one complete index: Whoosh's files, plus
        GENERATION.json   {"schema_version": N, "engine": "whoosh"|"tantivy", "complete": true}
        files.json        source path -> {"sha256", "issue_id", "duplicate_of"?}
        bulletins/<issue_id>.json   the whole parsed bulletin (Bulletin.to_dict())

A rebuild writes a new generation beside the live one and then replaces CURRENT, so a searcher
only ever opens a complete index. Nothing here deletes a generation because it failed to open.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import time
from pathlib import Path
from typing import Optional

from ..names import json_text
from .errors import IndexBusy, IndexDamaged, IndexFolderUnusable, IndexPointerDamaged

try:
    import fcntl
except ImportError:  # Windows: the pid in the lock file is all there is
    fcntl = None

POINTER = "CURRENT"
LOCK = ".lock"
GEN_META = "GENERATION.json"
FILES = "files.json"
BULLETINS = "bulletins"
STAGED = "bulletins.staged"  # an incremental run's bulletins, moved into BULLETINS after its commit
RETIRED = "RETIRED"  # written into a generation when another replaces it
_GEN_RE = re.compile(r"^gen-(\d{6})$")
_TMP_RE = re.compile(r"^\..+\.(\d+)\.tmp$")  # write_json_atomic's and swap_in's temporaries
_ISSUE_ID_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$")
RETIRED_KEEP_SECONDS = 120  # searchers re-check the pointer every second; give them ample time
DEFAULT_INDEX_DIR = "index_data"


def default_index_dir() -> str:
    """Where the index lives unless a caller says otherwise: $BULLETIN_INDEX_DIR, else index_data.
    The one place both the CLI and the web read it."""
    return os.environ.get("BULLETIN_INDEX_DIR") or DEFAULT_INDEX_DIR


CRASH_POINT_VARIABLE = "BULLETIN_KILL_AT"


def crash_point(step: str) -> None:
    """Die here by SIGKILL when $BULLETIN_KILL_AT names this step: the crash tests kill a real
    writer at the exact moments between its index commit, its stored bulletins and its pointer
    swap (tests/test_reliability_hostile.py), which sleeping could never hit reliably."""
    if os.environ.get(CRASH_POINT_VARIABLE) == step:
        import signal

        os.kill(os.getpid(), signal.SIGKILL)




def write_json_atomic(path: Path, data) -> None:
    """Write JSON in UTF-8 and rename it into place. A file name that is not UTF-8 (GBK bytes from
    a Windows zip archive) reaches Python as lone surrogates, which UTF-8 cannot hold; written as
    ``\\udcXX`` escapes, ``json.load`` gives back exactly the same name."""
    text = json_text(data)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:  # a full disk: the half-written temporary must not hold on to space
        tmp.unlink(missing_ok=True)
        raise


def read_json(path: Path, default=None):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return default
    except ValueError as e:  # not JSON, or not UTF-8
        raise IndexDamaged(f"{path} is damaged ({type(e).__name__}: {str(e)[:80]}); nothing was "
                           "changed. Run `bulletin-search index --rebuild PATH…` to build a new index "
                           "beside it") from None


# --- generations --------------------------------------------------------------------------------

def live_generation(index_dir: Path) -> Optional[Path]:
    """The live generation's directory, or None when no index was ever completed here."""
    pointer = Path(index_dir) / POINTER
    try:
        name = pointer.read_text(encoding="utf-8", errors="replace").strip()
    except FileNotFoundError:
        return None
    if _GEN_RE.match(name) and (Path(index_dir) / name).is_dir():
        return Path(index_dir) / name
    complete = sorted(p.name for p in Path(index_dir).glob("gen-*") if _is_complete(p))
    what = f"names {name[:40]!r}, which " + ("does not exist" if _GEN_RE.match(name) else "is no generation")
    fix = (f"write the newest complete one ({complete[-1]}) into it" if complete
           else "remove it and run `bulletin-search index --rebuild PATH…`")
    raise IndexPointerDamaged(f"the index pointer {pointer} {what}; nothing was changed. To repair, {fix}")


def pointer_stamp(index_dir: Path) -> tuple:
    """Cheap fingerprint of the pointer file: changes whenever a generation is swapped in."""
    try:
        st = os.stat(Path(index_dir) / POINTER)
        return (st.st_mtime_ns, st.st_ino, st.st_size)
    except FileNotFoundError:
        return ()


def new_generation(index_dir: Path) -> Path:
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    numbers = [int(m.group(1)) for p in index_dir.iterdir() if (m := _GEN_RE.match(p.name))]
    gen = index_dir / f"gen-{max(numbers, default=0) + 1:06d}"
    gen.mkdir()
    (gen / BULLETINS).mkdir()
    return gen


def generation_meta(gen: Path) -> dict:
    return read_json(gen / GEN_META, {}) or {}


def _is_complete(gen: Path) -> Optional[bool]:
    """Whether a generation is marked complete; None when its mark is damaged (so: unknown)."""
    try:
        return bool(generation_meta(gen).get("complete"))
    except IndexDamaged:
        return None


def adopt_finished_build(index_dir: Path, schema_version: int) -> Optional[Path]:
    """With no pointer yet: the newest generation marked complete (and not retired) for this
    schema, swapped in. A first build killed after it finished but before its swap would
    otherwise be thrown away by the next run and built again from nothing. Returns it, or None."""
    index_dir = Path(index_dir)
    if (index_dir / POINTER).exists() or not index_dir.is_dir():
        return None
    for gen in sorted(index_dir.glob("gen-*"), reverse=True):
        if (_GEN_RE.match(gen.name) and not (gen / RETIRED).exists() and _is_complete(gen)
                and generation_meta(gen).get("schema_version") == schema_version):
            swap_in(index_dir, gen)
            return gen
    return None


def mark_complete(gen: Path, schema_version: int, engine: str = "whoosh") -> None:
    """``engine``: which search engine built the generation, so a reader opens it with that one."""
    write_json_atomic(gen / GEN_META, {"schema_version": schema_version, "engine": engine,
                                       "complete": True, "completed": time.time()})


def swap_in(index_dir: Path, gen: Path) -> None:
    """Make ``gen`` the live generation in one atomic rename, retire the old one, and remove
    generations retired long enough ago that no searcher can still be reading them."""
    index_dir = Path(index_dir)
    old = live_generation(index_dir)
    _fsync_generation(gen)  # on disk before anything points at it: a power cut is not a kill -9
    tmp = index_dir / f".{POINTER}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(gen.name + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, index_dir / POINTER)
    _fsync_dir(index_dir)
    if old is not None and old != gen and old.exists():
        (old / RETIRED).write_text(str(time.time()), encoding="utf-8")
    remove_stale_generations(index_dir)


def _fsync_generation(gen: Path) -> None:
    """Whoosh does not fsync its files; the parsed bulletins were fsynced as they were written."""
    for path in gen.iterdir():
        if path.is_file():
            with open(path, "rb") as f:
                os.fsync(f.fileno())
    _fsync_dir(gen / BULLETINS)
    _fsync_dir(gen)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except (FileNotFoundError, PermissionError):  # Windows cannot open a folder
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_stale_generations(index_dir: Path) -> None:
    """Remove retired generations past their grace time, incomplete ones left by a killed
    rebuild, and the half-written temporary files of a killed writer. Only called while holding
    the writer lock, so no rebuild is in progress."""
    live = live_generation(index_dir)
    for folder in (Path(index_dir), live, live / BULLETINS if live is not None else None):
        if folder is not None:
            remove_dead_writers_temporaries(folder)
    for path in Path(index_dir).iterdir():
        if not _GEN_RE.match(path.name) or path == live:
            continue
        retired = path / RETIRED
        if retired.exists():
            try:
                since = float(retired.read_text(encoding="utf-8") or 0)
            except ValueError:
                since = 0.0
            if time.time() - since > RETIRED_KEEP_SECONDS:
                shutil.rmtree(path, ignore_errors=True)
        elif _is_complete(path) is None:
            continue  # damaged mark: not ours to judge, and never a reason to delete
        elif not _is_complete(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            # complete, not live, not retired: a writer was killed between marking it complete
            # and retiring the generation it replaced (or swapping it in). It may have been live
            # a moment ago, so it is retired now and removed after the grace time like any other.
            (path / RETIRED).write_text(str(time.time()), encoding="utf-8")


def remove_dead_writers_temporaries(folder: Path) -> None:
    """``.files.json.<pid>.tmp`` and the like, left when a writer was killed between writing a
    temporary file and renaming it into place; a live process's are left alone."""
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return
    for entry in entries:
        m = _TMP_RE.match(entry.name)
        if m and int(m.group(1)) != os.getpid() and not _pid_alive(int(m.group(1))):
            try:
                os.unlink(entry.path)
            except FileNotFoundError:
                pass


# --- the one writer -----------------------------------------------------------------------------

def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_held_lock_fds: set[int] = set()  # this process's WriterLocks


def close_inherited_locks() -> None:
    """In a process forked by the writer (a reading worker): close its copy of the writer lock.
    An flock lasts while any copy is open, so a worker that outlived a killed writer would keep
    every later run out."""
    for fd in list(_held_lock_fds):
        _held_lock_fds.discard(fd)
        try:
            os.close(fd)
        except OSError:
            pass


def _what_to_do(e: OSError, answers: bool = True) -> str:
    """The rest of the one line a writer that cannot start says, for the faults a user can fix.
    ``answers``: whether an index may be there, answering as before."""
    if e.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return (f"; nothing was changed{' and the index answers as before' if answers else ''}. Make "
                "the folder writable (or give another --index-dir) and run the command again")
    if e.errno in (errno.ENOSPC, errno.EDQUOT):
        return "; nothing was changed. Free some space and run the command again"
    return ""


class WriterLock:
    """The one writer: an exclusive ``flock`` on the lock file, which also holds the writer's pid
    for the message a second writer gets.

    The kernel releases the flock when its process dies, however it dies, so a killed writer's
    lock is simply taken over (its file rewritten, never deleted: deleting raced with a writer
    just creating or taking it, and both went on writing). A live pid in a file nobody has
    flocked (written by some other program) is still respected. Without fcntl (Windows) only the
    pid is checked."""

    def __init__(self, index_dir: Path):
        self.path = Path(index_dir) / LOCK
        self._fd: Optional[int] = None

    def __enter__(self):
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:  # a file of that name, a read-only disk, no permission
            raise IndexFolderUnusable(f"cannot use {self.path.parent} as the index folder: "
                                      f"{e.strerror or e}{_what_to_do(e, answers=False)}") from None
        for _ in range(100):  # a retry only follows a holder that just finished and unlinked
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as e:
                raise IndexFolderUnusable(f"cannot write the lock {self.path}: {e.strerror or e}"
                                          f"{_what_to_do(e)}") from None
            try:
                if not self._flock(fd):
                    raise self._busy(self._holder())
                if not self._still_the_lock_file(fd):
                    os.close(fd)
                    continue
                holder = self._holder()
                if holder is not None and holder != os.getpid() and _pid_alive(holder):
                    raise self._busy(holder)
                os.ftruncate(fd, 0)
                os.write(fd, f"{os.getpid()}\n".encode())
                os.fsync(fd)
            except BaseException:
                os.close(fd)
                raise
            self._fd = fd
            _held_lock_fds.add(fd)
            return self
        raise IndexBusy(f"could not take the writer lock {self.path}")

    @staticmethod
    def _flock(fd: int) -> bool:
        if fcntl is None:
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _still_the_lock_file(self, fd: int) -> bool:
        """Whether the file locked is still the one at the path (a finishing writer unlinks it
        while still holding it; a lock on that orphan would guard nothing)."""
        try:
            return os.fstat(fd).st_ino == os.stat(self.path).st_ino
        except FileNotFoundError:
            return False

    def _busy(self, holder: Optional[int]) -> IndexBusy:
        who = f"another indexer (pid {holder})" if holder else "another indexer"
        return IndexBusy(f"{who} is writing {self.path.parent}; "
                         "wait for it to finish and run the command again")

    def _holder(self) -> Optional[int]:
        try:
            return int(self.path.read_text().strip() or 0) or None
        except (FileNotFoundError, ValueError):
            return None

    def __exit__(self, *exc):
        fd, self._fd = self._fd, None
        _held_lock_fds.discard(fd)
        try:
            if fd is not None and self._still_the_lock_file(fd):
                os.unlink(self.path)  # while still holding it: see _still_the_lock_file
        except OSError as e:
            if e.errno != errno.ENOENT:
                raise
        finally:
            if fd is not None:
                os.close(fd)
        return False


# --- parsed bulletins and the manifest ----------------------------------------------------------

def valid_issue_id(issue_id: str) -> bool:
    """Issue ids become file names: refuse anything that could climb out of the folder."""
    return bool(_ISSUE_ID_RE.match(issue_id or "")) and ".." not in issue_id


def bulletin_path(gen: Path, issue_id: str) -> Optional[Path]:
    return gen / BULLETINS / f"{issue_id}.json" if valid_issue_id(issue_id) else None


def save_bulletin(gen: Path, bulletin_dict: dict, staged: bool = False) -> None:
    """Store a parsed bulletin for the bulletin view. ``staged``: into the staging folder of an
    incremental run on the live generation, published by ``publish_staged`` only once the index
    holds the same text, so the view is never ahead of the search."""
    path = bulletin_path(gen, bulletin_dict["issue"]["id"])
    if path is None:
        raise ValueError(f"unusable issue id {bulletin_dict['issue']['id']!r}")
    if staged:
        path = gen / STAGED / path.name
    write_json_atomic(path, bulletin_dict)


def clear_staged(gen: Path) -> None:
    """An empty staging folder: what a killed run staged never reached the index, so it goes."""
    shutil.rmtree(gen / STAGED, ignore_errors=True)
    (gen / STAGED).mkdir()


def discard_staged(gen: Path) -> None:
    shutil.rmtree(gen / STAGED, ignore_errors=True)


def publish_staged(gen: Path) -> None:
    """Move the staged bulletins into place, each in one atomic rename; called after the index
    commit. Killed half-way, the manifest is not yet saved, so the next run reads those files
    again and writes them once more."""
    with os.scandir(gen / STAGED) as entries:
        for entry in entries:
            if not _TMP_RE.match(entry.name):
                os.replace(entry.path, gen / BULLETINS / entry.name)
                crash_point("publishing")
    _fsync_dir(gen / BULLETINS)
    discard_staged(gen)


def load_bulletin(gen: Path, issue_id: str, version: Optional[str] = None) -> Optional[dict]:
    """The stored bulletin, or None when there is none or its file is damaged (the web then says
    "not found" rather than failing; `index --rebuild` writes it again).

    ``version``: the bulletin version the index holds (``bulletin_version``). An incremental run
    commits the index before it moves its staged bulletins into place, and a kill can land
    between the two: the staged one is then the one the index has, and the only one whose
    paragraphs the hits link to. With no version (an index from before versions were recorded),
    the published one."""
    published = _load_quietly(bulletin_path(gen, issue_id))
    if version is None or _version(published) == version:
        return published
    path = bulletin_path(gen, issue_id)
    staged = _load_quietly(gen / STAGED / path.name) if path is not None else None
    return staged if _version(staged) == version else published


def _load_quietly(path: Optional[Path]) -> Optional[dict]:
    try:
        return read_json(path) if path is not None else None
    except IndexDamaged:
        return None


def bulletin_version(bulletin: dict) -> str:
    """A fingerprint of a parsed bulletin's whole content, recorded with its sections in the
    index: the stored bulletin that matches it is the one the hits were cut from."""
    text = json.dumps(bulletin, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _version(bulletin: Optional[dict]) -> Optional[str]:
    return bulletin_version(bulletin) if bulletin is not None else None


def staged_issue_ids(gen: Path) -> list[str]:
    try:
        names = os.listdir(gen / STAGED)
    except FileNotFoundError:
        return []
    return sorted(n[:-len(".json")] for n in names
                  if n.endswith(".json") and not _TMP_RE.match(n) and valid_issue_id(n[:-len(".json")]))


def recover_staged(gen: Path, committed: dict) -> None:
    """Before a run starts on the live generation: staged bulletins that the index already holds
    (a run killed between its index commit and moving them into place) are moved into place now;
    the rest (a run killed before its commit) never reached the index and go. So the view keeps
    matching the index through the new run, instead of falling back to older text until its end.
    ``committed``: issue id -> the version the index holds (engine.issue_versions)."""
    for issue_id in staged_issue_ids(gen):
        path = gen / STAGED / f"{issue_id}.json"
        version = committed.get(issue_id)
        if version is not None and _version(_load_quietly(path)) == version:
            os.replace(path, gen / BULLETINS / path.name)
    _fsync_dir(gen / BULLETINS)
    clear_staged(gen)


def delete_bulletin(gen: Path, issue_id: str) -> None:
    path = bulletin_path(gen, issue_id)
    if path is not None:
        try:
            path.unlink()
        except FileNotFoundError:
            pass


def load_files(gen: Path) -> dict:
    return read_json(gen / FILES, {}) or {}


def save_files(gen: Path, files: dict) -> None:
    write_json_atomic(gen / FILES, files)
