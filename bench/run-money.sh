#!/usr/bin/env bash
# bench/run-money.sh - the money-path benchmark of docs/benchmarks.md ("Money paths"): debit request-replies
# per second over NATS and claims per second through leads-service's REST API, against the PACKAGED
# leads-service and payments-service running as separate processes on a permissioned NATS.
#
#   bench/run-money.sh            full run (about 5-10 minutes on 2 cores)
#   bench/run-money.sh --smoke    small run to check the wiring
#
# To judge a change to the data layer: run it on the old commit and on the new one, one right after the
# other, on the same machine, then bench/money-compare.py BEFORE_RUN AFTER_RUN. Both datasource URLs are
# given (JDBC and reactive), so the same script starts the services before and after such a change.
#
# Phases, each repeated REPEATS times after a warm-up (the median is reported):
#   debit   svc.payments.debit request-replies made as leads-service's NATS user: DEBIT_CONCURRENCY clients,
#           DEBIT_REQUESTS requests of 1 credit spread over WALLETS pre-funded wallets
#   claims  POST /api/leads/{id}/claim by providers with credits: CLAIM_LEADS fresh verified leads per
#           repeat (CLAIM_CATEGORY: plumbing has 3 slots), CLAIMERS_PER_LEAD different providers on each,
#           shuffled, CLAIM_CONCURRENCY clients; accepted = 201, the rest is counted by status (409 full, ...)
# The loader reports its own CPU time per repeat (it must stay well below one core to not be the
# bottleneck), the services' CPU time and the load average.
#
# Environment (defaults in brackets):
#   REPEATS [3]  WALLETS [100]  PROVIDERS [100]  DEBIT_REQUESTS [10000]  DEBIT_CONCURRENCY [32]
#   DEBIT_WARMUP [10000] requests, CLAIM_WARMUP_LEADS [150] leads: not measured (JIT, pools)
#   CLAIM_LEADS [250]  CLAIMERS_PER_LEAD [4]  CLAIM_CATEGORY [plumbing]  CLAIM_CONCURRENCY [32]
#   SERVICE_JAVA_OPTS ["-Xms256m -Xmx512m"]   JVM options of both services
#   PG_HOST [127.0.0.1]  PG_USER/PG_PASSWORD [leadline]  (a role with CREATEDB)
#   BENCH_RUN [mktemp -d /tmp/leadline-money.XXXXXX]  where results, logs, keys and the NATS config go
#   SKIP_BUILD [0]  1: use the jars as they are (bench/target, */target/quarkus-app)
#
# Everything listens on 127.0.0.1 on free ports, with its own NATS server and two fresh databases, so a
# running `./leadline up` or test run is not disturbed; every wait is bounded; the EXIT trap stops what
# this script started and drops the databases.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPEATS=${REPEATS:-3}
WALLETS=${WALLETS:-100}
PROVIDERS=${PROVIDERS:-100}
DEBIT_REQUESTS=${DEBIT_REQUESTS:-10000}
DEBIT_CONCURRENCY=${DEBIT_CONCURRENCY:-32}
DEBIT_WARMUP=${DEBIT_WARMUP:-10000}
CLAIM_LEADS=${CLAIM_LEADS:-250}
CLAIM_WARMUP_LEADS=${CLAIM_WARMUP_LEADS:-150}
CLAIMERS_PER_LEAD=${CLAIMERS_PER_LEAD:-4}
CLAIM_CATEGORY=${CLAIM_CATEGORY:-plumbing}
CLAIM_CONCURRENCY=${CLAIM_CONCURRENCY:-32}
SERVICE_JAVA_OPTS=${SERVICE_JAVA_OPTS:-"-Xms256m -Xmx512m"}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_USER=${PG_USER:-leadline}
PG_PASSWORD=${PG_PASSWORD:-leadline}
NATS_SERVER=${NATS_SERVER:-/usr/sbin/nats-server}
READY_TIMEOUT_S=${READY_TIMEOUT_S:-180}
PHASE_TIMEOUT_S=${PHASE_TIMEOUT_S:-900}
if [ "${1:-}" = "--smoke" ]; then
  REPEATS=1; WALLETS=10; PROVIDERS=20; DEBIT_REQUESTS=500; DEBIT_WARMUP=100; CLAIM_LEADS=20; CLAIM_WARMUP_LEADS=5
fi

RUN=${BENCH_RUN:-$(mktemp -d /tmp/leadline-money.XXXXXX)}
mkdir -p "$RUN"
BENCH_JAR=$ROOT/bench/target/leadline-bench.jar
DB_LEADS=bench_money_leads_$$
DB_PAYMENTS=bench_money_payments_$$
LEADS_PID="" PAYMENTS_PID="" NATS_PID="" LOADER_PID=""

source "$ROOT/bench/lib.sh"
load_average() { cut -d' ' -f1-3 /proc/loadavg; }
cleanup() {
  set +e
  [ -n "$LOADER_PID" ] && stop_pid "$LOADER_PID"
  stop_pid "$LEADS_PID"
  stop_pid "$PAYMENTS_PID"
  stop_pid "$NATS_PID"
  psql_admin "DROP DATABASE IF EXISTS $DB_LEADS WITH (FORCE)" >/dev/null 2>&1
  psql_admin "DROP DATABASE IF EXISTS $DB_PAYMENTS WITH (FORCE)" >/dev/null 2>&1
  log "stopped everything; results in $RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# loader MODE ARGS... : the money loader (bounded by `timeout`), output to the console and $RUN/loader.log
loader() {
  timeout --kill-after=10 "$PHASE_TIMEOUT_S" java -Xms256m -Xmx1g -cp "$BENCH_JAR" io.leadline.bench.MoneyBench "$@" \
    > >(grep --line-buffered -v '^SLF4J' | tee -a "$RUN/loader.log") 2>&1 &
  LOADER_PID=$!
  local status=0
  wait "$LOADER_PID" || status=$?
  LOADER_PID=""
  [ "$status" -eq 0 ] || { log "loader exited with $status"; exit 1; }
}

# ---- build, then private copies: a rebuild during the run must not change what is measured ----------
cd "$ROOT"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building: ./mvnw -B -q -pl leads-service,payments-service -am package -DskipTests"
  ./mvnw -B -q -pl leads-service,payments-service -am package -DskipTests
  log "building the loader: ./mvnw -B -q -f bench/pom.xml package"
  ./mvnw -B -q -f bench/pom.xml package 2>&1 | grep -v '^SLF4J' || true
fi
for f in "$BENCH_JAR" leads-service/target/quarkus-app/quarkus-run.jar payments-service/target/quarkus-app/quarkus-run.jar; do
  [ -f "$f" ] || { echo "missing $f (run without SKIP_BUILD=1)" >&2; exit 1; }
done
rm -rf "$RUN/leads-app" "$RUN/payments-app"   # a BENCH_RUN used before
cp -r leads-service/target/quarkus-app "$RUN/leads-app"
cp -r payments-service/target/quarkus-app "$RUN/payments-app"

# ---- NATS with one user per service, as `./leadline up` sets it up (NatsSetup from src-shared) --------
nats_setup() { java -cp "$RUN/payments-app/lib/boot/*:$RUN/payments-app/lib/main/*" io.leadline.shared.nats.security.NatsSetup "$@"; }
NATS_PORT=$(free_port)
(umask 077 && mkdir -p "$RUN/nats")
nats_setup server-config --dir "$RUN/nats" --host 127.0.0.1 --port "$NATS_PORT" --store "$RUN/nats/store" >/dev/null
"$NATS_SERVER" -c "$RUN/nats/nats.conf" -l "$RUN/nats-server.log" &
NATS_PID=$!
for i in $(seq 1 50); do (echo > "/dev/tcp/127.0.0.1/$NATS_PORT") 2>/dev/null && break; sleep 0.2; done
(echo > "/dev/tcp/127.0.0.1/$NATS_PORT") 2>/dev/null || { echo "nats-server did not start" >&2; tail -20 "$RUN/nats-server.log"; exit 1; }
nats_setup provision --url "nats://127.0.0.1:$NATS_PORT" --password-file "$RUN/nats/provisioner.password"

# ---- databases, keys, secrets -------------------------------------------------------------------------
psql_admin "CREATE DATABASE $DB_LEADS"
psql_admin "CREATE DATABASE $DB_PAYMENTS"
mkdir -p "$RUN/keys"
(umask 077 && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$RUN/keys/private.pem" 2>/dev/null)
openssl pkey -in "$RUN/keys/private.pem" -pubout -out "$RUN/keys/public.pem"
secret() { head -c 24 /dev/urandom | base64 | tr -d '/+=\n'; }
(umask 077 && secret > "$RUN/admin-password")

# ---- the two services ------------------------------------------------------------------------------------
# start_service MODULE DATABASE NATS_USER: prints "PID PORT MANAGEMENT_PORT"
start_service() {
  local module=$1 db=$2 user=$3 port management
  port=$(free_port); management=$(free_port)
  # the environment must not override what the properties set (as system-tests' ServiceProcess does)
  local unset_env=()
  while read -r name; do unset_env+=(-u "$name"); done < <(compgen -e | grep -E '^(LEADLINE_|QUARKUS_|NATS_URL$)|_DB_(URL|USER|PASSWORD)$' || true)
  # shellcheck disable=SC2086
  (cd "$RUN/${module%-service}-app" && exec env "${unset_env[@]}" java $SERVICE_JAVA_OPTS \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$port" \
    -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="$management" \
    -Dquarkus.datasource.jdbc.url="jdbc:postgresql://$PG_HOST:5432/$db" \
    -Dleadline.database.jdbc-url="jdbc:postgresql://$PG_HOST:5432/$db" \
    -Dquarkus.datasource.reactive.url="postgresql://$PG_HOST:5432/$db" \
    -Dquarkus.datasource.username="$PG_USER" -Dquarkus.datasource.password="$PG_PASSWORD" \
    -Dleadline.nats.url="nats://127.0.0.1:$NATS_PORT" -Dleadline.nats.username="$user" \
    -Dleadline.nats.password-file="$RUN/nats/$user.password" \
    -Dleadline.jwt.key-dir="$RUN/keys" \
    -Dleadline.admin.username=admin -Dleadline.admin.password="$(cat "$RUN/admin-password")" \
    -Dleadline.payments.webhook.stripe-secret="$(secret)" -Dleadline.payments.webhook.razorpay-secret="$(secret)" \
    -Dquarkus.shutdown.timeout=5s \
    -jar quarkus-run.jar > "$RUN/$module.log" 2>&1) &
  echo "$! $port $management"
}
await_ready() { # await_ready NAME PID MANAGEMENT_PORT
  local deadline=$((SECONDS + READY_TIMEOUT_S))
  until curl -fs --max-time 5 "http://127.0.0.1:$3/q/health/ready" >/dev/null 2>&1; do
    kill -0 "$2" 2>/dev/null || { echo "$1 exited during start-up" >&2; tail -40 "$RUN/$1.log" >&2; exit 1; }
    [ "$SECONDS" -lt "$deadline" ] || { echo "$1 not ready after ${READY_TIMEOUT_S}s" >&2; tail -40 "$RUN/$1.log" >&2; exit 1; }
    sleep 0.5
  done
  log "$1 ready (pid $2)"
}
read -r LEADS_PID LEADS_PORT LEADS_MGMT < <(start_service leads-service "$DB_LEADS" leads)
read -r PAYMENTS_PID PAYMENTS_PORT PAYMENTS_MGMT < <(start_service payments-service "$DB_PAYMENTS" payments)
log "starting leads-service on :$LEADS_PORT and payments-service on :$PAYMENTS_PORT ($SERVICE_JAVA_OPTS), NATS :$NATS_PORT"
await_ready leads-service "$LEADS_PID" "$LEADS_MGMT"
await_ready payments-service "$PAYMENTS_PID" "$PAYMENTS_MGMT"
LEADS_URL=http://127.0.0.1:$LEADS_PORT
PAYMENTS_URL=http://127.0.0.1:$PAYMENTS_PORT
SERVER_PIDS="leads:$LEADS_PID,payments:$PAYMENTS_PID"

# ---- scenarios ----------------------------------------------------------------------------------------------
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$(git -C "$ROOT" diff --quiet HEAD -- leads-service payments-service src-shared 2>/dev/null || echo ' (+ uncommitted changes in the services)')"
  echo "load before: $(load_average)"
  echo "settings: REPEATS=$REPEATS WALLETS=$WALLETS PROVIDERS=$PROVIDERS DEBIT_REQUESTS=$DEBIT_REQUESTS DEBIT_CONCURRENCY=$DEBIT_CONCURRENCY DEBIT_WARMUP=$DEBIT_WARMUP CLAIM_WARMUP_LEADS=$CLAIM_WARMUP_LEADS CLAIM_LEADS=$CLAIM_LEADS CLAIMERS_PER_LEAD=$CLAIMERS_PER_LEAD CLAIM_CATEGORY=$CLAIM_CATEGORY CLAIM_CONCURRENCY=$CLAIM_CONCURRENCY"
  echo "services: $SERVICE_JAVA_OPTS"
} > "$RUN/meta.txt"
cat "$RUN/meta.txt"

log "== set-up: $PROVIDERS providers with credits"
loader setup --leads-url="$LEADS_URL" --payments-url="$PAYMENTS_URL" --admin-user=admin \
  --admin-password-file="$RUN/admin-password" --providers="$PROVIDERS" --credits=1000000 --state="$RUN/state.json"

echo "load at debit start ($(date +%H:%M:%S)): $(load_average)" >> "$RUN/meta.txt"
log "== debit request-replies: $DEBIT_REQUESTS x $REPEATS, $DEBIT_CONCURRENCY clients, $WALLETS wallets"
loader debit --nats-url="nats://127.0.0.1:$NATS_PORT" --nats-user=leads --nats-password-file="$RUN/nats/leads.password" \
  --state="$RUN/state.json" --wallets="$WALLETS" --requests="$DEBIT_REQUESTS" --warmup="$DEBIT_WARMUP" --concurrency="$DEBIT_CONCURRENCY" \
  --repeats="$REPEATS" --server-pids="$SERVER_PIDS" --out="$RUN/debit.json"

echo "load at claims start ($(date +%H:%M:%S)): $(load_average)" >> "$RUN/meta.txt"
log "== claims: $CLAIM_LEADS $CLAIM_CATEGORY leads x $CLAIMERS_PER_LEAD providers x $REPEATS, $CLAIM_CONCURRENCY clients"
loader claims --leads-url="$LEADS_URL" --state="$RUN/state.json" --leads="$CLAIM_LEADS" --category="$CLAIM_CATEGORY" --warmup-leads="$CLAIM_WARMUP_LEADS" \
  --claimers-per-lead="$CLAIMERS_PER_LEAD" --concurrency="$CLAIM_CONCURRENCY" --repeats="$REPEATS" \
  --server-pids="$SERVER_PIDS" --out="$RUN/claims.json"
echo "load after: $(load_average)" >> "$RUN/meta.txt"

python3 - "$RUN" <<'EOF' | tee "$RUN/results.md"
import json, sys, pathlib
run = pathlib.Path(sys.argv[1])
meta = (run / "meta.txt").read_text()
phases = {p: json.loads((run / f"{p}.json").read_text()) for p in ("debit", "claims")}
json.dump({"meta": meta.splitlines(), **phases}, open(run / "results.json", "w"), indent=2)
print(meta.rstrip())
print()
print(f"medians of {len(phases['debit']['repeats'])} repeats")
print()
print("| phase | requests /s | accepted /s (each repeat) | p50 ms | p99 ms | loader CPU, % of a core | outcomes (all repeats) | load (1 min) after each repeat |")
print("|---|---:|---:|---:|---:|---:|---|---|")
for name, label in (("debit", "debit request-replies"), ("claims", "claims (POST /claim)")):
    p = phases[name]; m = p["median"]
    outcomes = {}
    for r in p["repeats"]:
        for k, v in r["outcomes"].items():
            outcomes[k] = outcomes.get(k, 0) + v
    per_repeat = ", ".join(f'{r["accepted_per_second"]:.0f}' for r in p["repeats"])
    print(f'| {label} | {m["per_second"]:.0f} | {m["accepted_per_second"]:.0f} ({per_repeat}) | {m["p50_ms"]:.1f} | '
          f'{m["p99_ms"]:.1f} | {m["loader_cpu_pct_of_core"]:.0f} | '
          + " ".join(f"{k}: {v}" for k, v in sorted(outcomes.items()))
          + " | " + "; ".join(r["load_average"].split()[0] for r in p["repeats"]) + " |")
print()
print(f"raw: {run}/results.json (every repeat, services' CPU seconds per repeat)")
EOF
