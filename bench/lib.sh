# bench/lib.sh - helpers the bench scripts share; sourced, never run. Expects PG_HOST, PG_USER and
# PG_PASSWORD to be set by the script that sources it.

log() { echo "[$(date +%H:%M:%S)] $*"; }
psql_admin() { PGPASSWORD=$PG_PASSWORD psql -h "$PG_HOST" -U "$PG_USER" -d postgres -v ON_ERROR_STOP=1 -qAt -c "$1"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
stop_pid() { # stop_pid PID: TERM, wait up to 15 s, then KILL
  local pid=$1 i
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 75); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
}
