#!/usr/bin/env bash
# DynamORM operations per second: lift on the embedded engine (memory:), lift on dynalite, and
# the AWS SDK for JavaScript v3 on the same dynalite, in one run.
#
#   bash bench/dynamorm/run_ops.sh [BUILD_DIR]        the comparison (a Markdown table at the end)
#   bash bench/dynamorm/run_ops.sh --smoke BINARY     one short run on memory: (ctest's bench-smoke)
#
# dynalite runs in memory on 127.0.0.1 on a free port and is stopped on exit. The three
# subjects take turns (lift memory:, lift → dynalite, SDK → dynalite), REPEATS times; each run
# reports medians of ROUNDS rounds, and the table gives the median of the runs. One request is
# in flight at a time, so over HTTP dynalite (one Node.js process) bounds both clients.
# Environment: LIFT_OPS_COUNT (operations per round and operation, default 20000),
# LIFT_OPS_SECONDS (time cap per round and operation, default 1), LIFT_OPS_ROUNDS (3),
# LIFT_OPS_REPEATS (3).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
operations=(PutItem GetItem UpdateItem Query BatchWriteItem)

if [ "${1:-}" = "--smoke" ]; then
  bin=${2:?usage: run_ops.sh --smoke BINARY}
  out=$("$bin" --endpoint memory: --count 20 --seconds 0.5 --rounds 3 --json)
  echo "$out"
  for op in "${operations[@]}"; do
    grep -q "^$op .* ops/s " <<<"$out" || { echo "run_ops: no figure for $op" >&2; exit 1; }
  done
  grep -q '^{"client":"lift"' <<<"$out" || { echo "run_ops: no JSON line" >&2; exit 1; }
  exit 0
fi

build=${1:-build}
cd "$root"
bin="$build/bin/lift_dynamorm_ops_bench"
count=${LIFT_OPS_COUNT:-20000}
seconds=${LIFT_OPS_SECONDS:-1}
rounds=${LIFT_OPS_ROUNDS:-3}
repeats=${LIFT_OPS_REPEATS:-3}
limits=(--count "$count" --seconds "$seconds" --rounds "$rounds" --json)

work=$(mktemp -d)
dynalite=
cleanup() {
  if [ -n "$dynalite" ]; then kill "$dynalite" 2>/dev/null || true; wait "$dynalite" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

endpoint=
if command -v node >/dev/null && [ -f node_modules/dynalite/cli.js ] && [ -d node_modules/@aws-sdk/client-dynamodb ]; then
  port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
  node node_modules/dynalite/cli.js --host 127.0.0.1 --port "$port" \
    --createTableMs 0 --deleteTableMs 0 --updateTableMs 0 >/dev/null 2>&1 &
  dynalite=$!
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { endpoint="http://127.0.0.1:$port"; break; }
    sleep 0.1
  done
  [ -n "$endpoint" ] || echo "(dynalite did not start: lift memory: figures only)"
else
  echo "(node, dynalite or @aws-sdk/client-dynamodb missing: run scripts/setup; lift memory: figures only)"
fi

echo "count $count, time cap ${seconds} s, $rounds rounds per run, $repeats runs; $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
# One subject's run: its lines shown, its JSON line kept under $work/NAME.
run_one() {
  local name=$1
  shift
  "$@" >"$work/out"
  grep -v '^{' "$work/out"
  grep '^{' "$work/out" >>"$work/$name"
}
for run in $(seq "$repeats"); do
  echo "# run $run: lift memory:"
  run_one memory "$bin" --endpoint memory: "${limits[@]}"
  if [ -n "$endpoint" ]; then
    echo "# run $run: lift -> dynalite"
    run_one lift "$bin" --endpoint "$endpoint" "${limits[@]}"
    echo "# run $run: @aws-sdk/client-dynamodb -> dynalite"
    run_one sdk node --no-warnings bench/dynamorm/sdk_ops.mjs --endpoint "$endpoint" "${limits[@]}"
  fi
done
echo
echo "Medians of $repeats runs (each the median of $rounds rounds), load average now $(cut -d' ' -f1-3 /proc/loadavg):"
echo
if command -v node >/dev/null; then
  node - "$work" "${operations[@]}" <<'EOF'
const fs = require('node:fs');
const [dir, ...ops] = process.argv.slice(2);
const load = (name) => {
  try {
    return fs.readFileSync(`${dir}/${name}`, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  } catch {
    return [];
  }
};
const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const runs = { memory: load('memory'), lift: load('lift'), sdk: load('sdk') };
const figure = (subject, op, key) => median(runs[subject].map((r) => r.operations.find((o) => o.operation === op)?.[key]).filter((x) => x !== undefined));
const show = (x, digits = 0) => (Number.isNaN(x) ? '–' : x.toFixed(digits));
console.log('| operation | lift memory: ops/s | lift→dynalite ops/s | SDK→dynalite ops/s | lift/SDK ratio |');
console.log('| --- | --- | --- | --- | --- |');
for (const op of ops) {
  const [m, l, s] = ['memory', 'lift', 'sdk'].map((subject) => figure(subject, op, 'ops_per_second'));
  console.log(`| ${op} | ${show(m)} | ${show(l)} | ${show(s)} | ${Number.isNaN(l / s) ? '–' : (l / s).toFixed(2) + 'x'} |`);
}
console.log();
console.log('| operation | lift memory: p50 / p99 | lift→dynalite p50 / p99 | SDK→dynalite p50 / p99 |');
console.log('| --- | --- | --- | --- |');
for (const op of ops) {
  const cells = ['memory', 'lift', 'sdk'].map((subject) =>
    `${show(figure(subject, op, 'p50_ms'), 3)} / ${show(figure(subject, op, 'p99_ms'), 3)} ms`);
  console.log(`| ${op} | ${cells.join(' | ')} |`);
}
EOF
else
  cat "$work/memory"
fi
