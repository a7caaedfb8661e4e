#!/usr/bin/env bash
# Prints a development token for one user from a ChatResilience server outside Production (its POST /dev/token),
# the shape chatsim's --token-command expects: chatsim appends the user id as the last argument.
#   scripts/dev-token.sh http://127.0.0.1:5080 alice
#   chatsim load chaos/scenarios/load-ramp.json --server-url http://127.0.0.1:5080 \
#       --token-command "scripts/dev-token.sh http://127.0.0.1:5080"
# A deployment with real identity needs its own command (one that signs in as a test user); this one is for the
# development server only.
set -euo pipefail
if [ "$#" -ne 2 ]; then
  echo "usage: $0 SERVER_URL USER_ID" >&2
  exit 64
fi

command -v curl > /dev/null || { echo "dev-token: curl is needed (apt-get install curl)" >&2; exit 69; }
base=${1%/}
# User ids are [A-Za-z0-9._:-] (the server refuses anything else), so the JSON needs no escaping.
answer=$(curl -sS --fail-with-body --max-time 30 -X POST -H 'content-type: application/json' \
  -d "{\"sub\":\"$2\"}" "$base/dev/token") || { echo "dev-token: $base/dev/token answered: $answer" >&2; exit 1; }
token=$(printf '%s' "$answer" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
if [ -z "$token" ]; then
  echo "dev-token: no token in the answer: $answer" >&2
  exit 1
fi

printf '%s\n' "$token"
