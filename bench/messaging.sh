#!/usr/bin/env bash
# Reliable messages and notifications on a running engine (start the demo first: bash scripts/run.sh).
# Not a test: prints throughput and latency. Deploys flows of its own (random suffix), so the demo is untouched.
#
#   bash bench/messaging.sh [-m MESSAGES] [-n NOTIFICATIONS] [-c CONCURRENCY] [-r RATE_PER_SECOND] [-u ENGINE_URL]
set -euo pipefail
cd "$(dirname "$0")/.."
M=1000; N=500; C=16; R=50; URL=http://127.0.0.1:8080; KAFKA=${KAFKA_BOOTSTRAP:-127.0.0.1:9092}
while getopts "m:n:c:r:u:h" opt; do
  case $opt in
    m) M=$OPTARG ;; n) N=$OPTARG ;; c) C=$OPTARG ;; r) R=$OPTARG ;; u) URL=$OPTARG ;;
    *) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done
curl -sf "$URL/q/health/ready" > /dev/null || { echo "no engine ready at $URL: start it with bash scripts/run.sh" >&2; exit 1; }
[ -d sample-flows/target/lib ] || { echo "sample-flows/target/lib is missing: build first (scripts/mvn.sh -q install -DskipTests)" >&2; exit 1; }
exec java -cp 'sample-flows/target/lib/*' bench/MessagingBench.java "$URL" "$KAFKA" "$M" "$N" "$C" "$R"
