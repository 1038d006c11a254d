"""One warm headless Chromium per server process for chart images, and a gate in front of it.

Starting Chromium costs about a second and a few hundred MB; drawing a chart in a browser that is
already running costs a fraction of that. So each process (each gunicorn worker) keeps one kaleido
browser with ``tabs`` tabs open:

* it is started on the first image, in the process that draws it — never at import time, since
  gunicorn imports the app and then forks workers, and a browser cannot be shared across a fork;
* it runs on its own thread with its own asyncio loop; request threads hand it figures with
  ``asyncio.run_coroutine_threadsafe`` (thread-safe) and wait for the bytes with a time limit.
  kaleido's own ``start_sync_server`` is not used: its ``call_function`` pairs answers with
  callers through one shared queue, so two threads can get each other's image, and it draws one
  figure at a time;
* a browser that died (killed, crashed, out of memory) is noticed before the next image and
  started again; it is closed when the process exits.

The gate (``RenderGate``) lets ``renders`` images be drawn at once, lets ``queue`` more requests
wait for a turn, and refuses the rest at once (``Busy``: the route answers 429 with
``Retry-After``), so a burst of image requests cannot take every thread of a worker, or its memory.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")

START_SECONDS = 60.0  # for Chromium to start and load plotly.js into its tabs
RENDER_SECONDS = 45.0  # for one image (kaleido's own limit per image is this too)
WAIT_SECONDS = 20.0  # longest a request waits in the queue for a turn before it is refused
BROWSER_NICE = 10  # Chromium yields the CPU to the web server's own threads (/health, pages) when both want it


class Busy(Exception):
    """Every render slot is taken and the queue is full (or the wait was too long): try again later."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"busy; retry after {retry_after} s")
        self.retry_after = retry_after


class RenderGate:
    """At most ``slots`` holders at once, at most ``queue`` waiting; the rest are refused with ``Busy``."""

    def __init__(self, slots: int, queue: int, wait_seconds: float = WAIT_SECONDS) -> None:
        self.slots = max(1, slots)
        self.queue = max(0, queue)
        self.wait_seconds = wait_seconds
        self._cond = threading.Condition()
        self.running = 0
        self.waiting = 0
        self._recent: list[float] = []  # the last few render durations, for Retry-After

    def retry_after(self) -> int:
        """Seconds after which a refused request may find a free turn: the queue's likely drain time."""
        typical = sorted(self._recent)[len(self._recent) // 2] if self._recent else 2.0
        return max(1, min(30, round(typical * (self.waiting + self.running + 1) / self.slots)))

    @contextlib.contextmanager
    def turn(self, bounded: bool = True) -> Iterator[None]:
        """Hold one of the slots. ``bounded=False`` (work that is not a waiting browser, such as a handout
        being built) waits for a slot however long the queue is."""
        with self._cond:
            if self.running >= self.slots:
                if bounded and self.waiting >= self.queue:
                    raise Busy(self.retry_after())
                self.waiting += 1
                try:
                    got = self._cond.wait_for(
                        lambda: self.running < self.slots, timeout=self.wait_seconds if bounded else None
                    )
                finally:
                    self.waiting -= 1
                if not got:
                    raise Busy(self.retry_after())
            self.running += 1
        started = time.monotonic()
        try:
            yield
        finally:
            with self._cond:
                self.running -= 1
                self._recent = [*self._recent[-9:], time.monotonic() - started]
                self._cond.notify()


class WarmBrowser:
    """A kaleido browser kept open on a thread of this process; ``render`` is safe from any thread."""

    def __init__(self, tabs: int = 2) -> None:
        self.tabs = max(1, tabs)
        self._lock = threading.Lock()  # starting and stopping
        self._pid: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido: Any = None
        self._browser_path: str | None = None  # BROWSER_PATH when it started: a new one means a new browser
        self.starts = 0  # browsers started by this process (a test and the benchmark read it)

    # --- lifecycle ----------------------------------------------------------------------------------

    def _alive(self) -> bool:
        if self._pid != os.getpid() or self._kaleido is None or self._loop is None:
            return False
        if os.environ.get("BROWSER_PATH") != self._browser_path:
            return False
        process = getattr(self._kaleido, "subprocess", None)
        return process is not None and process.poll() is None and self._loop.is_running()

    def _ensure(self) -> tuple[asyncio.AbstractEventLoop, Any]:
        if not os.environ.get("BROWSER_PATH") and os.path.exists("/usr/bin/chromium"):
            os.environ["BROWSER_PATH"] = "/usr/bin/chromium"  # Debian's package
        with self._lock:
            if not self._alive():
                if self._pid == os.getpid() and self._kaleido is not None:
                    if os.environ.get("BROWSER_PATH") == self._browser_path:
                        log.warning("the image browser of process %s died; starting a new one", os.getpid())
                    self._stop_locked()
                elif self._pid != os.getpid():  # a forked child: the parent's browser and thread are not ours
                    self._loop = self._thread = self._kaleido = None
                self._start_locked()
            assert self._loop is not None
            return self._loop, self._kaleido

    def _start_locked(self) -> None:
        import kaleido

        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="image-browser", daemon=True)
        thread.start()

        async def open_browser() -> Any:
            # mathjax=False: no formulas in our charts, and no request to a CDN a server may not reach
            browser = kaleido.Kaleido(n=self.tabs, mathjax=False, timeout=RENDER_SECONDS)
            await browser.open()
            return browser

        try:
            browser = asyncio.run_coroutine_threadsafe(open_browser(), loop).result(timeout=START_SECONDS)
        except BaseException:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=5)
            loop.close()
            raise
        _lower_priority(browser.subprocess.pid)
        self._loop, self._thread, self._kaleido, self._pid = loop, thread, browser, os.getpid()
        self._browser_path = os.environ.get("BROWSER_PATH")
        self.starts += 1
        log.info("image browser started in process %s (%s tabs)", os.getpid(), self.tabs)

    def _stop_locked(self) -> None:
        loop, thread, browser = self._loop, self._thread, self._kaleido
        self._loop = self._thread = self._kaleido = None
        if loop is None or self._pid != os.getpid():
            return
        if browser is not None and loop.is_running():
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(browser.close(), loop).result(timeout=15)
        if loop.is_running():
            with contextlib.suppress(Exception):  # choreographer's watchdog and any render left over
                asyncio.run_coroutine_threadsafe(_cancel_the_rest(), loop).result(timeout=5)
            loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(timeout=5)
        if not loop.is_running():
            loop.close()

    def stop(self) -> None:
        """Close the browser (at exit; or to start afresh). The next ``render`` starts a new one."""
        with self._lock:
            self._stop_locked()

    def pid(self) -> int | None:
        """The Chromium process id while one runs (tests kill it to see it come back)."""
        process = getattr(self._kaleido, "subprocess", None)
        return process.pid if process is not None and self._alive() else None

    # --- drawing ------------------------------------------------------------------------------------

    def render(self, figure: dict, opts: dict) -> bytes:
        """``figure`` (a plotly figure as a dict) as ``opts['format']`` bytes, drawn in the warm browser."""
        return self.run(lambda browser: browser.calc_fig(figure, opts=opts), RENDER_SECONDS + 5)

    def run(self, work: Callable[[Any], Coroutine[Any, Any, T]], timeout: float) -> T:
        """The result of ``work(browser)``, a coroutine run on the warm browser's own loop: ``browser`` is
        kaleido's (a choreographer ``Browser``: a caller may open a tab of its own beside kaleido's, as the
        handout's printing does). Safe from any thread; cancelled when ``timeout`` seconds pass."""
        loop, browser = self._ensure()
        future = asyncio.run_coroutine_threadsafe(work(browser), loop)
        try:
            return future.result(timeout=timeout)
        except BaseException:
            future.cancel()
            raise


def _lower_priority(root: int) -> None:
    """Renice Chromium and every process it has started (its zygote forks the renderers, which inherit).
    Best effort: where /proc is missing, nothing changes."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry))
    todo = [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            threads = [int(t) for t in os.listdir(f"/proc/{pid}/task")]
        except OSError:
            threads = [pid]
        for thread in threads:  # on Linux a nice value belongs to each thread; new threads inherit it
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, thread, max(os.getpriority(os.PRIO_PROCESS, thread), BROWSER_NICE))


async def _cancel_the_rest() -> None:
    tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


_browser: WarmBrowser | None = None
_gate: RenderGate | None = None
_setup = threading.Lock()


def browser_and_gate(renders: int, queue: int) -> tuple[WarmBrowser, RenderGate]:
    """This process's browser and gate, made on first use with the settings then in force."""
    global _browser, _gate
    with _setup:
        if _browser is None or _gate is None:
            _browser, _gate = WarmBrowser(tabs=renders), RenderGate(renders, queue)
            atexit.register(_browser.stop)
        return _browser, _gate


def current() -> tuple[WarmBrowser | None, RenderGate | None]:
    return _browser, _gate
