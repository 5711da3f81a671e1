#!/usr/bin/env bash
# Surge case S1 (sip.md §8): overflow calls from a PBX whose queue is full, driven by sipp against
# the gateway's SIP intake, each from a distinct number (a generated caller file), with PUBLISH
# dialog-event load from a second sipp in parallel.
#
#   bench/sip-overflow.sh [calls=12000] [calls per second=200] [PUBLISH calls per second=50, 0 = none]
#
# A warm-up of WARMUP_CALLS (default 2000) overflow calls at half the rate, from other numbers, runs
# first: a cold JVM answers the first few hundred calls late, which is not what a surge meets.
#
# Prints failed calls (target 0), p50/p99 SIP response time INVITE -> 486 from sipp -trace_rtt
# (target p99 < 50 ms), overflow calls stored and callback inquiries (target: = calls), and the
# PUBLISH side's failures. Run by hand, never by tests. Needs sipp (Debian sip-tester) and psql.
set -Eeuo pipefail

CALLS=${1:-12000}
RATE=${2:-200}
PUB_RATE=${3:-50}
WARMUP_CALLS=${WARMUP_CALLS:-2000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR="$ROOT/target/hotline-gateway.jar"
RESULTS=${RESULTS_DIR:-"$ROOT/bench/results/sip-overflow-$(date +%Y%m%d-%H%M%S)"}
mkdir -p "$RESULTS"
WORK=$(mktemp -d /tmp/hotline-sipbench.XXXXXX)
GW_PID="" PUB_PID=""

source "$ROOT/bench/lib.sh"
cleanup() {
  local rc=$?
  trap - EXIT INT TERM ERR
  stop_pid "$PUB_PID" TERM 10
  stop_gateway "$GW_PID"
  rm -rf "$WORK"
  log "stopped everything we started; logs in $RESULTS"
  exit "$rc"
}
trap cleanup EXIT
trap 'log interrupted; exit 130' INT TERM

command -v sipp >/dev/null || { log "sipp not on the PATH (apt-get install sip-tester)"; exit 1; }
[[ -f "$JAR" ]] || { log "building $JAR"; (cd "$ROOT" && mvn -q package -DskipTests); }
GW_PORT=$(free_port); PG_PORT=$(free_port); SIP_PORT=$(free_port); HEP_PORT=$(free_port)
UAC_PORT=$(free_port); PUB_PORT=$(free_port)
PSQL=(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -X -At -v ON_ERROR_STOP=1)

# caller files: one distinct number per call, so every missed call is its own callback inquiry
mkdir -p "$WORK/uac" "$WORK/pub" "$WORK/warm"
cp "$ROOT/src/test/resources/sip/pbx_uac_overflow.xml" "$WORK/uac/"
cp "$ROOT/src/test/resources/sip/pbx_uac_overflow.xml" "$WORK/warm/"
awk -v n="$WARMUP_CALLS" 'BEGIN { print "SEQUENTIAL"; for (i = 0; i < n; i++) printf "07%08d;Warm-up %d\n", 10000000 + i, i }' \
  >"$WORK/warm/callers.csv"
cp "$ROOT/src/test/resources/sip/pbx_publish_dialog.xml" "$WORK/pub/"
awk -v n="$CALLS" 'BEGIN { print "SEQUENTIAL"; for (i = 0; i < n; i++) printf "09%08d;Caller %d\n", 10000000 + i, i }' >"$WORK/uac/callers.csv"
PUB_CALLS=$((CALLS * PUB_RATE / RATE))
awk -v n="$PUB_CALLS" 'BEGIN { print "SEQUENTIAL"; for (i = 0; i < n; i++) printf "08%08d;Agent caller %d\n", 10000000 + i, i }' \
  >"$WORK/pub/callers.csv"

RUN_JAR="$WORK/sipbench-gw.jar" # a private copy: broad pkill patterns elsewhere must not hit ours
cp "$JAR" "$RUN_JAR"
(cd "$ROOT" && exec env HOTLINE_CONF_DIR="$ROOT/conf" HOTLINE_HTTP_PORT="$GW_PORT" HOTLINE_DATA_DIR="$WORK/data" \
  HOTLINE_EMBEDDED_PORT="$PG_PORT" HOTLINE_SIP_PORT="$SIP_PORT" HOTLINE_PHONE_SIP_HOST=127.0.0.1 HOTLINE_PHONE_HEP_PORT="$HEP_PORT" \
  HOTLINE_PHONE_HEP_HOST=127.0.0.1 java ${GATEWAY_JAVA_OPTS:-} -jar "$RUN_JAR" >"$RESULTS/gateway.log" 2>&1) &
GW_PID=$!
wait_ready "http://127.0.0.1:$GW_PORT/health/ready" "$GW_PID" gateway

SIPP_COMMON=(-i 127.0.0.1 -nostdin -trace_err -error_file errors.log -trace_stat -stf stat.csv -fd 1 -timeout 600s -timeout_error)
if ((WARMUP_CALLS > 0)); then
  log "warm-up: $WARMUP_CALLS overflow calls at $((RATE / 2))/s"
  (cd "$WORK/warm" && sipp "127.0.0.1:$SIP_PORT" -sf pbx_uac_overflow.xml -inf callers.csv -p "$UAC_PORT" -r "$((RATE / 2))" \
    -m "$WARMUP_CALLS" -l 2000 "${SIPP_COMMON[@]}" >"$RESULTS/sipp-warmup.out" 2>&1) || log "warm-up sipp exit $?"
  sleep 2
fi
if ((PUB_RATE > 0 && PUB_CALLS > 0)); then
  (cd "$WORK/pub" && exec sipp "127.0.0.1:$SIP_PORT" -sf pbx_publish_dialog.xml -inf callers.csv -p "$PUB_PORT" \
    -r "$PUB_RATE" -m "$PUB_CALLS" -l 1000 "${SIPP_COMMON[@]}" >"$RESULTS/sipp-publish.out" 2>&1) &
  PUB_PID=$!
fi
log "S1: $CALLS overflow calls at $RATE/s (distinct callers), PUBLISH load: $PUB_CALLS calls (3 PUBLISH each) at $PUB_RATE/s"
set +e
(cd "$WORK/uac" && sipp "127.0.0.1:$SIP_PORT" -sf pbx_uac_overflow.xml -inf callers.csv -p "$UAC_PORT" -r "$RATE" -m "$CALLS" \
  -l 2000 -trace_rtt -rtt_freq 200 -trace_counts "${SIPP_COMMON[@]}" >"$RESULTS/sipp-overflow.out" 2>&1)
UAC_RC=$?
PUB_RC=0
[[ -n "$PUB_PID" ]] && { wait "$PUB_PID"; PUB_RC=$?; PUB_PID=""; }
set -e
cp "$WORK"/uac/*.csv "$WORK"/uac/*.log "$RESULTS/" 2>/dev/null || true
mkdir -p "$RESULTS/publish" && cp "$WORK"/pub/*.csv "$WORK"/pub/*.log "$RESULTS/publish/" 2>/dev/null || true

stat() { # file column: the column's value on the last row of a sipp stat file
  awk -F';' -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next } NF > 1 { v = $k } END { print v + 0 }' "$1"
}
stored() { "${PSQL[@]}" -c "select count(*) from phone_call where 'overflow' = any(sources) and state = 'ended' and caller like '+849%'"; }
last=-1; for ((i = 0; i < 60; i++)); do now=$(stored); [[ "$now" == "$last" ]] && break; last=$now; sleep 1; done
CALLBACKS=$("${PSQL[@]}" -c "select count(*) from inquiry i join contact c on c.id = i.contact_id
  where i.channel = 'phone' and i.status = 'callback' and c.address like '+849%'")
DIALOG=$("${PSQL[@]}" -c "select count(*) from phone_call where 'dialog' = any(sources) and state = 'ended'")
RTT=$(cat "$WORK"/uac/*_rtt.csv 2>/dev/null | awk -F';' '$1 !~ /Date/ && NF >= 2 { print $2 }' | sort -n)
N=$(printf '%s\n' "$RTT" | grep -c . || true)
pct() { printf '%s\n' "$RTT" | awk -v n="$N" -v q="$1" 'NR == int((n * q + 0.999999)) { print; exit }'; }
FAILED=$(stat "$WORK/uac/stat.csv" 'FailedCall(C)')
OK=$(stat "$WORK/uac/stat.csv" 'SuccessfulCall(C)')
RETRANS=$(stat "$WORK/uac/stat.csv" 'Retransmissions(C)')
VERDICT=PASS
[[ "$FAILED" == 0 && "$UAC_RC" == 0 && "$now" -ge "$CALLS" && "$CALLBACKS" -ge "$CALLS" ]] || VERDICT=FAIL
{
  echo "S1 overflow: $CALLS calls at $RATE/s: sipp exit $UAC_RC, successful $OK, failed $FAILED (target 0), retransmissions $RETRANS"
  echo "SIP response time INVITE -> 486 (sipp -trace_rtt, $N samples): p50 $(pct 0.50) ms, p99 $(pct 0.99) ms (target < 50 ms), max $(printf '%s\n' "$RTT" | tail -1) ms"
  echo "stored: overflow calls ended $now, callback inquiries $CALLBACKS (target = $CALLS) -> $VERDICT"
  [[ -n "$PUB_CALLS" && "$PUB_RATE" -gt 0 ]] && echo "PUBLISH in parallel: $PUB_CALLS calls ($((3 * PUB_CALLS)) PUBLISH) at $PUB_RATE/s: sipp exit $PUB_RC, failed $(stat "$WORK/pub/stat.csv" 'FailedCall(C)'), dialog call timelines stored $DIALOG"
  echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (shared)"
} | tee "$RESULTS/summary.txt"
