#!/usr/bin/env bash
# bench/run-idle.sh - many idle authenticated WebSocket connections held by several notify-service
# instances on this machine, and what they cost in memory (docs/benchmarks.md, "100,000 idle connections").
#
#   bench/run-idle.sh            100,000 connections over 6 instances (about 6-10 minutes on 2 cores)
#   bench/run-idle.sh --smoke    3,000 connections over 3 instances, 2 loaders: checks the wiring
#
# One process may hold at most 20,000 open files here (a hard limit; the JVM's own jars and pipes count
# too), so the connections are spread: INSTANCES notify-service processes (each on its own HTTP and
# management port, all on one private nats-server and one database), and LOADERS loader processes
# (io.leadline.bench.Hold), each opening its share of the connections over all the instances from its own
# loopback source addresses. Every connection is a distinct user with a real RS256 JWT, gets `connected`,
# subscribes to `leads` and then stays idle. The script waits until all are up, measures each instance
# (VmRSS and Java heap in use, each after `jcmd PID GC.run`, before the loaders start and after all are
# connected), holds the connections HOLD_S seconds (past the gateway's 60 s idle timeout: the loaders
# answer the heartbeat pings) and counts those that closed. summary.json and summary.md go to the run dir.
#
# Environment (defaults in brackets):
#   CONNECTIONS [100000]  INSTANCES [6]  LOADERS [ceil(CONNECTIONS/17000), at least 2]
#   SOURCES_PER_LOADER [2]  loopback source addresses per loader (loader L uses 127.0.0.(2+L*S) ...)
#   CONCURRENCY [64]  handshakes in flight per loader;  CONNECT_RATE [0]  handshakes started/s per loader (0: no limit)
#   CONNECT_TIMEOUT_S [900]  for all connections to be up;  HOLD_S [75]  idle hold after that
#   WARM_N [3000; smoke 300]  connections opened and closed before the "before" measurement (JIT, pools)
#   NOTIFY_JAVA_OPTS ["-Xms256m -Xmx1g"]  LOADER_JAVA_OPTS ["-Xms256m -Xmx1g -XX:+UseParallelGC"]
#   MAX_PER_INSTANCE [17000]  MAX_PER_LOADER [19000]  refused above these (the 20,000 open-file limit)
#   PG_HOST [127.0.0.1]  PG_USER/PG_PASSWORD [leadline]  NATS_SERVER [/usr/sbin/nats-server]
#   BENCH_RUN [mktemp -d /tmp/leadline-idle.XXXXXX]  SKIP_BUILD [0]  1: use bench/target/leadline-bench.jar as it is
#   REUSE_TOKENS [0]  1: with BENCH_RUN set to an earlier run's directory, use its keys and tokens (tokens last 3 h)
#
# Everything listens on 127.0.0.1; every wait is bounded and every java process runs under `timeout`; the
# EXIT trap stops what this script started (loaders, notify-service instances, nats-server) and drops the
# database.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SMOKE=0
if [ "${1:-}" = "--smoke" ]; then
  SMOKE=1
  CONNECTIONS=${CONNECTIONS:-3000}; INSTANCES=${INSTANCES:-3}; LOADERS=${LOADERS:-2}; HOLD_S=${HOLD_S:-10}
  WARM_N=${WARM_N:-300}
elif [ -n "${1:-}" ]; then
  echo "usage: $0 [--smoke]" >&2; exit 2
fi
CONNECTIONS=${CONNECTIONS:-100000}
INSTANCES=${INSTANCES:-6}
MAX_PER_INSTANCE=${MAX_PER_INSTANCE:-17000}
MAX_PER_LOADER=${MAX_PER_LOADER:-19000}
LOADERS=${LOADERS:-$(( (CONNECTIONS + 16999) / 17000 > 2 ? (CONNECTIONS + 16999) / 17000 : 2 ))}
SOURCES_PER_LOADER=${SOURCES_PER_LOADER:-2}
CONCURRENCY=${CONCURRENCY:-64}
CONNECT_RATE=${CONNECT_RATE:-0}
CONNECT_TIMEOUT_S=${CONNECT_TIMEOUT_S:-900}
HOLD_S=${HOLD_S:-75}
WARM_N=${WARM_N:-3000}
NOTIFY_JAVA_OPTS=${NOTIFY_JAVA_OPTS:-"-Xms256m -Xmx1g"}
LOADER_JAVA_OPTS=${LOADER_JAVA_OPTS:-"-Xms256m -Xmx1g -XX:+UseParallelGC"}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_USER=${PG_USER:-leadline}
PG_PASSWORD=${PG_PASSWORD:-leadline}
export NATS_SERVER=${NATS_SERVER:-/usr/sbin/nats-server}

per_instance=$(( (CONNECTIONS + INSTANCES - 1) / INSTANCES + LOADERS ))   # + rounding of the loaders' shares
per_loader=$(( (CONNECTIONS + LOADERS - 1) / LOADERS ))
[ "$per_instance" -le "$MAX_PER_INSTANCE" ] || { echo "$CONNECTIONS connections over $INSTANCES instances is up to $per_instance each, over MAX_PER_INSTANCE=$MAX_PER_INSTANCE: raise INSTANCES" >&2; exit 2; }
[ "$per_loader" -le "$MAX_PER_LOADER" ] || { echo "$per_loader connections per loader is over MAX_PER_LOADER=$MAX_PER_LOADER: raise LOADERS" >&2; exit 2; }
[ $(( 2 + LOADERS * SOURCES_PER_LOADER )) -le 255 ] || { echo "LOADERS*SOURCES_PER_LOADER must stay below 254" >&2; exit 2; }

# the open-file limit: as high as this machine allows (the hard limit), for this script and what it starts
ulimit -n "$(ulimit -Hn)"
NOFILE=$(ulimit -n)
if [ "$NOFILE" != unlimited ] && [ "$NOFILE" -lt $(( per_instance + 1000 )) ]; then
  echo "open-file limit $NOFILE is too low for $per_instance connections per process" >&2; exit 2
fi

RUN=${BENCH_RUN:-$(mktemp -d /tmp/leadline-idle.XXXXXX)}
mkdir -p "$RUN"
BENCH_JAR=$ROOT/bench/target/leadline-bench.jar
KEY_DIR=$RUN/keys
DB=bench_idle_$$
NATS_PID="" NATS_PORT=""
NOTIFY_PIDS=() HTTP_PORTS=() MANAGEMENT_PORTS=() LOADER_PIDS=()

source "$ROOT/bench/lib.sh"
cleanup() {
  set +e
  local p stoppers=()
  # in parallel, each waiting for its own stop_pid only (a bare `wait` would wait for nats-server too)
  for p in "${LOADER_PIDS[@]}"; do stop_pid "$p" & stoppers+=($!); done
  [ ${#stoppers[@]} = 0 ] || wait "${stoppers[@]}"
  stoppers=()
  for p in "${NOTIFY_PIDS[@]}"; do stop_pid "$p" & stoppers+=($!); done
  [ ${#stoppers[@]} = 0 ] || wait "${stoppers[@]}"
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
cp -r notify-service/target/quarkus-app "$RUN/notify-app"

# ---- NATS, database, keys, tokens ---------------------------------------------------------------------
start_nats "$RUN"
psql_admin "DROP DATABASE IF EXISTS $DB"
psql_admin "CREATE DATABASE $DB"
if [ "${REUSE_TOKENS:-0}" = 1 ] && [ -f "$KEY_DIR/public.pem" ] && [ -f "$RUN/tokens.txt" ] \
   && [ "$(wc -l < "$RUN/tokens.txt")" -ge "$CONNECTIONS" ] && [ -n "$(find "$RUN/tokens.txt" -mmin -120)" ]; then
  log "reusing the keys and the $(wc -l < "$RUN/tokens.txt") tokens of $RUN (minted under 2 hours ago)"
else
  make_keys "$KEY_DIR"
  log "minting $CONNECTIONS RS256 tokens (distinct users, role provider)"
  timeout --kill-after=10 900 java -Xmx2g -jar "$BENCH_JAR" mint --key-dir="$KEY_DIR" --count="$CONNECTIONS" \
    --file="$RUN/tokens.txt" 2>&1 | grep -v -e '^SLF4J' -e '^JSON ' || fail "minting tokens"
fi
[ "$(wc -l < "$RUN/tokens.txt")" -ge "$CONNECTIONS" ] || fail "$RUN/tokens.txt has fewer than $CONNECTIONS tokens"

# ---- notify-service instances ----------------------------------------------------------------------------
# Side by side they need their own HTTP and management ports and nothing else: the presence instance id is
# random per process, the inbox writer is elected by a lease in the database. The first one alone creates
# the streams and buckets (provision-at-start) and migrates the database; the others start after it, together.
mapfile -t PORTS < <(free_ports $(( 2 * INSTANCES )))
start_instance() { # start_instance INDEX PROVISION
  local i=$1 http=${PORTS[2 * $1]} management=${PORTS[2 * $1 + 1]}
  start_notify "$RUN/notify-app" "$RUN/notify-$i.log" "$http" "$management" \
    -Dleadline.nats.provision-at-start="$2" -Dleadline.nats.connection-name="notify-service-$i"
  NOTIFY_PIDS[i]=$STARTED_PID HTTP_PORTS[i]=$http MANAGEMENT_PORTS[i]=$management
  log "notify-service $i: pid $STARTED_PID, http :$http, management :$management ($NOTIFY_JAVA_OPTS)"
}
start_instance 0 true
wait_ready "${MANAGEMENT_PORTS[0]}" "${NOTIFY_PIDS[0]}" "$RUN/notify-0.log" 120 || fail "notify-service 0 did not start"
for i in $(seq 1 $(( INSTANCES - 1 ))); do start_instance "$i" false; done
for i in $(seq 1 $(( INSTANCES - 1 ))); do
  wait_ready "${MANAGEMENT_PORTS[i]}" "${NOTIFY_PIDS[i]}" "$RUN/notify-$i.log" 180 || fail "notify-service $i did not start"
done
log "$INSTANCES instances ready"

# measure FILE: one TSV line per instance: index pid http_port rss_kb heap_used_kb open_files gateway_connections
measure() {
  local i pid gauge
  : > "$1"
  for i in $(seq 0 $(( INSTANCES - 1 ))); do
    pid=${NOTIFY_PIDS[i]}
    kill -0 "$pid" 2>/dev/null || fail "notify-service $i (pid $pid) is gone; $RUN/notify-$i.log"
    timeout 120 jcmd "$pid" GC.run >/dev/null || fail "jcmd $pid GC.run"
  done
  sleep 2
  for i in $(seq 0 $(( INSTANCES - 1 ))); do
    pid=${NOTIFY_PIDS[i]}
    gauge=$(curl -fs -m 10 "http://127.0.0.1:${MANAGEMENT_PORTS[i]}/q/metrics" 2>/dev/null \
      | awk '!f && /^leadline_gateway_connections[ {]/ { printf "%d", $NF; f = 1 }') || gauge=""
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$i" "$pid" "${HTTP_PORTS[i]}" "$(rss_kb "$pid")" "$(heap_used_kb "$pid")" \
      "$(open_files "$pid")" "${gauge:--1}" >> "$1"
  done
}
# warm-up: WARM_N connections opened over all instances and closed again, so that class loading, JIT
# compilation and pools growing on first use are not counted per connection (as run-fanout.sh does)
URLS=$(for i in $(seq 0 $(( INSTANCES - 1 ))); do printf 'ws://127.0.0.1:%s/ws,' "${HTTP_PORTS[i]}"; done)
URLS=${URLS%,}
if [ "$WARM_N" -gt 0 ]; then
  log "warm-up: $WARM_N connections opened and closed"
  # shellcheck disable=SC2086
  timeout --kill-after=10 300 java $LOADER_JAVA_OPTS -cp "$BENCH_JAR" io.leadline.bench.Hold --urls="$URLS" \
    --token-file="$RUN/tokens.txt" --n="$WARM_N" --sources=127.0.0.254 --concurrency="$CONCURRENCY" \
    --connect-timeout-s=240 --max-hold-s=0 > "$RUN/warmup.log" 2>&1 || { tail -20 "$RUN/warmup.log" >&2; fail "warm-up"; }
  grep '^HOLD' "$RUN/warmup.log" || true
fi
sleep 5
log "memory before: GC.run, VmRSS, GC.heap_info of every instance"
measure "$RUN/memory-before.tsv"
column -t "$RUN/memory-before.tsv"

{
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host=$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r)"
  echo "java=$(java -version 2>&1 | head -1)"
  echo "commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' (+ working tree)')"
  echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "connections=$CONNECTIONS"
  echo "instances=$INSTANCES"
  echo "loaders=$LOADERS"
  echo "sources_per_loader=$SOURCES_PER_LOADER"
  echo "concurrency=$CONCURRENCY"
  echo "connect_rate=$CONNECT_RATE"
  echo "hold_s=$HOLD_S"
  echo "warm_n=$WARM_N"
  echo "notify_java_opts=$NOTIFY_JAVA_OPTS"
  echo "loader_java_opts=$LOADER_JAVA_OPTS"
  echo "open_file_limit=$NOFILE"
  echo "smoke=$SMOKE"
} > "$RUN/meta.txt"
cat "$RUN/meta.txt"

# ---- loaders ---------------------------------------------------------------------------------------------
# results of an earlier run in the same directory (REUSE_TOKENS) must not be taken for this one's
rm -f "$RUN/stop" "$RUN"/loader-*.json "$RUN"/loader-*.log "$RUN"/summary.json "$RUN"/summary.md
offset=0
log "starting $LOADERS loaders: $CONNECTIONS connections, $CONCURRENCY handshakes in flight each"
for l in $(seq 0 $(( LOADERS - 1 ))); do
  n=$(( CONNECTIONS / LOADERS + (l < CONNECTIONS % LOADERS ? 1 : 0) ))
  sources=$(for s in $(seq 0 $(( SOURCES_PER_LOADER - 1 ))); do printf '127.0.0.%d,' $(( 2 + l * SOURCES_PER_LOADER + s )); done)
  # shellcheck disable=SC2086
  timeout --kill-after=10 $(( CONNECT_TIMEOUT_S + HOLD_S + 300 )) java $LOADER_JAVA_OPTS \
    -cp "$BENCH_JAR" io.leadline.bench.Hold --urls="$URLS" --token-file="$RUN/tokens.txt" --offset="$offset" --n="$n" \
    --sources="${sources%,}" --concurrency="$CONCURRENCY" --connect-rate="$CONNECT_RATE" \
    --connect-timeout-s="$CONNECT_TIMEOUT_S" --ready-file="$RUN/loader-$l.ready.json" --stop-file="$RUN/stop" \
    --max-hold-s=$(( CONNECT_TIMEOUT_S + HOLD_S + 120 )) --out="$RUN/loader-$l.json" \
    > "$RUN/loader-$l.log" 2>&1 &
  LOADER_PIDS[l]=$!
  offset=$(( offset + n ))
done

# until every loader wrote its ready file (all its connections up, or failed), bounded
deadline=$(( SECONDS + CONNECT_TIMEOUT_S + 120 ))
while :; do
  waiting=0
  for l in $(seq 0 $(( LOADERS - 1 ))); do
    [ -f "$RUN/loader-$l.ready.json" ] && continue
    waiting=$(( waiting + 1 ))
    kill -0 "${LOADER_PIDS[l]}" 2>/dev/null || { tail -20 "$RUN/loader-$l.log" >&2; fail "loader $l exited before its connections were up"; }
  done
  [ "$waiting" = 0 ] && break
  [ "$SECONDS" -lt "$deadline" ] || fail "$waiting loader(s) not done connecting after $(( CONNECT_TIMEOUT_S + 120 )) s"
  for i in $(seq 0 $(( INSTANCES - 1 ))); do
    kill -0 "${NOTIFY_PIDS[i]}" 2>/dev/null || fail "notify-service $i (pid ${NOTIFY_PIDS[i]}) died; $RUN/notify-$i.log"
  done
  sleep 1
done
echo "load_connected=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$RUN/meta.txt"
up=$(python3 -c 'import json,sys; print(sum(json.load(open(f))["subscribed"] for f in sys.argv[1:]))' "$RUN"/loader-*.ready.json)
log "all loaders done connecting: $up of $CONNECTIONS connections up"
[ "$up" -gt 0 ] || fail "no connection came up; see $RUN/loader-*.log"

sleep 5
log "memory after: GC.run, VmRSS, GC.heap_info of every instance"
measure "$RUN/memory-after.tsv"
column -t "$RUN/memory-after.tsv"

# ---- hold, then stop the loaders --------------------------------------------------------------------------
held_since=$(python3 -c 'import json,sys; print(max(json.load(open(f))["end_epoch_ms"] for f in sys.argv[1:]))' "$RUN"/loader-*.ready.json)
rest=$(( HOLD_S - ( $(date +%s%3N) - held_since ) / 1000 ))
if [ "$rest" -gt 0 ]; then log "holding the connections idle $rest s more ($HOLD_S s in all)"; sleep "$rest"; fi
echo "load_end_of_hold=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$RUN/meta.txt"
touch "$RUN/stop"
for l in $(seq 0 $(( LOADERS - 1 ))); do
  for t in $(seq 1 120); do [ -f "$RUN/loader-$l.json" ] && break; kill -0 "${LOADER_PIDS[l]}" 2>/dev/null || break; sleep 0.5; done
  [ -f "$RUN/loader-$l.json" ] || log "loader $l wrote no result ($RUN/loader-$l.log)"
done
for l in $(seq 0 $(( LOADERS - 1 ))); do
  for t in $(seq 1 60); do kill -0 "${LOADER_PIDS[l]}" 2>/dev/null || break; sleep 0.5; done
done

python3 "$ROOT/bench/idle-report.py" "$RUN"
