#!/usr/bin/env bash
# Agents' live-stream benchmark: N agents on /agent/ws while web inquiries arrive at a fixed rate.
#
#   bench/agents-load.sh [seconds=30] [rates=100,500,2000]      rates is a list of inquiries/s
#
# Environment: AGENTS=1000, REPS=3 (latency runs per rate), WARMUP=5 (s of sending before each
# measured window), OFFICERS=0.1 (share of agents that are officers of one department; the rest are
# operators and must receive every inquiry), CONNS=128 (HTTP connections of the paced sender),
# DRAIN=20 (max s to wait for the last event after the sender stops), SETTLE=120 (max s to wait before each run until the gateway is quiet), MEM=1 (measure memory per idle
# connection first), LOOPS=2 (event loops of the agents' Vert.x in the load JVM), GATEWAY_JAVA_OPTS,
# LOAD_JAVA_OPTS (default -Xmx3g), RESULTS_DIR (default bench/results/agents-<timestamp>, git-ignored).
# See bench/README.md. Benchmarks are run by hand, never by the test suite.
set -euo pipefail

SECS=${1:-30}
RATES=${2:-100,500,2000}
AGENTS=${AGENTS:-1000}
REPS=${REPS:-3}
WARMUP=${WARMUP:-5}
OFFICERS=${OFFICERS:-0.1}
CONNS=${CONNS:-128}
DRAIN=${DRAIN:-20}
MEM=${MEM:-1}
LOOPS=${LOOPS:-2}
SETTLE=${SETTLE:-120}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=${JAR:-"$ROOT/target/hotline-gateway.jar"}   # JAR=... compares another build (a baseline) with the same load
RESULTS=${RESULTS_DIR:-"$ROOT/bench/results/agents-$(date +%Y%m%d-%H%M%S)"}
mkdir -p "$RESULTS"
WORK=$(mktemp -d /tmp/hotline-agents-bench.XXXXXX)
GW_PID="" LOAD_PID=""

source "$ROOT/bench/lib.sh"
# no HEP listener: this bench does not use it, and two runs at once would collide on port 9060
export HOTLINE_PHONE_HEP_ENABLED=${HOTLINE_PHONE_HEP_ENABLED:-false}
export HOTLINE_PHONE_SIP_ENABLED=${HOTLINE_PHONE_SIP_ENABLED:-false}   # nor the SIP listener (5060)

# ---------------------------------------------------------------- cleanup: everything we started, by PID
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$LOAD_PID" TERM 10
  stop_gateway "$GW_PID"
  rm -rf "$WORK"
  log "stopped everything; logs in $RESULTS"
  exit "$rc"
}
trap cleanup EXIT
trap 'log interrupted; exit 130' INT TERM

# ---------------------------------------------------------------- tools and limits
need_apt() { # command package
  command -v "$1" >/dev/null && return 0
  log "installing $2 (apt-get)"
  apt-get install -y "$2" >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y "$2" >/dev/null; }
}
need_apt curl curl
command -v jcmd >/dev/null || { log "jcmd (JDK) is needed for the memory figures"; exit 1; }
if [[ ! -f "$JAR" ]]; then
  log "building $JAR"
  (cd "$ROOT" && mvn -q package -DskipTests)
fi
# one socket per agent in the load JVM and one in the gateway (both inherit this limit)
NEED_FDS=$((AGENTS + CONNS + 2000))
if (($(ulimit -n) < NEED_FDS)); then
  ulimit -n "$NEED_FDS" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
fi
log "open-file limit $(ulimit -n) (need ~$NEED_FDS per process)"
((AGENTS + CONNS + 100 <= $(ulimit -n))) || { log "open-file limit too low for $AGENTS agents"; exit 1; }

GW_PORT=$(free_port); PG_PORT=$(free_port)
while [[ $PG_PORT == "$GW_PORT" ]]; do PG_PORT=$(free_port); done
export HOTLINE_JWT_SECRET
HOTLINE_JWT_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')   # for the gateway and the load JVM's tokens

# ---------------------------------------------------------------- start the gateway
GW_OPTS=(${GATEWAY_JAVA_OPTS:-})
log "starting gateway on :$GW_PORT (embedded Postgres :$PG_PORT, data $WORK/data, rate limit off)"
(cd "$ROOT" && exec env HOTLINE_CONF_DIR="$ROOT/conf" HOTLINE_HTTP_PORT="$GW_PORT" HOTLINE_DATA_DIR="$WORK/data" \
  HOTLINE_WEB_RATE_LIMIT=0 HOTLINE_EMBEDDED_PORT="$PG_PORT" java "${GW_OPTS[@]}" -jar "$JAR" >"$RESULTS/gateway.log" 2>&1) &
GW_PID=$!
wait_ready "http://127.0.0.1:$GW_PORT/health/ready" "$GW_PID" gateway
log "gateway ready (pid $GW_PID)"

# ---------------------------------------------------------------- the load JVM
LOAD_OPTS=(${LOAD_JAVA_OPTS:--Xmx3g})
log "load JVM: $AGENTS agents, rates $RATES/s, ${SECS}s x $REPS after ${WARMUP}s warm-up"
(cd "$ROOT" && exec java "${LOAD_OPTS[@]}" -cp "$JAR" bench/AgentsLoad.java port="$GW_PORT" pgPort="$PG_PORT" gwPid="$GW_PID" \
  pgPidFile="$WORK/data/pg/postmaster.pid" agents="$AGENTS" rates="$RATES" secs="$SECS" warmup="$WARMUP" reps="$REPS" \
  officers="$OFFICERS" conns="$CONNS" drain="$DRAIN" mem="$MEM" loops="$LOOPS" settle="$SETTLE" >"$RESULTS/summary.txt" 2>"$RESULTS/load.log") &
LOAD_PID=$!
tail -n +1 -f "$RESULTS/summary.txt" --pid "$LOAD_PID" &
TAIL_PID=$!
set +e
wait "$LOAD_PID"; rc=$?
set -e
LOAD_PID=""
wait "$TAIL_PID" 2>/dev/null || true
if ((rc != 0)); then log "load program failed (rc $rc); see $RESULTS/load.log"; tail -20 "$RESULTS/load.log" >&2; exit "$rc"; fi
curl -s "http://127.0.0.1:$GW_PORT/metrics" >"$RESULTS/metrics-end.txt" || true
{
  echo
  echo "== gateway /metrics after the agents left"
  grep -E '^hotline_(stream_push_latency_seconds|agent_sessions|stream_feed_lag_events)' "$RESULTS/metrics-end.txt" || true
  echo "gateway log: $(grep -c 'agent lagged' "$RESULTS/gateway.log" || true) 'agent lagged' lines, $(grep -ci 'error' "$RESULTS/gateway.log" || true) lines with 'error'"
} | tee -a "$RESULTS/summary.txt"
