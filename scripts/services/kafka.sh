#!/usr/bin/env bash
# Local Apache Kafka 3.9 (KRaft, combined broker+controller) on 127.0.0.1,
# from Maven Central jars, data under .services/kafka/.
#
# usage: scripts/services/kafka.sh <command>
#   up       install jars if needed, format storage once, start if not running,
#            wait until it answers, create the project's topics (idempotent)
#   start    same as up
#   stop     SIGTERM, wait (STOP_TIMEOUT s), then SIGKILL; data is kept
#   kill     SIGKILL at once (crash test); data is kept
#   restart  stop + up
#   status   print pid and state; exit 0 when running, 3 when not
#   pid      print the pid (exit 3 when not running)
#   topics   create missing topics and print them with partition counts
#   install  only fetch the jars into .services/kafka/libs
#   wipe     stop and delete .services/kafka (jars excepted)
#   tool CLASS ARGS...  run a Kafka tool class with the broker's classpath
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# Several servers (contracts/topics.ts): the leader election's one-partition topic, the alert book
# the leader publishes, and the commands followers forward to it with the leader's replies.
KAFKA_TOPICS+=(
  "ops.alerts:1"
  "ops.leader:1"
  "ops.commands:1"
  "ops.command-replies:3"
)

KAFKA_MARKER="$KAFKA_CONF/server.properties"
KAFKA_TOOLS_JAVA_OPTS=(-Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1
  -Djava.awt.headless=true -Djava.net.preferIPv4Stack=true "-Dlog4j.configuration=file:$KAFKA_CONF/tools-log4j.properties")

need_java() {
  if ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
    log "java/mvn missing: installing openjdk-17-jdk-headless and maven from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq openjdk-17-jdk-headless maven >/dev/null
  fi
  local v
  v="$(java -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')"
  [[ "${v%%.*}" -ge 17 ]] || die "Kafka needs Java 17+, found $v"
}

kafka_install() {
  need_java
  local pom="$SERVICES_SCRIPTS/pom.xml" stamp="$KAFKA_LIBS/.stamp" want
  want="$(sha256sum "$pom" | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]] && compgen -G "$KAFKA_LIBS/kafka_2.13-*.jar" >/dev/null; then
    return 0
  fi
  log "kafka: fetching jars with Maven into $KAFKA_LIBS (cached in ~/.m2)"
  local t0; t0="$(now_ms)"
  rm -rf "$KAFKA_LIBS.tmp"
  mkdir -p "$KAFKA_DIR"
  mkdir -p "$KAFKA_LOGS"
  if ! mvn -B -Dstyle.color=never -f "$pom" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIBS.tmp" >"$KAFKA_LOGS/mvn.log" 2>&1; then
    grep -E 'ERROR|FAIL' "$KAFKA_LOGS/mvn.log" | tail -n 30 >&2
    die "kafka: mvn dependency:copy-dependencies failed (network to Maven Central?), see $KAFKA_LOGS/mvn.log"
  fi
  rm -rf "$KAFKA_LIBS"
  mv "$KAFKA_LIBS.tmp" "$KAFKA_LIBS"
  printf '%s\n' "$want" >"$stamp"
  log "kafka: $(find "$KAFKA_LIBS" -name '*.jar' | wc -l) jars in $(elapsed "$t0")"
}

kafka_configure() {
  mkdir -p "$KAFKA_DATA" "$KAFKA_LOGS" "$KAFKA_CONF"
  render "$SERVICES_SCRIPTS/templates/kafka-server.properties" "$KAFKA_CONF/server.properties"
  if [[ -f "$KAFKA_DIR/quorum-static" ]]; then
    # fallback chosen at format time: static voters instead of the dynamic quorum
    sed -i 's/^controller.quorum.bootstrap.servers=.*/controller.quorum.voters=1@'"$KAFKA_HOST:$KAFKA_CONTROLLER_PORT"'/' \
      "$KAFKA_CONF/server.properties"
  fi
  render "$SERVICES_SCRIPTS/templates/kafka-log4j.properties" "$KAFKA_CONF/log4j.properties"
  render "$SERVICES_SCRIPTS/templates/kafka-tools-log4j.properties" "$KAFKA_CONF/tools-log4j.properties"
}

kafka_tool() {
  java "${KAFKA_TOOLS_JAVA_OPTS[@]}" -cp "$KAFKA_LIBS/*" "$@"
}

kafka_format() {
  [[ -f "$KAFKA_DATA/meta.properties" ]] && return 0
  local cid
  if [[ -s "$KAFKA_DIR/cluster-id" ]]; then
    cid="$(cat "$KAFKA_DIR/cluster-id")"
  else
    cid="$(kafka_tool kafka.tools.StorageTool random-uuid | tail -n 1)"
    printf '%s\n' "$cid" >"$KAFKA_DIR/cluster-id"
  fi
  log "kafka: formatting $KAFKA_DATA (cluster id $cid, --standalone)"
  if ! kafka_tool kafka.tools.StorageTool format --standalone --ignore-formatted \
      -t "$cid" -c "$KAFKA_CONF/server.properties" >"$KAFKA_LOGS/format.log" 2>&1; then
    cat "$KAFKA_LOGS/format.log" >&2
    log "kafka: 'format --standalone' failed; falling back to static controller.quorum.voters"
    rm -rf "$KAFKA_DATA"; mkdir -p "$KAFKA_DATA"
    touch "$KAFKA_DIR/quorum-static"
    kafka_configure
    kafka_tool kafka.tools.StorageTool format --ignore-formatted \
      -t "$cid" -c "$KAFKA_CONF/server.properties" >"$KAFKA_LOGS/format.log" 2>&1 \
      || { cat "$KAFKA_LOGS/format.log" >&2; die "kafka: storage format failed"; }
  fi
}

kafka_pid() {
  local pid
  if pid="$(read_pid "$KAFKA_PIDFILE" "$KAFKA_MARKER")"; then
    printf '%s' "$pid"; return 0
  fi
  # pid file lost or stale: look for our broker by its config path
  pid="$(find_pids "$KAFKA_MARKER" | head -n 1)"
  if [[ -n "$pid" ]]; then
    printf '%s\n' "$pid" >"$KAFKA_PIDFILE"
    printf '%s' "$pid"; return 0
  fi
  return 1
}

kafka_fail() {
  tail_log kafka "$KAFKA_LOGS/kafka.out" "$KAFKA_LOGS/server.log"
  die "$1"
}

# describe all non-internal topics; output "name partitions" lines
kafka_topic_partitions() {
  timeout 60 java "${KAFKA_TOOLS_JAVA_OPTS[@]}" -cp "$KAFKA_LIBS/*" org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "$KAFKA_BROKERS_ADDR" --describe --exclude-internal 2>"$KAFKA_LOGS/topics.err" \
    | awk '/PartitionCount:/ { for (i = 1; i <= NF; i++) { if ($i == "Topic:") t = $(i + 1); if ($i == "PartitionCount:") p = $(i + 1) } print t, p }'
}

kafka_wait() {
  local deadline=$(( $(date +%s) + KAFKA_START_TIMEOUT )) pid
  while ! port_open "$KAFKA_HOST" "$KAFKA_PORT"; do
    pid="$(kafka_pid)" || kafka_fail "kafka: the broker exited during start-up"
    (( $(date +%s) < deadline )) || kafka_fail "kafka: port $KAFKA_PORT not open after ${KAFKA_START_TIMEOUT}s (pid $pid)"
    sleep 0.3
  done
  # the port opens before the broker has caught up with the metadata log:
  # wait until the admin API answers
  until KAFKA_TOPIC_LIST="$(kafka_topic_partitions)"; do
    kafka_pid >/dev/null || kafka_fail "kafka: the broker exited during start-up"
    (( $(date +%s) < deadline )) || { cat "$KAFKA_LOGS/topics.err" >&2; kafka_fail "kafka: admin API not answering after ${KAFKA_START_TIMEOUT}s"; }
    sleep 1
  done
}

kafka_topics() {
  [[ -n "${KAFKA_TOPIC_LIST+x}" ]] || KAFKA_TOPIC_LIST="$(kafka_topic_partitions)" \
    || { cat "$KAFKA_LOGS/topics.err" >&2; die "kafka: cannot list topics"; }
  local spec name parts have changed=0
  for spec in "${KAFKA_TOPICS[@]}"; do
    name="${spec%%:*}"; parts="${spec##*:}"
    have="$(awk -v t="$name" '$1 == t {print $2}' <<<"$KAFKA_TOPIC_LIST")"
    if [[ -z "$have" ]]; then
      log "kafka: creating topic $name ($parts partitions)"
      kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA_BROKERS_ADDR" \
        --create --if-not-exists --topic "$name" --partitions "$parts" --replication-factor 1 2>&1 \
        | { grep -v -e 'limitations in metric names' -e '^Created topic' >&2 || true; } \
        || die "kafka: cannot create topic $name"
      changed=1
    elif (( have < parts )); then
      log "kafka: topic $name has $have partitions, growing it to $parts"
      kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA_BROKERS_ADDR" \
        --alter --topic "$name" --partitions "$parts" >&2 || die "kafka: cannot alter topic $name"
      changed=1
    elif (( have > parts )); then
      log "kafka: WARNING topic $name has $have partitions (expected $parts; partitions cannot shrink)"
    fi
  done
  if (( changed )); then
    KAFKA_TOPIC_LIST="$(kafka_topic_partitions)" || die "kafka: cannot list topics"
  fi
  log "kafka: topics (name partitions):"
  sed 's/^/[services]   /' <<<"$KAFKA_TOPIC_LIST" >&2
}

kafka_up() {
  local t0 pid; t0="$(now_ms)"
  kafka_install
  if pid="$(kafka_pid)"; then
    log "kafka: already running (pid $pid)"
    kafka_configure_if_missing
  else
    kafka_configure
    kafka_format
    local p
    for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
      port_open "$KAFKA_HOST" "$p" && die "kafka: port $KAFKA_HOST:$p is used by another process (not ours); set KAFKA_PORT / KAFKA_CONTROLLER_PORT"
    done
    log "kafka: starting (heap $KAFKA_HEAP_OPTS, log $KAFKA_LOGS/server.log)"
    # shellcheck disable=SC2086
    launch "$KAFKA_PIDFILE" "$KAFKA_LOGS/kafka.out" \
      java $KAFKA_HEAP_OPTS -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
        -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent \
        -Djava.awt.headless=true -Djava.net.preferIPv4Stack=true -Dkafka.logs.dir="$KAFKA_LOGS" \
        -Dlog4j.configuration="file:$KAFKA_CONF/log4j.properties" \
        -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_CONF/server.properties"
  fi
  kafka_wait
  kafka_topics
  log "kafka: ready on $KAFKA_BROKERS_ADDR (pid $(kafka_pid)) in $(elapsed "$t0")"
}

kafka_configure_if_missing() {
  [[ -f "$KAFKA_CONF/tools-log4j.properties" ]] || kafka_configure
}

kafka_stop() {
  local pid
  if pid="$(kafka_pid)"; then
    stop_pid "$pid" kafka "$KAFKA_MARKER"
  else
    log "kafka: not running"
  fi
  rm -f "$KAFKA_PIDFILE"
}

kafka_kill() {
  local pid
  if pid="$(kafka_pid)"; then
    log "kafka: SIGKILL to pid $pid"
    kill -KILL "$pid" 2>/dev/null || true
    local i; for i in $(seq 1 50); do pid_alive "$pid" "$KAFKA_MARKER" || break; sleep 0.1; done
  else
    log "kafka: not running"
  fi
  rm -f "$KAFKA_PIDFILE"
}

kafka_status() {
  local pid
  if pid="$(kafka_pid)"; then
    if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
      echo "kafka: running, pid $pid, $KAFKA_BROKERS_ADDR"
    else
      echo "kafka: process $pid alive but port $KAFKA_PORT closed (starting or hung)"
    fi
    return 0
  fi
  echo "kafka: not running"
  return 3
}

cmd="${1:-up}"; shift || true
case "$cmd" in
  up|start|stop|kill|restart|install|wipe) lock kafka ;;
esac
case "$cmd" in
  up|start) kafka_up ;;
  stop) kafka_stop ;;
  kill) kafka_kill ;;
  restart) kafka_stop; kafka_up ;;
  status) kafka_status ;;
  pid) kafka_pid && echo || exit 3 ;;
  topics) kafka_configure_if_missing; kafka_topics ;;
  install) kafka_install ;;
  wipe) kafka_stop; find "$KAFKA_DIR" -mindepth 1 -maxdepth 1 ! -name libs -exec rm -rf {} + 2>/dev/null || true; log "kafka: data wiped" ;;
  tool) kafka_configure_if_missing; kafka_tool "$@" ;;
  *) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
