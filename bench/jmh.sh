#!/usr/bin/env bash
# JMH microbenchmarks of the engine's pure core and the flow parser (engine/src/test/java/io/sagaflow/engine/bench):
#   bash bench/jmh.sh                      # all, 1 fork, 3 warm-up + 5 measured iterations of 1 s each
#   bash bench/jmh.sh SagaCore -p steps=50 # any JMH options (java -jar benchmarks.jar -h lists them)
# A measurement, not a test: nothing asserts a figure. On 2 shared cores expect errors of 5-20 %.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
cp_file=$(mktemp -t sagaflow-jmh.XXXXXX)
trap 'rm -f "$cp_file"' EXIT
# One reactor build: the engine's modules compiled here (not taken from ~/.m2); the class path file is the engine's,
# written last.
scripts/mvn.sh -q -pl engine -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$cp_file" >/dev/null
exec java -Dsagaflow.root="$root" -cp "engine/target/test-classes:engine/target/classes:$(cat "$cp_file")" \
  org.openjdk.jmh.Main "$@"
