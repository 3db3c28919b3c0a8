#!/usr/bin/env python3
"""planwatch serve under load, on loopback only, bounded in time and count.

Starts `planwatch serve --port 0` on a fresh copy of the demo database with an
officer's token, then CLIENTS threads each keep one HTTP/1.1 connection and post
progress updates through the JSON API for SECONDS (and at most MAX requests in
all). Afterwards, with the server stopped by SIGTERM: every update the server
answered 201 is in the database (counted by its unique note), no answer was a
"database is locked", and `planwatch verify` passes. Prints throughput and
p50/p99 latency; without --smoke, writes them into docs/benchmarks.md (the
section between the `server-load` markers, which run.py keeps).

    Benchmarks/load.py                        # 16 clients, 30 s, release build; writes docs/benchmarks.md
    Benchmarks/load.py --seconds 3 --smoke    # the test suite's short run: checks, writes nothing
    Benchmarks/load.py --sigterm-after 1.5 --smoke
        # SIGTERM in the middle of the burst: the server stops once the requests in flight are done,
        # and every write a client saw accepted is in a database that verifies
    Benchmarks/load.py --postgres postgres://user@127.0.0.1:5432/empty --servers 2
        # the same on PostgreSQL: two servers on one database, the clients spread across them
    Benchmarks/load.py --postgres ... --servers 2 --sigkill-after 1.5 --smoke
        # one server killed (SIGKILL) in the middle: its clients move to the other, no accepted
        # write is lost, and the audit chain verifies as one chain

With --postgres the database must be empty: the demo is loaded into it. The
check of stored notes reads it with psql.

Needs: python3 and a built planwatch with planwatch-serve beside it (swift build, or -c release);
with --postgres, planwatch-postgres beside it and psql.
"""
import argparse
import datetime as dt
import http.client
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
START, END = "<!-- server-load -->", "<!-- /server-load -->"


def run(binary, db, *args, stdin=None):
    result = subprocess.run([binary, *args], capture_output=True, text=True, input=stdin, env={**os.environ, "PLANWATCH_DB": db})
    if result.returncode != 0:
        raise SystemExit(f"load.py: planwatch {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout


def stored_notes(db, postgres):
    """The notes of the load's updates in the database."""
    if postgres:
        result = subprocess.run(["psql", "-X", "-At", "-d", db, "-c", "SELECT note FROM progress_update WHERE note LIKE 'load c%'"],
                                capture_output=True, text=True)
        if result.returncode != 0:
            raise SystemExit(f"load.py: psql could not read the database: {result.stderr.strip()}")
        return set(result.stdout.splitlines())
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        return {row[0] for row in connection.execute("SELECT note FROM progress_update WHERE note LIKE 'load c%'")}


def start_server(binary, db, log):
    process = subprocess.Popen([binary, "serve", "--db", db, "--port", "0", "--log-level", "warning"],
                               stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.time() + 60
    while time.time() < deadline:
        with open(log.name) as f:
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", f.read())
        if m:
            return process, int(m.group(1))
        if process.poll() is not None:
            raise SystemExit("load.py: planwatch serve exited: " + open(log.name).read().strip())
        time.sleep(0.05)
    process.kill()
    raise SystemExit("load.py: planwatch serve did not start within 60 s")


def client(ports, token, number, stop, budget, results, lock, moves):
    """Posts updates to ports[(number - 1) % len(ports)]; when that server stops
    answering, moves on to the next, as a load balancer would."""
    at = (number - 1) % len(ports)
    connection = http.client.HTTPConnection("127.0.0.1", ports[at], timeout=30)
    sent = 0
    while not stop.is_set():
        with lock:
            if budget[0] <= 0:
                return
            budget[0] -= 1
        sent += 1
        note = f"load c{number} n{sent}"
        body = json.dumps({"note": note})
        began = time.perf_counter()
        try:
            connection.request("POST", "/api/v1/actions/2/updates", body=body,
                               headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            response = connection.getresponse()
            text = response.read().decode()
            status = response.status
        except (OSError, http.client.HTTPException) as error:
            # The server stopping (SIGTERM) closes connections: not an accepted write, and not a failure.
            results.append((note, None, time.perf_counter() - began, str(error)))
            connection.close()
            if stop.is_set():
                return
            if len(ports) > 1:
                at = (at + 1) % len(ports)
                with lock:
                    moves[0] += 1
            time.sleep(0.05)
            connection = http.client.HTTPConnection("127.0.0.1", ports[at], timeout=30)
            continue
        results.append((note, status, time.perf_counter() - began, text if status != 201 else ""))


def percentile(values, p):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/release/planwatch"))
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--max", type=int, default=200_000, help="at most this many requests in all")
    parser.add_argument("--sigterm-after", type=float, help="send the server SIGTERM this many seconds into the burst")
    parser.add_argument("--postgres", help="an empty PostgreSQL database (postgres://...) to load instead of an SQLite file")
    parser.add_argument("--servers", type=int, default=1, help="servers on the one database, the clients spread across them")
    parser.add_argument("--sigkill-after", type=float, help="kill the first server (SIGKILL) this many seconds into the burst")
    parser.add_argument("--smoke", action="store_true", help="check everything; write no docs")
    args = parser.parse_args()
    if not (1 <= args.clients <= 64 and 0 < args.seconds <= 120 and 1 <= args.servers <= 4):
        raise SystemExit("load.py: --clients 1 to 64, --seconds up to 120 and --servers 1 to 4, please: this runs on loopback against one machine")
    if args.servers > 1 and not args.postgres:
        raise SystemExit("load.py: several servers share a PostgreSQL database (--postgres); an SQLite file has one server")
    if args.sigkill_after is not None and args.servers < 2:
        raise SystemExit("load.py: --sigkill-after kills one of several servers (--servers 2 or more)")
    if args.postgres and not re.match(r"postgres(ql)?://([^@/]*@)?(127\.0\.0\.1|localhost|\[::1\])[:/]", args.postgres):
        raise SystemExit("load.py: the PostgreSQL database must be on loopback")
    binary = os.path.abspath(args.bin)
    postgres = bool(args.postgres)
    with tempfile.TemporaryDirectory() as work:
        if postgres:
            db = args.postgres
            run(binary, db, "demo", "--db", db)
        else:
            db = os.path.join(work, "load.sqlite")
            subprocess.run([binary, "demo"], cwd=work, capture_output=True, check=True)
            os.rename(os.path.join(work, "planwatch-demo.sqlite"), db)
        run(binary, db, "user", "add", "load-officer", "--email", "load@example.org", "--role", "officer", "--partnership", "dundee")
        token = run(binary, db, "token", "create", "--user", "load-officer").strip()
        logs = [open(os.path.join(work, f"serve-{n}.log"), "w") for n in range(args.servers)]
        started = [start_server(binary, db, log) for log in logs]
        servers, ports = [s[0] for s in started], [s[1] for s in started]
        server, log = servers[0], logs[0]
        stop, lock, budget, results, moves = threading.Event(), threading.Lock(), [args.max], [], [0]
        threads = [threading.Thread(target=client, args=(ports, token, n + 1, stop, budget, results, lock, moves))
                   for n in range(args.clients)]
        began = time.perf_counter()
        for t in threads:
            t.start()
        killed = False
        if args.sigkill_after is not None:
            time.sleep(args.sigkill_after)
            server.send_signal(signal.SIGKILL)
            server.wait(timeout=60)
            killed = True
            time.sleep(max(0, args.seconds - args.sigkill_after))
            stop.set()
        elif args.sigterm_after is not None:
            time.sleep(args.sigterm_after)
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
            stop.set()
        elif postgres:
            time.sleep(args.seconds)
            stop.set()
        else:
            # Halfway through, a backup of the live file, as docs/server.md tells an operator to take one.
            time.sleep(args.seconds / 2)
            backup_path = os.path.join(work, "live-backup.sqlite")
            backup_began = time.perf_counter()
            backup = subprocess.run([binary, "backup", backup_path], capture_output=True, text=True, env={**os.environ, "PLANWATCH_DB": db})
            backup_seconds = time.perf_counter() - backup_began
            time.sleep(max(0, args.seconds / 2 - backup_seconds))
            stop.set()
        for t in threads:
            t.join(timeout=60)
        elapsed = time.perf_counter() - began
        for running in servers:
            if running.poll() is None:
                running.send_signal(signal.SIGTERM)
                running.wait(timeout=60)
        problems = []
        for number, (running, its_log) in enumerate(zip(servers, logs)):
            if killed and number == 0:
                continue
            if running.returncode != 0:
                problems.append(f"server {number + 1} exited with {running.returncode}: {open(its_log.name).read()[-500:]}")
        accepted = [r for r in results if r[1] == 201]
        refused = [r for r in results if r[1] is not None and r[1] != 201]
        locked = [r for r in results if "database is locked" in (r[3] or "")]
        if locked:
            problems.append(f"{len(locked)} answers said 'database is locked', the first: {locked[0][3][:200]}")
        if refused:
            problems.append(f"{len(refused)} requests were refused, the first: {refused[0][1]} {refused[0][3][:200]}")
        if args.sigterm_after is None and not killed and any(r[1] is None for r in results):
            problems.append(f"{sum(r[1] is None for r in results)} requests failed to connect: {next(r[3] for r in results if r[1] is None)}")
        stored = stored_notes(db, postgres)
        missing = [r[0] for r in accepted if r[0] not in stored]
        if missing:
            problems.append(f"{len(missing)} accepted updates are not in the database, the first: {missing[0]}")
        verify = subprocess.run([binary, "verify"], capture_output=True, text=True, env={**os.environ, "PLANWATCH_DB": db})
        if verify.returncode != 0 or not verify.stdout.startswith("ok:"):
            problems.append(f"verify failed: {verify.stdout.strip()} {verify.stderr.strip()}")
        if not accepted:
            problems.append("no update was accepted")
        failures = [r for r in results if "could not serialize" in (r[3] or "") or "deadlock" in (r[3] or "")]
        if failures:
            problems.append(f"{len(failures)} answers surfaced a serialization failure or deadlock, the first: {failures[0][3][:200]}")
        backed_up = None
        if args.sigterm_after is None and not postgres:
            checked = subprocess.run([binary, "verify"], capture_output=True, text=True, env={**os.environ, "PLANWATCH_DB": backup_path})
            if backup.returncode != 0 or not checked.stdout.startswith("ok:"):
                problems.append(f"the backup taken during the burst failed: {backup.stderr.strip()} {checked.stdout.strip()} {checked.stderr.strip()}")
            else:
                with sqlite3.connect(f"file:{backup_path}?mode=ro", uri=True) as connection:
                    backed_up = connection.execute("SELECT count(*) FROM progress_update WHERE note LIKE 'load c%'").fetchone()[0]
        latencies = [r[2] for r in accepted]
        summary = {"engine": "postgresql" if postgres else "sqlite", "servers": args.servers,
                   "clients": args.clients, "seconds": round(elapsed, 1), "accepted": len(accepted), "stored": len(stored),
                   "throughput": round(len(accepted) / elapsed, 1), "p50_ms": round(percentile(latencies, 50) * 1000, 1),
                   "p99_ms": round(percentile(latencies, 99) * 1000, 1), "cut_by_sigterm": sum(r[1] is None for r in results),
                   "backup_during": backed_up, "killed": killed, "moved": moves[0],
                   "serialization_failures": sum("could not serialize" in (r[3] or "") or "deadlock" in (r[3] or "") for r in results)}
        print(json.dumps(summary))
        for p in problems:
            print(p, file=sys.stderr)
        if problems:
            return 1
        if not args.smoke:
            write_docs(summary, binary)
        return 0


def write_docs(s, binary):
    """Puts this run's row into the server-load section of docs/benchmarks.md,
    keeping the other configuration's row (one per engine and server count)."""
    path = os.path.join(ROOT, "docs/benchmarks.md")
    with open(path) as f:
        page = f.read()
    build = "release" if "/release/" in binary else "debug"
    rows = {}
    if START in page and END in page:
        for line in page[page.index(START):page.index(END)].splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) == 8 and cells[0] in ("SQLite", "PostgreSQL"):
                rows[(cells[0], cells[1])] = line
    engine = "PostgreSQL" if s["engine"] == "postgresql" else "SQLite"
    rows[(engine, str(s["servers"]))] = (f"| {engine} | {s['servers']} | {s['clients']} | {s['seconds']} s | {s['accepted']:,} | "
                                         f"{s['throughput']:,.0f} /s | {s['p50_ms']} ms | {s['p99_ms']} ms |")
    section = "\n".join([
        START,
        "## planwatch serve under load",
        "",
        f"`Benchmarks/load.py` (last run {dt.date.today().isoformat()}, {build} build): clients on loopback, each on one",
        "keep-alive connection, posting progress updates through `POST /api/v1/actions/2/updates` with a bearer token.",
        "Each request authenticates its token, reads the action, and writes the update with its audit entries in one",
        "transaction. Every accepted update was found in the database afterwards, none was refused, answered \"database is",
        "locked\" or surfaced a serialization failure or deadlock, and `verify` passed (on PostgreSQL: one audit chain,",
        "written by both servers). On PostgreSQL the servers share one database (PostgreSQL 15 from Debian, its default",
        "configuration, on the same machine), the clients spread across them; the machine's two cores run the servers,",
        "the database and the clients alike.",
        "",
        "| engine | servers | clients | duration | accepted updates | throughput | p50 latency | p99 latency |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        *[rows[key] for key in sorted(rows, key=lambda k: (k[0] != "SQLite", k[1]))],
        "",
        "Regenerate: `for p in planwatch planwatch-serve; do swift build -c release --static-swift-stdlib --product $p; done && Benchmarks/load.py` (SQLite), and",
        "`Benchmarks/load.py --postgres postgres://USER@127.0.0.1:PORT/EMPTY_DATABASE --servers 2` (PostgreSQL).",
        END,
    ])
    if START in page and END in page:
        page = page[:page.index(START)] + section + page[page.index(END) + len(END):]
    else:
        page = page.rstrip("\n") + "\n\n" + section + "\n"
    with open(path, "w") as f:
        f.write(page)


if __name__ == "__main__":
    sys.exit(main())
