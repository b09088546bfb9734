#!/usr/bin/env bash
# Runs Maven and, when the build fails because an artifact cannot be downloaded, says so in one line.
# Why: the Maven Central reachable on our machines is a partial copy; a "latest" version often 404s and Maven's
# own report of it is buried in a long trace. Versions proven to resolve: ../shared/notes/platform.md.
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp -t sagaflow-mvn.XXXXXX)
trap 'rm -f "$log"' EXIT
mvn -B "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
  missing=$( { grep -oE "Could not find artifact [^ ]+" "$log" | sed 's/Could not find artifact //';
              grep -oE "could not be resolved: [^]]+" "$log" | sed 's/could not be resolved: //' | tr ',' '\n';
              grep -oE "[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+){3,4} was not found" "$log"; } \
            | sed 's/^ *//; s/ .*//' | grep -E "^[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+:" | sort -u | head -5 | tr '\n' ' ')
  if [ -n "$missing" ]; then
    echo >&2
    echo "error: missing from the Maven repository reachable here: ${missing}" >&2
    echo "       pin a version proven to resolve (see ../shared/notes/platform.md), or check ~/.m2/settings.xml" >&2
  fi
fi
exit "$status"
