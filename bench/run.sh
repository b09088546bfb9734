#!/usr/bin/env bash
# Sagaflow load generator (issue 4, item 7). Not a test: it measures, prints figures, and exits 0 when every
# saga completed.
#
#   bash bench/run.sh [-n SAGAS] [-c CONCURRENCY] [-w WARMUP] [-t TIMEOUT_S] [-p PGBENCH_S] [-r RATE] [-i | -H]
#                      [-s STEPS] [-f] [-P] [-g GROW] [-b] [-k] [-e APP_DIR]
#
#   -n  sagas measured (default 2000)              -c  starts in flight at once (default 32)
#   -w  warm-up sagas, not measured (default 300)  -t  give up after this many seconds of load (default 900)
#   -J  measure right after the -w warm-up; without it, more warm-up rounds (of -w sagas, at least 100) follow
#       until the engine's JIT compiler threads used under 10 % of a core over the last 10 s of warm-up (at most
#       300 s): on 2 cores the JIT otherwise takes ~40 % of a core through the first minute of load (docs/performance.md)
#   -p  seconds of each pgbench run (default 10)   -b  build first (scripts/mvn.sh -q install -DskipTests)
#   -k  keep the bench database afterwards (the replication slot is dropped anyway)
#   -r  starts per second of the measured load (default 0: as fast as the starts in flight allow), e.g. half the
#       peak throughput to measure the step overhead at half load (issue 13, target 2)
#   -i  instant participants: answer every command SUCCESS at once (no Shop, no barrier database), so that the
#       engine, not the sample participants, bounds the run (issue 13's "participants that answer at once")
#   -H  instant HTTP participants: the same flow with HTTP participants (a local server answering 200 {} at
#       once), called by the engine's HTTP connector: its throughput next to -i's (issue 13, target 5)
#   -s  steps of the flow (default 3: charge, reserve, capture); more steps alternate the two participants, e.g.
#       -s 50 to compare the cost per step of a long saga with a 3-step one (issue 13, target 4); needs -i or -H
#   -f  follow: each of the CONCURRENCY clients of the measured load reads its saga's event stream to the end before
#       it starts the next (a closed loop: at most CONCURRENCY sagas at once, as the peer's clients of -P are driven)
#   -P  the peer in the same run (with -H): after Sagaflow's load, Seata's saga state-machine engine 2.2.0
#       (embedded, its state log in the same PostgreSQL, bench/peer/SeataPeer.java) drives the same three HTTP
#       steps against the same participants, CONCURRENCY clients each waiting for its saga's end (issue 13, target 3)
#   -g  grow first: put GROW finished sagas (copies of the warm-up's, with their events) in the tables before the
#       measured load, e.g. -g 1000000, to see start and step cost with a million finished sagas present
#       (issue 13, target 4); needs a warm-up (-w)
#   -e  measure another engine build: its quarkus-app directory (default engine/target/quarkus-app), e.g. one
#       built from an older commit with `git archive <rev> | tar -x -C /tmp/x && (cd /tmp/x && mvn -o -q package -DskipTests)`
#
# What it does, in one run:
#  1. scripts/infra.sh up postgres kafka; builds the project only when the engine jar or the sample jar is
#     missing (or with -b). The jars are used as they are: rebuild yourself after changing code.
#  2. creates a fresh database sagaflow_bench_<rand> and starts the engine jar on a free port with its own
#     replication slot / publication, reply topic + group, HTTP-connector topic + group (nothing shared with a
#     demo engine), and the sample app's Kafka participants (bench/BenchParticipants.java: the sample's Shop and
#     KafkaEndpoint, on topics and a consumer group of this run; see that file for why not ShopParticipants).
#  3. deploys flow bench-three-steps (payments charge -> inventory reserve -> payments capture, each with a
#     compensation, all over Kafka) and runs WARMUP sagas to warm up the JVMs and the consumer groups.
#  4. bench/LoadGenerator.java starts SAGAS sagas with CONCURRENCY starts in flight, then polls the saga list
#     until none is RUNNING.
#  5. prints sagas/s (completed / (last saga.updated_at - first start)), step latency p50/p99
#     (StepAttemptStarted -> StepSucceeded, from saga_event.recorded_at) overall and per step, the same split
#     into relay / participant / engine from the Kafka record timestamps, end-to-end saga latency p50/p99
#     (saga.created_at -> saga.updated_at), PostgreSQL commits per saga (xact_commit delta of the bench
#     database, raw and net of the idle background), write transactions and WAL bytes per saga, the relay's
#     and reply consumer's metrics, consumer lag, CPU seconds per process; then, with engine and participants
#     stopped, pgbench: single-row jsonb INSERT per transaction, 1, 8 and 16 clients, PGBENCH_S each, and the
#     ratio of completed sagas/s to pgbench commits/s at 16 clients (issue 13, target 1).
#  6. on exit (also Ctrl-C / failure): stops engine and participants, drops the replication slot (once
#     inactive) and the database, deletes the run's Kafka topics and consumer groups.
#
# Environment: BENCH_ENGINE_JAVA_OPTS  extra JVM options for the engine, e.g. a flight recording:
#   BENCH_ENGINE_JAVA_OPTS='-XX:StartFlightRecording=filename=/tmp/engine.jfr,settings=profile' bash bench/run.sh
#
# Everything of a run (logs, flow, raw figures, summary.txt, report.svg: its picture, by bench/report.py) stays in
# bench/runs/<date>-<rand>/.
# Requires: root on Debian 12 (scripts/infra.sh), JDK 17, curl, psql, pgbench (postgresql-client).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

N=2000
C=32
WARMUP=300
TIMEOUT=900
PGBENCH_SECONDS=10
BUILD=false
KEEP=false
PARTICIPANTS=sample
RATE=0
GROW=0
STEPS=3
PEER=false
FOLLOW=false
JIT_WAIT=true
APP_DIR=engine/target/quarkus-app

usage() { awk 'NR > 1 && /^# What it does/ { exit } NR > 1' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while getopts "n:c:w:t:p:e:r:g:s:bkiHPfJh" opt; do
  case $opt in
    n) N=$OPTARG ;;
    c) C=$OPTARG ;;
    w) WARMUP=$OPTARG ;;
    t) TIMEOUT=$OPTARG ;;
    p) PGBENCH_SECONDS=$OPTARG ;;
    b) BUILD=true ;;
    k) KEEP=true ;;
    i) PARTICIPANTS=instant ;;
    H) PARTICIPANTS=instant-http ;;
    r) RATE=$OPTARG ;;
    g) GROW=$OPTARG ;;
    s) STEPS=$OPTARG ;;
    P) PEER=true ;;
    f) FOLLOW=true ;;
    J) JIT_WAIT=false ;;
    e) APP_DIR=${OPTARG%/} ;;
    *) usage ;;
  esac
done
for pair in n:N c:C w:WARMUP t:TIMEOUT p:PGBENCH_SECONDS r:RATE g:GROW s:STEPS; do
  v=${pair#*:}
  [[ ${!v} =~ ^[0-9]+$ ]] || { echo "bench: -${pair%%:*} must be a whole number, was '${!v}'" >&2; usage; }
done
((N > 0 && C > 0)) || { echo "bench: -n and -c must be positive" >&2; exit 2; }
((STEPS >= 1 && STEPS <= 200)) || { echo "bench: -s must be 1 to 200" >&2; exit 2; }
((STEPS == 3)) || [[ $PARTICIPANTS != sample ]] || { echo "bench: -s needs instant participants (-i or -H)" >&2; exit 2; }
! $PEER || [[ $PARTICIPANTS == instant-http && $STEPS == 3 ]] || { echo "bench: -P needs -H (the peer calls HTTP participants) and the 3-step flow" >&2; exit 2; }
((GROW == 0 || WARMUP > 0)) || { echo "bench: -g copies the warm-up's sagas: give a warm-up (-w)" >&2; exit 2; }

rand=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
run_dir=$root/bench/runs/$(date +%Y%m%d-%H%M%S)-$rand
mkdir -p "$run_dir"
db=sagaflow_bench_$rand
slot=bench_$rand
publication=bench_$rand
reply_topic=bench.replies.$rand
http_topic=bench.http.$rand
payments_topic=bench.payments.$rand
inventory_topic=bench.inventory.$rand
engine_group=bench-engine-$rand
http_group=bench-http-$rand
participants_group=bench-participants-$rand
flow=bench-three-steps
((STEPS == 3)) || flow=bench-$STEPS-steps
bootstrap=127.0.0.1:9092
engine_jar=engine/target/quarkus-app/quarkus-run.jar
sample_cp="sample-flows/target/sagaflow-sample-flows-0.1.0-SNAPSHOT.jar:sample-flows/target/lib/*"

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: ERROR: %s\n' "$*" >&2; exit 1; }
# psql on the bench database / on the maintenance database (the latter leaves the bench's xact_commit alone).
q()  { PGCONNECT_TIMEOUT=5 psql -h 127.0.0.1 -U postgres -d "$db" -XAtq -v ON_ERROR_STOP=1 -F $'\t' -c "$1"; }
qa() { PGCONNECT_TIMEOUT=5 psql -h 127.0.0.1 -U postgres -d postgres -XAtq -v ON_ERROR_STOP=1 -F $'\t' -c "$1"; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

# --- cleanup (trap) ----------------------------------------------------------------------------------------

engine_pid=""
participants_pid=""
load_pid=""
tmp=""
sampler_pid=""
db_created=false
kafka_used=false
cleaned=false

stop_pid() {  # stop_pid PID NAME SECONDS: SIGTERM, then SIGKILL after SECONDS
  local pid=$1 name=$2 secs=$3
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + secs))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      say "$name (pid $pid) ignored SIGTERM for ${secs}s, killing it"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  wait "$pid" 2>/dev/null || true
}

stop_processes() {
  stop_pid "$load_pid" "load generator" 5; load_pid=""
  [[ -n $sampler_pid ]] && { kill "$sampler_pid" 2>/dev/null || true; wait "$sampler_pid" 2>/dev/null || true; sampler_pid=""; }
  stop_pid "$engine_pid" engine 30; engine_pid=""
  stop_pid "$participants_pid" participants 15; participants_pid=""
}

cleanup() {
  local rc=$?
  $cleaned && return
  cleaned=true
  set +e
  stop_processes
  if $db_created; then
    # The slot can only be dropped once the engine's walsender has gone.
    local active deadline=$((SECONDS + 30))
    while active=$(qa "SELECT active FROM pg_replication_slots WHERE slot_name = '$slot'" 2>/dev/null) && [[ $active == t ]]; do
      if ((SECONDS >= deadline)); then
        say "slot $slot still active 30 s after the engine stopped; ending its walsender"
        qa "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '$slot' AND active_pid IS NOT NULL" >/dev/null
        sleep 2
        deadline=$((SECONDS + 30))
      fi
      sleep 0.5
    done
    if [[ -n $(qa "SELECT 1 FROM pg_replication_slots WHERE slot_name = '$slot'" 2>/dev/null) ]]; then
      q "SELECT pg_drop_replication_slot('$slot')" >/dev/null && say "dropped replication slot $slot" ||
        say "WARNING: could not drop replication slot $slot: drop it by hand, it keeps WAL forever"
    fi
    if $KEEP; then
      say "kept database $db (-k): drop it with: psql -h 127.0.0.1 -U postgres -c 'DROP DATABASE $db WITH (FORCE)'"
    else
      qa "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null && say "dropped database $db" ||
        say "WARNING: could not drop database $db"
    fi
  fi
  if $kafka_used; then
    timeout 90 java -cp "$sample_cp" bench/BenchParticipants.java cleanup "$bootstrap" \
      "$reply_topic,$http_topic,$payments_topic,$inventory_topic" "$engine_group,$http_group,$participants_group" \
      >>"$run_dir/cleanup.log" 2>&1 && say "deleted the run's Kafka topics and consumer groups" ||
      say "WARNING: deleting the run's Kafka topics failed (see $run_dir/cleanup.log)"
  fi
  [[ -n $tmp && -d $tmp ]] && rm -rf "$tmp"
  say "logs and figures: ${run_dir#"$root"/}"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- 1. infrastructure and build ---------------------------------------------------------------------------

loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)
say "run $rand: $N sagas, concurrency $C$( ((RATE > 0)) && echo ", $RATE starts/s"), warm-up $WARMUP, $PARTICIPANTS participants (files in ${run_dir#"$root"/})"
if ! scripts/infra.sh up postgres kafka >"$run_dir/infra.log" 2>&1; then
  cat "$run_dir/infra.log" >&2
  die "scripts/infra.sh up postgres kafka failed"
fi
[[ $(qa "SHOW wal_level") == logical ]] || die "PostgreSQL runs with wal_level=$(qa 'SHOW wal_level'), logical is needed"
for tool in curl psql java; do command -v "$tool" >/dev/null || die "$tool not found"; done
pg_major=$(qa "SHOW server_version_num" | cut -c1-2)
waldump_bin=$(ls "/usr/lib/postgresql/$pg_major/bin/pg_waldump" 2>/dev/null || command -v pg_waldump || true)
pgdata=$(qa "SHOW data_directory" 2>/dev/null || true)
pgbench_bin=$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | tail -n1 || true)
[[ -n $pgbench_bin ]] || die "pgbench not found (apt-get install postgresql-client or postgresql-contrib)"

if $BUILD || [[ ! -f $engine_jar || ! -f sample-flows/target/sagaflow-sample-flows-0.1.0-SNAPSHOT.jar ]] ||
   ! compgen -G "sample-flows/target/lib/kafka-clients-*.jar" >/dev/null; then
  say "building (scripts/mvn.sh -q install -DskipTests) ..."
  scripts/mvn.sh -q install -DskipTests >"$run_dir/build.log" 2>&1 || { tail -n 30 "$run_dir/build.log" >&2; die "build failed (log: $run_dir/build.log)"; }
fi
if $PEER; then   # the peer's class path (Seata, Spring, the PostgreSQL driver): resolved now, so a miss shows before the run
  { mvn -B -q -o -f bench/peer/pom.xml dependency:build-classpath -Dmdep.outputFile="$run_dir/peer-classpath" ||
    mvn -B -q -f bench/peer/pom.xml dependency:build-classpath -Dmdep.outputFile="$run_dir/peer-classpath"; } \
    >"$run_dir/peer-build.log" 2>&1 || { tail -n 20 "$run_dir/peer-build.log" >&2; die "resolving the peer's class path failed"; }
fi
[[ -f $APP_DIR/quarkus-run.jar ]] || die "no engine build in $APP_DIR (quarkus-run.jar missing)"
if [[ $APP_DIR != engine/target/quarkus-app ]]; then
  engine_jar=$APP_DIR/quarkus-run.jar
elif [[ -n $(find dsl connectors engine -path '*/src/main/*' -newer "$engine_jar" -print -quit 2>/dev/null) ]]; then
  say "WARNING: sources changed after $engine_jar was built; measuring the jar as it is (-b rebuilds)"
fi
# Run from a private copy: a rebuild in the working tree during the run must not change the jars under a running JVM.
tmp=$(mktemp -d /tmp/sagaflow-bench.XXXXXX)
cp -a "$APP_DIR" "$tmp/engine"
mkdir -p "$tmp/samples"
cp sample-flows/target/sagaflow-sample-flows-0.1.0-SNAPSHOT.jar "$tmp/samples/"
cp -a sample-flows/target/lib "$tmp/samples/lib"
if [[ $APP_DIR == engine/target/quarkus-app ]]; then
  jar_info="built $(date -r "$engine_jar" '+%Y-%m-%d %H:%M:%S'), git $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- dsl connectors engine 2>/dev/null || echo ' + uncommitted changes')"
else
  jar_info="$APP_DIR, built $(date -r "$engine_jar" '+%Y-%m-%d %H:%M:%S')"
fi
jar_info="$jar_info, code sha256 $(cat "$tmp"/engine/app/*.jar "$tmp"/engine/lib/main/io.sagaflow.*.jar | sha256sum | cut -c1-12)"
engine_jar=$tmp/engine/quarkus-run.jar
sample_cp="$tmp/samples/sagaflow-sample-flows-0.1.0-SNAPSHOT.jar:$tmp/samples/lib/*"

free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  return 1
}

# --- 2. database, engine, participants ---------------------------------------------------------------------

qa "CREATE DATABASE $db" >/dev/null
db_created=true
db_oid=$(qa "SELECT oid FROM pg_database WHERE datname = '$db'")
port=$(free_port) || die "no free port found"
url=http://127.0.0.1:$port
say "starting the engine on :$port (database $db, slot $slot, replies $reply_topic)"
# shellcheck disable=SC2086  # BENCH_ENGINE_JAVA_OPTS: extra JVM options, split on spaces (e.g. -XX:StartFlightRecording=...)
# Security off through the environment (an older build given with -e ignores a variable it does not know).
SAGAFLOW_SECURITY_ENABLED=false env -u SAGAFLOW_FLOWS_DEPLOY_DIR java ${BENCH_ENGINE_JAVA_OPTS:-} \
  -Dquarkus.http.port="$port" \
  -Dquarkus.datasource.jdbc.url="jdbc:postgresql://127.0.0.1:5432/$db" \
  -Dquarkus.datasource.reactive.url="postgresql://127.0.0.1:5432/$db" \
  -Dsagaflow.node-id="bench-$rand" \
  -Dsagaflow.relay.slot="$slot" \
  -Dsagaflow.relay.publication="$publication" \
  -Dsagaflow.replies.topic="$reply_topic" \
  -Dsagaflow.replies.group="$engine_group" \
  -Dsagaflow.http-connector.topic="$http_topic" \
  -Dsagaflow.http-connector.group="$http_group" \
  -jar "$engine_jar" >"$run_dir/engine.log" 2>&1 &
engine_pid=$!
kafka_used=true

deadline=$((SECONDS + 180))
until curl -sf "$url/q/health/ready" >/dev/null 2>&1; do
  if ! kill -0 "$engine_pid" 2>/dev/null; then
    tail -n 30 "$run_dir/engine.log" >&2; engine_pid=""
    die "the engine exited during startup (log: $run_dir/engine.log)"
  fi
  if ((SECONDS >= deadline)); then
    curl -s "$url/q/health/ready" >&2 || true
    die "the engine is not ready after 180 s (log: $run_dir/engine.log)"
  fi
  sleep 0.5
done
say "engine ready"

if [[ $PARTICIPANTS == instant-http ]]; then
  http_port=$(free_port) || die "no free port found"
  participants_yaml="    payments:  { http: { url: http://127.0.0.1:$http_port/payments } }
    inventory: { http: { url: http://127.0.0.1:$http_port/inventory } }"
  # the HTTP connector consumes the commands: its group and topic are the ones whose lag is 'commands waiting'
  participants_args=("$http_group" "$http_topic" "$http_topic")
  command_topics=$http_topic
else
  http_port=""
  participants_yaml="    payments:  { kafka: { topic: $payments_topic } }
    inventory: { kafka: { topic: $inventory_topic } }"
  participants_args=("$participants_group" "$payments_topic" "$inventory_topic")
  command_topics=$payments_topic,$inventory_topic
fi
if ((STEPS == 3)); then
  steps_yaml="    - name: charge
      participant: payments
      action: charge
      compensation: refund
    - name: reserve
      participant: inventory
      action: reserve
      compensation: release
    - name: capture
      participant: payments
      action: capture
      compensation: refund-capture"
else
  steps_yaml=$(for ((i = 1; i <= STEPS; i++)); do
    printf '    - name: step-%03d\n      participant: %s\n      action: do-%03d\n      compensation: undo-%03d\n' \
      "$i" "$( ((i % 2)) && echo payments || echo inventory)" "$i" "$i"
  done)
fi
cat >"$run_dir/$flow.yaml" <<YAML
apiVersion: sagaflow.io/v1
kind: Saga
metadata:
  name: $flow
  version: 1
spec:
  # Written by bench/run.sh for run $rand: $STEPS steps, $PARTICIPANTS participants, topics of this run.
  participants:
$participants_yaml
  defaults:
    retry:   { maxAttempts: 3, backoff: exponential, initialDelay: 200ms, maxDelay: 5s, jitter: 0.2 }
    timeout: 60s        # generous: under load a reply may wait in the queue; a timeout would skew the figures
  steps:
$steps_yaml
YAML
code=$(curl -s -o "$run_dir/deploy.json" -w '%{http_code}' -XPOST "$url/api/flows" \
  -H 'Content-Type: application/yaml' --data-binary @"$run_dir/$flow.yaml")
[[ $code == 201 ]] || { cat "$run_dir/deploy.json" >&2; die "deploying $flow answered $code"; }

BENCH_PARTICIPANTS=$PARTICIPANTS BENCH_HTTP_PORT=$http_port java -cp "$sample_cp" bench/BenchParticipants.java run "$bootstrap" \
  "${participants_args[@]}" "$run_dir/lag.txt" "$reply_topic" "$engine_group" >"$run_dir/participants.log" 2>&1 &
participants_pid=$!
deadline=$((SECONDS + 90))
until grep -q '^bench participants:' "$run_dir/participants.log" 2>/dev/null; do
  kill -0 "$participants_pid" 2>/dev/null || { cat "$run_dir/participants.log" >&2; participants_pid=""; die "the participants exited"; }
  ((SECONDS < deadline)) || die "the participants did not start in 90 s (log: $run_dir/participants.log)"
  sleep 0.3
done
say "participants ready"

load() {  # load N CONCURRENCY PREFIX TIMEOUT OUT [RATE [follow]]; in the background + wait, so that a signal is handled at once
  local rc=0
  java bench/LoadGenerator.java "$url" "$flow" "$1" "$2" "$3" "$4" "${6:-0}" "${7:-}" >"$5" &
  load_pid=$!
  wait "$load_pid" || rc=$?
  load_pid=""
  return "$rc"
}

# Per thread of the engine: "tid<TAB>name<TAB>ticks" (names may hold spaces; digits become #, to group pools).
thread_ticks() {
  cat "/proc/$1"/task/*/stat 2>/dev/null | awk '{ i = index($0, " ("); j = match($0, /\) [A-Z] /)
    name = substr($0, i + 2, j - i - 2); gsub(/[0-9]+/, "#", name); rest = substr($0, j + 2); split(rest, f, " ")
    printf "%s\t%s\t%d\n", $1, name, f[12] + f[13] }'
}
jit_ticks() { thread_ticks "$engine_pid" | awk -F'\t' '$2 ~ /^C# CompilerThre/ { s += $3 } END { print s + 0 }'; }

if ((WARMUP > 0)); then
  say "warm-up: $WARMUP sagas"
  load "$WARMUP" "$((C < WARMUP ? C : WARMUP))" "warmup-$rand" 180 "$run_dir/warmup.out" ||
    die "the warm-up did not complete (see $run_dir/engine.log, $run_dir/participants.log)"
fi
# The JIT (-J skips this): after a start, the engine's C2 compiler thread stays busy through a minute or more of
# load on this machine, ~40 % of a core taken from the engine, Kafka and PostgreSQL in the measured window. More
# warm-up rounds until the compiler threads used under 10 % of a core over a window of at least 10 s.
if $JIT_WAIT && ((WARMUP > 0)); then
  hz=$(getconf CLK_TCK)
  jit_round=0; jit_sagas=$((WARMUP > 100 ? WARMUP : 100)); jit_from=$SECONDS
  win_ns=$(date +%s%N); win_ticks=$(jit_ticks)
  while :; do
    now_ns=$(date +%s%N); ticks=$(jit_ticks)
    win_s=$(calc '%.1f' "($now_ns - $win_ns) / 1e9")
    if [[ $(calc '%d' "$win_s >= 10") == 1 ]]; then
      jit_share=$(calc '%.0f' "100 * ($ticks - $win_ticks) / $hz / $win_s")
      if ((jit_share < 10)); then
        say "warm-up: the engine's JIT is quiet (compiler threads $jit_share % of a core over the last $win_s s) after $jit_round more rounds, $((SECONDS - jit_from)) s"
        break
      fi
      if ((SECONDS - jit_from >= 300)); then
        say "warm-up: WARNING: the engine's JIT still takes $jit_share % of a core after $jit_round more rounds ($((SECONDS - jit_from)) s); measuring anyway"
        break
      fi
      win_ns=$now_ns; win_ticks=$ticks
    fi
    jit_round=$((jit_round + 1))
    load "$jit_sagas" "$((C < jit_sagas ? C : jit_sagas))" "warmup-$rand-j$jit_round" 180 "$run_dir/warmup-jit.out" 0 \
      "$($FOLLOW && echo follow)" ||   # with -f, the event streams the measured clients follow get warm too
      die "a warm-up round did not complete (see $run_dir/engine.log, $run_dir/participants.log)"
  done
fi

# Growth (-g): copies of the warm-up's finished sagas, each with its events, under new ids (of the kind the engine
# makes) and without an Idempotency-Key (so the figures below, which select the measured sagas by key, leave them
# out), dated two days back, in batches of 100 000; then VACUUM ANALYZE as autovacuum would. Outbox rows are deleted
# when written.
grow_s=0
if ((GROW > 0)); then
  say "growing the tables: $GROW finished sagas with their events"
  grow_from=$SECONDS
  saga_select=$(q "SELECT string_agg(CASE column_name WHEN 'id' THEN 'm.dst' WHEN 'idempotency_key' THEN 'NULL'
                     WHEN 'created_at' THEN 's.created_at - interval ''2 days'''
                     WHEN 'updated_at' THEN 's.updated_at - interval ''2 days''' ELSE 's.' || column_name END,
                     ', ' ORDER BY ordinal_position)
                   FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'saga'")
  sources=$(q "SELECT count(*) FROM saga WHERE status = 'COMPLETED' AND idempotency_key LIKE 'warmup-$rand-%'")
  ((sources > 0)) || die "no completed warm-up saga to copy"
  # New ids of the kind the engine makes: time-ordered (version 7: milliseconds first) or random (version 4).
  if [[ $(q "SELECT substr(id::text, 15, 1) FROM saga WHERE idempotency_key LIKE 'warmup-$rand-%' LIMIT 1") == 7 ]]; then
    new_id="(lpad(to_hex((extract(epoch FROM s.created_at - interval '2 days') * 1000)::bigint), 12, '0') || '7'
             || substr(md5(random()::text), 1, 3) || substr('89ab', 1 + floor(random() * 4)::int, 1)
             || substr(md5(random()::text), 1, 15))::uuid"
  else
    new_id="gen_random_uuid()"
  fi
  grown=0
  while ((grown < GROW)); do
    batch=$((GROW - grown < 100000 ? GROW - grown : 100000))
    PGCONNECT_TIMEOUT=5 psql -h 127.0.0.1 -U postgres -d "$db" -Xq -v ON_ERROR_STOP=1 >/dev/null <<SQL ||
CREATE TEMP TABLE grow_map AS
  SELECT s.id AS src, $new_id AS dst
  FROM (SELECT id, created_at FROM saga WHERE status = 'COMPLETED' AND idempotency_key LIKE 'warmup-$rand-%') s,
       generate_series(1, ceil($batch::numeric / $sources)::int)
  LIMIT $batch;
INSERT INTO saga SELECT $saga_select FROM grow_map m JOIN saga s ON s.id = m.src;
INSERT INTO saga_event (saga_id, seq, type, data, recorded_at)
  SELECT m.dst, e.seq, e.type, e.data, e.recorded_at - interval '2 days'
  FROM grow_map m JOIN saga_event e ON e.saga_id = m.src;
SQL
      die "growing the tables failed"
    grown=$((grown + batch))
    say "  ... $grown / $GROW ($((SECONDS - grow_from)) s)"
  done
  q "VACUUM ANALYZE saga" >/dev/null
  q "VACUUM ANALYZE saga_event" >/dev/null
  grow_s=$((SECONDS - grow_from))
  say "grown in $grow_s s: $(q "SELECT count(*) FROM saga") sagas, $(q "SELECT count(*) FROM saga_event") events, $(q "SELECT pg_size_pretty(pg_database_size(current_database()))")"
  # A real installation gathers these over weeks, not in one burst: let the relay's WAL decoding get through the
  # burst's WAL and let the engine's caches settle, with a few more sagas (not measured) after a checkpoint.
  qa "CHECKPOINT" >/dev/null
  load "$((WARMUP < 200 ? WARMUP : 200))" "$((C < WARMUP ? C : WARMUP))" "settle-$rand" 300 "$run_dir/settle.out" ||
    die "the sagas after the growth did not complete (see $run_dir/engine.log)"
fi
# The measured load starts from a checkpoint, so that one does not fall into it by chance.
qa "CHECKPOINT" >/dev/null

# --- 3. measure ---------------------------------------------------------------------------------------------

# A snapshot: epoch ms, the bench database's commits and rollbacks, the WAL position. Read from the maintenance
# database so that reading adds nothing to the bench database's counts.
snapshot() {
  qa "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint, xact_commit, xact_rollback, pg_current_wal_lsn()
      FROM pg_stat_database WHERE datname = '$db'"
}
# Write transactions of the bench database between two WAL positions, and their WAL bytes: pg_waldump, a
# transaction counts when one of its records touches a relation of the bench database (rel <ts>/<db oid>/<rel>)
# and it committed. Exact, where xact_commit also counts read-only transactions. The slot keeps this WAL.
wal_writes() {  # wal_writes FROM_LSN TO_LSN -> "transactions bytes" (empty if pg_waldump cannot read the WAL)
  [[ -n $waldump_bin && -d $pgdata/pg_wal ]] || return 0
  "$waldump_bin" -p "$pgdata/pg_wal" -s "$1" -e "$2" 2>/dev/null | awk -v db="$db_oid" '
    { tx = $0; sub(/.*tx: */, "", tx); sub(/,.*/, "", tx)
      len = $0; sub(/.*len \(rec\/tot\): *[0-9]+\/ */, "", len); sub(/,.*/, "", len); bytes[tx] += len }
    / rel [0-9]+\/[0-9]+\// { r = $0; sub(/.* rel [0-9]+\//, "", r); sub(/\/.*/, "", r); if (r == db && tx != "0") mine[tx] = 1 }
    /desc: COMMIT/ { committed[tx] = 1 }
    END { for (t in mine) if (t in committed) { n++; b += bytes[t] } printf "%d %d\n", n, b }'
}
cpu_ticks() { [[ -r /proc/$1/stat ]] && awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" || echo 0; }
# PostgreSQL processes that work for the bench: its database's backends (the engine's pool, the relay's walsender)
# and the shared writers. "pid ticks" lines; other databases' backends (a demo, tests) are left out.
pg_pids() {
  qa "SELECT pid FROM pg_stat_activity WHERE datname = '$db'
      OR backend_type IN ('walwriter', 'checkpointer', 'background writer', 'autovacuum launcher')" 2>/dev/null || true
}
pg_ticks() { local p; for p in $(pg_pids); do echo "$p $(cpu_ticks "$p")"; done; }
pg_cpu_delta() {  # pg_cpu_delta BEFORE AFTER -> ticks (a process new since BEFORE counts in full)
  awk 'NR == FNR { b[$1] = $2; next } { d = $2 - ($1 in b ? b[$1] : 0); if (d > 0) s += d } END { print s + 0 }' "$1" "$2"
}
machine_ticks() { awk '/^cpu /{ print $2+$3+$4+$7+$8+$9, $5+$6 }' /proc/stat; }  # busy idle
kafka_pid=$(cat "${SAGAFLOW_HOME:-$HOME/.sagaflow}/kafka-data/kafka.pid" 2>/dev/null || pgrep -f 'kafka\.Kafka' | head -n1 || true)
cpu_snapshot() {  # cpu_snapshot PG_FILE: "engine participants kafka busy idle"; PostgreSQL's per-process ticks to PG_FILE
  pg_ticks >"$1"
  echo "$(cpu_ticks "$engine_pid") $(cpu_ticks "$participants_pid") $(cpu_ticks "${kafka_pid:-0}") $(machine_ticks)"
}

# Idle background of the engine (timer poller, node heartbeats, relay offsets): measured for 5 s, subtracted below.
sleep 2
read -r s0_ms s0_commit _ s0_lsn <<<"$(snapshot)"
[[ -n $s0_lsn ]] || die "cannot read pg_stat_database for $db"
read -r c0_engine _ <<<"$(cpu_snapshot "$run_dir/pg-ticks.idle")"
thread_ticks "$engine_pid" >"$run_dir/engine-threads.idle"
sleep 5
read -r s1_ms s1_commit s1_rollback s1_lsn <<<"$(snapshot)"
curl -s "$url/q/metrics" >"$run_dir/metrics.before"
read -r c1_engine c1_part c1_kafka c1_busy c1_idle <<<"$(cpu_snapshot "$run_dir/pg-ticks.before")"
thread_ticks "$engine_pid" >"$run_dir/engine-threads.before"

(  # 1 Hz: engine backends active in the bench database, relay slot lag (bytes of WAL not yet confirmed)
  while true; do
    qa "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint,
               (SELECT count(*) FROM pg_stat_activity WHERE datname = '$db' AND state = 'active' AND backend_type = 'client backend'),
               (SELECT coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn), 0)::bigint
                  FROM pg_replication_slots WHERE slot_name = '$slot')" 2>/dev/null | tr '\t' ' ' || true
    sleep 1
  done
) >"$run_dir/pg-samples.txt" &
sampler_pid=$!

say "load: $N sagas, $C $($FOLLOW && echo "clients each following its saga to the end" || echo "starts in flight")"
load_rc=0
load "$N" "$C" "load-$rand" "$TIMEOUT" "$run_dir/load.out" "$RATE" "$($FOLLOW && echo follow)" || load_rc=$?
kill "$sampler_pid" 2>/dev/null || true; wait "$sampler_pid" 2>/dev/null || true; sampler_pid=""
sleep 2   # backends report their statistics at most once a second
read -r _ s2_commit s2_rollback s2_lsn <<<"$(snapshot)"
[[ -n $s2_lsn && -n $s1_lsn ]] || die "cannot read pg_stat_database for $db"
read -r c2_engine c2_part c2_kafka c2_busy c2_idle <<<"$(cpu_snapshot "$run_dir/pg-ticks.after")"
thread_ticks "$engine_pid" >"$run_dir/engine-threads.after"
curl -s "$url/q/metrics" >"$run_dir/metrics.after"
case $load_rc in
  0) ;;
  1) say "WARNING: some starts failed (see above)" ;;
  3) say "WARNING: not every saga ended within $TIMEOUT s" ;;
  *) die "the load generator failed (exit $load_rc)" ;;
esac

val() { sed -n "s/^$1=//p" "$run_dir/load.out"; }
first_start_ms=$(val first_start_ms)
polls=$(val polls)

# --- 4. figures from the event store ------------------------------------------------------------------------

key="load-$rand-%"
IFS=$'\t' read -r completed not_completed last_ms e2e_p50 e2e_p99 e2e_max <<<"$(q "
  SELECT count(*) FILTER (WHERE status = 'COMPLETED'), count(*) FILTER (WHERE status <> 'COMPLETED'),
         (extract(epoch FROM max(updated_at)) * 1000)::bigint,
         round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM updated_at - created_at) * 1000)
                FILTER (WHERE status = 'COMPLETED'))::numeric, 1),
         round((percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM updated_at - created_at) * 1000)
                FILTER (WHERE status = 'COMPLETED'))::numeric, 1),
         round((max(extract(epoch FROM updated_at - created_at) * 1000) FILTER (WHERE status = 'COMPLETED'))::numeric, 1)
  FROM saga WHERE idempotency_key LIKE '$key'")"
statuses=$(q "SELECT status || '=' || count(*) FROM saga WHERE idempotency_key LIKE '$key' GROUP BY status ORDER BY status" | paste -sd' ')
event_types=$(q "SELECT e.type || '=' || count(*) FROM saga_event e JOIN saga s ON s.id = e.saga_id
                 WHERE s.idempotency_key LIKE '$key' GROUP BY e.type ORDER BY count(*) DESC, e.type" | paste -sd' ')
wall_s=$(calc '%.3f' "(${last_ms:-0} - $first_start_ms) / 1000")
sagas_per_s=$(calc '%.1f' "$completed / ($wall_s > 0 ? $wall_s : 1)")
# Per second of the load, for the run's picture (bench/report.py): completions and their saga latency.
q "SELECT floor((extract(epoch FROM updated_at) * 1000 - $first_start_ms) / 1000)::int, count(*),
          round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM updated_at - created_at) * 1000)::numeric, 1),
          round(percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM updated_at - created_at) * 1000)::numeric, 1)
   FROM saga WHERE idempotency_key LIKE '$key' AND status = 'COMPLETED' GROUP BY 1 ORDER BY 1" >"$run_dir/timeline.tsv"

# Step latency: each StepSucceeded against the StepAttemptStarted (action) before it, for the same step; split by
# the Kafka timestamps of the command (produced by the relay) and of the reply (produced by the participant).
timeout 180 java -cp "$sample_cp" bench/BenchParticipants.java trace "$bootstrap" "$run_dir/trace.tsv" \
  "$command_topics,$reply_topic" >"$run_dir/trace.log" 2>&1 ||
  { cat "$run_dir/trace.log" >&2; say "WARNING: reading the Kafka timestamps failed; no relay/participant/engine split"; : >"$run_dir/trace.tsv"; }
q "CREATE TABLE bench_trace (topic text, message_id uuid, ts_ms bigint)" >/dev/null
PGCONNECT_TIMEOUT=5 psql -h 127.0.0.1 -U postgres -d "$db" -XAtq -v ON_ERROR_STOP=1 \
  -c "\\copy bench_trace FROM '$run_dir/trace.tsv'" >/dev/null
step_sql="
  WITH ok AS (
    SELECT e.saga_id, e.seq, e.data->>'step' AS step, e.recorded_at AS done_at
    FROM saga_event e JOIN saga s ON s.id = e.saga_id
    WHERE s.idempotency_key LIKE '$key' AND e.type = 'StepSucceeded'),
  lat AS (
    SELECT ok.step, ok.seq, extract(epoch FROM ok.done_at - st.recorded_at) * 1000 AS total,
           cmd.ts - extract(epoch FROM st.recorded_at) * 1000 AS relay,
           rep.ts - cmd.ts AS participant,
           extract(epoch FROM ok.done_at) * 1000 - rep.ts AS engine
    FROM ok
    CROSS JOIN LATERAL (SELECT a.recorded_at, (a.data->>'messageId')::uuid AS mid FROM saga_event a
                        WHERE a.saga_id = ok.saga_id AND a.type = 'StepAttemptStarted' AND a.data->>'step' = ok.step
                          AND a.data->>'kind' = 'ACTION' AND a.seq < ok.seq ORDER BY a.seq DESC LIMIT 1) st
    LEFT JOIN (SELECT message_id, min(ts_ms) AS ts FROM bench_trace WHERE topic <> '$reply_topic' GROUP BY 1) cmd
           ON cmd.message_id = st.mid
    LEFT JOIN (SELECT message_id, min(ts_ms) AS ts FROM bench_trace WHERE topic = '$reply_topic' GROUP BY 1) rep
           ON rep.message_id = st.mid)
  SELECT coalesce(step, 'all steps'), count(*),
         round(percentile_cont(0.5) WITHIN GROUP (ORDER BY total)::numeric, 1),
         round(percentile_cont(0.99) WITHIN GROUP (ORDER BY total)::numeric, 1),
         round(percentile_cont(0.5) WITHIN GROUP (ORDER BY relay)::numeric, 1),
         round(percentile_cont(0.99) WITHIN GROUP (ORDER BY relay)::numeric, 1),
         round(percentile_cont(0.5) WITHIN GROUP (ORDER BY participant)::numeric, 1),
         round(percentile_cont(0.99) WITHIN GROUP (ORDER BY participant)::numeric, 1),
         round(percentile_cont(0.5) WITHIN GROUP (ORDER BY engine)::numeric, 1),
         round(percentile_cont(0.99) WITHIN GROUP (ORDER BY engine)::numeric, 1),
         count(relay)
  FROM lat GROUP BY ROLLUP (step) ORDER BY (step IS NULL), min(seq), step"
steps=$(q "$step_sql")
IFS=$'\t' read -r _ _ step_p50 step_p99 _ <<<"$(grep '^all steps' <<<"$steps")"

# --- 5. commits, metrics, lag, CPU ---------------------------------------------------------------------------

idle_ms=$((s1_ms - s0_ms))
raw_commits=$((s2_commit - s1_commit))
idle_rate=$(calc '%.1f' "($s1_commit - $s0_commit) * 1000 / $idle_ms")
commits_per_saga=$(calc '%.2f' "$raw_commits / $N")
rollbacks=$((s2_rollback - s1_rollback))
read -r writes write_bytes <<<"$(wal_writes "$s1_lsn" "$s2_lsn")"
if [[ -n ${writes:-} ]] && ((writes > 0)); then
  writes_line="$(calc '%.2f' "$writes / $N") per saga ($writes write transactions in the bench database, from the WAL; \
$(calc '%.1f' "3 * $N / ($writes > $N ? $writes - $N : 1)") replies per transaction if every start is one); read-only $(calc '%.2f' "($raw_commits - $writes) / $N")/saga; WAL $(calc '%.0f' "$write_bytes / $N") bytes/saga"
  commit_basis=$(calc '%.4f' "$writes / $N")
else
  writes_line="(pg_waldump could not read $pgdata/pg_wal)"
  commit_basis=$(calc '%.4f' "$raw_commits / $N")
fi

metric() {  # metric FILE NAME [LABEL_FILTER]: sum of the samples of NAME (optionally only lines containing the filter)
  awk -v n="$2" -v f="${3:-}" '$1 == n || index($1, n "{") == 1 { if (f == "" || index($0, f)) s += $NF } END { printf "%.6f", s }' "$1"
}
mdelta() { calc '%.6f' "$(metric "$run_dir/metrics.after" "$@") - $(metric "$run_dir/metrics.before" "$@")"; }
batches=$(mdelta sagaflow_outbox_batch_seconds_count)
batch_sum=$(mdelta sagaflow_outbox_batch_seconds_sum)
batch_max_ms=$(calc '%.1f' "$(metric "$run_dir/metrics.after" sagaflow_outbox_batch_seconds_max) * 1000")
relayed=$(mdelta sagaflow_outbox_relayed_total)
replies_applied=$(mdelta sagaflow_replies_total 'result="applied"')
replies_ignored=$(mdelta sagaflow_replies_total 'result="ignored"')
timers_fired=$(mdelta sagaflow_timers_fired_total)
direct_sent=$(mdelta sagaflow_outbox_direct_total 'result="sent"')
direct_different=$(mdelta sagaflow_outbox_direct_total 'result="different"')
relay_line="$(calc '%.0f' "$direct_sent") records sent directly by the deciding node ($(calc '%.0f' "$direct_different") differing from the relay's), $(calc '%.0f' "$relayed") published by the relay; $(calc '%.0f' "$batches") relay batches, $(calc '%.1f' "$batch_sum * 1000 / ($batches > 0 ? $batches : 1)") ms avg per batch (Kafka send+ack, or waiting for a direct send; max $batch_max_ms ms), relay busy $(calc '%.0f' "100 * $batch_sum / ($wall_s > 0 ? $wall_s : 1)")% of the wall time"

lag_line=$(awk -v a="$first_start_ms" -v b="${last_ms:-0}" '$1 >= a && $1 <= b && $2 >= 0 && $3 >= 0 {
    n++; c += $2; r += $3; if ($2 > cm) cm = $2; if ($3 > rm) rm = $3 }
  END { if (n) printf "commands waiting for the participants avg %.0f max %d; replies waiting for the engine avg %.0f max %d (%d samples)", c/n, cm, r/n, rm, n;
        else printf "no samples" }' "$run_dir/lag.txt" 2>/dev/null || echo "no samples")
active_line=$(awk -v a="$first_start_ms" -v b="${last_ms:-0}" '$1 >= a && $1 <= b { n++; s += $2; if ($2 > m) m = $2; h[$2]++ }
  END { if (n) { printf "avg %.2f, max %d (share of samples with 0/1/2+ active: %.0f%%/%.0f%%/%.0f%%)", s/n, m, 100*h[0]/n, 100*h[1]/n, 100*(n-h[0]-h[1])/n } else printf "no samples" }' \
  "$run_dir/pg-samples.txt" 2>/dev/null || echo "no samples")

hz=$(getconf CLK_TCK)
cores=$(nproc)
busy_s=$(calc '%.1f' "($c2_busy - $c1_busy) / $hz")
window_cpu_s=$(calc '%.1f' "(($c2_busy - $c1_busy) + ($c2_idle - $c1_idle)) / $hz / $cores")
engine_cpu_s=$(calc '%.1f' "($c2_engine - $c1_engine) / $hz")
pg_delta=$(pg_cpu_delta "$run_dir/pg-ticks.before" "$run_dir/pg-ticks.after")
own_cpu_s=$(calc '%.1f' "(($c2_engine - $c1_engine) + ($c2_part - $c1_part) + ($c2_kafka - $c1_kafka) + $pg_delta) / $hz + $(val cpu_s)")
cpu_line=$(printf 'engine %ss (%s ms/saga, %s ms/step; idle before the load: %s%% of a core), participants %ss, Kafka %ss, PostgreSQL %ss (bench backends, walsender, writers), load generator %ss; everything else on the machine %ss; machine busy %ss of %ss x %s cores = %s%%' \
  "$engine_cpu_s" "$(calc '%.1f' "$engine_cpu_s * 1000 / $N")" "$(calc '%.2f' "$engine_cpu_s * 1000 / $N / $STEPS")" "$(calc '%.0f' "100 * ($c1_engine - $c0_engine) / $hz * 1000 / $idle_ms")" \
  "$(calc '%.1f' "($c2_part - $c1_part) / $hz")" \
  "$(calc '%.1f' "($c2_kafka - $c1_kafka) / $hz")" "$(calc '%.1f' "$pg_delta / $hz")" "$(val cpu_s)" \
  "$(calc '%.1f' "$busy_s - $own_cpu_s")" \
  "$busy_s" "$window_cpu_s" "$cores" "$(calc '%.0f' "100 * $busy_s / ($window_cpu_s * $cores > 0 ? $window_cpu_s * $cores : 1)")")

thread_cpu() {  # thread_cpu BEFORE AFTER TOP UNIT_DIVISOR FORMAT: CPU per thread group between two thread_ticks files
  awk -F'\t' -v hz="$(getconf CLK_TCK)" -v div="$4" 'NR == FNR { before[$1] = $3; next }
      { d = $3 - before[$1]; if (d > 0) cpu[$2] += d }
      END { for (n in cpu) printf "%.3f\t%s\n", cpu[n] / hz / div, n }' "$1" "$2" | sort -rn | head -n "$3" |
    awk -F'\t' -v fmt="$5" '$1 > 0 { printf "%s%s " fmt, (NR > 1 ? ", " : ""), $2, $1 }'
}
threads_line=$(thread_cpu "$run_dir/engine-threads.before" "$run_dir/engine-threads.after" 8 1 '%.1fs')
idle_threads_line=$(thread_cpu "$run_dir/engine-threads.idle" "$run_dir/engine-threads.before" 5 "$(calc '%.3f' "$idle_ms / 100000")" '%.0f%%')

# --- 6. pgbench, engine and participants stopped --------------------------------------------------------------

peer_line=""
if $PEER; then
  # Sagaflow's engine stops first, so the peer has the machine as Sagaflow had it; same database, same participants.
  stop_pid "$engine_pid" engine 30; engine_pid=""
  peer_warmup=$((WARMUP + ${jit_round:-0} * ${jit_sagas:-0}))   # as many as Sagaflow's engine had
  say "peer: Seata's saga state-machine engine 2.2.0, $N sagas (warm-up $peer_warmup), $C clients each waiting for its saga's end"
  peer_rc=0
  timeout "$TIMEOUT" java -cp "bench/peer/conf:$(cat "$run_dir/peer-classpath")" bench/peer/SeataPeer.java \
    "jdbc:postgresql://127.0.0.1:5432/$db" "http://127.0.0.1:$http_port" "$N" "$C" "$peer_warmup" \
    >"$run_dir/peer.out" 2>"$run_dir/peer.log" || peer_rc=$?
  pval() { sed -n "s/^$1=//p" "$run_dir/peer.out"; }
  if [[ -n $(pval sagas_per_s) ]]; then
    peer_line="Seata saga engine 2.2.0 (embedded, state log in this PostgreSQL, no coordinator): $(pval succeeded) of $N sagas, $(pval failed) failed; $(pval sagas_per_s) sagas/s with $C clients each waiting for its saga's end; saga p50 $(pval saga_p50_ms) ms, p99 $(pval saga_p99_ms) ms; $(pval cpu_ms_per_saga) ms of CPU per saga in its JVM"
    peer_ratio="Sagaflow / peer: $(calc '%.2f' "$sagas_per_s / $(pval sagas_per_s)") x the completed sagas/s (issue 13 target 3: >= 3 at equal or better p99); saga p99 $e2e_p99 ms against the peer's $(pval saga_p99_ms) ms"
  else
    tail -n 20 "$run_dir/peer.log" >&2
    peer_line="the peer failed (exit $peer_rc, log ${run_dir#"$root"/}/peer.log)"
    peer_ratio=""
  fi
fi

say "stopping engine and participants; pgbench: single-row jsonb INSERT, 1, 8 and 16 clients, $PGBENCH_SECONDS s each"
stop_processes
q "CREATE TABLE bench_pgbench (id bigserial PRIMARY KEY, data jsonb NOT NULL, at timestamptz NOT NULL DEFAULT now())" >/dev/null
cat >"$run_dir/pgbench-insert.sql" <<'SQL'
INSERT INTO bench_pgbench (data) VALUES ('{"saga": "7c0f4a52-93f4-4c8e-bb1e-5d2f3c1d9e10", "step": "charge", "attempt": 1}');
SQL
pgbench_run() {  # pgbench_run CLIENTS -> "tps latency_ms"
  local out
  out=$("$pgbench_bin" -n -h 127.0.0.1 -U postgres -f "$run_dir/pgbench-insert.sql" -c "$1" -j "$(($1 < cores ? $1 : cores))" \
        -T "$PGBENCH_SECONDS" "$db" 2>&1) || { echo "$out" >&2; die "pgbench -c $1 failed"; }
  echo "$out" >>"$run_dir/pgbench.log"
  printf '%s %s\n' "$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$out" | head -n1)" "$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' <<<"$out")"
}
read -r pg1_tps pg1_lat <<<"$(pgbench_run 1)"
read -r pg8_tps pg8_lat <<<"$(pgbench_run 8)"
read -r pg16_tps pg16_lat <<<"$(pgbench_run 16)"

# --- 7. report -----------------------------------------------------------------------------------------------

{
  echo
  echo "Sagaflow bench $rand, $(date '+%Y-%m-%d %H:%M:%S'), $(nproc) cores (load average at start $loadavg_start), engine jar $jar_info"
  echo "  command        bash bench/run.sh -n $N -c $C -w $WARMUP$([[ $PARTICIPANTS == instant ]] && echo " -i")$([[ $PARTICIPANTS == instant-http ]] && echo " -H")$( ((GROW > 0)) && echo " -g $GROW")$( ((STEPS != 3)) && echo " -s $STEPS")$($PEER && echo " -P")$($FOLLOW && echo " -f")$( ((RATE > 0)) && echo " -r $RATE")$([[ $APP_DIR == engine/target/quarkus-app ]] || echo " -e $APP_DIR")"
  ((GROW > 0)) && echo "  grown          $GROW finished sagas copied in before the load ($grow_s s): $(q "SELECT count(*) FROM saga") sagas, $(q "SELECT count(*) FROM saga_event") events in the tables"
  echo "  sagas          $N started ($(val starts_ok) answered 201, $(val starts_failed) failed), $statuses"
  echo "  throughput     $sagas_per_s sagas/s  ($completed completed in $wall_s s, first start -> last saga.updated_at)"
  echo "  starts         $(val starts_per_s) starts/s accepted; POST /api/sagas p50 $(val start_request_p50_ms) ms, p99 $(val start_request_p99_ms) ms"
  echo "  step latency   p50 $step_p50 ms, p99 $step_p99 ms  (StepAttemptStarted -> StepSucceeded, recorded_at)"
  printf '                 %-10s %6s %17s %17s %17s %17s\n' step count "total p50/p99" "relay p50/p99" "particip. p50/p99" "engine p50/p99"
  # one line per step of a short flow; a long one (-s) shows all its steps together
  while IFS=$'\t' read -r s cnt t50 t99 r50 r99 p50 p99 e50 e99 _; do
    ((STEPS <= 5)) || [[ $s == "all steps" ]] || continue
    printf '                 %-10s %6s %17s %17s %17s %17s\n' "$s" "$cnt" "$t50/$t99" "${r50:--}/${r99:--}" "${p50:--}/${p99:--}" "${e50:--}/${e99:--}"
  done <<<"$steps"
  echo "                 relay = decision -> command produced to Kafka (commit, WAL decoding, Debezium poll, the relay's send;"
  echo "                 with direct sends, the default: commit and the deciding node's own send);"
  echo "                 participant = command produced -> reply produced; engine = reply produced -> next decision"
  echo "  saga latency   p50 $e2e_p50 ms, p99 $e2e_p99 ms, max $e2e_max ms  (saga.created_at -> updated_at, COMPLETED)"
  echo "  commits/saga   $commits_per_saga  (xact_commit delta of the bench database / $N: $raw_commits commits, $rollbacks rollbacks; idle engine: $idle_rate commits/s; $polls list polls)"
  echo "  writes         $writes_line"
  echo "  events         $event_types"
  echo "  replies        $(calc '%.0f' "$replies_applied") applied, $(calc '%.0f' "$replies_ignored") ignored; timers fired $(calc '%.0f' "$timers_fired")"
  echo "  relay          $relay_line"
  echo "  consumer lag   $lag_line"
  echo "  active backends in the bench database (1 Hz): $active_line"
  echo "  CPU            $cpu_line"
  echo "  engine threads $threads_line"
  echo "                 in the 5 s pause before the load (% of a core): $idle_threads_line"
  if $PEER; then
    echo "  peer           $peer_line"
    [[ -n $peer_ratio ]] && echo "                 $peer_ratio"
  fi
  echo "  pgbench        single-row jsonb INSERT per transaction: 1 client $pg1_tps tps ($pg1_lat ms), 8 clients $pg8_tps tps ($pg8_lat ms), 16 clients $pg16_tps tps ($pg16_lat ms)"
  echo "  ratio          $(calc '%.3f' "$sagas_per_s / $pg16_tps") completed 3-step sagas/s per pgbench commit/s at 16 clients (issue 13 target 1: >= 1.0)"
  echo "                 -> at $(calc '%.2f' "$commit_basis") write transactions per saga, that commit rate would carry $(calc '%.0f' "$pg1_tps / $commit_basis") sagas/s (1 client), $(calc '%.0f' "$pg8_tps / $commit_basis") (8 clients)"
} | tee "$run_dir/summary.txt"
python3 bench/report.py "$run_dir" >/dev/null && say "picture of the run: ${run_dir#"$root"/}/report.svg" ||
  say "WARNING: drawing the run's picture failed"

((load_rc == 0)) && ((not_completed == 0)) || exit 1
