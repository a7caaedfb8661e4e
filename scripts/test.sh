#!/usr/bin/env bash
# The project's one test command (README): unit, in-memory and real-socket tests of every project, then
# the CI resilience gate (a short chatsim run with faults on and a fixed seed). Results land in
# artifacts/: TRX files per test project and the gate's JUnit XML. Exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
rm -rf artifacts/test-results artifacts/gate
mkdir -p artifacts/test-results

status=0
dotnet build ChatResilience.sln -c Release -nologo -v:q || exit 1

# Test assemblies run one after another: several of them open real loopback sockets and measure lower
# bounds of time, which is more honest on a 2-core machine without other suites competing for it.
dotnet test ChatResilience.sln -c Release --no-build -m:1 \
  --logger "trx" --results-directory artifacts/test-results \
  -- RunConfiguration.TestSessionTimeout=1800000 || status=1

if [ -x scripts/gate.sh ] || [ -f scripts/gate.sh ]; then
  bash scripts/gate.sh --no-build || status=1
fi

exit $status
