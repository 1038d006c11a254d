"""Answers to Dash callback requests, remembered per data version and shared by the workers.

A page's callbacks are pure functions of their inputs and the database, and the database only
changes by imports and seeding. So an identical callback request (same body: same page, filters
and language) gets the identical answer until the data version changes, and a council meeting
where twenty people open the same view computes it once:

- each process keeps recent answers in memory;
- answers are also written to ``<data dir>/response-cache/<data version>-<code version>/``, so the other
  gunicorn workers reuse them instead of computing them again;
- a request for an answer being computed waits for it (a lock file per answer, held by the
  computing thread of whichever process), instead of computing it in parallel. The holder deletes
  the lock file when it is done, so lock files exist only while answers are being computed;
- the directory is bounded by bytes (``FJERNARBEID_CACHE_MB``) and by files (``MAX_SHARED_FILES``):
  the oldest answers go first, and leftovers of a killed process (temporary files, lock files nobody
  holds) are removed too.

Answers to failed renders (the friendly error messages) are never kept, and when the data
version cannot be read (database down) requests bypass the cache.

**With a replica** (``DATABASE_READ_URL``) the version is read on the replica, where the pages' queries
run (``page_reads``), never on the primary: a write the replica has not replayed yet must not key an
answer drawn from the data before it, or that stale answer would be served under the new version for as
long as the data stay unchanged. A page's queries run in one ``REPEATABLE READ`` transaction that reads the
version too (``page_reads``), and the answer is kept under *that* version: the one its data belong to, even
when the replica replayed more between the lookup and the answer (or another replica behind a pooler
answered). An answer drawn from two versions is not kept.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import functools
import hashlib
import logging
import os
import shutil
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, Response, g, has_request_context, request
from sqlalchemy.orm import Session

from app.db.session import read_scope, reads_on_replica
from app.db.visibility import audience_key
from app.query.data_version import data_version

log = logging.getLogger(__name__)

CALLBACK_ROUTE = "_dash-update-component"
HEADER = "X-Fjernarbeid-Cache"
MAX_SHARED_FILES = 4000  # answers kept on disk, whatever their size
ABANDONED_AFTER_S = 600  # a temporary or lock file this old that nobody holds is a killed process's


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """A fingerprint of the code and texts that draw the answers (the ``app`` package and its translations,
    ``.po`` in a checkout, ``.mo`` in a wheel).

    An answer depends on the data *and* on the code: after an upgrade a restarted server must not serve
    pages drawn by the old code from the shared cache directory, even when the data did not change."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parents[1]
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".po", ".mo") and path.is_file():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


class ResponseCache:
    """Least-recently-used bytes in memory, bounded by their total size."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> bytes | None:
        with self._lock:
            body = self._items.get(key)
            if body is not None:
                self._items.move_to_end(key)
            return body

    def put(self, key: tuple, body: bytes) -> None:
        if len(body) > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            self._size -= len(old) if old is not None else 0
            self._items[key] = body
            self._size += len(body)
            while self._size > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._size -= len(dropped)
            # entries of older data versions can never be asked for again
            version = key[0]
            for stale in [k for k in self._items if k[0] != version]:
                self._size -= len(self._items.pop(stale))


class HeldLock:
    """An answer's lock file, held; ``close`` deletes the file (while still holding it) and releases it."""

    def __init__(self, path: Path, handle):
        self.path, self.handle = path, handle

    def close(self) -> None:
        if self.handle.closed:
            return
        try:
            if os.stat(self.path).st_ino == os.fstat(self.handle.fileno()).st_ino:
                self.path.unlink()
        except OSError:
            pass  # already gone (another data version's directory was pruned)
        self.handle.close()  # closing the file releases its flock


class SharedStore:
    """Answers as files, one directory per data version, for every process on the machine."""

    def __init__(self, directory: Path, max_bytes: int, max_files: int | None = None):
        self.directory = directory
        self.max_bytes = max_bytes
        self.max_files = MAX_SHARED_FILES if max_files is None else max_files
        directory.mkdir(parents=True, exist_ok=True)

    def _path(self, key: tuple) -> Path:
        version, digest = key
        return self.directory / str(version) / digest.hex()

    def get(self, key: tuple) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except OSError:
            return None

    def lock(self, key: tuple) -> HeldLock:
        """Block until no other thread or process computes this answer; returns the held lock.

        A holder deletes the lock file when done, so a waiter may get the lock of a file no longer in the
        directory: it then tries again with the file now there (the usual flock-and-unlink pattern)."""
        path = self._path(key).with_suffix(".lock")
        while True:
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                handle = open(path, "a")  # one open file description per caller: flock excludes threads too
            except FileNotFoundError:  # the directory was pruned just now
                continue
            try:
                fcntl.flock(handle, fcntl.LOCK_EX)
                if os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino:
                    return HeldLock(path, handle)
            except FileNotFoundError:
                pass
            except BaseException:
                handle.close()
                raise
            handle.close()

    def put(self, key: tuple, body: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as tmp:
            tmp.write(body)
        os.replace(tmp.name, path)  # readers see the whole answer or none
        self._prune(keep=path.parent)

    def _prune(self, keep: Path) -> None:
        """Drop other data versions' answers, then the oldest answers beyond ``max_bytes`` or ``max_files``,
        and temporary and lock files a killed process left behind."""
        for other in self.directory.iterdir():
            if other != keep:
                shutil.rmtree(other, ignore_errors=True)
        answers: list[tuple[float, int, Path]] = []
        leftovers: list[tuple[float, int, Path]] = []
        try:
            for path in keep.iterdir():
                status = path.stat()
                (leftovers if path.suffix else answers).append((status.st_mtime, status.st_size, path))
        except OSError:
            return
        answers.sort()
        total, count = sum(size for _, size, _ in answers), len(answers)
        for _, size, path in answers:
            if total <= self.max_bytes and count <= self.max_files:
                break
            path.unlink(missing_ok=True)
            total, count = total - size, count - 1
        abandoned = dt.datetime.now().timestamp() - ABANDONED_AFTER_S
        for mtime, _, path in leftovers:
            if mtime < abandoned:
                if path.suffix == ".lock":
                    _remove_unheld_lock(path)
                else:
                    path.unlink(missing_ok=True)


def _remove_unheld_lock(path: Path) -> None:
    try:
        handle = open(path, "a")
    except OSError:
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()  # held: an answer is being computed
        return
    HeldLock(path, handle).close()


def cache_key(version: int, host: str, body: bytes) -> tuple[str, bytes]:
    """(generation, digest) of a callback request. The generation is the data version, the code version and
    the day, and the host is in the digest: a view's citation says when and from which address it was
    retrieved."""
    generation = f"{version}-{code_version()}-{dt.date.today():%Y%m%d}"
    return generation, hashlib.sha256(host.encode() + b"\n" + body).digest()


def _audience_host() -> str:
    """The host, and for a signed-in account that may see surveys others may not, which they are
    (``app.db.visibility``): an answer listing a region's survey is never served to anyone else. Anonymous
    visitors and accounts that see only the public surveys share answers as before."""
    from app.web.server.auth import survey_audience

    survey_audience()
    seen = audience_key()
    return request.host if not seen else f"{request.host}\naudience:{seen}"


def do_not_cache_this_response() -> None:
    """Called by a callback whose answer must not be reused: it shows an error, or it reads or writes what
    the data version does not track (the presentations)."""
    if has_request_context():
        g.fjernarbeid_no_cache = True


MIXED = -1  # ``g.fjernarbeid_answered_at`` when one answer read two data versions


@contextmanager
def page_reads() -> Iterator[Session]:
    """The session a page's queries run in (``read_scope``: on the replica when there is one).

    With a replica, the data version is read in the same transaction as the page's queries, and the
    response cache keeps the answer under it (see the module's docstring). Without one this is
    ``read_scope()`` and nothing more."""
    with read_scope() as session:
        if has_request_context() and reads_on_replica():
            version = data_version(session)
            noted = g.get("fjernarbeid_answered_at")
            g.fjernarbeid_answered_at = version if noted in (None, version) else MIXED
        yield session


def install(server: Flask, routes_prefix: str, max_bytes: int, directory: Path) -> ResponseCache | None:
    if max_bytes <= 0:
        return None
    memory = ResponseCache(max_bytes)
    try:
        shared = SharedStore(directory, max_bytes, MAX_SHARED_FILES)
    except OSError:
        log.warning("cannot write %s: the response cache is not shared between processes", directory)
        shared = None
    path = routes_prefix + CALLBACK_ROUTE

    def remembered(key: tuple) -> bytes | None:
        body = memory.get(key)
        if body is None and shared is not None:
            body = shared.get(key)
            if body is not None:
                memory.put(key, body)
        return body

    @server.before_request
    def serve_remembered():
        if request.method != "POST" or request.path != path:
            return None
        try:
            with read_scope() as session:  # where the page's queries run: the replica's version with a replica
                version = data_version(session)
        except Exception:  # noqa: BLE001 - database down: compute, so the page shows why
            log.debug("data version unavailable; callback not cached", exc_info=True)
            return None
        key = cache_key(version, _audience_host(), request.get_data())
        body = remembered(key)
        if body is None and shared is not None:
            try:
                g.fjernarbeid_cache_lock = shared.lock(key)
            except OSError:
                log.warning("could not lock in the shared response cache %s", directory, exc_info=True)
            else:
                body = remembered(key)  # computed by another worker while we waited
        if body is not None:
            return Response(body, mimetype="application/json", headers={HEADER: "hit"})
        g.fjernarbeid_cache_key = key
        return None

    @server.after_request
    def remember(response: Response) -> Response:
        key = g.pop("fjernarbeid_cache_key", None)
        answered_at = g.pop("fjernarbeid_answered_at", None)
        if key is not None and answered_at is not None:
            # kept under the version the page's own transaction read (a replica may have replayed more since
            # the lookup); an answer drawn from two versions is not kept
            answered = cache_key(answered_at, _audience_host(), request.get_data())
            key = answered if answered_at != MIXED else None
        if key is not None and response.status_code == 200 and not g.get("fjernarbeid_no_cache"):
            body = response.get_data()
            memory.put(key, body)
            try:
                if shared is not None:
                    shared.put(key, body)
            except OSError:
                log.warning("could not write the shared response cache in %s", directory, exc_info=True)
            response.headers[HEADER] = "miss"
        return response

    @server.teardown_request
    def release(_exc):
        held = g.pop("fjernarbeid_cache_lock", None)
        if held is not None:
            held.close()  # deletes the lock file and releases it

    return memory
