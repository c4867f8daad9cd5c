#!/usr/bin/env bash
# Concurrent clients asking a mix of reports of a running server (docs/benchmarks.md, issue 21):
#   scripts/load-test.sh BASE_URL TOKEN [CONNECTIONS] [SECONDS] [FISCAL_YEAR]
# TOKEN is an API token with the read scope (`pacer token add load --scope read`). Each
# connection cycles through the reports below; wrk prints the latency distribution (p50-p99)
# and the requests per second. Warm the server first (one request of each) so that the figures
# are a warm server's.
set -euo pipefail
base=${1:?usage: scripts/load-test.sh BASE_URL TOKEN [CONNECTIONS] [SECONDS] [FISCAL_YEAR]}
token=${2:?an API token with the read scope}
connections=${3:-10}
seconds=${4:-30}
fy=${5:-2023}
paths=(
  "/api/v1/reports/calls_made?by=rep&per=month&fy=$fy"
  "/api/v1/reports/calls_made?by=company&per=week&fy=$fy"
  "/api/v1/reports/emails_sent?by=team&per=quarter&fy=$fy"
  "/api/v1/reports/meetings_held?by=team&per=month&fy=$fy"
  "/api/v1/leaderboards/demos_given?fy=$fy"
  "/api/v1/reports/calls_made?by=rep&per=quarter&fy=$fy"
)
script=$(mktemp --suffix=.lua)
trap 'rm -f "$script"' EXIT
{
  echo "local paths = {"
  for p in "${paths[@]}"; do echo "  \"$p\","; done
  echo "}"
  cat <<LUA
local i = 0
wrk.headers["Authorization"] = "Bearer $token"
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
response = function(status, headers, body)
  if status ~= 200 then io.stderr:write("HTTP " .. status .. "\n") end
end
LUA
} >"$script"
for p in "${paths[@]}"; do
  curl -s -o /dev/null -w "warm-up %{http_code} %{time_total}s $p\n" -H "Authorization: Bearer $token" "$base$p"
done
wrk -t 2 -c "$connections" -d "${seconds}s" --latency -s "$script" "$base"
