#!/usr/bin/env python3
"""No GRDB type in PlanStore's public interface.

Reads the symbol graphs `swift package dump-symbol-graph` writes and fails,
naming each symbol, when a public declaration of PlanStore mentions a GRDB
type. The one exception is the column conformances PlanStore gives the
domain's value types (CalendarDate and the vocabularies are
DatabaseValueConvertible so rows read them): Swift has no internal
conformances, so their members are public by necessity; they are symbols of
those types, not of PlanStore's own API.

    check_public_api.py SYMBOLGRAPH_FOLDER
"""
import glob, json, os, sys

folder = sys.argv[1]
conformed = {"CalendarDate", "ActionStatus", "FindingKind", "Confidence", "Escalation", "PlanStatus", "ReviewKind", "SelfAssessment"}
problems = []
for path in sorted(glob.glob(os.path.join(folder, "PlanStore*.symbols.json"))):
    graph = json.load(open(path))
    for symbol in graph["symbols"]:
        names = [f["spelling"] for f in symbol.get("declarationFragments", [])
                 if "4GRDB" in f.get("preciseIdentifier", "") or "GRDBSQLite" in f.get("preciseIdentifier", "")]
        if not names:
            continue
        where = ".".join(symbol["pathComponents"])
        if os.path.basename(path) != "PlanStore.symbols.json" and symbol["pathComponents"][0] in conformed:
            continue
        problems.append(f"{where}: {', '.join(sorted(set(names)))}")
if not glob.glob(os.path.join(folder, "PlanStore.symbols.json")):
    problems.append(f"no PlanStore.symbols.json in {folder}")
for problem in problems:
    print(f"PlanStore's public interface shows GRDB: {problem}")
sys.exit(1 if problems else 0)
