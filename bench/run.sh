#!/usr/bin/env bash
# Runs lift's benchmarks against a Release build: bash bench/run.sh [BUILD_DIR]
# Prints Markdown tables; bench/RESULTS.md records them with this command.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-build}
cd "$root"

event=$(mktemp)
trap 'rm -f "$event"' EXIT
"$build/bin/lift" events generate apigw-http --path /hello --query name=bench >"$event"

echo "## Runtime end to end (examples/hello vs Node.js under aws-lambda-ric)"
node_args=()
if command -v node >/dev/null && [ -f node_modules/aws-lambda-ric/index.mjs ]; then
  node_args=(--node "$(command -v node)" --ric node_modules/aws-lambda-ric/index.mjs --node-handler "$root/bench/node")
else
  echo "(node or aws-lambda-ric missing: run scripts/setup; lift figures only)"
fi
"$build/bin/lift_runtime_e2e_bench" --function "$build/bin/examples/hello" --event "$event" "${node_args[@]}"

echo
echo "## examples/todo-api: cold start, memory over 10,000 invocations, package size (embedded DynamoDB)"
todo_event=$(mktemp)
"$build/bin/lift" events generate apigw-http --method GET --path /todos/missing >"$todo_event"
for round in 1 2 3; do
  LIFT_DYNAMODB_ENDPOINT=memory: "$build/bin/lift_runtime_e2e_bench" --function "$build/bin/examples/todo-api" \
    --event "$todo_event" --cold-runs 20 --rounds 1 --round-ms 500 2>/dev/null | grep '^| lift'
done
"$build/bin/lift" invoke "$build/bin/examples/todo-api" --event "$todo_event" --count 10000 \
  --env LIFT_DYNAMODB_ENDPOINT=memory: 2>&1 >/dev/null | grep '^lift invoke'
todo_zip=$(mktemp -d)
"$build/bin/lift" package "$build/bin/examples/todo-api" -o "$todo_zip/function.zip"
"$build/bin/lift" package "$build/bin/examples/hello" -o "$todo_zip/hello.zip"
rm -rf "$todo_zip" "$todo_event"

echo
echo "## Runtime micro benchmarks"
"$build/bin/lift_runtime_micro_bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_min_time=0.2

echo
echo "## HTTP layer micro benchmarks (router, event adapters)"
"$build/bin/lift_http_micro_bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_min_time=0.2

echo
echo "## App dispatch and JSON binding micro benchmarks"
for bench in lift_app_micro_bench lift_json_micro_bench; do
  "$build/bin/$bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true --benchmark_min_time=0.2
done

echo
echo "## Resilience micro benchmarks (breaker + bulkhead around a trivial call)"
"$build/bin/lift_resilience_micro_bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_min_time=0.2

echo
echo "## Health endpoints micro benchmarks (cached report)"
"$build/bin/lift_health_micro_bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_min_time=0.2

echo
echo "## Idempotency on an HTTP route: first call, replay from the table and from the local cache"
"$build/bin/lift_idempotency_micro_bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_min_time=0.2

echo
echo "## Rate limiting micro benchmarks (token bucket; DynamoDB windows on the embedded engine)"
"$build/bin/lift_ratelimit_micro_bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_min_time=0.2

echo
echo "## WebSocket room broadcast per recipient (embedded engine, in-memory Management API)"
"$build/bin/lift_websocket_micro_bench" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
  --benchmark_min_time=0.2

echo
echo "## lift dev: GET /hello through the local API Gateway (keep-alive, bounded Node client)"
if command -v node >/dev/null; then
  out=$(mktemp)
  "$build/bin/lift" dev "$build/bin/examples/hello" --port 0 --no-reload >"$out" 2>/dev/null &
  dev=$!
  for _ in $(seq 50); do grep -q "listening on" "$out" && break; sleep 0.1; done
  url=$(grep -o "http://127.0.0.1:[0-9]*" "$out" | head -1)
  for round in 1 2 3; do
    node bench/e2e/dev_load.mjs --url "$url/hello?name=bench" --connections 4 --seconds 3
  done
  kill "$dev"; wait "$dev" 2>/dev/null || true
  rm -f "$out"
  echo
  echo "## lift dev under hostile input: memory and descriptors (bounded run)"
  node bench/e2e/dev_abuse.mjs --lift "$build/bin/lift" --function "$build/bin/examples/hello"
else
  echo "(node missing: run scripts/setup)"
fi

echo
echo "## DynamORM operations per second (embedded engine, dynalite, and @aws-sdk/client-dynamodb on dynalite)"
bash bench/dynamorm/run_ops.sh "$build"
