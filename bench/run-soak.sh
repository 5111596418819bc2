#!/usr/bin/env bash
# bench/run-soak.sh - the soak run of docs/benchmarks.md ("Soak"): notify-service for a long time at half its
# measured fan-out ceiling while short-lived clients connect and disconnect, sampled into a CSV, and whether
# its memory and open files stayed flat. Not part of CI.
#
#   bench/run-soak.sh            30 minutes of load (about 36 minutes with start-up and the ceiling search)
#   bench/run-soak.sh --smoke    3 minutes of load, shorter warm-up and windows: checks the wiring
#
# What one run does: a private nats-server, a fresh database, a key pair and SUBS + CHURN_USERS real RS256
# tokens (distinct users), notify-service from a copy of notify-service/target/quarkus-app. Then, unless
# RATE is given, the existing fan-out loader searches the highest deliveries/s with SUBS subscribers and
# p99 <= 200 ms (as run-fanout.sh does, here and now, on the same process) and the soak runs at half of it.
# The soak (io.leadline.bench.Soak, one loader process): SUBS subscribers of `leads` for the whole run,
# lead_created events published to JetStream at RATE a second, and CHURN_RATE short-lived clients a second
# (JWT on the upgrade, `connected`, subscribe `leads`, ping, close on the first event or pong). Every
# SAMPLE_S seconds a row of soak.csv: notify-service's VmRSS, heap in use after `jcmd PID GC.run` (from
# jvm_memory_used_bytes{area="heap"} of /q/metrics), open files, threads and CPU; published and delivered
# rates, latency, the churn's outcomes and every loader error; the loader's CPU, open files and threads;
# the load average. bench/soak-report.py then compares the first window after the warm-up with the last
# one (RSS, heap after GC, open files: flat within 10 %?) and plots the run (gnuplot; a text table without it).
#
# Environment (defaults in brackets; --smoke changes the ones marked *):
#   DURATION_S* [1800; 180]  SAMPLE_S* [30; 10]  seconds of load, and between two samples
#   WARMUP_S* [300; 30]  WINDOW_S* [300; 45]  the report's first window starts after WARMUP_S; both windows last WINDOW_S
#   SUBS [1000]  subscribers held for the whole run (the subscriber count of benchmarks.md's 1,000-subscriber ceiling)
#   CHURN_RATE [100]  short-lived clients a second;  CHURN_USERS [2000]  users they cycle through
#   RATE []  events/s; unset: half of the ceiling measured first (or RATE_FROM=benchmarks: half of 1,950,200
#         deliveries/s at 1,000 subscribers, docs/benchmarks.md 2026-12-03 evening, divided by SUBS)
#   SEARCH_START* [50k; 400k]  SEARCH_MAX [10m]  SEARCH_PRECISION* [0.05; 0.1]  CEILING_BUDGET_S [300]
#         the ceiling search (deliveries/s), as in run-fanout.sh;  CEILING_MEASURE_S* [5; 3]  per step
#   NOTIFY_JAVA_OPTS ["-Xms256m -Xmx1g"]  LOADER_JAVA_OPTS ["-Xms512m -Xmx2g -XX:+UseParallelGC"]
#   PG_HOST [127.0.0.1]  PG_USER/PG_PASSWORD [leadline]  NATS_SERVER [/usr/sbin/nats-server]
#   BENCH_RUN [mktemp -d /tmp/leadline-soak.XXXXXX]  SKIP_BUILD [0]  1: use bench/target/leadline-bench.jar as it is
#
# Everything listens on 127.0.0.1; every wait is bounded and every java process runs under `timeout`; the
# EXIT trap stops what this script started (the loader, notify-service, nats-server) and drops the database.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SMOKE=0
if [ "${1:-}" = "--smoke" ]; then
  SMOKE=1
  DURATION_S=${DURATION_S:-180}; SAMPLE_S=${SAMPLE_S:-10}; WARMUP_S=${WARMUP_S:-30}; WINDOW_S=${WINDOW_S:-45}
  SEARCH_START=${SEARCH_START:-400k}; SEARCH_PRECISION=${SEARCH_PRECISION:-0.1}; CEILING_MEASURE_S=${CEILING_MEASURE_S:-3}
elif [ -n "${1:-}" ]; then
  echo "usage: $0 [--smoke]" >&2; exit 2
fi
DURATION_S=${DURATION_S:-1800}
SAMPLE_S=${SAMPLE_S:-30}
WARMUP_S=${WARMUP_S:-300}
WINDOW_S=${WINDOW_S:-300}
SUBS=${SUBS:-1000}
CHURN_RATE=${CHURN_RATE:-100}
CHURN_USERS=${CHURN_USERS:-2000}
RATE=${RATE:-}
RATE_FROM=${RATE_FROM:-measure}
SEARCH_START=${SEARCH_START:-50k}
SEARCH_MAX=${SEARCH_MAX:-10m}
SEARCH_PRECISION=${SEARCH_PRECISION:-0.05}
CEILING_BUDGET_S=${CEILING_BUDGET_S:-300}
CEILING_MEASURE_S=${CEILING_MEASURE_S:-5}
NOTIFY_JAVA_OPTS=${NOTIFY_JAVA_OPTS:-"-Xms256m -Xmx1g"}
LOADER_JAVA_OPTS=${LOADER_JAVA_OPTS:-"-Xms512m -Xmx2g -XX:+UseParallelGC"}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_USER=${PG_USER:-leadline}
PG_PASSWORD=${PG_PASSWORD:-leadline}
export NATS_SERVER=${NATS_SERVER:-/usr/sbin/nats-server}
# the fan-out ceiling of docs/benchmarks.md (2026-12-03 evening, 1,000 subscribers, p99 <= 200 ms)
BENCHMARKS_CEILING=1950200

[ $(( WARMUP_S + 2 * WINDOW_S )) -le "$DURATION_S" ] \
  || echo "note: WARMUP_S + 2 * WINDOW_S > DURATION_S: the report's two windows overlap" >&2

# one process may hold at most this many open files here (the hard limit); the report checks the loader's
ulimit -n "$(ulimit -Hn)"
NOFILE=$(ulimit -n)

RUN=${BENCH_RUN:-$(mktemp -d /tmp/leadline-soak.XXXXXX)}
mkdir -p "$RUN"
BENCH_JAR=$ROOT/bench/target/leadline-bench.jar
KEY_DIR=$RUN/keys
DB=bench_soak_$$
NATS_PID="" NATS_PORT="" NOTIFY_PID="" LOADER_PID=""

source "$ROOT/bench/lib.sh"
cleanup() {
  set +e
  [ -n "$LOADER_PID" ] && stop_pid "$LOADER_PID"
  stop_pid "$NOTIFY_PID"
  stop_pid "$NATS_PID"
  psql_admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
  log "stopped everything; results in $RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fail() { echo "FAILED: $*" >&2; exit 1; }

# ---- build what is missing --------------------------------------------------------------------------
cd "$ROOT"
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$BENCH_JAR" ]; then
  log "building the loader: ./mvnw -B -q -f bench/pom.xml package"
  timeout 600 ./mvnw -B -q -f bench/pom.xml package 2>&1 | grep -v '^SLF4J' || true
fi
[ -f "$BENCH_JAR" ] || fail "no $BENCH_JAR"
if [ ! -f notify-service/target/quarkus-app/quarkus-run.jar ]; then
  log "building notify-service: ./mvnw -B -q -pl notify-service -am package -DskipTests"
  timeout 1200 ./mvnw -B -q -pl notify-service -am package -DskipTests
fi
# a private copy: others may rebuild notify-service while this runs
rm -rf "$RUN/notify-app"
cp -r notify-service/target/quarkus-app "$RUN/notify-app"

# ---- NATS, database, keys, tokens ---------------------------------------------------------------------
start_nats "$RUN"
psql_admin "DROP DATABASE IF EXISTS $DB"
psql_admin "CREATE DATABASE $DB"
make_keys "$KEY_DIR"
TOKENS=$(( SUBS + CHURN_USERS ))
log "minting $TOKENS RS256 tokens (distinct users, role provider)"
timeout --kill-after=10 600 java -Xmx1g -jar "$BENCH_JAR" mint --key-dir="$KEY_DIR" --count="$TOKENS" \
  --hours=$(( DURATION_S / 3600 + 3 )) --file="$RUN/tokens.txt" 2>&1 | grep -v -e '^SLF4J' -e '^JSON ' \
  || fail "minting tokens"

# ---- notify-service ------------------------------------------------------------------------------------
mapfile -t PORTS < <(free_ports 2)
HTTP_PORT=${PORTS[0]} MANAGEMENT_PORT=${PORTS[1]}
start_notify "$RUN/notify-app" "$RUN/notify.log" "$HTTP_PORT" "$MANAGEMENT_PORT" -Dleadline.nats.provision-at-start=true
NOTIFY_PID=$STARTED_PID
log "notify-service: pid $NOTIFY_PID, http :$HTTP_PORT, management :$MANAGEMENT_PORT ($NOTIFY_JAVA_OPTS)"
wait_ready "$MANAGEMENT_PORT" "$NOTIFY_PID" "$RUN/notify.log" 120 || fail "notify-service did not start"

{
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host=$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r)"
  echo "java=$(java -version 2>&1 | head -1)"
  echo "commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' (+ working tree)')"
  echo "notify_jar_built=$(date -u -r notify-service/target/quarkus-app/quarkus-run.jar +%Y-%m-%dT%H:%M:%SZ)"
  echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "duration_s=$DURATION_S"
  echo "sample_s=$SAMPLE_S"
  echo "warmup_s=$WARMUP_S"
  echo "window_s=$WINDOW_S"
  echo "subs=$SUBS"
  echo "churn_rate=$CHURN_RATE"
  echo "churn_users=$CHURN_USERS"
  echo "notify_java_opts=$NOTIFY_JAVA_OPTS"
  echo "loader_java_opts=$LOADER_JAVA_OPTS"
  echo "open_file_limit=$NOFILE"
  echo "smoke=$SMOKE"
} > "$RUN/meta.txt"

# ---- the rate: half the ceiling -------------------------------------------------------------------------
targs=(--target=notify --batch=1 --url="ws://127.0.0.1:$HTTP_PORT/ws" --token-file="$RUN/tokens.txt"
       --nats-url="nats://127.0.0.1:$NATS_PORT")
if [ -n "$RATE" ]; then
  echo "rate_source=RATE=$RATE events/s, given" >> "$RUN/meta.txt"
elif [ "$RATE_FROM" = benchmarks ]; then
  RATE=$(python3 -c "print(round($BENCHMARKS_CEILING / 2 / $SUBS, 1))")
  echo "rate_source=half of $BENCHMARKS_CEILING deliveries/s (docs/benchmarks.md, 1,000 subscribers, p99 <= 200 ms) over $SUBS subscribers" >> "$RUN/meta.txt"
else
  log "ceiling: search of the highest deliveries/s with $SUBS subscribers and p99 <= 200 ms (from $SEARCH_START, at most $CEILING_BUDGET_S s)"
  echo "load_ceiling_start=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$RUN/meta.txt"
  timeout --kill-after=10 $(( CEILING_BUDGET_S + 300 )) java -Xms512m -Xmx2g -XX:MaxDirectMemorySize=8g -XX:+UseParallelGC \
    -jar "$BENCH_JAR" fanout "${targs[@]}" --subs="$SUBS" --p99-ms=200 --search="$SEARCH_START" --search-max="$SEARCH_MAX" \
    --search-precision="$SEARCH_PRECISION" --warmup-s=2 --measure-s="$CEILING_MEASURE_S" --max-seconds="$CEILING_BUDGET_S" \
    --server-pid="$NOTIFY_PID" --out="$RUN/ceiling.json" > "$RUN/ceiling.log" 2>&1 &
  LOADER_PID=$!
  wait "$LOADER_PID" || { tail -20 "$RUN/ceiling.log" >&2; fail "the ceiling search failed"; }
  LOADER_PID=""
  grep -e '^  \[' -e '^RESULT' "$RUN/ceiling.log" || true
  CEILING=$(python3 -c 'import json,sys; b=json.load(open(sys.argv[1])).get("best"); print(b["deliveries_per_s"] if b else 0)' "$RUN/ceiling.json")
  [ "$CEILING" -gt 0 ] || fail "no step of the ceiling search met p99 <= 200 ms ($RUN/ceiling.log)"
  RATE=$(python3 -c "print(round($CEILING / 2 / $SUBS, 1))")
  echo "rate_source=half of $CEILING deliveries/s, the ceiling measured first in this run ($SUBS subscribers, p99 <= 200 ms)" >> "$RUN/meta.txt"
  echo "ceiling_deliveries_per_s=$CEILING" >> "$RUN/meta.txt"
  sleep 5
fi
echo "rate=$RATE" >> "$RUN/meta.txt"
cat "$RUN/meta.txt"

# ---- the soak ---------------------------------------------------------------------------------------------
log "soak: $SUBS subscribers, $RATE events/s, $CHURN_RATE short-lived clients/s, $DURATION_S s, a sample every $SAMPLE_S s"
echo "load_soak_start=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$RUN/meta.txt"
# shellcheck disable=SC2086
timeout --kill-after=10 $(( DURATION_S + 600 )) java $LOADER_JAVA_OPTS -XX:MaxDirectMemorySize=4g \
  -cp "$BENCH_JAR" io.leadline.bench.Soak --url="ws://127.0.0.1:$HTTP_PORT/ws" --token-file="$RUN/tokens.txt" \
  --nats-url="nats://127.0.0.1:$NATS_PORT" --server-pid="$NOTIFY_PID" \
  --metrics-url="http://127.0.0.1:$MANAGEMENT_PORT/q/metrics" --subs="$SUBS" --rate="$RATE" \
  --churn-rate="$CHURN_RATE" --churn-users="$CHURN_USERS" --seconds="$DURATION_S" --sample-s="$SAMPLE_S" \
  --csv="$RUN/soak.csv" --out="$RUN/soak.json" > >(grep --line-buffered -v -e '^SLF4J' -e '^JSON ' | tee "$RUN/soak.log") 2>&1 &
LOADER_PID=$!
wait "$LOADER_PID" || log "the soak loader exited with $?"
LOADER_PID=""
echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$RUN/meta.txt"
kill -0 "$NOTIFY_PID" 2>/dev/null || log "notify-service (pid $NOTIFY_PID) is gone; $RUN/notify.log"
echo "notify_log_warn=$(grep -c ' WARN ' "$RUN/notify.log" || true)" >> "$RUN/meta.txt"
echo "notify_log_error=$(grep -c ' ERROR ' "$RUN/notify.log" || true)" >> "$RUN/meta.txt"
[ -f "$RUN/soak.json" ] || fail "the soak loader wrote no result ($RUN/soak.log)"

python3 "$ROOT/bench/soak-report.py" "$RUN"
