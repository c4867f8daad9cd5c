#!/usr/bin/env bash
# The first report after `pacer serve` starts, on the peer data set (docs/benchmarks.md, issue 21):
#   scripts/cold-start.sh DATA_DIR [DATABASE_FILE] [RUNS]
# DATA_DIR is a folder written by ../shared/bench/gen_activities.py. The database is built once
# (organisation with a February fiscal year, teams, reps, activities) and kept for the next run.
# Each run starts the server, times how long until it listens and how long the first report
# (calls per rep per fiscal month over three fiscal years) takes, then stops it. The first run
# after the import reads every rollup row; the next ones the cube snapshot the first one kept.
set -euo pipefail
data=${1:?usage: scripts/cold-start.sh DATA_DIR [DATABASE_FILE] [RUNS]}
db=${2:-${TMPDIR:-/tmp}/pacer-cold-start.sqlite}
runs=${3:-3}
pacer=${PACER:-target/release/pacer}
port=${PORT:-18321}
export PACER_DATABASE_URL="sqlite://$db"
if [ ! -f "$db" ]; then
  "$pacer" init --name "Bench" --currency USD --start-month 2 --password "bench-password" >/dev/null
  "$pacer" import teams "$data/reps.csv" --preset pacer-teams >/dev/null
  "$pacer" import reps "$data/reps.csv" --preset pacer-reps >/dev/null
  /usr/bin/time -f "import: %e s, %M KB" "$pacer" import activities "$data/activities.csv" --preset pacer-activities >/dev/null
fi
token=$("$pacer" token add "cold-start-$$" --scope read | grep -o 'pacer_[A-Za-z0-9_-]*' | head -n 1)
ms() { date +%s%N | awk '{printf "%d", $1 / 1000000}'; }
for run in $(seq 1 "$runs"); do
  start=$(ms)
  "$pacer" serve --port "$port" --log warn &
  server=$!
  until curl -s -o /dev/null "http://127.0.0.1:$port/healthz"; do sleep 0.02; done
  listening=$(ms)
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$port/api/v1/reports/calls_made?by=rep&per=month&from=2021-02-01&to=2024-01-31")
  answered=$(ms)
  kill "$server"; wait "$server" 2>/dev/null || true
  echo "run $run: HTTP $code, listening after $((listening - start)) ms, first report answered $((answered - listening)) ms later"
done
