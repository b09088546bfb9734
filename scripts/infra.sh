#!/usr/bin/env bash
# Local infrastructure for Sagaflow without Docker: PostgreSQL (logical decoding), Redis,
# MariaDB (row binlog) and a single-node KRaft Kafka broker run as a plain JVM process.
#
#   scripts/infra.sh up [postgres|redis|mariadb|kafka|browser ...]   # default: the first four
#                                                            # browser: Debian's chromium + chromium-driver
#   scripts/infra.sh down [SERVICE ...]                      # stops only what `up` started
#   scripts/infra.sh status
#
# Idempotent: `up` changes and restarts only what differs from the wanted state, and prints one
# line per thing it checked or did. Meant for Debian 12 run as root (CI machines, dev boxes without
# systemd); a Java 17 JDK is assumed, Maven is needed once to fetch the Kafka jars.
#
# Environment:
#   SAGAFLOW_HOME          state dir (default ~/.sagaflow): Kafka jars and data, "started" markers
#   REDIS_PORT             redis port (default 6379)
#   KAFKA_PORT             broker listener port (default 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller port (default 9093)
#   INFRA_TIMEOUT          seconds to wait for postgres/redis/mariadb to answer (default 60)
#   KAFKA_TIMEOUT          seconds to wait for the broker (default 90)
set -euo pipefail

SAGAFLOW_HOME=${SAGAFLOW_HOME:-$HOME/.sagaflow}
STARTED_DIR=$SAGAFLOW_HOME/started
INFRA_TIMEOUT=${INFRA_TIMEOUT:-60}

ALL_SERVICES=(postgres redis mariadb kafka)
# Not part of "all": only the test suite needs it (the dashboard's browser ITs).
EXTRA_SERVICES=(browser)

# PostgreSQL: Debezium's pgoutput plugin needs logical WAL and replication slots / WAL senders.
PG_DB=sagaflow
declare -A PG_WANTED=([wal_level]=logical [max_replication_slots]=20 [max_wal_senders]=20)

REDIS_PORT=${REDIS_PORT:-6379}

MARIADB_CNF=/etc/mysql/mariadb.conf.d/70-binlog.cnf

# Kafka 4.3.1 is the newest broker whose jars all resolve from the Maven Central we can reach
# (4.4.0's tools-api is missing). Its runtime deps carry log4j-core 2.25.4 and slf4j-api 1.7.36
# but no slf4j binding, so we add log4j-slf4j-impl (the slf4j 1.x -> log4j2 bridge) at the same
# log4j version; without it the broker logs nothing at all.
KAFKA_VERSION=4.3.1
LOG4J_VERSION=2.25.4
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
KAFKA_TIMEOUT=${KAFKA_TIMEOUT:-90}
KAFKA_HOME=$SAGAFLOW_HOME/kafka-$KAFKA_VERSION
KAFKA_LIBS=$KAFKA_HOME/libs
KAFKA_DATA=$SAGAFLOW_HOME/kafka-data
KAFKA_PID_FILE=$KAFKA_DATA/kafka.pid

# --- helpers -----------------------------------------------------------------------------------

# log SERVICE MESSAGE... -> "service: message"
log() { local svc=$1; shift; printf '%s: %s\n' "$svc" "$*"; }
die() { local svc=$1; shift; printf '%s: ERROR: %s\n' "$svc" "$*" >&2; exit 1; }

# wait_for SERVICE TIMEOUT DESCRIPTION CMD... : poll CMD every 0.5 s until it succeeds.
wait_for() {
  local svc=$1 timeout=$2 what=$3; shift 3
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      die "$svc" "timed out after ${timeout}s waiting for $what"
    fi
    sleep 0.5
  done
}

# TCP port check with bash's /dev/tcp (nc is not installed on the CI image).
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

mark_started()   { mkdir -p "$STARTED_DIR"; : >"$STARTED_DIR/$1"; }
was_started()    { [[ -e $STARTED_DIR/$1 ]]; }
clear_started()  { rm -f "$STARTED_DIR/$1"; }

APT_UPDATED=false
# ensure_package SERVICE BINARY PACKAGE: apt-get install PACKAGE only when BINARY is missing.
ensure_package() {
  local svc=$1 bin=$2 pkg=$3
  if command -v "$bin" >/dev/null 2>&1 || dpkg -s "$pkg" >/dev/null 2>&1; then
    return 0
  fi
  log "$svc" "$bin not found, installing $pkg with apt"
  if [[ $APT_UPDATED == false ]]; then
    apt-get update -qq
    APT_UPDATED=true
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >/dev/null
  log "$svc" "installed $pkg"
}

# write_if_changed FILE CONTENT: returns 0 if the file was (re)written, 1 if it already matched.
write_if_changed() {
  local file=$1 content=$2
  if [[ -f $file ]] && [[ "$(cat "$file")" == "$content" ]]; then
    return 1
  fi
  mkdir -p "$(dirname "$file")"
  printf '%s\n' "$content" >"$file"
}

# --- postgres ----------------------------------------------------------------------------------

# The Debian cluster version: `ls /etc/postgresql` normally prints exactly one (e.g. "15"); if a
# machine has several, take the newest.
pg_version() {
  local versions
  versions=$(ls /etc/postgresql 2>/dev/null | sort -V) || true
  [[ -n $versions ]] || die postgres "no cluster under /etc/postgresql"
  tail -n1 <<<"$versions"
}

# No systemd on the CI machines: --skip-systemctl-redirect makes pg_ctlcluster drive pg_ctl itself.
pg_cluster() { pg_ctlcluster --skip-systemctl-redirect "$(pg_version)" main "$@"; }
pg_running() { pg_cluster status >/dev/null 2>&1; }
pg_ready()   { pg_isready -q -h 127.0.0.1; }
psql_q()     { PGCONNECT_TIMEOUT=5 psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -Atc "$1"; }

# Trust for TCP on loopback (Debian's default is scram-sha-256). Replication connections need their
# own line for physical replication; logical ones match the database line, we add both anyway.
pg_ensure_hba() {
  local hba changed=false line
  hba=/etc/postgresql/$(pg_version)/main/pg_hba.conf
  for line in "host replication all 127.0.0.1/32 trust" "host all all 127.0.0.1/32 trust"; do
    local re
    re="^[[:space:]]*${line// /[[:space:]]+}[[:space:]]*$"
    re=${re//./\\.}
    if ! grep -Eq "$re" "$hba"; then
      # Prepend: pg_hba.conf is first-match, a later scram line must not win. Rewrite in place
      # (cat >) so the file keeps its postgres ownership and mode.
      local tmp
      tmp=$(mktemp)
      { printf '%s\n' "$line"; cat "$hba"; } >"$tmp"
      cat "$tmp" >"$hba"
      rm -f "$tmp"
      log postgres "added '$line' to $hba"
      changed=true
    fi
  done
  if [[ $changed == true ]]; then
    pg_cluster reload
    log postgres "configuration reloaded"
  fi
}

up_postgres() {
  ensure_package postgres pg_ctlcluster postgresql
  if pg_running; then
    log postgres "already running"
  else
    pg_cluster start
    mark_started postgres
    log postgres "cluster $(pg_version)/main started"
  fi
  wait_for postgres "$INFRA_TIMEOUT" "pg_isready -h 127.0.0.1" pg_ready
  pg_ensure_hba

  # wal_level and friends are postmaster settings: ALTER SYSTEM + reload is not enough, they need
  # a restart, so restart only when SHOW disagrees with what we want.
  local name current changes=()
  for name in wal_level max_replication_slots max_wal_senders; do
    current=$(psql_q "SHOW $name")
    if [[ $current != "${PG_WANTED[$name]}" ]]; then
      psql_q "ALTER SYSTEM SET $name = '${PG_WANTED[$name]}'" >/dev/null
      changes+=("$name changed $current -> ${PG_WANTED[$name]}")
    fi
  done
  if ((${#changes[@]})); then
    pg_cluster restart
    wait_for postgres "$INFRA_TIMEOUT" "pg_isready -h 127.0.0.1 after restart" pg_ready
    for name in "${!PG_WANTED[@]}"; do
      current=$(psql_q "SHOW $name")
      [[ $current == "${PG_WANTED[$name]}" ]] ||
        die postgres "$name is still $current after restart (see postgresql.auto.conf)"
    done
    log postgres "$(printf '%s, ' "${changes[@]}")cluster restarted"
  else
    log postgres "already configured (wal_level=logical, max_replication_slots=20, max_wal_senders=20)"
  fi

  if [[ -n $(psql_q "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'") ]]; then
    log postgres "database $PG_DB exists"
  else
    psql_q "CREATE DATABASE $PG_DB OWNER postgres" >/dev/null
    log postgres "database $PG_DB created"
  fi
}

down_postgres() {
  if pg_running; then
    pg_cluster stop
    log postgres "stopped"
  else
    log postgres "not running"
  fi
}

status_postgres() {
  if pg_ready; then
    log postgres "running on 127.0.0.1:5432, wal_level=$(psql_q 'SHOW wal_level' 2>/dev/null || echo '?')"
  else
    log postgres "stopped"
  fi
}

# --- redis -------------------------------------------------------------------------------------

redis_ping() { [[ $(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]; }

up_redis() {
  ensure_package redis redis-server redis-server
  if redis_ping; then
    log redis "already running"
    return 0
  fi
  # A cache for tests: no RDB snapshots, no AOF.
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" \
    --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  mark_started redis
  wait_for redis "$INFRA_TIMEOUT" "redis-cli ping (log: /var/log/redis/ci.log)" redis_ping
  log redis "started on 127.0.0.1:$REDIS_PORT"
}

down_redis() {
  if redis_ping; then
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    wait_for redis 30 "redis to stop" bash -c "! redis-cli -h 127.0.0.1 -p $REDIS_PORT ping"
    log redis "stopped"
  else
    log redis "not running"
  fi
}

status_redis() {
  if redis_ping; then log redis "running on 127.0.0.1:$REDIS_PORT"; else log redis "stopped"; fi
}

# --- mariadb -----------------------------------------------------------------------------------

mariadb_ping() { mariadb-admin -uroot -h127.0.0.1 ping >/dev/null 2>&1; }
# SQL over the unix socket: works whether root has an empty password (CI image) or Debian's
# default unix_socket authentication (which refuses TCP logins).
mariadb_q() { mariadb -uroot -Nse "$1"; }
# "1 ROW" when the row binlog is on.
mariadb_binlog() { mariadb_q "SELECT @@log_bin, @@binlog_format" | tr '\t' ' '; }

mariadb_start() {
  # Debian's init script normally creates the socket/pid directory; we bypass it.
  install -d -o mysql -g mysql /run/mysqld
  # start-stop-daemon returns 0 even when mariadbd exits at once (e.g. refusing to run as root
  # without `user = mysql`), so success is judged by the ping below.
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  wait_for mariadb "$INFRA_TIMEOUT" "mariadb-admin ping (log: /var/log/mysql/error.log)" mariadb_ping
}

# Does mariadbd's option parsing see our log_bin? (Captured first: `cmd | grep -q` under
# pipefail can fail with SIGPIPE.)
mariadb_reads_binlog_cnf() {
  local defaults
  defaults=$(mariadbd --print-defaults 2>/dev/null) || return 1
  [[ $defaults =~ --log[-_]bin=mariadb-bin ]]
}

mariadb_ensure_config() {
  # `user = mysql`: mariadbd refuses to start as root without it, and we start it as root.
  local content
  content=$(cat <<'CNF'
# Written by sagaflow scripts/infra.sh: row-based binlog for Debezium's MariaDB connector.
[mysqld]
user             = mysql
server_id        = 1
log_bin          = mariadb-bin
binlog_format    = ROW
binlog_row_image = FULL
expire_logs_days = 1
CNF
)
  if write_if_changed "$MARIADB_CNF" "$content"; then
    log mariadb "wrote $MARIADB_CNF"
  fi
  # Stock Debian's /etc/mysql/my.cnf includes mariadb.conf.d/, but a trimmed my.cnf (as on the CI
  # image) does not, and then our file is silently ignored. Ask mariadbd what it would read.
  if ! mariadb_reads_binlog_cnf; then
    printf '\n# Added by sagaflow scripts/infra.sh so %s is read\n!includedir /etc/mysql/mariadb.conf.d/\n' \
      "$MARIADB_CNF" >>/etc/mysql/my.cnf
    log mariadb "/etc/mysql/my.cnf did not include mariadb.conf.d/, added !includedir"
    mariadb_reads_binlog_cnf ||
      die mariadb "mariadbd still does not read $MARIADB_CNF (check mariadbd --print-defaults)"
  fi
}

up_mariadb() {
  ensure_package mariadb mariadbd mariadb-server
  mariadb_ensure_config

  if mariadb_ping; then
    log mariadb "already running"
  elif pgrep -x mariadbd >/dev/null; then
    # Process exists but does not answer yet (still starting, e.g. crash recovery): just wait.
    wait_for mariadb "$INFRA_TIMEOUT" "mariadb-admin ping (log: /var/log/mysql/error.log)" mariadb_ping
    log mariadb "already running (was starting)"
  else
    mariadb_start
    mark_started mariadb
    log mariadb "started"
  fi

  local binlog
  binlog=$(mariadb_binlog)
  if [[ $binlog == "1 ROW" ]]; then
    log mariadb "already configured (log_bin=ON, binlog_format=ROW)"
    return 0
  fi
  # log_bin is read-only at runtime: a restart is the only way to turn it on.
  mariadb-admin -uroot shutdown
  wait_for mariadb "$INFRA_TIMEOUT" "mariadbd to exit" bash -c '! pgrep -x mariadbd'
  mariadb_start
  local now
  now=$(mariadb_binlog)
  [[ $now == "1 ROW" ]] || die mariadb "after restart log_bin/binlog_format = $now, wanted 1 ROW"
  log mariadb "log_bin/binlog_format changed ${binlog/ /\/} -> 1/ROW, server restarted"
}

down_mariadb() {
  if pgrep -x mariadbd >/dev/null; then
    mariadb-admin -uroot shutdown
    wait_for mariadb "$INFRA_TIMEOUT" "mariadbd to exit" bash -c '! pgrep -x mariadbd'
    log mariadb "stopped"
  else
    log mariadb "not running"
  fi
}

status_mariadb() {
  if mariadb_ping; then
    local b
    b=$(mariadb_q "SELECT IF(@@log_bin, 'ON', 'OFF'), @@binlog_format" 2>/dev/null | tr '\t' ' ') || b="? ?"
    log mariadb "running on 127.0.0.1:3306, log_bin=${b% *}, binlog_format=${b#* }"
  else
    log mariadb "stopped"
  fi
}

# --- kafka -------------------------------------------------------------------------------------

# Download the broker (and kafka-tools, for TopicCommand / console clients) with all runtime deps
# into a cache outside the repo, once. A .complete marker guards against a half-finished fetch.
kafka_fetch() {
  if [[ -e $KAFKA_LIBS/.complete ]]; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die kafka "mvn is needed once to fetch the Kafka jars"
  local fetch=$KAFKA_HOME/fetch start=$SECONDS
  mkdir -p "$fetch"
  cat >"$fetch/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.sagaflow</groupId>
  <artifactId>kafka-broker-fetch</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>$KAFKA_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka-tools</artifactId>
      <version>$KAFKA_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId>
      <version>$LOG4J_VERSION</version>
    </dependency>
  </dependencies>
</project>
POM
  log kafka "fetching kafka_2.13:$KAFKA_VERSION and dependencies from Maven Central"
  rm -rf "$KAFKA_LIBS.tmp"
  # Output goes to a file (Maven 3.8 -q still emits colour escapes); shown only on failure.
  if ! mvn -B -q -Dstyle.color=never -f "$fetch/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIBS.tmp" >"$fetch/mvn.log" 2>&1; then
    tail -n 30 "$fetch/mvn.log" >&2
    die kafka "Maven could not fetch the Kafka jars (full log: $fetch/mvn.log)"
  fi
  [[ -e $KAFKA_LIBS.tmp/kafka_2.13-$KAFKA_VERSION.jar ]] || die kafka "kafka_2.13 jar missing after fetch"
  rm -rf "$KAFKA_LIBS" "$fetch/target"
  mv "$KAFKA_LIBS.tmp" "$KAFKA_LIBS"
  : >"$KAFKA_LIBS/.complete"
  log kafka "fetched $(ls "$KAFKA_LIBS" | wc -l) jars into $KAFKA_LIBS in $((SECONDS - start))s"
}

kafka_write_config() {
  local props log4j tools_log4j changed=()
  props=$(cat <<PROPS
# Written by sagaflow scripts/infra.sh: single-node KRaft broker (broker + controller in one JVM).
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$KAFKA_DATA/logs
# One broker: every internal topic must get by with a single replica.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
num.partitions=6
PROPS
)
  # Kafka 4 logs through log4j2; the properties format needs no extra jars (YAML would).
  log4j=$(cat <<LOG4J
# Written by sagaflow scripts/infra.sh: broker log in $KAFKA_DATA/server.log
status = warn
name = sagaflow-kafka
appender.file.type = RollingFile
appender.file.name = file
appender.file.fileName = $KAFKA_DATA/server.log
appender.file.filePattern = $KAFKA_DATA/server.log.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 50MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 3
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
LOG4J
)
  # For the CLI tools run from these jars (TopicCommand, console clients): warnings to stderr,
  # instead of log4j2's "no configuration" status noise. Use -Dlog4j2.configurationFile=<this>.
  tools_log4j=$(cat <<'LOG4J'
# Written by sagaflow scripts/infra.sh: log4j2 config for Kafka CLI tools (warnings to stderr)
status = warn
appender.err.type = Console
appender.err.name = stderr
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = stderr
LOG4J
)
  write_if_changed "$KAFKA_DATA/server.properties" "$props" && changed+=(server.properties)
  write_if_changed "$KAFKA_DATA/tools-log4j2.properties" "$tools_log4j" && changed+=(tools-log4j2.properties)
  write_if_changed "$KAFKA_DATA/log4j2.properties" "$log4j" && changed+=(log4j2.properties)
  if ((${#changed[@]})); then
    log kafka "wrote ${changed[*]} in $KAFKA_DATA"
  fi
}

# Format the KRaft log dir once; a formatted dir has meta.properties.
kafka_format() {
  if [[ -e $KAFKA_DATA/logs/meta.properties ]]; then
    return 0
  fi
  local cid
  cid=$(java -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool random-uuid)
  java -cp "$KAFKA_LIBS/*" -Dlog4j2.configurationFile="$KAFKA_DATA/log4j2.properties" \
    kafka.tools.StorageTool format -t "$cid" -c "$KAFKA_DATA/server.properties" >/dev/null
  log kafka "storage formatted (cluster id $cid)"
}

# The recorded pid, if that process is still our broker (guards against pid reuse).
kafka_pid() {
  local pid
  [[ -f $KAFKA_PID_FILE ]] || return 1
  pid=$(<"$KAFKA_PID_FILE")
  [[ -n $pid && -r /proc/$pid/cmdline ]] || return 1
  [[ $(tr '\0' ' ' <"/proc/$pid/cmdline") == *kafka.Kafka* ]] || return 1
  echo "$pid"
}

# Ready = the listener accepts connections AND the broker logged its startup since we launched
# it (the port opens a moment before the broker has finished starting). Kafka 4.3 prints
# "[KafkaRaftServer nodeId=1] Kafka Server started".
kafka_ready() {
  local since=$1
  port_open "$KAFKA_PORT" || return 1
  # Process substitution, not a pipe: with pipefail, grep -q exiting early would SIGPIPE tail.
  grep -q 'Kafka Server started' < <(tail -c +"$((since + 1))" "$KAFKA_DATA/server.log" 2>/dev/null)
}

up_kafka() {
  if port_open "$KAFKA_PORT"; then
    log kafka "already running on 127.0.0.1:$KAFKA_PORT"
    return 0
  fi
  command -v java >/dev/null 2>&1 || die kafka "java not found (a Java 17 JDK is required)"
  kafka_fetch
  mkdir -p "$KAFKA_DATA"
  kafka_write_config
  kafka_format

  local pid since start=$SECONDS
  if port_open "$KAFKA_CONTROLLER_PORT"; then
    die kafka "controller port $KAFKA_CONTROLLER_PORT is already in use (set KAFKA_CONTROLLER_PORT)"
  fi
  since=$(stat -c %s "$KAFKA_DATA/server.log" 2>/dev/null || echo 0)
  if pid=$(kafka_pid); then
    # Started by an earlier `up` that gave up waiting; do not start a second broker.
    log kafka "broker pid $pid is still starting, waiting"
    since=0
  else
    # setsid: own session, so the broker survives the shell/CI step that launched it.
    nohup setsid java -Xms256m -Xmx1g \
      -Dlog4j2.configurationFile="$KAFKA_DATA/log4j2.properties" \
      -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_DATA/server.properties" \
      >"$KAFKA_DATA/kafka.out" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$KAFKA_PID_FILE"
    mark_started kafka
  fi

  local deadline=$((SECONDS + KAFKA_TIMEOUT))
  until kafka_ready "$since"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      # The interesting lines, not the tail of a stack trace.
      grep -hE '(ERROR|FATAL) |^[[:alnum:]_.$]+(Exception|Error):|^Caused by' < <(tail -c +"$((since + 1))" "$KAFKA_DATA/server.log" 2>/dev/null;
        cat "$KAFKA_DATA/kafka.out") | tail -n 8 >&2 || true
      die kafka "broker exited during startup (logs: $KAFKA_DATA/kafka.out, $KAFKA_DATA/server.log)"
    fi
    if ((SECONDS >= deadline)); then
      die kafka "not ready after ${KAFKA_TIMEOUT}s (pid $pid still running; log: $KAFKA_DATA/server.log)"
    fi
    sleep 0.5
  done
  log kafka "started on 127.0.0.1:$KAFKA_PORT (pid $pid) in $((SECONDS - start))s"
}

down_kafka() {
  local pid
  if ! pid=$(kafka_pid); then
    log kafka "not running (no live pid in $KAFKA_PID_FILE)"
    return 0
  fi
  # SIGTERM = controlled shutdown; a single-node KRaft broker needs a few seconds.
  kill "$pid"
  local deadline=$((SECONDS + 60))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      log kafka "pid $pid ignored SIGTERM for 60s, sending SIGKILL"
      kill -9 "$pid" 2>/dev/null || true
    fi
    sleep 0.5
  done
  rm -f "$KAFKA_PID_FILE"
  log kafka "stopped (pid $pid)"
}

status_kafka() {
  if port_open "$KAFKA_PORT"; then
    local pid extra=""
    pid=$(kafka_pid) && extra=", pid $pid"
    log kafka "running on 127.0.0.1:$KAFKA_PORT$extra"
  else
    log kafka "stopped (port $KAFKA_PORT closed)"
  fi
}

# --- browser (the dashboard's ITs drive Debian's Chromium; nothing is downloaded at test time) ----

up_browser() {
  ensure_package browser chromium chromium
  ensure_package browser chromedriver chromium-driver
  status_browser
}

down_browser() { log browser "packages stay installed"; }

status_browser() {
  if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    log browser "$(chromium --version 2>/dev/null | head -1), $(chromedriver --version 2>/dev/null | cut -d' ' -f1-2)"
  else
    log browser "not installed (scripts/infra.sh up browser)"
  fi
}

# --- main --------------------------------------------------------------------------------------

usage() {
  echo "usage: $0 up [SERVICE...] | down [SERVICE...] | status   (SERVICE: ${ALL_SERVICES[*]} ${EXTRA_SERVICES[*]})" >&2
  exit 2
}

# Validate service names; none means all.
select_services() {
  local s
  for s in "$@"; do
    [[ " ${ALL_SERVICES[*]} ${EXTRA_SERVICES[*]} " == *" $s "* ]] || { echo "unknown service: $s" >&2; usage; }
  done
}

main() {
  local cmd=${1:-}
  [[ -n $cmd ]] || usage
  shift
  select_services "$@"
  local services=("$@") s
  ((${#services[@]})) || services=("${ALL_SERVICES[@]}")

  case $cmd in
    up)
      for s in "${services[@]}"; do "up_$s"; done
      ;;
    down)
      # Reverse order; only services this script started (marker present) are stopped, so a
      # machine's preinstalled databases are left alone. Configuration changes stay in place.
      local i
      for ((i = ${#services[@]} - 1; i >= 0; i--)); do
        s=${services[i]}
        if was_started "$s"; then
          "down_$s"
          clear_started "$s"
        else
          log "$s" "no start marker (not started by this script), left alone"
        fi
      done
      ;;
    status)
      for s in "${services[@]}"; do "status_$s"; done
      ;;
    *) usage ;;
  esac
}

main "$@"
