#!/usr/bin/env bash
# npm run services:up — start local Kafka (KRaft) and ClickHouse on 127.0.0.1,
# installing what is missing (Debian packages, Maven jars), idempotently; waits
# until both answer, creates the topics, and ends by printing the two lines to use:
#   KAFKA_BROKERS=127.0.0.1:9092
#   CLICKHOUSE_URL=http://127.0.0.1:8123
# (also written to .services/env). Progress goes to stderr.
# Options: --kafka-only, --clickhouse-only
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

want_kafka=1 want_ch=1
for a in "$@"; do
  case "$a" in
    --kafka-only) want_ch=0 ;;
    --clickhouse-only) want_kafka=0 ;;
    *) die "unknown option $a (use --kafka-only or --clickhouse-only)" ;;
  esac
done

t0="$(now_ms)"
mkdir -p "$SERVICES_DIR"
# a missing Java/Maven is installed with apt first, so that the two apt users
# below never run at the same time
if (( want_kafka )) && { ! command -v java >/dev/null || ! command -v mvn >/dev/null; }; then
  bash "$SERVICES_SCRIPTS/kafka.sh" install
fi

# both engines come up in parallel (2 cores: apt/ClickHouse is mostly I/O, Kafka mostly CPU)
ch_pid="" kafka_rc=0 ch_rc=0
if (( want_ch )); then
  bash "$SERVICES_SCRIPTS/clickhouse.sh" up &
  ch_pid=$!
fi
if (( want_kafka )); then
  bash "$SERVICES_SCRIPTS/kafka.sh" up || kafka_rc=$?
fi
if [[ -n "$ch_pid" ]]; then
  wait "$ch_pid" || ch_rc=$?
fi
(( kafka_rc == 0 )) || log "kafka failed to start (exit $kafka_rc)"
(( ch_rc == 0 )) || log "clickhouse failed to start (exit $ch_rc)"
(( kafka_rc == 0 && ch_rc == 0 )) || exit 1

{
  (( want_kafka )) && echo "KAFKA_BROKERS=$KAFKA_BROKERS_ADDR"
  (( want_ch )) && echo "CLICKHOUSE_URL=$CLICKHOUSE_HTTP_URL"
} >"$SERVICES_DIR/env.tmp"
mv -f "$SERVICES_DIR/env.tmp" "$SERVICES_DIR/env"
log "services up in $(elapsed "$t0") (stop: npm run services:down; wipe data: npm run services:down -- --wipe)"
cat "$SERVICES_DIR/env"
