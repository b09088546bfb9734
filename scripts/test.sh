#!/usr/bin/env bash
# The whole test suite: unit tests (*Test) and integration tests (*IT) on the real PostgreSQL (fresh database
# per run), an in-JVM Kafka broker, Debezium and the sample participants.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/infra.sh up postgres          # wal_level=logical; the ITs create and drop their own database and slot
scripts/mvn.sh verify "$@"
