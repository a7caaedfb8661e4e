#!/usr/bin/env bash
# Measures the gate's flakiness: runs the gate scenario once per seed (default: 20 seeds, 1..20) and prints one
# line per run plus the pass rate. Usage: scripts/gate-flakiness.sh [first-seed] [count]
set -uo pipefail
cd "$(dirname "$0")/.."
first=${1:-1}
count=${2:-20}
dotnet build src/Simulator -c Release -nologo -v:q || exit 4
mkdir -p artifacts/flakiness
passed=0
for seed in $(seq "$first" $((first + count - 1))); do
  out=artifacts/flakiness/seed-$seed
  start=$(date +%s)
  dotnet src/Simulator/bin/Release/net10.0/chatsim.dll run chaos/scenarios/gate.json --seed "$seed" --out "$out" --plain > "$out.log" 2>&1
  rc=$?
  [ "$rc" -eq 0 ] && passed=$((passed + 1))
  verdicts=$(grep -E '^\s+(FAIL|INCONCLUSIVE|BREACHED)' "$out.log" | awk '{print $2}' | tr '\n' ' ')
  p99=$(grep -oE 'delivery_latency_p99_ms +[0-9]+' "$out.log" | awk '{print $2}')
  echo "seed $seed: exit $rc in $(( $(date +%s) - start )) s, delivery p99 ${p99:-?} ms ${verdicts}"
done
echo "gate flakiness: $passed/$count seeds passed"
[ "$passed" -eq "$count" ]
