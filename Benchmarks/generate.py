#!/usr/bin/env python3
"""Writes a synthetic national plan file for planwatch's benchmarks.

    Benchmarks/generate.py --partnerships 32 --actions 100000 --updates-per-action 2 --seed 7 > national.json
    planwatch init --db national.sqlite && planwatch import national.json --db national.sqlite

Every partnership gets one inspection with findings; actions are spread over
them with deadlines across five years (2022-2026), a realistic mix of
statuses, some "Ongoing" actions with no deadline, extensions and progress
updates, and one linking review per partnership. The same seed gives the same
file, byte for byte.
"""
import argparse
import datetime as dt
import json
import random
import sys

OWNERS = ["Chief Social Work Officer", "Head of Service, Education", "Service Manager, Child Protection",
          "Lead Officer, Child Protection Committee", "Clinical Director, CAMHS", "Public Protection Lead",
          "Head of Children's Services", "Independent Reviewing Officer", "Quality Assurance Manager",
          "Learning and Development Lead"]
AGENCIES = ["Council", "Health and Social Care Partnership", "NHS Board", "Police Scotland", "Third sector"]
THEMES = ["mental health", "participation", "risk", "data", "workforce", "quality assurance", "care leavers"]
VERBS = ["Introduce", "Review", "Audit", "Commission", "Train staff in", "Publish", "Extend", "Embed"]
NOUNS = ["multi-agency screening", "advocacy offer", "supervision model", "outcomes dashboard",
         "chronology practice", "self-evaluation calendar", "counselling service", "safety planning"]


def day(d):
    return d.isoformat()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--partnerships", type=int, default=32)
    parser.add_argument("--actions", type=int, default=10000)
    parser.add_argument("--updates-per-action", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.partnerships < 1 or args.actions < 0 or args.updates_per_action < 0:
        parser.error("counts must be positive")
    rng = random.Random(args.seed)
    start = dt.date(2022, 1, 1)
    doc = {"format": "planwatch-plan-file", "version": 1, "partnerships": [], "linkAssignments": [],
           "inspections": [], "findings": [], "plans": [], "actions": [], "updates": [], "extensions": [],
           "reviews": []}
    inspections = []
    for p in range(args.partnerships):
        key = f"area-{p + 1:02d}"
        inspection = f"{key}-2022"
        published = start + dt.timedelta(days=rng.randrange(0, 300))
        doc["partnerships"].append({"key": key, "name": f"Area {p + 1}", "council": f"Area {p + 1} Council"})
        doc["linkAssignments"].append({"partnership": key, "inspector": f"Link inspector {p % 8 + 1}", "from": "2022-01-01"})
        doc["inspections"].append({"key": inspection, "partnership": key, "title": "Services for children at risk of harm",
                                   "published": day(published), "confidence": rng.choice(["confident", "not-yet-confident"]),
                                   "escalation": "none", "source": "Synthetic benchmark data"})
        for n in range(1, 7):
            doc["findings"].append({"inspection": inspection, "number": n, "kind": "improvement" if n > 2 else "strength",
                                    "text": f"Synthetic finding {n} for {key}", "themes": [rng.choice(THEMES)]})
        submitted = published + dt.timedelta(days=rng.randrange(20, 60))
        doc["plans"].append({"inspection": inspection, "status": "submitted", "submitted": day(submitted)})
        review = published + dt.timedelta(days=rng.randrange(120, 400))
        doc["reviews"].append({"partnership": key, "date": day(review), "kind": "meeting",
                               "summary": "Synthetic linking review", "nextReview": day(review + dt.timedelta(days=182))})
        inspections.append((inspection, published))
    counters = {}
    for a in range(args.actions):
        inspection, published = inspections[a % len(inspections)]
        counters[inspection] = counters.get(inspection, 0) + 1
        ref = f"{counters[inspection]}"
        action_ref = f"{inspection}/{ref}"
        created = published + dt.timedelta(days=rng.randrange(30, 60))
        roll = rng.random()
        due = None if roll < 0.05 else start + dt.timedelta(days=rng.randrange(180, 5 * 365))
        status = rng.choices(["not-started", "in-progress", "complete", "withdrawn"], [25, 45, 25, 5])[0]
        percent = {"not-started": 0, "in-progress": rng.randrange(5, 95, 5), "complete": 100, "withdrawn": rng.randrange(0, 50, 5)}[status]
        action = {"inspection": inspection, "ref": ref, "findings": [rng.randrange(3, 7)],
                  "title": f"{rng.choice(VERBS)} {rng.choice(NOUNS)}", "owner": rng.choice(OWNERS),
                  "agency": rng.choice(AGENCIES), "created": day(created), "status": status, "percent": percent}
        # An action starts when it is recorded, unless its deadline came first (a plan
        # logged late): planwatch refuses a start after the deadline.
        if due is None or due >= created:
            action["start"] = day(created)
        if due is not None:
            action["originalDue"] = day(due)
            action["due"] = day(due)
            if rng.random() < 0.15:
                new_due = due + dt.timedelta(days=rng.randrange(30, 240))
                action["due"] = day(new_due)
                doc["extensions"].append({"action": action_ref, "from": day(due), "to": day(new_due),
                                          "reason": "Synthetic extension", "agreedBy": "Chief Officers Group",
                                          "recorded": day(min(due, dt.date(2026, 1, 1)))})
        last = created
        for u in range(args.updates_per_action):
            last = last + dt.timedelta(days=rng.randrange(10, 120))
            if last > dt.date(2026, 11, 1):
                break
            doc["updates"].append({"action": action_ref, "date": day(last), "actor": action["owner"],
                                   "note": f"Synthetic update {u + 1}"})
        if status == "complete":
            action["completed"] = day(max(last, created))
            action["evidence"] = "Synthetic evidence"
        doc["actions"].append(action)
    json.dump(doc, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
