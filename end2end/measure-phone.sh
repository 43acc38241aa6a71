#!/usr/bin/env bash
# What a phone gets (issue 11): bundle sizes, the chart page's HTML for 5,000 coworkers, and
# Lighthouse mobile (median of RUNS) for the log page, My list, the chart, the heat map and
# the demo vote plan's page (its what-if), signed in.
#
#   end2end/measure-phone.sh [BIN] [SITE_ROOT]     (defaults: the release build)
#
# Starts its own server on a fresh data folder (demo campaign with 5,000 coworkers, a lead
# with twelve coworkers assigned), so two builds can be measured one after the other in
# the same way. Lighthouse is installed outside the repository (LIGHTHOUSE_DIR).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
bin=${1:-${CARGO_TARGET_DIR:-$root/target}/release/rankfile}
site=${2:-$root/target/site}
runs=${RUNS:-3}
port=${PORT:-3990}
lh_dir=${LIGHTHOUSE_DIR:-$HOME/.cache/rankfile-lighthouse}
base="http://127.0.0.1:$port"
email="phone-bench@example.org"
password="phone bench password, long enough"
campaign_name="Mercy General Hospital — nurses and techs"

if [ ! -x "$lh_dir/node_modules/.bin/lighthouse" ]; then
  mkdir -p "$lh_dir"
  npm install --prefix "$lh_dir" --no-audit --no-fund --silent lighthouse@12 >&2
fi

data=$(mktemp -d)
work=$(mktemp -d)
export RANKFILE_DATA_DIR="$data" RANKFILE_SITE_ROOT="$site" RANKFILE_ADDR="127.0.0.1:$port" \
  RANKFILE_LOG=warn
"$bin" demo --coworkers 5000 >/dev/null
printf '%s\n' "$password" | "$bin" user create --email "$email" --lead-of "$campaign_name" >/dev/null
python3 - "$data/rankfile.db" "$email" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
(user,) = db.execute("SELECT id FROM users WHERE email = ?", (sys.argv[2],)).fetchone()
db.execute("UPDATE coworkers SET assigned_organizer = ? WHERE id IN "
           "(SELECT id FROM coworkers ORDER BY id LIMIT 12)", (user,))
db.commit()
PY
"$bin" serve &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data" "$work"' EXIT
for _ in $(seq 1 100); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.2; done

jar="$work/jar"
curl -fs -c "$jar" -H 'accept: application/json' \
  --data-urlencode "email=$email" --data-urlencode "password=$password" \
  "$base/api/auth/sign_in" >/dev/null
# A lead's session needs the second factor; the measurement is of the pages, not of
# signing in: marked so below the app, as the seed above is written.
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("UPDATE sessions SET second_factor = 1"); c.commit()' "$data/rankfile.db"
cookie=$(awk '!/^#/ || /^#HttpOnly_/ { if (NF >= 7) printf "%s=%s; ", $6, $7 }' "$jar")
id=$(curl -fs -H "cookie: $cookie" -H 'accept: application/json' -X POST "$base/api/campaigns/list" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
cid=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT MIN(id) FROM coworkers").fetchone()[0])' "$data/rankfile.db")
vid=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT MIN(id) FROM vote_plans").fetchone()[0])' "$data/rankfile.db")

echo "## Bundle ($site/pkg)"
for f in "$site"/pkg/*.wasm "$site"/pkg/*.js; do
  [ -f "$f" ] || continue
  printf '%s: %s B raw · %s B gzip · %s B brotli\n' "$(basename "$f")" "$(stat -c %s "$f")" \
    "$(gzip -9c "$f" | wc -c)" "$(if [ -f "$f.br" ]; then stat -c %s "$f.br"; else echo '?'; fi)"
done

echo "## Chart page, 5,000 coworkers"
curl -fs -H "cookie: $cookie" -H 'accept: text/html' -o "$work/chart.html" "$base/campaigns/$id/chart"
python3 - "$work/chart.html" <<'PY'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
total = len(html.encode())
scripts = sum(len(m.group(0).encode()) for m in re.finditer(r"<script\b.*?</script>", html, re.S))
print(f"{total} B HTML, of which {scripts} B inside <script> elements; "
      f"{html.count('chip r')} rating chips")
PY

lighthouse() {
  CHROME_PATH=${RANKFILE_CHROMIUM:-/usr/bin/chromium} "$lh_dir/node_modules/.bin/lighthouse" "$1" \
    --only-categories=performance,accessibility,best-practices --output=json \
    --output-path="$2" --quiet --extra-headers "{\"Cookie\": \"$cookie\"}" \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking --user-data-dir=$(mktemp -d)"
}

echo "## Lighthouse mobile, median of $runs"
echo "| page | performance | accessibility | best practices | TBT | LCP | script bytes |"
echo "|---|---|---|---|---|---|---|"
for page in "log:/campaigns/$id/coworkers/$cid/log" "my:/campaigns/$id/my" "chart:/campaigns/$id/chart" \
  "heat:/campaigns/$id/heat" "vote:/campaigns/$id/votes/$vid"; do
  name=${page%%:*}
  path=${page#*:}
  for n in $(seq 1 "$runs"); do lighthouse "$base$path" "$work/$name-$n.json"; done
  python3 - "$name" "$work" "$runs" <<'PY'
import json, statistics, sys
name, work, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
reports = [json.load(open(f"{work}/{name}-{n}.json")) for n in range(1, runs + 1)]
def med(f):
    return statistics.median(f(r) for r in reports)
score = lambda c: med(lambda r: r["categories"][c]["score"] * 100)
audit = lambda a: med(lambda r: r["audits"][a]["numericValue"])
def script_bytes(r):
    items = r["audits"]["network-requests"]["details"]["items"]
    return sum(i.get("transferSize", 0) for i in items
               if i.get("resourceType") in ("Script", "Fetch") or i["url"].endswith(".wasm"))
print(f"| {name} | {score('performance'):.0f} | {score('accessibility'):.0f} | "
      f"{score('best-practices'):.0f} | {audit('total-blocking-time'):.0f} ms | "
      f"{audit('largest-contentful-paint'):.0f} ms | {med(script_bytes):.0f} B |")
PY
done
