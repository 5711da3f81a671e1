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

wait_ready() { # url pid name: until the url answers 200, at most 90 s; exits if the process dies
  for ((i = 0; i < 180; i++)); do
    kill -0 "$2" 2>/dev/null || { log "$3 died; see $RESULTS"; exit 1; }
    [[ $(curl -s -o /dev/null -w '%{http_code}' "$1" || true) == 200 ]] && return 0
    sleep 0.5
  done
  log "$3 not ready after 90 s"; exit 1
}

stop_gateway() { # pid: graceful (drains the writer, stops the embedded Postgres), then the postmaster if it survived
  local pm; pm=$(postmaster_pid)
  stop_pid "$1" TERM 40
  pm=${pm:-$(postmaster_pid)}
  stop_pid "$pm" INT 20
}

free_port() { # a port free for TCP and UDP (the gateway's SIP and HEP listeners use both)
  local p
  while :; do
    p=$((10000 + RANDOM % 22000))   # below the kernel's ephemeral range (32768-60999): no outgoing socket takes it meanwhile
    ss -Hlntu "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return; }
  done
}
