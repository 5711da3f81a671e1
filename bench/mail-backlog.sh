#!/usr/bin/env bash
# Mail intake backlog: a real Dovecot (started by the test, temporary, random port) holding N
# messages, the whole gateway (embedded Postgres) reading it from UID 1. Prints messages/s and
# checks stored = messages in the mailbox. Usage: bench/mail-backlog.sh [N=10000] [dovecot|greenmail]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
SERVER=${2:-dovecot}
mvn -o -q -B verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dit.test=MailBacklogBenchIT -Dmail.bench.messages="$N" -Dmail.bench.server="$SERVER" 2>&1 | grep 'MAIL BENCH' || true
grep -h -A3 '<failure' target/failsafe-reports/TEST-*MailBacklogBenchIT.xml 2>/dev/null && exit 1
exit 0
