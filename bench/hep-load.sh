#!/usr/bin/env bash
# HEP collector load: recorded call packet sequences replayed as HEP3 over UDP at a set rate.
#
#   bench/hep-load.sh [packets_per_second=25000] [seconds=20]
#
# Starts the gateway (embedded Postgres), drives it with bench/HepLoad.java (13 packets per answered
# call, each call with its own Call-ID and caller), then prints: HEP packets decoded per second by the
# gateway (target >= 20,000/s), packets lost on the way (kernel UDP drops and not counted), calls
# stored vs generated (the store catches up after the burst through the retry buffer), signals
# dropped. Environment: RESULTS_DIR, GATEWAY_JAVA_OPTS, SETTLE=120 (seconds to wait for the store).
# Benchmarks are run by hand, never by the test suite.
set -Eeuo pipefail

RATE=${1:-25000}
SECS=${2:-20}
SETTLE=${SETTLE:-120}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR="$ROOT/target/hotline-gateway.jar"
RESULTS=${RESULTS_DIR:-"$ROOT/bench/results/hep-$(date +%Y%m%d-%H%M%S)"}
mkdir -p "$RESULTS"
WORK=$(mktemp -d /tmp/hotline-bench.XXXXXX)
GW_PID="" GEN_PID=""

source "$ROOT/bench/lib.sh"

cleanup() {
  local rc=$?
  trap - EXIT INT TERM ERR
  stop_pid "$GEN_PID" TERM 5
  stop_gateway "$GW_PID"
  rm -rf "$WORK"
  log "stopped everything; logs in $RESULTS"
  exit "$rc"
}
trap cleanup EXIT
trap 'log "error (status $?) at line $LINENO: $BASH_COMMAND"' ERR
trap 'log interrupted; exit 130' INT TERM

command -v psql >/dev/null || { log "needs psql (apt-get install postgresql-client)"; exit 1; }
if [[ ! -f "$JAR" ]]; then
  log "building $JAR"
  (cd "$ROOT" && mvn -q package -DskipTests)
fi
GW_PORT=$(free_port); PG_PORT=$(free_port); HEP_PORT=$(free_port)
PSQL=(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -X -At -v ON_ERROR_STOP=1)

# A private copy of the jar: other sessions stop their gateways with patterns that would hit ours.
RUN_JAR="$WORK/bench-gw.jar"
cp "$JAR" "$RUN_JAR"
log "starting gateway on :$GW_PORT (HEP :$HEP_PORT, embedded Postgres :$PG_PORT)"
(cd "$ROOT" && exec env HOTLINE_CONF_DIR="$ROOT/conf" HOTLINE_HTTP_PORT="$GW_PORT" HOTLINE_DATA_DIR="$WORK/data" \
  HOTLINE_EMBEDDED_PORT="$PG_PORT" HOTLINE_HEP_PORT="$HEP_PORT" HOTLINE_PHONE_HEP_HOST=127.0.0.1 \
  HOTLINE_PHONE_HEP_SIGNAL_BUFFER=1000000 java ${GATEWAY_JAVA_OPTS:-} -jar "$RUN_JAR" >"$RESULTS/gateway.log" 2>&1) &
GW_PID=$!
wait_ready "http://127.0.0.1:$GW_PORT/health/ready" "$GW_PID" gateway

scrape() { curl -s "http://127.0.0.1:$GW_PORT/metrics"; }
packets() { scrape | awk '/^hotline_hep_packets_total\{/ { s += $2 } END { printf "%d", s }'; }
metric() { scrape | awk -v n="$1" 'index($0, n) == 1 { s += $2 } END { printf "%d", s }'; }
udp_drops() { awk '/^Udp:/ { if (h) { print $6 + 0; exit } h = 1 }' /proc/net/snmp; }  # RcvbufErrors
stored() { "${PSQL[@]}" -c "select count(*) from phone_call where call_id like 'hl-$RUN-%' and state = 'ended'"; }

RUN=$((RANDOM % 90000 + 10000))
# warm-up: a few seconds at a tenth of the rate so the JIT has compiled the path
log "warm-up: 3 s at $((RATE / 10)) packets/s"
java "$ROOT/bench/HepLoad.java" 127.0.0.1 "$HEP_PORT" "$((RATE / 10))" 3 "$ROOT/bench/hep-call.txt" "$((RUN + 1))" >"$RESULTS/warmup.txt"
sleep 2
P0=$(packets); D0=$(udp_drops); T0=$(date +%s.%N)
log "load: $RATE packets/s for $SECS s (run $RUN)"
java "$ROOT/bench/HepLoad.java" 127.0.0.1 "$HEP_PORT" "$RATE" "$SECS" "$ROOT/bench/hep-call.txt" "$RUN" >"$RESULTS/generator.txt" &
GEN_PID=$!
wait "$GEN_PID"; GEN_PID=""
# the collector may still be working through its socket buffer: wait until the count stops moving
last=-1; now=$(packets)
while [[ "$now" != "$last" ]]; do last=$now; sleep 0.5; now=$(packets); done
T1=$(date +%s.%N)
P1=$now; D1=$(udp_drops)
SENT=$(awk '$2 == "packets" { print $3 }' "$RESULTS/generator.txt")
CALLS=$(awk '$2 == "calls" { print $3 }' "$RESULTS/generator.txt")
GEN_RATE=$(awk '$2 == "rate" { print $3 }' "$RESULTS/generator.txt")
GEN_SECS=$(awk '$2 == "seconds" { print $3 }' "$RESULTS/generator.txt")
DECODED=$((P1 - P0))
log "generator: $SENT packets, $CALLS calls in $GEN_SECS s ($GEN_RATE/s); gateway counted $DECODED"

log "waiting up to $SETTLE s for the store to catch up"
s_last=-1; s_now=$(stored)
for ((i = 0; i < SETTLE; i += 2)); do
  [[ "$s_now" == "$CALLS" ]] && break
  sleep 2; s_last=$s_now; s_now=$(stored)
  [[ "$s_now" == "$s_last" && $i -gt 20 ]] && break
done
SIG_DROPPED=$(metric 'hotline_hep_signals_total{outcome="dropped"')
FULL=$(metric 'hotline_hep_packets_total{outcome="tracker_full"')
BAD=$(( $(metric 'hotline_hep_packets_total{outcome="bad_hep"') + $(metric 'hotline_hep_packets_total{outcome="bad_sip"') ))

{
  echo "HEP load: $RATE packets/s offered for $SECS s (13 packets per call, UDP, loopback)"
  awk -v d="$DECODED" -v s="$GEN_SECS" -v t0="$T0" -v t1="$T1" 'BEGIN {
    printf "packets decoded/s (gateway)   %.0f  (%d in %.1f s of sending; %.1f s until the count settled)\n", d / s, d, s, t1 - t0 }'
  echo "packets sent / counted / lost  $SENT / $DECODED / $((SENT - DECODED))  (kernel UDP receive-buffer drops: $((D1 - D0)))"
  echo "refused (bad HEP/SIP)          $BAD;  tracker full: $FULL"
  echo "calls generated / stored ended $CALLS / $s_now"
  echo "signals dropped (retry buffer) $SIG_DROPPED"
} | tee "$RESULTS/summary.txt"
