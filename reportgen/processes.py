"""Worker processes that end with the process that started them.

A ProcessPoolExecutor's workers wait for work on a pipe that they themselves keep open, so when the parent is
killed (SIGKILL, a service stopped hard, the OOM killer) they never see it go and stay behind, each holding a
chart's worth of memory. Each worker here watches its parent's sentinel and exits as soon as the parent is gone.
"""

from __future__ import annotations

import os


def worker_pool(workers: int):
    """A ProcessPoolExecutor of `workers` processes, each ending when this process ends, however it ends."""
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(workers, initializer=die_with_parent)


def die_with_parent() -> None:
    """In a worker: exit when the parent process is gone (its sentinel becomes ready on every platform)."""
    import multiprocessing
    import threading
    from multiprocessing.connection import wait

    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        wait([parent.sentinel])
        os._exit(1)  # no cleanup to do: the work was for a parent that no longer exists

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()
