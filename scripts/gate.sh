#!/usr/bin/env bash
# The CI resilience gate: builds chatsim (Release) and runs the gate scenario with its fixed seed — a few hundred
# virtual clients, faults on, about a minute. The exit code is chatsim's (0 pass, 1 invariant violated, 2 SLO
# breached, 3 inconclusive, 4 harness failure, 64 bad scenario); JUnit lands in artifacts/gate/junit.xml.
#   scripts/gate.sh [--no-build] [extra chatsim run options, e.g. --seed 7 --out artifacts/gate-7]
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

build=1
if [ "${1:-}" = "--no-build" ]; then
  build=0
  shift
fi

if [ "$build" = 1 ]; then
  dotnet build src/Simulator -c Release -nologo -v:q || exit 4
fi

dll=src/Simulator/bin/Release/net10.0/chatsim.dll
if [ ! -f "$dll" ]; then
  echo "gate: $dll not found (build first, or drop --no-build)" >&2
  exit 4
fi

# Defaults first: a later --seed / --out from the caller wins.
dotnet "$dll" run chaos/scenarios/gate.json --seed 20261126 --out artifacts/gate --plain "$@"
status=$?
echo "gate: chatsim exit $status (junit: artifacts/gate/junit.xml)"
exit $status
