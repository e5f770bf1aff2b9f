#!/usr/bin/env bash
# Print the state of the local engines; exit 0 only when both run.
set -uo pipefail
dir="$(dirname "${BASH_SOURCE[0]}")"
rc=0
bash "$dir/kafka.sh" status || rc=1
bash "$dir/clickhouse.sh" status || rc=1
exit "$rc"
