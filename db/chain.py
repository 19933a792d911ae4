"""The audit log's hash chain: each row's hash covers its content and the previous row's hash, so
a changed, removed or inserted row breaks the chain from there on (``bwk check`` finds the row).

Used by the services when they append a row and by migration 0008 to chain the rows that
existed before; kept here, below both, so that the two can never compute it differently.
"""
from __future__ import annotations

import datetime as dt
import hashlib

# The pg_advisory_xact_lock key that serialises appends to the chain on PostgreSQL. Every other
# advisory lock of bwk (db.connection.serialise) takes this one first, so that two transactions
# can never hold them in opposite orders (a deadlock).
CHAIN_LOCK = 74_100_001


def row_hash(prev_hash: str, at: dt.datetime, account_id: int | None, action: str, entity: str,
             entity_id: int | None, detail: str) -> str:
    text = "\x1f".join([prev_hash, at.strftime("%Y-%m-%d %H:%M:%S.%f"), "" if account_id is None else str(account_id),
                        action, entity or "", "" if entity_id is None else str(entity_id), detail or ""])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
