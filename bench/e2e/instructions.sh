#!/usr/bin/env bash
# Instructions per warm invocation of a function under the Runtime API harness, counted by
# callgrind (this machine has no hardware counters for perf, and its load does not change the
# count): two runs of N1 and N2 invocations, (total2 - total1) / (N2 - N1), so that start-up and
# shutdown cancel out.
#   bench/e2e/instructions.sh SHARED_BENCH_DIR EVENT FUNCTION [K=V ...]
# Prints: instructions per invocation, and those of start-up and N1 invocations.
set -euo pipefail
shared=$1 event=$2 function=$3
shift 3
envs=()
for kv in "$@"; do envs+=(--env "$kv"); done
n1=${N1:-100} n2=${N2:-600}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The harness kills its child at the end; valgrind runs detached from it and writes its counts
# when the function exits, as the harness closes the connection.
cat >"$work/wrap.sh" <<'EOF'
#!/usr/bin/env bash
out=$1; shift
setsid valgrind --tool=callgrind --callgrind-out-file="$out" "$@" >/dev/null 2>&1 &
wait
EOF
chmod +x "$work/wrap.sh"
for n in "$n1" "$n2"; do
  python3 "$shared/rapi_bench.py" --n "$n" --event "$event" "${envs[@]}" -- "$work/wrap.sh" "$work/cg.$n" "$function" >/dev/null
done
for _ in $(seq 100); do [ -s "$work/cg.$n1" ] && [ -s "$work/cg.$n2" ] && break; sleep 0.2; done
sleep 1
t1=$(awk '/^totals:/{print $2}' "$work/cg.$n1")
t2=$(awk '/^totals:/{print $2}' "$work/cg.$n2")
echo "$(( (t2 - t1) / (n2 - n1) )) instructions per invocation (start-up and $n1 invocations: $t1)"
