#!/usr/bin/env bash
# The whole test suite: unit tests (*Test) and integration tests (*IT) on the real PostgreSQL (fresh database
# per run), an in-JVM Kafka broker, Debezium and the sample participants.
set -euo pipefail
cd "$(dirname "$0")/.."
# PostgreSQL wal_level=logical, MariaDB row binlog, redis-server installed: the ITs create and drop their own
# databases, slots and redis-server processes; Kafka runs in the test JVM; the dashboard's ITs drive Debian's Chromium.
scripts/infra.sh up postgres mariadb redis browser
scripts/mvn.sh verify "$@"
# Native image (no GraalVM here): Quarkus's native build steps without the compiler, failing on what is not
# native-ready, then NativeSourcesIT on what they prepared (reflection, resources; docs/native.md).
scripts/mvn.sh verify -pl engine -am -Dnative -Dquarkus.native.sources-only=true -Dtest=none -Dit.test=NativeSourcesIT \
  -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false "$@"
