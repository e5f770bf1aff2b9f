#!/usr/bin/env bash
# npm run services:down — stop local Kafka and ClickHouse (SIGTERM, wait, SIGKILL).
# Data in .services/ is kept, unless --wipe is given (npm run services:down -- --wipe),
# which deletes it (the downloaded Kafka jars are kept).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

wipe=0
for a in "$@"; do
  case "$a" in
    --wipe|wipe) wipe=1 ;;
    *) die "unknown option $a (use --wipe)" ;;
  esac
done

t0="$(now_ms)"
bash "$SERVICES_SCRIPTS/clickhouse.sh" stop &
ch_pid=$!
bash "$SERVICES_SCRIPTS/kafka.sh" stop
wait "$ch_pid"
if (( wipe )); then
  bash "$SERVICES_SCRIPTS/kafka.sh" wipe
  bash "$SERVICES_SCRIPTS/clickhouse.sh" wipe
  rm -f "$SERVICES_DIR/env" "$SERVICES_DIR/apt.log"
fi
log "services down in $(elapsed "$t0")$( (( wipe )) && echo ', data wiped' || echo ', data kept in '"$SERVICES_DIR")"
