#!/usr/bin/env bash
# Times every page of a running Pacer as each demo user: one warm-up request,
# then RUNS timed requests per page; prints the median and the slowest in ms.
#
#   cargo run --release -- demo --port 8080 &   # wait until it says it is running
#   scripts/page-timings.sh http://127.0.0.1:8080 [RUNS]
#
# The times are curl's whole request on loopback (connect, server, transfer).
set -euo pipefail
BASE="${1:-http://127.0.0.1:8080}"
RUNS="${2:-10}"
PASSWORD="${PACER_DEMO_PASSWORD:-pacer-demo}"
JAR="$(mktemp)"
trap 'rm -f "$JAR"' EXIT

sign_in() {
  rm -f "$JAR"
  local csrf
  csrf="$(curl -sf -c "$JAR" "$BASE/login" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -n 1)"
  curl -sf -b "$JAR" -c "$JAR" -o /dev/null \
    --data-urlencode "csrf=$csrf" --data-urlencode "next=/" \
    --data-urlencode "username=$1" --data-urlencode "password=$PASSWORD" "$BASE/login"
}

# The first link on PAGE matching the extended regular expression PATTERN.
first_link() {
  curl -sf -b "$JAR" "$BASE$1" | grep -oE "href=\"$2\"" | head -n 1 | sed 's/^href="//; s/"$//'
}

time_page() {
  local who="$1" path="$2" status
  status="$(curl -s -b "$JAR" -o /dev/null -w '%{http_code}' "$BASE$path")"
  if [ "$status" != 200 ]; then
    printf '%-9s %-52s %s\n' "$who" "$path" "HTTP $status"
    return
  fi
  for _ in $(seq 1 "$RUNS"); do
    curl -s -b "$JAR" -o /dev/null -w '%{time_total}\n' "$BASE$path"
  done | sort -n | awk -v who="$who" -v path="$path" '
    { t[NR] = $1 * 1000 }
    END { printf "%-9s %-52s median %7.1f ms   max %7.1f ms\n", who, path, t[int((NR + 1) / 2)], t[NR] }'
}

printf '%-9s %-52s %s\n' user page "time over $RUNS runs"
for who in ops lead manager manager2 rep; do
  sign_in "$who"
  pages=(/ /org /calendar /catalog /readiness /logging /reports /leaderboard /pipeline /account)
  pages+=("$(first_link /org '/teams/[0-9]+')" "$(first_link /org '/reps/[0-9]+')")
  pages+=("/reports?kpi=connect_rate&by=company&per=quarter")
  case "$who" in
    ops|lead|manager|manager2)
      plan="$(first_link /plans '/plans/[0-9]+')"
      # The current quarter's review: the last one listed.
      review="$(curl -sf -b "$JAR" "$BASE/reviews" | grep -oE 'href="/reviews/[0-9A-Za-z-]+"' | tail -n 1 | sed 's/^href="//; s/"$//')"
      compare="/plans/compare?$(curl -sf -b "$JAR" "$BASE/plans" | grep -oE 'name="ids" value="[0-9]+"' | head -n 2 | sed 's/.*value="\([0-9]*\)"/ids=\1/' | paste -sd '&')"
      attainment="$(first_link "$plan" '/plans/[0-9]+/attainment[^"]*')"
      pages+=(/churn /seasonality /plans "$compare" /reviews "$plan" "$attainment" "$review")
      pages+=("/scorecard?rep=$(first_link /org '/reps/[0-9]+' | sed 's|/reps/||')")
      # The dashboards: the leadership's (or the manager's team's) and a team's the home page links to.
      # (a manager of one team has none: their home is that team's dashboard).
      pages+=(/dashboard "$(first_link / '/dashboard\?team=[0-9]+' || true)")
      # The review's rebalancing preview, for the plan's first KPI.
      pages+=("$review?kpi=${attainment##*kpi=}")
      ;;
  esac
  case "$who" in ops|lead) pages+=(/audit) ;; esac
  case "$who" in ops) pages+=(/import /stages /users /tokens) ;; esac
  for path in "${pages[@]}"; do
    [ -n "$path" ] && time_page "$who" "$path"
  done
done
