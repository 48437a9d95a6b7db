"""Named pause points for fault tests: REPORTGEN_PAUSE_AT=<point> makes the process stop there, say so on
stderr, and wait to be killed, so a test can kill -9 or SIGTERM it at an exact step.

Points: generating (a run has its row and claim, nothing written yet), sending (a ledger row is claimed
发送中, nothing sent), accepted (the SMTP server has accepted the message; the ledger does not know yet).
`<point>:<n>` pauses at the n-th time the point is reached; REPORTGEN_PAUSE_SECONDS bounds the wait.
"""

from __future__ import annotations

import os
import sys
import time

_seen: dict[str, int] = {}


def pause_at(point: str) -> None:
    wanted = os.environ.get("REPORTGEN_PAUSE_AT")
    if not wanted:
        return
    name, _, nth = wanted.partition(":")
    if name != point:
        return
    _seen[point] = _seen.get(point, 0) + 1
    if _seen[point] != int(nth or 1):
        return
    print(f"REPORTGEN_PAUSED {point} pid={os.getpid()}", file=sys.stderr, flush=True)
    time.sleep(float(os.environ.get("REPORTGEN_PAUSE_SECONDS", "3600")))
