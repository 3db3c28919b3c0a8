#!/usr/bin/env python3
"""No GRDB type in PlanStore's public interface.

Reads the symbol graphs `swift package dump-symbol-graph` writes and fails,
naming each symbol, when a public declaration of PlanStore mentions a GRDB
type. The one exception is the column conformances PlanStore gives the
domain's value types (CalendarDate and the vocabularies are
DatabaseValueConvertible so rows read them): Swift has no internal
conformances, so their members are public by necessity; they are symbols of
those types, not of PlanStore's own API. Which types those are is read from
the graphs' own conformance relationships, so a new vocabulary needs no
edit here; anything else of GRDB's that shows is a failure.

    check_public_api.py SYMBOLGRAPH_FOLDER
"""
import glob, json, os, sys

folder = sys.argv[1]
problems = []
for path in sorted(glob.glob(os.path.join(folder, "PlanStore*.symbols.json"))):
    graph = json.load(open(path))
    extension_graph = os.path.basename(path) != "PlanStore.symbols.json"
    relationships = graph.get("relationships", [])
    # Types of another module that PlanStore makes DatabaseValueConvertible, and their members.
    conformed = {r["source"] for r in relationships
                 if r["kind"] == "conformsTo" and r["target"] == "s:4GRDB24DatabaseValueConvertibleP"}
    owner = {r["source"]: r["target"] for r in relationships if r["kind"] == "memberOf"}
    for symbol in graph["symbols"]:
        names = [f["spelling"] for f in symbol.get("declarationFragments", [])
                 if "4GRDB" in f.get("preciseIdentifier", "") or "GRDBSQLite" in f.get("preciseIdentifier", "")]
        if not names:
            continue
        where = ".".join(symbol["pathComponents"])
        precise = symbol["identifier"]["precise"]
        if extension_graph and (precise in conformed or owner.get(precise) in conformed):
            continue
        problems.append(f"{where}: {', '.join(sorted(set(names)))}")
if not glob.glob(os.path.join(folder, "PlanStore.symbols.json")):
    problems.append(f"no PlanStore.symbols.json in {folder}")
for problem in problems:
    print(f"PlanStore's public interface shows GRDB: {problem}")
sys.exit(1 if problems else 0)
