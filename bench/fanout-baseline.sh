#!/usr/bin/env bash
# The cheapest fan-out this machine can do, for comparison with bench/agents-load.sh: a trivial
# server (bench/FanoutBaseline.java: no database, no JSON, frames encoded once per 1 ms tick and
# written to every socket as one shared buffer) sends inquiry.created-sized frames at RATE/s to
# SOCKETS raw WebSocket clients in a second JVM, which record send-to-receive latency.
#
#   bench/fanout-baseline.sh [rates=200,500,2000] [seconds=20] [sockets=1000] [frame bytes=1500]
#
# Prints per rate: frames expected (rate x sockets x seconds), received, p50/p99 ms. Run by hand.
set -Eeuo pipefail
RATES=${1:-200,500,2000}; SECS=${2:-20}; SOCKETS=${3:-1000}; BYTES=${4:-1500}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR="$ROOT/target/hotline-gateway.jar"
WORK=$(mktemp -d /tmp/hotline-fanout.XXXXXX)
SRV_PID="" CLI_PID=""
source "$ROOT/bench/lib.sh"
cleanup() { stop_pid "$CLI_PID" TERM 5; stop_pid "$SRV_PID" TERM 5; rm -rf "$WORK"; }
trap cleanup EXIT
[[ -f "$JAR" ]] || (cd "$ROOT" && mvn -q package -DskipTests)
(($(ulimit -n) >= SOCKETS + 500)) || ulimit -n $((SOCKETS + 500))
for rate in ${RATES//,/ }; do
  PORT=$(free_port)
  (cd "$ROOT" && exec java -cp "$JAR" bench/FanoutBaseline.java server "$PORT" "$rate" "$SECS" "$BYTES" "$SOCKETS" >"$WORK/server.txt" 2>&1) &
  SRV_PID=$!
  for ((i = 0; i < 100; i++)); do grep -q READY "$WORK/server.txt" 2>/dev/null && break; sleep 0.2; done
  (cd "$ROOT" && exec java -cp "$JAR" bench/FanoutBaseline.java client "$PORT" "$SOCKETS" "$SECS" >"$WORK/client.txt" 2>&1) &
  CLI_PID=$!
  wait "$CLI_PID" || true; CLI_PID=""
  wait "$SRV_PID" || true; SRV_PID=""
  read -r _ _ frames _ bytes _ p50 _ p99 < <(grep RESULT "$WORK/client.txt" || echo "RESULT frames 0 bytes 0 p50_ms - p99_ms -")
  expected=$((rate * SOCKETS * SECS))
  printf 'rate %5d/s x %d sockets, %d B frames: received %d of %d frames (%.1f%%), %.0f MB/s, p50 %s ms, p99 %s ms\n' \
    "$rate" "$SOCKETS" "$BYTES" "$frames" "$expected" "$(awk -v a="$frames" -v b="$expected" 'BEGIN{print 100*a/b}')" \
    "$(awk -v b="$bytes" -v s="$SECS" 'BEGIN{print b/s/1e6}')" "$p50" "$p99"
done
