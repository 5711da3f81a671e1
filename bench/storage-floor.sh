#!/usr/bin/env bash
# The cheapest durable storing of chat messages this machine can do, for comparison with
# bench/webhook-load.sh: pgbench writes, per message, the rows the gateway writes for a Facebook
# message that opens a new inquiry (a contact, an inquiry with all its indexes, a message, an
# inquiry.created event of the same size under the event-order lock), in batches of BATCH messages
# per transaction, with synchronous commit, into the gateway's own schema — and nothing else: no
# HTTP, no signature, no dedupe or threading lookups, no JSON built, no plpgsql.
#
#   bench/storage-floor.sh [batches=16,64] [seconds=10] [clients=2]
#
# Prints per batch size: messages/s and the Postgres CPU per message (all backends, sampled from
# /proc during the run; the idle gateway's feed keeps reading the log, as in a webhook run). Needs
# pgbench (postgresql-client). Run by hand, never by tests.
set -Eeuo pipefail
BATCHES=${1:-16,64}; SECS=${2:-10}; CLIENTS=${3:-2}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR="$ROOT/target/hotline-gateway.jar"
RESULTS=${RESULTS_DIR:-"$ROOT/bench/results/floor-$(date +%Y%m%d-%H%M%S)"}
mkdir -p "$RESULTS"
WORK=$(mktemp -d /tmp/hotline-floor.XXXXXX)
GW_PID=""
source "$ROOT/bench/lib.sh"
export HOTLINE_PHONE_HEP_ENABLED=false HOTLINE_PHONE_SIP_ENABLED=false
cleanup() { stop_gateway "$GW_PID"; rm -rf "$WORK"; }
trap cleanup EXIT
command -v pgbench >/dev/null || { log "pgbench not found (apt-get install postgresql-client)"; exit 1; }
[[ -f "$JAR" ]] || (cd "$ROOT" && mvn -q package -DskipTests)

GW_PORT=$(free_port); PG_PORT=$(free_port)
cp "$JAR" "$WORK/floor-gw.jar"
(cd "$ROOT" && exec env HOTLINE_CONF_DIR="$ROOT/conf" HOTLINE_HTTP_PORT="$GW_PORT" HOTLINE_DATA_DIR="$WORK/data" \
  HOTLINE_EMBEDDED_PORT="$PG_PORT" java -jar "$WORK/floor-gw.jar" >"$RESULTS/gateway.log" 2>&1) &
GW_PID=$!
wait_ready "http://127.0.0.1:$GW_PORT/health/ready" "$GW_PID" gateway

# sizes as stored by a webhook run: a 50-character Vietnamese text, the provider item as received
# (~300 B), an inquiry.created payload of ~900 B
TEXT='Xin chào, tôi muốn hỏi về thủ tục cấp lại căn cước công dân bị mất ạ'
RAW='{"sender":{"id":"9000000000012345"},"recipient":{"id":"111111111111111"},"timestamp":1764435600000,"message":{"mid":"m_abcdefghijklmnopqrstuvwxyz0123456789","text":"'"$TEXT"'"}}'
PAYLOAD='{"inquiry":{"id":123456,"trackingCode":"1022-ABCD-EFGH","channel":"facebook","status":"new","topic":"civil_registry","priority":"normal","department":"tu-phap","assignee":null,"subject":null,"district":null,"dueAt":"2026-12-01T17:00:00+00:00","createdAt":"2026-11-29T17:00:00.123456+00:00","updatedAt":"2026-11-29T17:00:00.123456+00:00","lastMessageAt":"2026-11-29T17:00:00+00:00","firstResponseAt":null,"closedAt":null,"messageCount":1,"version":1,"contact":{"address":"9000000000012345","name":null,"phone":null,"email":null}},"message":{"id":222,"inquiryId":123456,"trackingCode":"1022-ABCD-EFGH","channel":"facebook","externalId":"m_abcdefghijklmnopqrstuvwxyz0123456789","direction":"in","author":null,"subject":null,"text":"'"$TEXT"'","attachments":[],"receivedAt":"2026-11-29T17:00:00+00:00"}}'

pg_ticks() { # CPU ticks of every backend of the embedded server
  local pm; pm=$(postmaster_pid)
  for p in $(pgrep -P "$pm"); do awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null; done | awk '{s += $1} END {print s + 0}'
}

for batch in ${BATCHES//,/ }; do
  cat >"$WORK/floor.sql" <<SQL
\set b random(1, 2000000000)
begin;
with items as (select g, 'fl' || :b || '-' || g as ext, 'ps' || :b || '-' || g as psid, nextval('inquiry_id_seq') as iid
               from generate_series(1, $batch) g),
c as (insert into contact (channel, address) select 'facebook', psid from items on conflict do nothing returning id, address),
m as (insert into message (inquiry_id, channel, external_id, direction, body, raw, received_at)
      select iid, 'facebook', ext, 'in', '$TEXT', '$RAW', now() from items on conflict do nothing returning inquiry_id)
insert into inquiry (id, tracking_code, channel, contact_id, topic, priority, department, due_at, created_at, updated_at, last_message_at, message_count)
select items.iid, 'F' || items.iid, 'facebook', c.id, 'other', 'normal', 'tiep-nhan', now() + interval '2 days', now(), now(), now(), 1
from items join c on c.address = items.psid;
select pg_advisory_xact_lock(1022);
insert into event (seq, type, inquiry_id, department, payload)
select nextval('event_seq'), 'inquiry.created', g, 'tiep-nhan', '$PAYLOAD'::jsonb from generate_series(1, $batch) g;
commit;
SQL
  pgbench -h 127.0.0.1 -p "$PG_PORT" -U postgres -n -f "$WORK/floor.sql" -c "$CLIENTS" -j 1 -T "$((SECS + 2))" postgres \
    >"$RESULTS/pgbench-$batch.txt" 2>&1 &
  PB=$!
  sleep 1   # pgbench's backends exist from here on; they exit with it, so CPU is sampled inside the run
  t0=$(pg_ticks); s0=$(date +%s.%N)
  sleep "$SECS"
  t1=$(pg_ticks); s1=$(date +%s.%N)
  wait "$PB"
  tps=$(awk '/^tps/ {print $3}' "$RESULTS/pgbench-$batch.txt")
  awk -v b="$batch" -v tps="$tps" -v c="$CLIENTS" -v t0="$t0" -v t1="$t1" -v s0="$s0" -v s1="$s1" -v hz="$(getconf CLK_TCK)" 'BEGIN {
    rate = tps * b; cpu = (t1 - t0) / hz / (s1 - s0)
    printf "batch %3d, %d clients: %.0f messages/s, Postgres at %.0f%% of a core, %.0f us of Postgres CPU per message\n", b, c, rate, 100 * cpu, 1e6 * cpu / rate
  }' | tee -a "$RESULTS/summary.txt"
done
