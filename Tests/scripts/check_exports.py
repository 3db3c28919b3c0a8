#!/usr/bin/env python3
"""Checks planwatch exports with independent parsers.

    check_exports.py schema SCHEMA.json EXPORT.json     validate a plan file against its JSON Schema
    check_exports.py output SCHEMA.json NAME FILE.json  validate a command's --format json output against the
                                                        $defs entry NAME of docs/output.schema.json
    check_exports.py ics EXPORT.ics EVENTS               parse a calendar with the icalendar package
    check_exports.py csv EXPORT.csv                      parse CSV with Python's csv module; print the rows as JSON

Exits 0 when the file is valid, 1 with a message when not, 2 when a parser
is missing (scripts/test installs them).
"""
import json
import sys


def validate(schema_path, document_path, name=None):
    """Validates a JSON document against a schema file, or against its $defs entry `name`."""
    try:
        import jsonschema
    except ImportError:
        print("the Python package jsonschema is missing: run scripts/test", file=sys.stderr)
        return 2
    with open(schema_path) as f:
        schema = json.load(f)
    with open(document_path) as f:
        document = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    if name is not None:
        if name not in schema.get("$defs", {}):
            print(f"no $defs entry '{name}' in {schema_path}", file=sys.stderr)
            return 1
        schema = {"$ref": "#/$defs/" + name, "$defs": schema["$defs"]}
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(document), key=lambda e: list(e.path))
    for error in errors[:10]:
        print(f"{name + ': ' if name else ''}{'/'.join(map(str, error.path))}: {error.message}", file=sys.stderr)
    return 1 if errors else 0


def check_ics(path, expected):
    try:
        import icalendar
    except ImportError:
        print("the Python package icalendar is missing: run scripts/test", file=sys.stderr)
        return 2
    with open(path, "rb") as f:
        raw = f.read()
    for number, line in enumerate(raw.split(b"\r\n"), start=1):
        if len(line) > 75:
            print(f"line {number} is {len(line)} octets (over 75)", file=sys.stderr)
            return 1
    if b"\n" in raw.replace(b"\r\n", b""):
        print("a line ends without CRLF", file=sys.stderr)
        return 1
    calendar = icalendar.Calendar.from_ical(raw)
    events = [c for c in calendar.walk() if c.name == "VEVENT"]
    if len(events) != int(expected):
        print(f"{len(events)} events, expected {expected}", file=sys.stderr)
        return 1
    uids = set()
    for event in events:
        uid = str(event.get("UID"))
        if uid in uids:
            print(f"duplicate UID {uid}", file=sys.stderr)
            return 1
        uids.add(uid)
        start = event.decoded("DTSTART")
        if hasattr(start, "hour"):
            print(f"{uid}: DTSTART is not an all-day date", file=sys.stderr)
            return 1
        for field in ("DTSTAMP", "SUMMARY"):
            if field not in event:
                print(f"{uid}: no {field}", file=sys.stderr)
                return 1
    print(f"{len(events)} events parsed")
    return 0


def check_csv(path):
    import csv
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f, strict=True))
    widths = {len(row) for row in rows}
    if len(widths) > 1:
        print(f"rows of different lengths: {sorted(widths)}", file=sys.stderr)
        return 1
    print(json.dumps(rows))
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "csv":
        return check_csv(argv[2])
    if len(argv) == 4 and argv[1] == "schema":
        return validate(argv[2], argv[3])
    if len(argv) == 5 and argv[1] == "output":
        return validate(argv[2], argv[4], argv[3])
    if len(argv) == 4 and argv[1] == "ics":
        return check_ics(argv[2], argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
