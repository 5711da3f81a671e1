#!/usr/bin/env bash
# Web-channel load benchmark of the intake gateway against a trivial Vert.x endpoint.
#
#   bench/web-load.sh [seconds=30] [connections=64]      connections may be a list: 32,64,128
#
# Environment: REPS=3 (repetitions), WARMUP=5 (seconds of warm-up before each measured run),
# THREADS=2 (wrk threads), TIMEOUT=10 (wrk request timeout, s), JFR=1 (record a JFR profile of the
# gateway over the whole invocation and print its hottest frames), GATEWAY_JAVA_OPTS (extra JVM
# options for the gateway), RESULTS_DIR (where logs and the summary go; default bench/results/<ts>).
# See bench/README.md. Benchmarks are run by hand, never by the test suite.
set -Eeuo pipefail

SECS=${1:-30}
CONNS=${2:-64}
REPS=${REPS:-3}
WARMUP=${WARMUP:-5}
THREADS=${THREADS:-2}
TIMEOUT=${TIMEOUT:-10}
JFR=${JFR:-0}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR="$ROOT/target/hotline-gateway.jar"
LUA="$ROOT/bench/web-inquiry.lua"
RESULTS=${RESULTS_DIR:-"$ROOT/bench/results/$(date +%Y%m%d-%H%M%S)"}
mkdir -p "$RESULTS"
WORK=$(mktemp -d /tmp/hotline-bench.XXXXXX)
GW_PID="" TR_PID="" SAMPLER_PID="" WRK_PID=""

source "$ROOT/bench/lib.sh"
# no HEP listener: this bench does not use it, and two runs at once would collide on port 9060
export HOTLINE_PHONE_HEP_ENABLED=${HOTLINE_PHONE_HEP_ENABLED:-false}
export HOTLINE_PHONE_SIP_ENABLED=${HOTLINE_PHONE_SIP_ENABLED:-false}   # nor the SIP listener (5060)

# ---------------------------------------------------------------- cleanup: everything we started, by PID
cleanup() {
  local rc=$?
  trap - EXIT INT TERM ERR
  [[ -n "$WRK_PID" ]] && kill -TERM "$WRK_PID" 2>/dev/null || true
  [[ -n "$SAMPLER_PID" ]] && kill -TERM "$SAMPLER_PID" 2>/dev/null || true
  stop_pid "$TR_PID" TERM 10
  stop_gateway "$GW_PID"
  rm -rf "$WORK"
  log "stopped everything; logs in $RESULTS"
  exit "$rc"
}
trap cleanup EXIT
trap 'log "error (status $?) at line $LINENO: $BASH_COMMAND"' ERR
trap 'log interrupted; exit 130' INT TERM

# ---------------------------------------------------------------- tools
need_apt() { # command package
  command -v "$1" >/dev/null && return 0
  log "installing $2 (apt-get)"
  apt-get install -y "$2" >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y "$2" >/dev/null; }
}
need_apt wrk wrk
need_apt psql postgresql-client
need_apt curl curl
if [[ ! -f "$JAR" ]]; then
  log "building $JAR"
  (cd "$ROOT" && mvn -q package -DskipTests)
fi

GW_PORT=$(free_port); PG_PORT=$(free_port); TR_PORT=$(free_port)
while [[ $PG_PORT == "$GW_PORT" ]]; do PG_PORT=$(free_port); done
while [[ $TR_PORT == "$GW_PORT" || $TR_PORT == "$PG_PORT" ]]; do TR_PORT=$(free_port); done
PSQL=(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -X -At -v ON_ERROR_STOP=1)

# ---------------------------------------------------------------- start the gateway and the baseline
# Run from a private copy of the jar: other sessions on this machine stop their gateways with
# patterns like `pkill -f hotline-gateway.jar`, which would also hit ours (it happened, twice).
RUN_JAR="$WORK/bench-gw.jar"
cp "$JAR" "$RUN_JAR"
GW_OPTS=(${GATEWAY_JAVA_OPTS:-})
if [[ "$JFR" == 1 ]]; then
  GW_OPTS+=("-XX:StartFlightRecording=filename=$RESULTS/gateway.jfr,settings=profile,dumponexit=true")
fi
log "starting gateway on :$GW_PORT (embedded Postgres :$PG_PORT, data $WORK/data, rate limit off)"
(cd "$ROOT" && exec env HOTLINE_CONF_DIR="$ROOT/conf" HOTLINE_HTTP_PORT="$GW_PORT" HOTLINE_DATA_DIR="$WORK/data" \
  HOTLINE_WEB_RATE_LIMIT=0 HOTLINE_EMBEDDED_PORT="$PG_PORT" java "${GW_OPTS[@]}" -jar "$RUN_JAR" >"$RESULTS/gateway.log" 2>&1) &
GW_PID=$!
log "starting trivial Vert.x endpoint on :$TR_PORT (2 event loops)"
(cd "$ROOT" && exec java -cp "$RUN_JAR" bench/TrivialServer.java "$TR_PORT" 2 >"$RESULTS/trivial.log" 2>&1) &
TR_PID=$!

wait_ready "http://127.0.0.1:$GW_PORT/health/ready" "$GW_PID" gateway
wait_ready "http://127.0.0.1:$TR_PORT/" "$TR_PID" trivial
log "both ready (gateway pid $GW_PID, trivial pid $TR_PID)"

# ---------------------------------------------------------------- helpers
alive() { # pid name: the machine is shared; stop with a clear message if something else killed ours
  kill -0 "$1" 2>/dev/null && return 0
  log "$2 (pid $1) is gone: see $RESULTS/$2.log (a SIGTERM from outside shows as a graceful stop)"; exit 1
}
metric() { # file name -> value (0 if absent)
  awk -v n="$2" '$1 == n { print $2; f = 1 } END { if (!f) print 0 }' "$1"
}
rkey() { # file key -> value of "RESULT key value" (0 if absent)
  awk -v k="$2" '$1 == "RESULT" && $2 == k { print $3; f = 1 } END { if (!f) print 0 }' "$1"
}
non2xx() { # file -> "503:12 400:1" or "-"
  awk '$1 == "RESULT" && $2 ~ /^status_/ { s = substr($2, 8); if (s !~ /^2/) { printf "%s%s:%s", sep, s, $3; sep = " " } } END { if (!sep) printf "-" }' "$1"
}
web_rows() { "${PSQL[@]}" -c "select count(*) from message m join inquiry i on i.id = m.inquiry_id where i.channel = 'web' and m.external_id like '$1-%'"; }
settled_rows() { # prefix: wait until the count stops moving (in-flight commits landed)
  local last=-1 now
  for ((i = 0; i < 30; i++)); do
    now=$(web_rows "$1"); [[ "$now" == "$last" ]] && { echo "$now"; return; }
    last=$now; sleep 1
  done
  echo "$now"
}
sample_memory() { # out-file: max gateway RSS and max Postgres PSS (MB), every second
  local max_gw=0 max_pg=0 gw pg pm
  trap - ERR
  set +e  # a sample that fails (a Postgres backend exiting while it is read) must not end the sampler
  while :; do
    gw=$(awk '/^VmRSS/ { print int($2 / 1024) }' "/proc/$GW_PID/status" 2>/dev/null || echo 0)
    pm=$(postmaster_pid); pg=0
    if [[ -n "$pm" ]]; then
      pg=$(for p in "$pm" $(pgrep -P "$pm"); do awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null; done | awk '{ s += $1 } END { print int(s / 1024) }')
    fi
    [[ $gw =~ ^[0-9]+$ ]] && ((gw > max_gw)) && max_gw=$gw
    [[ $pg =~ ^[0-9]+$ ]] && ((pg > max_pg)) && max_pg=$pg
    echo "$max_gw $max_pg" >"$1"
    sleep 1
  done
}
cpu_split() { # out-file: one top frame mid-run, %CPU summed per process group
  top -b -n 2 -d 3 -w 200 >"$1.top" 2>/dev/null || return 0
  awk -v gw="$GW_PID" -v tr="$TR_PID" '
    /^top -/ { frame++ } frame == 2 && $1 ~ /^[0-9]+$/ {
      c = $9; g = ($1 == gw ? "gateway-java" : $1 == tr ? "trivial-java" : $12 == "postgres" ? "postgres" : $12 == "wrk" ? "wrk" : "other")
      s[g] += c }
    END { for (g in s) printf "%s=%.0f%% ", g, s[g]; print "" }' "$1.top" >"$1"
}

ROWS_FILE="$RESULTS/runs.tsv"
printf 'conns\trep\ttarget\trps_2xx\tp50_ms\tp99_ms\tp999_ms\tlat_scope\tnon2xx\tacked_201\tdb_rows\tunanswered\tdurable\tbatch_mean\tcommit_ms\tgw_rss_mb\tpg_pss_mb\tcpu\n' >"$ROWS_FILE"
TOTAL_201=0

run_one() { # target url conns rep
  local target=$1 url=$2 conns=$3 rep=$4 tag="${1:0:1}c$3r$4"
  local out="$RESULTS/$target-c$conns-r$rep"
  alive "$GW_PID" gateway; alive "$TR_PID" trivial
  log "$target c=$conns rep $rep: warm-up ${WARMUP}s"
  wrk -t"$THREADS" -c"$conns" -d"${WARMUP}s" --timeout "${TIMEOUT}s" -s "$LUA" "$url" -- "w$tag" >"$out.warmup.txt" 2>&1 || true
  alive "$GW_PID" gateway; alive "$TR_PID" trivial
  TOTAL_201=$((TOTAL_201 + $(rkey "$out.warmup.txt" status_201)))
  sleep 1
  [[ $target == gateway ]] && curl -s "http://127.0.0.1:$GW_PORT/metrics" >"$out.metrics-before.txt"
  sample_memory "$out.mem" & SAMPLER_PID=$!
  (sleep $((SECS / 2)); cpu_split "$out.cpu") &
  local cpu_pid=$!
  log "$target c=$conns rep $rep: measuring ${SECS}s"
  wrk -t"$THREADS" -c"$conns" -d"${SECS}s" --timeout "${TIMEOUT}s" --latency -s "$LUA" "$url" -- "m$tag" >"$out.txt" 2>&1 &
  WRK_PID=$!; wait "$WRK_PID" || log "wrk exited with status $?"; WRK_PID=""
  alive "$GW_PID" gateway; alive "$TR_PID" trivial
  wait "$cpu_pid" 2>/dev/null || true
  kill "$SAMPLER_PID" 2>/dev/null || log "memory sampler had stopped early (figures are up to then)"
  wait "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=""

  local dur ok s201 rps p50 p99 p999 nn scope sent resp unans rows="-" durable="-" bmean="-" cms="-" rss="-" pss="-"
  dur=$(rkey "$out.txt" duration_us)
  ok=$(awk '$1 == "RESULT" && $2 ~ /^status_2/ { s += $3 } END { print s + 0 }' "$out.txt")
  s201=$(rkey "$out.txt" status_201)
  rps=$(awk -v n="$ok" -v d="$dur" 'BEGIN { printf "%.0f", (d > 0 ? n / (d / 1e6) : 0) }')
  p50=$(awk -v v="$(rkey "$out.txt" lat_p50_us)" 'BEGIN { printf "%.2f", v / 1000 }')
  p99=$(awk -v v="$(rkey "$out.txt" lat_p99_us)" 'BEGIN { printf "%.2f", v / 1000 }')
  p999=$(awk -v v="$(rkey "$out.txt" lat_p99.9_us)" 'BEGIN { printf "%.2f", v / 1000 }')
  nn=$(non2xx "$out.txt")
  scope=$([[ $nn == - ]] && echo 2xx-only || echo all-responses)
  sent=$(rkey "$out.txt" sent); resp=$(rkey "$out.txt" responses); unans=$((sent - resp))
  local errs; errs=$(( $(rkey "$out.txt" errors_read) + $(rkey "$out.txt" errors_write) + $(rkey "$out.txt" errors_connect) + $(rkey "$out.txt" errors_timeout) ))
  ((errs > 0)) && nn="$nn socket-errors:$errs"
  TOTAL_201=$((TOTAL_201 + s201))
  if [[ $target == gateway ]]; then
    rows=$(settled_rows "m$tag")
    # every 201 must be a row; extra rows can only be requests still in flight when wrk stopped
    if ((rows == s201)); then durable=PASS
    elif ((rows > s201 && rows - s201 <= unans)); then durable="PASS(+$((rows - s201))-inflight)"
    else durable=FAIL; fi
    curl -s "http://127.0.0.1:$GW_PORT/metrics" >"$out.metrics-after.txt"
    local bc bs cc cs
    bc=$(( $(metric "$out.metrics-after.txt" hotline_writer_batch_size_count) - $(metric "$out.metrics-before.txt" hotline_writer_batch_size_count) ))
    bs=$(awk -v a="$(metric "$out.metrics-after.txt" hotline_writer_batch_size_sum)" -v b="$(metric "$out.metrics-before.txt" hotline_writer_batch_size_sum)" 'BEGIN { print a - b }')
    cc=$(( $(metric "$out.metrics-after.txt" hotline_writer_commit_time_seconds_count) - $(metric "$out.metrics-before.txt" hotline_writer_commit_time_seconds_count) ))
    cs=$(awk -v a="$(metric "$out.metrics-after.txt" hotline_writer_commit_time_seconds_sum)" -v b="$(metric "$out.metrics-before.txt" hotline_writer_commit_time_seconds_sum)" 'BEGIN { print a - b }')
    bmean=$(awk -v s="$bs" -v c="$bc" 'BEGIN { printf "%.1f", (c > 0 ? s / c : 0) }')
    cms=$(awk -v s="$cs" -v c="$cc" 'BEGIN { printf "%.2f", (c > 0 ? s / c * 1000 : 0) }')
    read -r rss pss <"$out.mem" || true
  else
    read -r rss pss <"$out.mem" || true
    rss=$(awk '/^VmHWM/ { print int($2 / 1024) }' "/proc/$TR_PID/status" 2>/dev/null || echo -); pss="-"
  fi
  local cpu; cpu=$(tr ' ' ',' <"$out.cpu" 2>/dev/null | sed 's/,$//' || echo -)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$conns" "$rep" "$target" "$rps" "$p50" "$p99" "$p999" \
    "$scope" "$nn" "$s201" "$rows" "$unans" "$durable" "$bmean" "$cms" "$rss" "$pss" "${cpu:--}" >>"$ROWS_FILE"
  log "$target c=$conns rep $rep: ${rps} 2xx/s p50 ${p50} ms p99 ${p99} ms non-2xx ${nn} durable ${durable}"
}

IFS=, read -r -a CONN_LIST <<<"$CONNS"
for conns in "${CONN_LIST[@]}"; do
  for ((rep = 1; rep <= REPS; rep++)); do
    run_one trivial "http://127.0.0.1:$TR_PORT" "$conns" "$rep"
    sleep 2
    run_one gateway "http://127.0.0.1:$GW_PORT" "$conns" "$rep"
    sleep 2
  done
done

# ---------------------------------------------------------------- report
TOTAL_ROWS=$("${PSQL[@]}" -c "select count(*) from inquiry where channel = 'web'")
{
  echo
  echo "== per run (${SECS}s measured after ${WARMUP}s warm-up, wrk -t$THREADS; latency = wrk, 2xx-only unless lat_scope says otherwise)"
  column -t -s $'\t' "$ROWS_FILE"
  echo
  echo "== medians over $REPS runs"
  awk -F'\t' '
    function median(key,   n, i, j, t, a) {
      n = split(vals[key], a, " ")
      for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    function add(key, v) { vals[key] = (key in vals ? vals[key] " " : "") v }
    NR > 1 {
      c = $1; r = $2; conns[c] = 1
      add(c SUBSEP $3 SUBSEP "rps", $4); add(c SUBSEP $3 SUBSEP "p50", $5); add(c SUBSEP $3 SUBSEP "p99", $6)
      val[c, r, $3, "rps"] = $4; val[c, r, $3, "p50"] = $5; val[c, r, $3, "p99"] = $6
      if ($3 == "gateway") { add(c SUBSEP "rss", $16); add(c SUBSEP "pss", $17); add(c SUBSEP "batch", $14); add(c SUBSEP "commit", $15)
        if ($13 !~ /^PASS/) fail[c]++; runs[c]++; if ($9 != "-") bad[c] = bad[c] " r" r ":" $9 }
      reps[c] = r
    }
    END {
      printf "%-6s %10s %9s %9s %10s %9s %9s %9s %9s %9s %7s %9s %8s %8s %s\n", "conns", "gw 2xx/s", "gw p50", "gw p99", "triv 2xx/s", "triv p50", "triv p99", "thr ratio", "p50 ratio", "p99 ratio", "batch", "commit ms", "gw RSS", "pg PSS", "durable"
      nc = 0; for (c in conns) keys[++nc] = c + 0
      for (i = 2; i <= nc; i++) { t = keys[i]; for (j = i - 1; j >= 1 && keys[j] > t; j--) keys[j + 1] = keys[j]; keys[j + 1] = t }
      for (k = 1; k <= nc; k++) { c = keys[k] ""
        for (r = 1; r <= reps[c]; r++) {
          if (val[c, r, "trivial", "rps"] > 0) add(c SUBSEP "thr", val[c, r, "gateway", "rps"] / val[c, r, "trivial", "rps"])
          if (val[c, r, "trivial", "p50"] > 0) add(c SUBSEP "l50", val[c, r, "gateway", "p50"] / val[c, r, "trivial", "p50"])
          if (val[c, r, "trivial", "p99"] > 0) add(c SUBSEP "l99", val[c, r, "gateway", "p99"] / val[c, r, "trivial", "p99"])
        }
        printf "%-6s %10.0f %7.2fms %7.2fms %10.0f %7.2fms %7.2fms %9.3f %8.1fx %8.1fx %7.1f %9.2f %6dMB %6dMB %s\n", c,
          median(c SUBSEP "gateway" SUBSEP "rps"), median(c SUBSEP "gateway" SUBSEP "p50"), median(c SUBSEP "gateway" SUBSEP "p99"),
          median(c SUBSEP "trivial" SUBSEP "rps"), median(c SUBSEP "trivial" SUBSEP "p50"), median(c SUBSEP "trivial" SUBSEP "p99"),
          median(c SUBSEP "thr"), median(c SUBSEP "l50"), median(c SUBSEP "l99"), median(c SUBSEP "batch"), median(c SUBSEP "commit"),
          median(c SUBSEP "rss"), median(c SUBSEP "pss"), (fail[c] ? "FAIL (" fail[c] "/" runs[c] " runs)" : "PASS (" runs[c] "/" runs[c] " runs)")
        if (bad[c] != "") printf "       non-2xx (gateway):%s\n", bad[c]
      }
      print "ratios are per-repetition gateway/trivial, then the median; latency ratio > 1 = gateway slower"
    }' "$ROWS_FILE"
  echo
  echo "== durability over the whole invocation (warm-ups included)"
} | tee "$RESULTS/summary.txt"
GW_201=$(cat "$RESULTS"/gateway-*.txt 2>/dev/null | awk '$1 == "RESULT" && $2 == "status_201" { s += $3 } END { print s + 0 }')
GW_UNANS=$(cat "$RESULTS"/gateway-*.txt 2>/dev/null | awk '$1 == "RESULT" && $2 == "sent" { s += $3 } $1 == "RESULT" && $2 == "responses" { s -= $3 } END { print s + 0 }')
if ((TOTAL_ROWS == GW_201)); then verdict=PASS
elif ((TOTAL_ROWS > GW_201 && TOTAL_ROWS - GW_201 <= GW_UNANS)); then verdict="PASS (the $((TOTAL_ROWS - GW_201)) extra rows are requests cut off in flight when wrk stopped, <= $GW_UNANS unanswered)"
else verdict=FAIL; fi
echo "gateway: 201 responses counted by the client = $GW_201, web inquiry rows in Postgres = $TOTAL_ROWS -> $verdict" | tee -a "$RESULTS/summary.txt"

if [[ "$JFR" == 1 ]]; then
  log "stopping the gateway to dump the JFR recording"
  stop_pid "$GW_PID" TERM 40; GW_PID=""
  JFRTOOL="$(dirname "$(readlink -f "$(command -v java)")")/jfr"
  if [[ -f "$RESULTS/gateway.jfr" ]]; then
    "$JFRTOOL" print --stack-depth 64 --events jdk.ExecutionSample "$RESULTS/gateway.jfr" >"$RESULTS/samples.txt"
    {
      echo; echo "== JFR: top-of-stack frames (gateway JVM, all runs)"
      awk '/stackTrace = \[/ { getline; sub(/^[ \t]+/, ""); sub(/line:.*/, ""); print }' "$RESULTS/samples.txt" | sort | uniq -c | sort -rn | head -25
      echo; echo "== JFR: samples whose stack contains ... (inclusive)"
      awk -v RS='jdk.ExecutionSample' 'NR > 1 { n++
          if (/WebFormParser/) a["web form parsing (WebFormParser)"]++
          if (/io\.vertx\.core\.json|jackson/) a["JSON (Vert.x JsonObject/Jackson)"]++
          if (/gateway\.intake\.Triage|Classifier|classif/) a["triage/classifier"]++
          if (/SubmissionEncoder/) a["SubmissionEncoder (batch jsonb)"]++
          if (/io\.vertx\.pgclient|io\.vertx\.sqlclient/) a["Postgres client"]++
          if (/io\.vertx\.core\.http|io\.netty\.handler\.codec\.http/) a["HTTP (Vert.x/Netty codec)"]++
          if (/io\.vertx\.ext\.web/) a["Vert.x Web router/BodyHandler"]++
          if (/micrometer/) a["metrics (Micrometer)"]++
          if (/Normalizer|ContactNormalizer/) a["text normalization"]++
          if (/sun\.nio\.ch|epoll|Epoll/) a["socket I/O"]++
        } END { for (k in a) printf "%6d  %5.1f%%  %s\n", a[k], 100 * a[k] / n, k; printf "%6d  total samples\n", n }' "$RESULTS/samples.txt" | sort -rn
    } | tee -a "$RESULTS/summary.txt"
  fi
fi
