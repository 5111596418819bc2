# bench/lib.sh - helpers the bench scripts share; sourced, never run. Expects PG_HOST, PG_USER and
# PG_PASSWORD to be set by the script that sources it.

log() { echo "[$(date +%H:%M:%S)] $*"; }
psql_admin() { PGPASSWORD=$PG_PASSWORD psql -h "$PG_HOST" -U "$PG_USER" -d postgres -v ON_ERROR_STOP=1 -qAt -c "$1"; }
# free_ports N: N distinct free ports of 127.0.0.1, one a line (all held open while choosing, so that
# ports picked for processes starting side by side are never the same)
free_ports() { python3 -c 'import socket,sys
s=[socket.socket() for _ in range(int(sys.argv[1]))]
[x.bind(("127.0.0.1",0)) for x in s]
print("\n".join(str(x.getsockname()[1]) for x in s))' "$1"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
stop_pid() { # stop_pid PID: TERM, wait up to 15 s, then KILL
  local pid=$1 i
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 75); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
}

# ---- pieces of a private notify-service set-up (used by run-idle.sh and run-soak.sh) ---------------------
# wait_port PORT [TRIES]: until 127.0.0.1:PORT accepts, 0.2 s apart (default 50 tries); fails after
wait_port() {
  local port=$1 tries=${2:-50} i
  for i in $(seq 1 "$tries"); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0; sleep 0.2; done
  return 1
}

# start_nats DIR: a private nats-server with JetStream (store and log in DIR) on a free port of 127.0.0.1;
# sets NATS_PORT and NATS_PID
start_nats() {
  local dir=$1
  NATS_PORT=$(free_port)
  "${NATS_SERVER:-/usr/sbin/nats-server}" -js -a 127.0.0.1 -p "$NATS_PORT" -sd "$dir/js" -l "$dir/nats-server.log" &
  NATS_PID=$!
  wait_port "$NATS_PORT" || { echo "nats-server did not start on :$NATS_PORT" >&2; tail -20 "$dir/nats-server.log" >&2; return 1; }
}

# make_keys DIR: a fresh RS256 key pair DIR/private.pem and DIR/public.pem (the layout of leadline.jwt.key-dir)
make_keys() {
  mkdir -p "$1"
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1/private.pem" 2>/dev/null
  openssl pkey -in "$1/private.pem" -pubout -out "$1/public.pem"
}

# start_notify APP_DIR LOG HTTP_PORT MANAGEMENT_PORT [JAVA_OPTION...]: notify-service from a quarkus-app
# directory on 127.0.0.1, on the nats-server NATS_PORT, the database DB (PG_HOST, PG_USER, PG_PASSWORD) and
# the keys in KEY_DIR, with NOTIFY_JAVA_OPTS; sets STARTED_PID (the java process: the subshell execs it)
start_notify() {
  local app=$1 logfile=$2 http=$3 management=$4
  shift 4
  # shellcheck disable=SC2086
  (cd "$app" && exec java $NOTIFY_JAVA_OPTS \
    -Dquarkus.http.port="$http" -Dquarkus.http.host=127.0.0.1 \
    -Dquarkus.management.port="$management" -Dquarkus.management.host=127.0.0.1 \
    -Dleadline.nats.url="nats://127.0.0.1:$NATS_PORT" \
    -Dleadline.database.jdbc-url="jdbc:postgresql://$PG_HOST:5432/$DB" \
    -Dquarkus.datasource.username="$PG_USER" -Dquarkus.datasource.password="$PG_PASSWORD" \
    -Dleadline.jwt.key-dir="$KEY_DIR" -Dleadline.jwt.generate-if-missing=false \
    -Dquarkus.shutdown.timeout=5s "$@" \
    -jar quarkus-run.jar > "$logfile" 2>&1) &
  STARTED_PID=$!
}

# wait_ready MANAGEMENT_PORT PID LOG SECONDS: until /q/health/ready answers 200; fails (with the log's tail)
# when the process died or SECONDS passed
wait_ready() {
  local management=$1 pid=$2 logfile=$3 seconds=$4 i
  for i in $(seq 1 $(( seconds * 5 ))); do
    curl -fs -m 2 "http://127.0.0.1:$management/q/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || { echo "process $pid exited before it was ready; $logfile:" >&2; tail -30 "$logfile" >&2; return 1; }
    sleep 0.2
  done
  echo "not ready on :$management after $seconds s; $logfile:" >&2; tail -30 "$logfile" >&2
  return 1
}

# rss_kb PID: VmRSS of /proc/PID/status in KiB; heap_used_kb PID: the Java heap in use (jcmd GC.heap_info)
rss_kb() { awk '/^VmRSS:/{print $2}' "/proc/$1/status"; }
heap_used_kb() { timeout 60 jcmd "$1" GC.heap_info | awk '!f && match($0, /used [0-9]+K/) { print substr($0, RSTART + 5, RLENGTH - 6); f = 1 }'; }
# open_files PID: the process's open file descriptors
open_files() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
