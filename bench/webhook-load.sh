#!/usr/bin/env bash
# Facebook webhook load benchmark: signed deliveries with unique mids at full speed against the
# gateway, and the same load against a trivial Vert.x endpoint in the same run.
#
#   bench/webhook-load.sh [seconds=20] [connections=64] [messages per delivery=1]
#
# Prints messages/s, p50/p99 ack latency, the gateway/trivial ratio, and stored = acknowledged
# (rows with the run's mid prefix counted in Postgres after the load). Run by hand, never by tests.
# For the measured gateway run it also keeps, in the results folder, a timeline per 100 ms
# (gateway-timeline.txt: epoch ms, answers, slowest ms), the gateway's GC log (gateway-gc.log) and,
# where vmstat exists, vmstat per second (vmstat.txt): a p99 tail can be matched with what caused it.
set -Eeuo pipefail

SECS=${1:-20}
CONNS=${2:-64}
MSGS=${3:-1}
WARMUP=${WARMUP:-30}   # a cold JVM compiles for ~20 s on this machine (C2 took 5.7 s of CPU in the first 13 s)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR="$ROOT/target/hotline-gateway.jar"
RESULTS=${RESULTS_DIR:-"$ROOT/bench/results/webhook-$(date +%Y%m%d-%H%M%S)"}
mkdir -p "$RESULTS"
WORK=$(mktemp -d /tmp/hotline-whbench.XXXXXX)
SECRET="bench-app-secret-$RANDOM$RANDOM"
GW_PID="" TR_PID=""

source "$ROOT/bench/lib.sh"
# no HEP listener: this bench does not use it, and two runs at once would collide on port 9060
export HOTLINE_PHONE_HEP_ENABLED=${HOTLINE_PHONE_HEP_ENABLED:-false}
export HOTLINE_PHONE_SIP_ENABLED=${HOTLINE_PHONE_SIP_ENABLED:-false}   # nor the SIP listener (5060)
cleanup() {
  local rc=$?
  trap - EXIT INT TERM ERR
  stop_pid "$TR_PID" TERM 10
  stop_gateway "$GW_PID"
  rm -rf "$WORK"
  log "stopped everything we started; logs in $RESULTS"
  exit "$rc"
}
trap cleanup EXIT
trap 'log interrupted; exit 130' INT TERM

[[ -f "$JAR" ]] || { log "building $JAR"; (cd "$ROOT" && mvn -q package -DskipTests); }
GW_PORT=$(free_port); PG_PORT=$(free_port); TR_PORT=$(free_port)
PSQL=(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -X -At -v ON_ERROR_STOP=1)

# a private copy of the jar: broad `pkill -f hotline-gateway.jar` patterns elsewhere must not hit ours
RUN_JAR="$WORK/whbench-gw.jar"
cp "$JAR" "$RUN_JAR"
(cd "$ROOT" && exec env HOTLINE_CONF_DIR="$ROOT/conf" HOTLINE_HTTP_PORT="$GW_PORT" HOTLINE_DATA_DIR="$WORK/data" \
  HOTLINE_EMBEDDED_PORT="$PG_PORT" HOTLINE_FACEBOOK_APP_SECRET="$SECRET" java -Xlog:gc:file="$RESULTS/gateway-gc.log":time ${GATEWAY_JAVA_OPTS:-} -jar "$RUN_JAR" \
  >"$RESULTS/gateway.log" 2>&1) &
GW_PID=$!
(cd "$ROOT" && exec java -cp "$RUN_JAR" bench/TrivialServer.java "$TR_PORT" 2 >"$RESULTS/trivial.log" 2>&1) &
TR_PID=$!
wait_ready "http://127.0.0.1:$GW_PORT/health/ready" "$GW_PID" gateway
wait_ready "http://127.0.0.1:$TR_PORT/" "$TR_PID" trivial

load() { # url seconds prefix out [timeline]
  (cd "$ROOT" && java -cp "$RUN_JAR" bench/WebhookLoad.java "$1" "$SECRET" "$2" "$CONNS" "$MSGS" "$3" ${5:-}) >"$4"
}
rkey() { awk -v k="$2" '$1 == "RESULT" && $2 == k { print $3; f = 1 } END { if (!f) print 0 }' "$1"; }
RUN="wh$(date +%s)"
log "warm-up ${WARMUP}s each, then ${SECS}s measured; $CONNS connections, $MSGS message(s) per delivery"
load "http://127.0.0.1:$TR_PORT/" "$WARMUP" "$RUN-tw" "$RESULTS/trivial-warmup.txt"
load "http://127.0.0.1:$TR_PORT/" "$SECS" "$RUN-t" "$RESULTS/trivial.txt"
load "http://127.0.0.1:$GW_PORT/webhooks/facebook" "$WARMUP" "$RUN-gw" "$RESULTS/gateway-warmup.txt"
VM_PID=""
if command -v vmstat >/dev/null; then vmstat -t 1 $((SECS + 5)) >"$RESULTS/vmstat.txt" & VM_PID=$!; fi
load "http://127.0.0.1:$GW_PORT/webhooks/facebook" "$SECS" "$RUN-g" "$RESULTS/gateway.txt" "$RESULTS/gateway-timeline.txt"
if [[ -n "$VM_PID" ]]; then kill "$VM_PID" 2>/dev/null || true; wait "$VM_PID" 2>/dev/null || true; fi

stored() { "${PSQL[@]}" -c "select count(*) from message where channel = 'facebook' and external_id like '$RUN-g-%'"; }
last=-1; for ((i = 0; i < 30; i++)); do now=$(stored); [[ "$now" == "$last" ]] && break; last=$now; sleep 1; done
ACKED=$(rkey "$RESULTS/gateway.txt" acked_messages)
GW_RATE=$(rkey "$RESULTS/gateway.txt" messages_per_s); TR_RATE=$(rkey "$RESULTS/trivial.txt" messages_per_s)
VERDICT=FAIL; [[ "$now" -ge "$ACKED" ]] && VERDICT=PASS
{
  echo "gateway: $GW_RATE msg/s, p50 $(rkey "$RESULTS/gateway.txt" p50_ms) ms, p99 $(rkey "$RESULTS/gateway.txt" p99_ms) ms, statuses: $(grep -o 'status_[-0-9]* [0-9]*' "$RESULTS/gateway.txt" | tr '\n' ' ')"
  echo "100 ms windows with an answer slower than 50 ms: $(rkey "$RESULTS/gateway.txt" windows_over_50ms) of $(rkey "$RESULTS/gateway.txt" windows_100ms) (gateway-timeline.txt, gateway-gc.log, vmstat.txt)"
  echo "trivial: $TR_RATE msg/s, p50 $(rkey "$RESULTS/trivial.txt" p50_ms) ms, p99 $(rkey "$RESULTS/trivial.txt" p99_ms) ms"
  awk -v g="$GW_RATE" -v t="$TR_RATE" 'BEGIN { if (t > 0) printf "ratio gateway/trivial: %.2f\n", g / t }'
  echo "acknowledged messages: $ACKED, stored rows: $now -> $VERDICT (every acknowledged message stored; rows may exceed acks by requests in flight at the deadline)"
} | tee "$RESULTS/summary.txt"
