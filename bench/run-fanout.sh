#!/usr/bin/env bash
# bench/run-fanout.sh - the fan-out benchmark of docs/benchmarks.md: notify-service side by side with
# comparison peers (../shared/peers), in ONE run, with the same loader, payload and publish rates.
#
#   bench/run-fanout.sh            full run (about 12-15 minutes on 2 cores)
#   bench/run-fanout.sh --smoke    small run to check the wiring (200/500 connections, short steps; knobs set
#                                  in the environment, e.g. LARGE=0, still win)
#
# Per server, in this order: handshakes/s and memory per idle connection (MEM_N connections), then a
# search for the highest deliveries/s with SMALL subscribers and p99 <= 200 ms (x2 from SEARCH_SMALL until a
# step fails, then bisection to SEARCH_PRECISION), then the same with LARGE subscribers and p99 <= 1 s.
# Prints a table with ratios notify/peer and, with gnuplot installed, writes one PNG per subscriber count
# (bench/fanout-plot.py); raw JSON and logs stay in $RUN.
#
# Environment (defaults in brackets):
#   PEERS ["nats-ws node-ws socketio"]   comparison servers (nats-ws, node-ws, socketio, fastapi), and
#         `pusher`: notify-service's own Pusher protocol 7 endpoint /app/<key>, measured against the SAME
#         notify-service process as /ws (no peer is started; its ratio column is pusher/notify, i.e. /app over /ws),
#         and `notify-single`: the same process's /ws without batch=1 (one event per frame), ratio notify-single/notify
#   NOTIFY_BATCH [1]  1: target notify asks for batch=1 on the upgrade (several events per frame, one per line);
#         0: it does not (then `notify` and `notify-single` measure the same thing)
#   SMALL [1000]  LARGE [10000]  MEM_N [10000]  subscriber counts; SMALL=0 / LARGE=0 skip those sweeps,
#         MEM_N=0 the handshake/memory phase
#   SEARCH [1]  1: search the ceiling; 0: the fixed ladders LADDER_SMALL / LADDER_LARGE instead
#   SEARCH_SMALL [50k]  SEARCH_LARGE [20k]  first deliveries/s of the searches (publish rate = deliveries / subscribers)
#   SEARCH_MAX_SMALL [10m]  SEARCH_MAX_LARGE [5m]  highest deliveries/s searched; SEARCH_PRECISION [0.05]
#   LADDER_SMALL / LADDER_LARGE  deliveries/s steps of the sweeps with SEARCH=0
#   WARMUP_S [2]  MEASURE_S [5]  per step
#   NOTIFY_JAVA_OPTS ["-Xms256m -Xmx1g"]   JVM options of notify-service
#   LOADER_DIRECT_MEMORY [8g]   the loader's direct memory (a server delivering a backlog to 1,000
#         connections fills Netty's read buffers faster than the loader frees them)
#   LOADER_JAVA_OPTS []   more JVM options of the loader (e.g. -XX:StartFlightRecording=... to profile it)
#   PEERS_DIR [../shared/peers]  PG_HOST [127.0.0.1]  PG_USER/PG_PASSWORD [leadline]
#   BENCH_RUN [mktemp -d /tmp/leadline-fanout.XXXXXX]  where results, logs and keys go
#   SKIP_BUILD [0]  1: use bench/target/leadline-bench.jar as it is
#   STEP_BUDGET_S [300, ladder 180]  time budget of one sweep or search
#   PUSHER_FIRST [0]  1: measure `pusher` before notify's /ws (the first sweep runs on a freshly started JVM,
#         JIT warm-up included: alternate the order to see that bias)
#   PUSHER_APP_ID [bench]  PUSHER_APP_KEY [bench-key]   the Pusher app notify-service is started with
#         (LEADLINE_PUSHER_APP_*; the secret is random per run: the prod profile has no defaults)
#
# Everything listens on 127.0.0.1; every wait is bounded; the EXIT trap stops what this script started
# (notify-service, its nats-server, the peers it started, a running loader) and drops the database.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PEERS_DIR=${PEERS_DIR:-$(cd "$ROOT/.." && pwd)/shared/peers}
PEERS=${PEERS-"nats-ws node-ws socketio"}
SEARCH=${SEARCH:-1}
if [ "${1:-}" = "--smoke" ]; then
  SMALL=${SMALL:-200}; LARGE=${LARGE:-500}; MEM_N=${MEM_N:-500}; WARM_N=${WARM_N:-200}
  WARMUP_S=${WARMUP_S:-1}; MEASURE_S=${MEASURE_S:-2}; STEP_BUDGET_S=${STEP_BUDGET_S:-60}
  LADDER_SMALL=${LADDER_SMALL:-"5k,10k,20k"}; LADDER_LARGE=${LADDER_LARGE:-"5k,10k"}
  SEARCH_SMALL=${SEARCH_SMALL:-5k}; SEARCH_MAX_SMALL=${SEARCH_MAX_SMALL:-20k}
  SEARCH_LARGE=${SEARCH_LARGE:-5k}; SEARCH_MAX_LARGE=${SEARCH_MAX_LARGE:-10k}
fi
SMALL=${SMALL:-1000}
LARGE=${LARGE:-10000}
MEM_N=${MEM_N:-10000}
WARM_N=${WARM_N:-2000}   # connections opened and closed first (JIT, pools), not measured
LADDER_SMALL=${LADDER_SMALL:-"50k,100k,150k,200k,250k,300k,350k,400k,450k,500k,600k,700k,800k,900k"}
LADDER_LARGE=${LADDER_LARGE:-"20k,50k,100k,150k,175k,200k,250k,300k,400k,500k"}
SEARCH_SMALL=${SEARCH_SMALL:-50k}
SEARCH_LARGE=${SEARCH_LARGE:-20k}
SEARCH_MAX_SMALL=${SEARCH_MAX_SMALL:-10m}
SEARCH_MAX_LARGE=${SEARCH_MAX_LARGE:-5m}
SEARCH_PRECISION=${SEARCH_PRECISION:-0.05}
NOTIFY_BATCH=${NOTIFY_BATCH:-1}
WARMUP_S=${WARMUP_S:-2}
MEASURE_S=${MEASURE_S:-5}
NOTIFY_JAVA_OPTS=${NOTIFY_JAVA_OPTS:-"-Xms256m -Xmx1g"}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_USER=${PG_USER:-leadline}
PG_PASSWORD=${PG_PASSWORD:-leadline}
NATS_SERVER=${NATS_SERVER:-/usr/sbin/nats-server}
if [ "$SEARCH" = 1 ]; then STEP_BUDGET_S=${STEP_BUDGET_S:-300}; else STEP_BUDGET_S=${STEP_BUDGET_S:-180}; fi  # per sweep
PUSHER_APP_ID=${PUSHER_APP_ID:-bench}
PUSHER_APP_KEY=${PUSHER_APP_KEY:-bench-key}

RUN=${BENCH_RUN:-$(mktemp -d /tmp/leadline-fanout.XXXXXX)}
mkdir -p "$RUN"
export PEERS_RUN=$RUN/peers
BENCH_JAR=$ROOT/bench/target/leadline-bench.jar
DB=bench_fanout_$$
NOTIFY_PID="" NATS_PID="" LOADER_PID="" STARTED_PEERS=""

source "$ROOT/bench/lib.sh"
cleanup() {
  set +e
  [ -n "$LOADER_PID" ] && stop_pid "$LOADER_PID"
  for p in $STARTED_PEERS; do "$PEERS_DIR/peers.sh" stop "$p" >/dev/null 2>&1; done
  stop_pid "$NOTIFY_PID"
  stop_pid "$NATS_PID"
  psql_admin "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
  log "stopped everything; results in $RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# loader MODE ARGS... : runs the loader (bounded by `timeout`), output to the console and $RUN/loader.log
loader() {
  timeout --kill-after=10 900 java -Xms512m -Xmx2g -XX:MaxDirectMemorySize=${LOADER_DIRECT_MEMORY:-8g} -XX:+UseParallelGC ${LOADER_JAVA_OPTS:-} -jar "$BENCH_JAR" "$@" \
    > >(grep --line-buffered -v -e '^SLF4J' -e '^JSON ' | tee -a "$RUN/loader.log") 2>&1 &
  LOADER_PID=$!
  wait "$LOADER_PID" || log "loader exited with $?"
  LOADER_PID=""
}

# ---- build what is missing --------------------------------------------------------------------------
cd "$ROOT"
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$BENCH_JAR" ]; then
  log "building the loader: ./mvnw -B -q -f bench/pom.xml package"
  ./mvnw -B -q -f bench/pom.xml package 2>&1 | grep -v '^SLF4J' || true
fi
[ -f "$BENCH_JAR" ] || { echo "no $BENCH_JAR" >&2; exit 1; }
if [ ! -f notify-service/target/quarkus-app/quarkus-run.jar ]; then
  log "building notify-service: ./mvnw -B -q -pl notify-service package -DskipTests"
  ./mvnw -B -q -pl notify-service package -DskipTests
fi
# a private copy: others may rebuild notify-service while this runs
cp -r notify-service/target/quarkus-app "$RUN/notify-app"

# ---- NATS, database, keys, tokens ---------------------------------------------------------------------
NATS_PORT=$(free_port)
"$NATS_SERVER" -js -a 127.0.0.1 -p "$NATS_PORT" -sd "$RUN/js" -l "$RUN/nats-server.log" &
NATS_PID=$!
for i in $(seq 1 50); do (echo > "/dev/tcp/127.0.0.1/$NATS_PORT") 2>/dev/null && break; sleep 0.2; done
psql_admin "DROP DATABASE IF EXISTS $DB"
psql_admin "CREATE DATABASE $DB"
mkdir -p "$RUN/keys"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$RUN/keys/private.pem" 2>/dev/null
openssl pkey -in "$RUN/keys/private.pem" -pubout -out "$RUN/keys/public.pem"
TOKENS=$(( LARGE > MEM_N ? LARGE : MEM_N )); TOKENS=$(( TOKENS > WARM_N ? TOKENS : WARM_N ))
TOKENS=$(( TOKENS > SMALL ? TOKENS : SMALL ))
log "minting $TOKENS RS256 tokens (distinct users, role provider)"
loader mint --key-dir="$RUN/keys" --count="$TOKENS" --file="$RUN/tokens.txt"

# ---- notify-service ------------------------------------------------------------------------------------
HTTP_PORT=$(free_port)
MANAGEMENT_PORT=$(free_port)   # /q/health and /q/metrics are served there, not on HTTP_PORT
log "starting notify-service on :$HTTP_PORT, management :$MANAGEMENT_PORT ($NOTIFY_JAVA_OPTS)"
# the Pusher endpoint /app/<key> is on only with app id, key and secret set (no defaults in prod)
# shellcheck disable=SC2086
(cd "$RUN/notify-app" && LEADLINE_PUSHER_APP_ID="$PUSHER_APP_ID" LEADLINE_PUSHER_APP_KEY="$PUSHER_APP_KEY" \
  LEADLINE_PUSHER_APP_SECRET="$(openssl rand -hex 24)" exec java $NOTIFY_JAVA_OPTS \
  -Dquarkus.http.port="$HTTP_PORT" -Dquarkus.http.host=127.0.0.1 \
  -Dquarkus.management.port="$MANAGEMENT_PORT" -Dquarkus.management.host=127.0.0.1 \
  -Dleadline.nats.url="nats://127.0.0.1:$NATS_PORT" -Dleadline.nats.provision-at-start=true \
  -Dleadline.database.jdbc-url="jdbc:postgresql://$PG_HOST:5432/$DB" \
  -Dquarkus.datasource.username="$PG_USER" -Dquarkus.datasource.password="$PG_PASSWORD" \
  -Dleadline.jwt.key-dir="$RUN/keys" -Dleadline.jwt.generate-if-missing=false \
  -Dleadline.gateway.max-connections-per-user=100000 -Dquarkus.shutdown.timeout=5s \
  -jar quarkus-run.jar > "$RUN/notify.log" 2>&1) &
NOTIFY_PID=$!
for i in $(seq 1 150); do
  curl -fs "http://127.0.0.1:$MANAGEMENT_PORT/q/health/ready" >/dev/null 2>&1 && break
  kill -0 "$NOTIFY_PID" 2>/dev/null || { tail -30 "$RUN/notify.log"; exit 1; }
  sleep 0.2
done
curl -fs "http://127.0.0.1:$MANAGEMENT_PORT/q/health/ready" >/dev/null || { echo "notify-service not ready" >&2; tail -30 "$RUN/notify.log"; exit 1; }
# the java process itself (the subshell exec'd it)
log "notify-service ready, pid $NOTIFY_PID"

# ---- scenarios --------------------------------------------------------------------------------------------
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null) (+ working tree); notify-service jar built $(date -u -r "$RUN/notify-app/app/notify-service-0.1.0-SNAPSHOT.jar" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null)"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "settings: SMALL=$SMALL LARGE=$LARGE MEM_N=$MEM_N WARMUP_S=$WARMUP_S MEASURE_S=$MEASURE_S PEERS=$PEERS NOTIFY_BATCH=$NOTIFY_BATCH"
  if [ "$SEARCH" = 1 ]; then
    echo "search: x2 from $SEARCH_SMALL (small) / $SEARCH_LARGE (large) up to $SEARCH_MAX_SMALL / $SEARCH_MAX_LARGE, then bisect to $SEARCH_PRECISION"
  else
    echo "ladder: $LADDER_SMALL (small) / $LADDER_LARGE (large)"
  fi
  echo "notify: $NOTIFY_JAVA_OPTS"
} > "$RUN/meta.txt"
cat "$RUN/meta.txt"

common=(--warmup-s="$WARMUP_S" --measure-s="$MEASURE_S" --max-seconds="$STEP_BUDGET_S")
if [ "$SEARCH" = 1 ]; then
  HOW=search
  rates_small=(--search="$SEARCH_SMALL" --search-max="$SEARCH_MAX_SMALL" --search-precision="$SEARCH_PRECISION")
  rates_large=(--search="$SEARCH_LARGE" --search-max="$SEARCH_MAX_LARGE" --search-precision="$SEARCH_PRECISION")
else
  HOW=sweep
  rates_small=(--deliveries="$LADDER_SMALL")
  rates_large=(--deliveries="$LADDER_LARGE")
fi
ORDER="notify $PEERS"
if [ "${PUSHER_FIRST:-0}" = 1 ] && [[ " $PEERS " == *" pusher "* ]]; then
  ORDER="pusher notify $(echo " $PEERS " | sed 's/ pusher / /')"
fi
for T in $ORDER; do
  if [ "$T" = notify ]; then
    PID=$NOTIFY_PID
    targs=(--target=notify --batch="$NOTIFY_BATCH" --url="ws://127.0.0.1:$HTTP_PORT/ws" --token-file="$RUN/tokens.txt"
           --nats-url="nats://127.0.0.1:$NATS_PORT")
  elif [ "$T" = notify-single ]; then
    # the same notify-service process and /ws, without batch=1: one event per frame
    PID=$NOTIFY_PID
    targs=(--target=notify-single --url="ws://127.0.0.1:$HTTP_PORT/ws" --token-file="$RUN/tokens.txt"
           --nats-url="nats://127.0.0.1:$NATS_PORT")
  elif [ "$T" = pusher ]; then
    # the same notify-service process and nats-server; public channel `bench`, app events on ch.notify.bench
    # (this nats-server has no authorization: every client, notify-service included, connects anonymously)
    PID=$NOTIFY_PID
    targs=(--target=pusher --url="ws://127.0.0.1:$HTTP_PORT/app/$PUSHER_APP_KEY?protocol=7&client=bench&version=1"
           --channel=bench --nats-url="nats://127.0.0.1:$NATS_PORT")
  else
    log "starting peer $T"
    "$PEERS_DIR/peers.sh" start "$T" > "$RUN/peer-$T.log" 2>&1 || { cat "$RUN/peer-$T.log"; exit 1; }
    STARTED_PEERS="$STARTED_PEERS $T"
    PID=$(cat "$PEERS_RUN/$T"/*.pid | tail -1)
    targs=(--target="$T")
  fi
  echo "load at $T start ($(date +%H:%M:%S)): $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RUN/meta.txt"
  if [ "$MEM_N" -gt 0 ]; then
    log "== $T: handshakes and memory, $MEM_N connections"
    loader connect "${targs[@]}" --n="$MEM_N" --warmup-conns="$WARM_N" --server-pid="$PID" --class-histogram --native-memory \
      --out="$RUN/$T-connect.json"
    sleep 2
  fi
  if [ "$SMALL" -gt 0 ]; then
    log "== $T: $SMALL subscribers, $HOW to p99 <= 200 ms"
    loader fanout "${targs[@]}" --subs="$SMALL" --p99-ms=200 "${rates_small[@]}" --server-pid="$PID" \
      "${common[@]}" --out="$RUN/$T-small.json"
    sleep 2
  fi
  if [ "$LARGE" -gt 0 ]; then
    log "== $T: $LARGE subscribers, $HOW to p99 <= 1 s"
    loader fanout "${targs[@]}" --subs="$LARGE" --p99-ms=1000 "${rates_large[@]}" --server-pid="$PID" \
      "${common[@]}" --out="$RUN/$T-large.json"
  fi
  if [ "$T" != notify ] && [ "$T" != pusher ] && [ "$T" != notify-single ]; then
    "$PEERS_DIR/peers.sh" stop "$T" >> "$RUN/peer-$T.log" 2>&1 || true
    STARTED_PEERS=${STARTED_PEERS/ $T/}
  fi
  sleep 2
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RUN/meta.txt"

python3 "$ROOT/bench/fanout-report.py" "$RUN" notify $PEERS | tee "$RUN/results.md"
if command -v gnuplot >/dev/null 2>&1; then
  python3 "$ROOT/bench/fanout-plot.py" "$RUN" notify $PEERS || log "plotting failed"
else
  log "no gnuplot (apt-get install gnuplot-nox): no plots"
fi
