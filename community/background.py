"""Daemon threads that loop in the server process (the search indexer, the preview fetcher)."""

from __future__ import annotations

import atexit
import threading


class BackgroundThread:
    """A restartable daemon thread: ``start()`` is idempotent, ``stop()`` asks it to finish and
    joins, ``wake`` cuts its current wait short. Subclasses write ``_run``, which loops until
    ``stopping`` is set."""

    thread_name = "background"

    def __init__(self) -> None:
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._registered_exit = False

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def start(self) -> None:
        with self._start_lock:
            if self.running:
                return
            self.stopping.clear()
            self.thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
            self.thread.start()
            if not self._registered_exit:
                atexit.register(self.stop)
                self._registered_exit = True

    def stop(self, timeout: float = 10.0) -> None:
        self.stopping.set()
        self.wake.set()
        if self.thread is not None:
            self.thread.join(timeout)
            self.thread = None

    def _run(self) -> None:
        raise NotImplementedError
