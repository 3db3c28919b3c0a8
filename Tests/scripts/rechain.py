#!/usr/bin/env python3
"""Rebuilds a planwatch database's audit chain after edits behind its back, as an
attacker who can write the file would: every prev_hash and hash recomputed in
seq order, with the append-only guard triggers dropped for the rewrite and put
back as they were.

    rechain.py DATABASE ["SQL run first, with the guards off"]

The tests use it to show what `verify` alone cannot see and what a head noted
earlier, a backup or a signed checkpoint still catches.
"""
import hashlib
import sqlite3
import sys


def chain_hash(prev_hash, seq, at, actor, command, entity, key, operation, before, after):
    fields = [prev_hash, str(seq), at, actor, command, entity, key, operation,
              before if before is not None else "\0", after if after is not None else "\0"]
    canonical = b"\n".join(str(len(f.encode())).encode() + b":" + f.encode() for f in fields)
    return hashlib.sha256(canonical).hexdigest()


def main(path, sql=""):
    db = sqlite3.connect(path)
    guards = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_no_%'").fetchall()
    for name, _ in guards:
        db.execute(f'DROP TRIGGER "{name}"')
    if sql:
        db.executescript(sql)
    previous = "0" * 64
    rows = db.execute("SELECT seq, at, actor, command, entity, entity_key, operation, before, after FROM audit_entry ORDER BY seq").fetchall()
    for seq, at, actor, command, entity, key, operation, before, after in rows:
        digest = chain_hash(previous, seq, at, actor, command, entity, key, operation, before, after)
        db.execute("UPDATE audit_entry SET prev_hash = ?, hash = ? WHERE seq = ?", (previous, digest, seq))
        previous = digest
    for _, text in guards:
        db.execute(text)
    db.commit()
    db.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
