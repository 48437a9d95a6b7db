"""Signed, expiring upload links: the 催报 e-mail takes a department straight to its upload page, no password.

A link carries the department, the period and its expiry, signed with HMAC-SHA256 under a key derived from the
console's secret (console.sqlite), so it cannot be forged, altered or used as a session cookie. Standard
library only: the scheduler may call `upload_link` without loading the web stack.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..period import Period

LINK_PATH = "portal/link/"
_PURPOSE = b"reportgen upload link v1"


@dataclass(frozen=True)
class Grant:
    """What a valid link lets its holder do: reach `department`'s upload page (opened on `period`) until
    `expires`."""

    department: str
    period: str
    expires: datetime


def _link_key(secret: bytes) -> bytes:
    return hmac.new(secret, _PURPOSE, hashlib.sha256).digest()


def make_token(secret: bytes, department: str, period: Period | str, expires: datetime) -> str:
    payload = {"d": department, "p": str(period), "e": int(expires.timestamp())}
    body = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")
    mac = hmac.new(_link_key(secret), body.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{body}.{mac}"


def read_token(secret: bytes, token: str, now: datetime) -> Grant | None:
    """The grant of a genuine link that has not expired; None for anything else (forged, altered, expired)."""
    body, _, mac = token.partition(".")
    expected = hmac.new(_link_key(secret), body.encode(), hashlib.sha256).hexdigest()[:32]
    if not mac or not hmac.compare_digest(mac, expected):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        grant = Grant(str(data["d"]), str(data["p"]), datetime.fromtimestamp(int(data["e"]), UTC))
    except (ValueError, KeyError, TypeError):
        return None
    return grant if now < grant.expires else None


def upload_link(config, department: str, period: Period, now: datetime) -> str | None:
    """The link for a 催报 e-mail: `web.base_url` + a token valid for `portal.link_days`. None when the config
    has no `web.base_url` (the console's address is not known, so there is nothing to link to)."""
    from .accounts import Accounts

    if not config.web.base_url:
        return None
    name = config.department_of(department) or department
    expires = now + timedelta(days=config.portal.link_days)
    token = make_token(Accounts.for_config(config).secret(), name, period, expires)
    return f"{config.web.base_url}{LINK_PATH}{token}"
