#!/usr/bin/env bash
# The heat map's past count, as SQL alone, on a generated 100,000-coworker campaign
# (BENCHMARKS.md, "Heat map as of a day"): the query as it was (its x inlined) against
# as it is (x MATERIALIZED, and on PostgreSQL the window's set joined and jit off), and
# the making of a week's snapshot from the week before with the set as an IN against
# joined, at work_mem 4 MB and 1 MB. Each query runs RUNS times, alternating; the
# median of each is printed. Needs sqlite3, psql and PostgreSQL on 127.0.0.1:5432.
#
# The copies are the queries as they stood before the rating runs (migration 0015): they
# always probe assessments_as_of for a coworker's past rating, so they measure the worst
# case of today's past map (every row's runs unknown). tests/benches/heat.rs times the
# app's own queries, with the runs and without ("the rating runs on the coworker row").
#
#   bash tests/benches/heat_sql/run.sh            # generates the databases once (~3 min)
#   RUNS=5 HEAT_SQL_DIR=/tmp/heat-sql bash tests/benches/heat_sql/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$here/../../.."
dir="${HEAT_SQL_DIR:-/tmp/heat-sql}"
runs="${RUNS:-3}"
pg=(psql -X -q -h 127.0.0.1 -U postgres)
mkdir -p "$dir"

if [ ! -s "$dir/heat.db" ]; then
  echo "==> generating the SQLite campaign (100,000 coworkers)"
  rm -f "$dir"/heat.db*
  for f in "$repo"/migrations/sqlite/*.sql; do sqlite3 "$dir/heat.db" < "$f"; done
  python3 "$here/gen.py" "$dir/heat.db" 100000
  # rankfile never runs ANALYZE on SQLite: plan as it does.
  sqlite3 "$dir/heat.db" "DROP TABLE IF EXISTS sqlite_stat1; DROP TABLE IF EXISTS sqlite_stat4;"
  (echo ".param set :s '2026-10-19T00:00:00.000000+00:00'"; cat "$here/sqlite_snapshot.sql") \
    | sqlite3 "$dir/heat.db"
fi
if ! "${pg[@]}" -d heat_sql -c "SELECT 1 FROM coworkers LIMIT 1" >/dev/null 2>&1; then
  echo "==> loading the same campaign into PostgreSQL (database heat_sql)"
  "${pg[@]}" -c "DROP DATABASE IF EXISTS heat_sql" -c "CREATE DATABASE heat_sql"
  for f in "$repo"/migrations/postgres/*.sql; do "${pg[@]}" -d heat_sql -v ON_ERROR_STOP=1 -f "$f" >/dev/null; done
  for t in campaigns users areas shifts coworker_placements coworkers assessments conversations heat_snapshots; do
    cols=$(sqlite3 "$dir/heat.db" "SELECT group_concat(name, ',') FROM pragma_table_info('$t')")
    sqlite3 -csv "$dir/heat.db" "SELECT * FROM $t" > "$dir/$t.csv"
    # The tables refer to each other: load them without the foreign-key triggers.
    "${pg[@]}" -d heat_sql -v ON_ERROR_STOP=1 -c "SET session_replication_role = replica" \
      -c "\\copy $t ($cols) FROM '$dir/$t.csv' WITH (FORMAT csv, NULL '')"
  done
  "${pg[@]}" -d heat_sql -c "VACUUM ANALYZE"
fi

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

sqlite_ms() { # file
  (printf ".param set :m '2026-10-22T00:00:00.000000+00:00'\n.param set :t '2026-09-22T00:00:00.000000+00:00'\n.timer on\n"
   cat "$1") | sqlite3 "$dir/heat.db" | awk '/^Run Time/ { printf "%.0f\n", $4 * 1000 }'
}
# As it is: the same query with its x materialized.
sed 's/WITH RECURSIVE x AS (/WITH RECURSIVE x AS MATERIALIZED (/' "$here/sqlite_inlined.sql" \
  > "$dir/sqlite_materialized.sql"
pg_ms() { # file, settings
  (echo "$2"; echo '\timing on'; cat "$here/$1") | "${pg[@]}" -d heat_sql \
    | awk '/^Time:/ { printf "%.0f\n", $2 }'
}

declare -A samples
for _ in $(seq "$runs"); do
  samples[sqlite_inlined]+="$(sqlite_ms "$here/sqlite_inlined.sql") "
  samples[sqlite_materialized]+="$(sqlite_ms "$dir/sqlite_materialized.sql") "
  samples[pg_inlined_jit]+="$(pg_ms pg_inlined.sql 'SET jit = on;') "
  samples[pg_inlined]+="$(pg_ms pg_inlined.sql 'SET jit = off;') "
  samples[pg_materialized]+="$(pg_ms pg_materialized.sql 'SET jit = off;') "
  for wm in 4MB 1MB; do
    for q in pg_week_in pg_week_join; do
      samples[${q}_$wm]+="$(pg_ms $q.sql "SET jit = off; SET work_mem = '$wm'; SET statement_timeout = '60s';" || echo 60000) "
    done
  done
done
echo "| query | median of $runs (ms) |"
echo "|---|---|"
for k in sqlite_inlined sqlite_materialized pg_inlined_jit pg_inlined pg_materialized \
  pg_week_in_4MB pg_week_join_4MB pg_week_in_1MB pg_week_join_1MB; do
  echo "| $k | $(tr ' ' '\n' <<< "${samples[$k]}" | grep . | median) |"
done
