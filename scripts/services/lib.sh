# shellcheck shell=bash
# Shared settings and helpers for scripts/services/*.sh (sourced, not run).
#
# Everything is overridable from the environment:
#   SERVICES_DIR            data root (default: <repo>/.services, git-ignored)
#   KAFKA_PORT              broker listener, 127.0.0.1 only (9092)
#   KAFKA_CONTROLLER_PORT   KRaft controller listener (9093)
#   KAFKA_HEAP_OPTS         broker JVM heap (-Xms256m -Xmx512m)
#   KAFKA_START_TIMEOUT     seconds to wait for the broker (180)
#   CLICKHOUSE_HTTP_PORT    HTTP interface (8123)
#   CLICKHOUSE_TCP_PORT     native protocol (9000)
#   CLICKHOUSE_START_TIMEOUT seconds to wait for SELECT 1 (90)
#   STOP_TIMEOUT            seconds between SIGTERM and SIGKILL (30)

set -euo pipefail

SERVICES_SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SERVICES_SCRIPTS/../.." && pwd)"
SERVICES_DIR="${SERVICES_DIR:-$REPO_ROOT/.services}"

KAFKA_HOST=127.0.0.1
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-180}"
KAFKA_DIR="$SERVICES_DIR/kafka"
KAFKA_LIBS="$KAFKA_DIR/libs"
KAFKA_DATA="$KAFKA_DIR/data"
KAFKA_LOGS="$KAFKA_DIR/logs"
KAFKA_CONF="$KAFKA_DIR/config"
KAFKA_PIDFILE="$KAFKA_DIR/kafka.pid"
KAFKA_BROKERS_ADDR="$KAFKA_HOST:$KAFKA_PORT"

# name:partitions (replication factor is always 1 on this single node)
KAFKA_TOPICS=(
  "ops.task-events:6"
  "ops.task-events.dlq:3"
  "ops.capacity-requests:3"
)

CLICKHOUSE_HOST=127.0.0.1
CLICKHOUSE_HTTP_PORT="${CLICKHOUSE_HTTP_PORT:-8123}"
CLICKHOUSE_TCP_PORT="${CLICKHOUSE_TCP_PORT:-9000}"
CLICKHOUSE_START_TIMEOUT="${CLICKHOUSE_START_TIMEOUT:-90}"
CLICKHOUSE_DIR="$SERVICES_DIR/clickhouse"
CLICKHOUSE_CONF="$CLICKHOUSE_DIR/etc"
CLICKHOUSE_LOGS="$CLICKHOUSE_DIR/logs"
CLICKHOUSE_PIDFILE="$CLICKHOUSE_DIR/clickhouse.pid"
CLICKHOUSE_HTTP_URL="http://$CLICKHOUSE_HOST:$CLICKHOUSE_HTTP_PORT"

STOP_TIMEOUT="${STOP_TIMEOUT:-30}"

log() { printf '[services] %s\n' "$*" >&2; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

# now in ms (for timings)
now_ms() { date +%s%3N; }
# elapsed T0_MS: "12.3s" since T0_MS
elapsed() { local d=$(( $(now_ms) - $1 )); printf '%d.%ds' $((d / 1000)) $((d % 1000 / 100)); }

# port_open HOST PORT: true when something accepts TCP connections there
port_open() {
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# pid_alive PID MARKER: process exists, is not a zombie, is not a shell/grep
# helper, and its command line contains MARKER
pid_alive() {
  local pid="$1" marker="$2" comm state cmd
  [[ -n "$pid" && "$pid" =~ ^[0-9]+$ ]] || return 1
  comm="$(cat "/proc/$pid/comm" 2>/dev/null)" || return 1
  case "$comm" in bash|sh|grep|tr|timeout|setsid|sed|cat) return 1 ;; esac
  state="$(awk '/^State:/ {print $2}' "/proc/$pid/status" 2>/dev/null)" || return 1
  [[ "$state" != Z ]] || return 1
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmd" == *"$marker"* ]]
}

# read_pid FILE MARKER: prints the pid from FILE if that process is ours and alive
read_pid() {
  local file="$1" marker="$2" pid
  [[ -f "$file" ]] || return 1
  pid="$(tr -dc '0-9' <"$file")"
  if pid_alive "$pid" "$marker"; then
    printf '%s' "$pid"
    return 0
  fi
  return 1
}

# stop_pid PID NAME MARKER: SIGTERM, wait up to STOP_TIMEOUT, then SIGKILL
stop_pid() {
  local pid="$1" name="$2" marker="$3" waited=0
  log "$name: SIGTERM to pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  while pid_alive "$pid" "$marker"; do
    if (( waited >= STOP_TIMEOUT * 10 )); then
      log "$name: still running after ${STOP_TIMEOUT}s, SIGKILL to pid $pid"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  log "$name: stopped (pid $pid) after $((waited / 10)).$((waited % 10))s"
}

# tail_log NAME FILE...: print the tail of a service's log(s) to stderr
tail_log() {
  local name="$1"; shift
  local f
  for f in "$@"; do
    if [[ -s "$f" ]]; then
      printf '[services] ---- last 40 lines of %s (%s) ----\n' "$f" "$name" >&2
      tail -n 40 "$f" >&2 || true
      printf '[services] ---- end of %s ----\n' "$f" >&2
    fi
  done
}

# render TEMPLATE OUT: replace @@VAR@@ with the value of shell variable VAR
render() {
  local tmpl="$1" out="$2" content var
  content="$(cat "$tmpl")"
  for var in $(grep -o '@@[A-Z_]*@@' "$tmpl" | sort -u | tr -d '@'); do
    [[ -n "${!var+x}" ]] || die "template $tmpl uses unset variable $var"
    content="${content//@@$var@@/${!var}}"
  done
  mkdir -p "$(dirname "$out")"
  printf '%s\n' "$content" >"$out.tmp"
  mv -f "$out.tmp" "$out"
}

# find_pids MARKER: pids of running processes whose command line contains MARKER
find_pids() {
  local marker="$1" d pid
  for d in /proc/[0-9]*; do
    pid="${d#/proc/}"
    if pid_alive "$pid" "$marker"; then
      printf '%s\n' "$pid"
    fi
  done
}

# launch PIDFILE LOGFILE CMD...: start CMD detached (own session, no stdin,
# output to LOGFILE); the real pid of CMD is written to PIDFILE.
launch() {
  local pidfile="$1" logfile="$2"; shift 2
  rm -f "$pidfile"
  mkdir -p "$(dirname "$logfile")"
  # shellcheck disable=SC2016
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" >>"$logfile" 2>&1 </dev/null 9>&- &
  local i
  for i in $(seq 1 50); do
    [[ -s "$pidfile" ]] && return 0
    sleep 0.1
  done
  die "could not start: $*"
}

# lock NAME: serialize start/stop of one service across concurrent callers
# (held until the calling script exits)
lock() {
  mkdir -p "$SERVICES_DIR"
  exec 9>"$SERVICES_DIR/.$1.lock"
  if ! flock -w 600 9; then
    die "$1: timed out waiting for another services script (lock $SERVICES_DIR/.$1.lock)"
  fi
}
