#!/usr/bin/env python3
"""What examples/hello and examples/todo-api add over a raw-socket Runtime API client (the floor).

usage: floor_bench.py --shared DIR [--build build] [--baseline OTHER_BUILD] [--rounds 3] [--n 3000] [--memory]
                      [--only NAME,...]

DIR holds rapi_bench.py (an independent Runtime API server that starts a function and reports its
cold start, invocations per second and peak RSS) and floor.c (the least a runtime client can do).
Each round runs every subject once, taking turns, so that all of them see the machine's load of
the moment; the additions (function minus floor) are taken per round and their medians printed:
absolute figures move with the load, the differences of one round much less.

--baseline runs the same subjects from another build tree in the same rounds, taking turns with
this one's (before -> after figures of one sitting).

--memory adds the RSS check: todo-api with 1,000 stored todos, GET /todos 1,000 and 10,000 times.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

ap = argparse.ArgumentParser()
ap.add_argument("--shared", required=True, help="the directory of rapi_bench.py and floor.c")
ap.add_argument("--build", default="build")
ap.add_argument("--baseline", default="", help="another build tree to measure in the same rounds")
ap.add_argument("--rounds", type=int, default=3)
ap.add_argument("--n", type=int, default=3000)
ap.add_argument("--memory", action="store_true")
ap.add_argument("--only", default="", help="comma-separated subject names (floor always runs)")
a = ap.parse_args()

harness = os.path.join(a.shared, "rapi_bench.py")
floor_c = os.path.join(a.shared, "floor.c")
if not (os.path.isfile(harness) and os.path.isfile(floor_c)):
    print(f"bench-e2e: {a.shared} has no rapi_bench.py and floor.c (set LIFT_SHARED_BENCH): skipped")
    sys.exit(0)

work = tempfile.mkdtemp(prefix="lift-bench-e2e-")
floor = os.path.join(work, "floor")
subprocess.run(["cc", "-O2", "-o", floor, floor_c], check=True)
lift = os.path.join(a.build, "bin", "lift")


def examples(build):
    return os.path.join(build, "bin", "examples", "hello"), os.path.join(build, "bin", "examples", "todo-api")


hello, todo = examples(a.build)


def event(name, *args):
    path = os.path.join(work, name + ".json")
    with open(path, "w") as out:
        subprocess.run([lift, "events", "generate", "apigw-http", *args], stdout=out, check=True)
    return path


hello_event = event("hello", "--path", "/hello", "--query", "name=bench")
list_event = event("list", "--method", "GET", "--path", "/todos")
post_event = event("post", "--method", "POST", "--path", "/todos", "--header", "Content-Type: application/json",
                   "--body", '{"title":"benchmark"}')

# A deployed todo-api has its cursor key set (else it makes one and warns at start-up).
todo_env = ["LIFT_DYNAMODB_ENDPOINT=memory:", "LIFT_CURSOR_KEY=" + "5" * 64]
subjects = [
    ("hello", hello, hello_event, []),
    ("todo-api GET /todos (empty)", todo, list_event, todo_env),
    ("todo-api GET /todos (25 items)", todo, list_event, todo_env + ["TODO_SEED=25"]),
    ("todo-api POST /todos", todo, post_event, todo_env),
]
if a.only:
    wanted = [w.strip() for w in a.only.split(",")]
    subjects = [s for s in subjects if any(w in s[0] for w in wanted)]
if a.baseline:
    base_hello, base_todo = examples(a.baseline)
    renamed = {hello: base_hello, todo: base_todo}
    subjects = [x for s in subjects for x in ((s[0] + " [baseline]", renamed[s[1]], s[2], s[3]), s)]


def run(command, ev, env, n):
    args = [sys.executable, harness, "--n", str(n), "--event", ev]
    for kv in env:
        args += ["--env", kv]
    out = subprocess.run(args + ["--", command], capture_output=True, text=True)
    line = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else "{}"
    result = json.loads(line)
    if "error" in result or result.get("errors"):
        sys.exit(f"bench-e2e: {command} failed: {line} {out.stderr.strip()}")
    return result


rows = {name: [] for name, *_ in subjects}
floors = []
for r in range(a.rounds):
    f = run(floor, hello_event, [], a.n)
    floors.append(f)
    for name, command, ev, env in subjects:
        s = run(command, ev, env, a.n)
        rows[name].append({
            "cold_ms": s["cold_ms"] - f["cold_ms"],
            "inv_us": (1 / s["inv_per_s"] - 1 / f["inv_per_s"]) * 1e6,
            "rss_kib": s["peak_rss_kib"],
        })
    print(f"round {r + 1}/{a.rounds} done", file=sys.stderr)

med = statistics.median
print(f"Floor (medians of {a.rounds} rounds of {a.n} invocations): cold start {med(x['cold_ms'] for x in floors):.3f} ms, "
      f"{1e6 / med(x['inv_per_s'] for x in floors):.1f} µs per invocation, peak RSS {med(x['peak_rss_kib'] for x in floors) / 1024:.1f} MiB")
print()
print("| function | cold start over the floor | per warm invocation over the floor | peak RSS |")
print("| --- | --- | --- | --- |")
for name, *_ in subjects:
    xs = rows[name]
    print(f"| {name} | {med(x['cold_ms'] for x in xs):+.3f} ms | {med(x['inv_us'] for x in xs):+.1f} µs | "
          f"{med(x['rss_kib'] for x in xs) / 1024:.2f} MiB |")

if a.memory:
    print()
    print("| todo-api, 1,000 stored todos, GET /todos | peak RSS |")
    print("| --- | --- |")
    for label, command in ([("baseline ", examples(a.baseline)[1])] if a.baseline else []) + [("", todo)]:
        for n in (1000, 10000):
            s = run(command, list_event, todo_env + ["TODO_SEED=1000"], n)
            print(f"| {label}after {n:,} invocations | {s['peak_rss_kib'] / 1024:.2f} MiB ({s['peak_rss_kib']} KiB) |")
