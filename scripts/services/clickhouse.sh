#!/usr/bin/env bash
# Local ClickHouse (Debian bookworm's clickhouse-server 18.16) on 127.0.0.1,
# run with the project's own config, ports and data folder (.services/clickhouse/),
# not as the system service.
#
# usage: scripts/services/clickhouse.sh <command>
#   up       install the Debian package if missing, start if not running,
#            wait until it answers SELECT 1 over HTTP (idempotent)
#   start    same as up
#   stop     SIGTERM, wait (STOP_TIMEOUT s), then SIGKILL; data is kept
#   kill     SIGKILL at once (crash test); data is kept
#   restart  stop + up
#   status   print pid and state; exit 0 when running, 3 when not
#   pid      print the pid (exit 3 when not running)
#   query SQL  run SQL over HTTP and print the result
#   client ARGS...  clickhouse-client against this server
#   install  only install the Debian packages
#   wipe     stop and delete .services/clickhouse
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CLICKHOUSE_MARKER="--config-file=$CLICKHOUSE_CONF/config.xml"

clickhouse_bin() {
  if command -v clickhouse-server >/dev/null 2>&1; then
    command -v clickhouse-server
  elif command -v clickhouse >/dev/null 2>&1; then
    command -v clickhouse
  else
    return 1
  fi
}

clickhouse_install() {
  if clickhouse_bin >/dev/null && command -v clickhouse-client >/dev/null 2>&1 && command -v curl >/dev/null 2>&1; then
    return 0
  fi
  [[ "$(id -u)" == 0 ]] || die "clickhouse: clickhouse-server is not installed and this is not root: apt-get install clickhouse-server clickhouse-client"
  local t0; t0="$(now_ms)"
  log "clickhouse: installing Debian packages clickhouse-server clickhouse-client"
  # keep the package's post-install from starting the system service (it would
  # take ports 8123/9000): a policy-rc.d that denies service starts, only while
  # we install and only if the machine has none of its own
  local policy=/usr/sbin/policy-rc.d ours=0
  if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; ours=1
  fi
  local rc=0
  {
    apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends \
      clickhouse-server clickhouse-client curl
  } >"$SERVICES_DIR/apt.log" 2>&1 || rc=$?
  (( ours )) && rm -f "$policy"
  if (( rc != 0 )); then
    tail -n 30 "$SERVICES_DIR/apt.log" >&2
    die "clickhouse: apt-get install failed (see $SERVICES_DIR/apt.log)"
  fi
  clickhouse_bin >/dev/null || die "clickhouse: installed, but no clickhouse-server binary found"
  log "clickhouse: installed $(dpkg-query -W -f='${Version}' clickhouse-server) in $(elapsed "$t0")"
}

clickhouse_configure() {
  mkdir -p "$CLICKHOUSE_CONF" "$CLICKHOUSE_LOGS" "$CLICKHOUSE_DIR/data" "$CLICKHOUSE_DIR/tmp" \
    "$CLICKHOUSE_DIR/user_files" "$CLICKHOUSE_DIR/format_schemas"
  render "$SERVICES_SCRIPTS/templates/clickhouse-config.xml" "$CLICKHOUSE_CONF/config.xml"
  render "$SERVICES_SCRIPTS/templates/clickhouse-users.xml" "$CLICKHOUSE_CONF/users.xml"
}

clickhouse_pid() {
  local pid
  if pid="$(read_pid "$CLICKHOUSE_PIDFILE" "$CLICKHOUSE_MARKER")"; then
    printf '%s' "$pid"; return 0
  fi
  pid="$(find_pids "$CLICKHOUSE_MARKER" | head -n 1)"
  if [[ -n "$pid" ]]; then
    printf '%s\n' "$pid" >"$CLICKHOUSE_PIDFILE"
    printf '%s' "$pid"; return 0
  fi
  return 1
}

clickhouse_answers() {
  [[ "$(curl -sS --max-time 3 "$CLICKHOUSE_HTTP_URL/?query=SELECT%201" 2>/dev/null)" == 1 ]]
}

clickhouse_fail() {
  tail_log clickhouse "$CLICKHOUSE_LOGS/stdout.log" "$CLICKHOUSE_LOGS/clickhouse-server.err.log" \
    "$CLICKHOUSE_LOGS/clickhouse-server.log"
  die "$1"
}

clickhouse_wait() {
  local deadline=$(( $(date +%s) + CLICKHOUSE_START_TIMEOUT )) pid
  until clickhouse_answers; do
    pid="$(clickhouse_pid)" || clickhouse_fail "clickhouse: the server exited during start-up"
    (( $(date +%s) < deadline )) \
      || clickhouse_fail "clickhouse: no answer to SELECT 1 on $CLICKHOUSE_HTTP_URL after ${CLICKHOUSE_START_TIMEOUT}s (pid $pid)"
    sleep 0.2
  done
}

clickhouse_up() {
  local t0 pid bin; t0="$(now_ms)"
  mkdir -p "$SERVICES_DIR"
  clickhouse_install
  if pid="$(clickhouse_pid)"; then
    log "clickhouse: already running (pid $pid)"
  else
    clickhouse_configure
    local p
    for p in "$CLICKHOUSE_HTTP_PORT" "$CLICKHOUSE_TCP_PORT"; do
      port_open "$CLICKHOUSE_HOST" "$p" && die "clickhouse: port $CLICKHOUSE_HOST:$p is used by another process (not ours; the system clickhouse-server service?); stop it or set CLICKHOUSE_HTTP_PORT / CLICKHOUSE_TCP_PORT"
    done
    bin="$(clickhouse_bin)"
    local args=("$CLICKHOUSE_MARKER")
    [[ "$(basename "$bin")" == clickhouse ]] && args=(server "${args[@]}")
    log "clickhouse: starting $bin (log $CLICKHOUSE_LOGS/clickhouse-server.log)"
    # run from the data folder so nothing lands in the caller's directory
    (cd "$CLICKHOUSE_DIR" && launch "$CLICKHOUSE_PIDFILE" "$CLICKHOUSE_LOGS/stdout.log" "$bin" "${args[@]}")
  fi
  clickhouse_wait
  log "clickhouse: ready on $CLICKHOUSE_HTTP_URL, native 127.0.0.1:$CLICKHOUSE_TCP_PORT (pid $(clickhouse_pid)) in $(elapsed "$t0")"
}

clickhouse_stop() {
  local pid
  if pid="$(clickhouse_pid)"; then
    stop_pid "$pid" clickhouse "$CLICKHOUSE_MARKER"
  else
    log "clickhouse: not running"
  fi
  rm -f "$CLICKHOUSE_PIDFILE"
}

clickhouse_kill() {
  local pid
  if pid="$(clickhouse_pid)"; then
    log "clickhouse: SIGKILL to pid $pid"
    kill -KILL "$pid" 2>/dev/null || true
    local i; for i in $(seq 1 50); do pid_alive "$pid" "$CLICKHOUSE_MARKER" || break; sleep 0.1; done
  else
    log "clickhouse: not running"
  fi
  rm -f "$CLICKHOUSE_PIDFILE"
}

clickhouse_status() {
  local pid
  if pid="$(clickhouse_pid)"; then
    if clickhouse_answers; then
      echo "clickhouse: running, pid $pid, $CLICKHOUSE_HTTP_URL"
    else
      echo "clickhouse: process $pid alive but not answering (starting or hung)"
    fi
    return 0
  fi
  echo "clickhouse: not running"
  return 3
}

cmd="${1:-up}"; shift || true
case "$cmd" in
  up|start|stop|kill|restart|install|wipe) lock clickhouse ;;
esac
case "$cmd" in
  up|start) clickhouse_up ;;
  stop) clickhouse_stop ;;
  kill) clickhouse_kill ;;
  restart) clickhouse_stop; clickhouse_up ;;
  status) clickhouse_status ;;
  pid) clickhouse_pid && echo || exit 3 ;;
  query) curl -sS --fail-with-body "$CLICKHOUSE_HTTP_URL/" --data-binary "$*" ;;
  client) exec clickhouse-client --host "$CLICKHOUSE_HOST" --port "$CLICKHOUSE_TCP_PORT" "$@" ;;
  install) mkdir -p "$SERVICES_DIR"; clickhouse_install ;;
  wipe) clickhouse_stop; rm -rf "$CLICKHOUSE_DIR"; log "clickhouse: data wiped" ;;
  *) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
