# Shared by the bench scripts (sourced): logging and stopping what a script started, by PID.
# Needs $WORK (the script's temp dir; the embedded Postgres data lives in $WORK/data/pg).

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# the embedded Postgres's postmaster, to stop it if the gateway could not
postmaster_pid() { [[ -f "$WORK/data/pg/postmaster.pid" ]] && head -1 "$WORK/data/pg/postmaster.pid" || true; }

stop_pid() { # pid signal seconds
  local pid=$1 sig=$2 secs=$3
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill "-$sig" "$pid" 2>/dev/null || true
  for ((i = 0; i < secs * 10; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  log "pid $pid still alive after SIG$sig, killing"; kill -KILL "$pid" 2>/dev/null || true
}
