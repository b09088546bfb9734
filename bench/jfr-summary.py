#!/usr/bin/env python3
"""Where the engine's CPU went in a flight recording (issue 13; docs/performance.md).

    python3 bench/jfr-summary.py RECORDING.jfr [TOP]

Reads the recording's execution samples (jdk.ExecutionSample, `jfr print --json`) and prints, by share of all
samples: the engine's threads (digits folded to #), what each sample worked for (starting a saga, applying replies,
the relay, ...: the first marker on its stack), the top frames' areas (by package: PostgreSQL client, Kafka,
Debezium, Netty/Vert.x, Jackson, the saga core, ...), the hottest methods by self time, and the hottest Sagaflow
methods anywhere on the stack (inclusive). Only the JDK's `jfr` tool is needed.
"""
import collections
import json
import re
import subprocess
import sys

AREAS = [  # first match on the top frame's class wins
    ("sagaflow saga core", r"^io\.sagaflow\.engine\.saga\.(SagaDecider|SagaState|Transitions|EventCodec)"),
    ("sagaflow (other)", r"^io\.sagaflow\."),
    ("PostgreSQL client (vertx-pg)", r"^io\.vertx\.(pgclient|sqlclient)"),
    ("Debezium", r"^io\.debezium\."),
    ("PostgreSQL JDBC (pgjdbc, Debezium's stream)", r"^org\.postgresql\."),
    ("Kafka client", r"^org\.apache\.kafka\."),
    ("Netty / Vert.x", r"^(io\.netty|io\.vertx)\."),
    ("Jackson", r"^com\.fasterxml\.jackson"),
    ("Quarkus / RESTEasy / SmallRye", r"^(io\.quarkus|org\.jboss\.resteasy|io\.smallrye)\."),
    ("Micrometer", r"^io\.micrometer\."),
    ("jq (jackson-jq)", r"^net\.thisptr\."),
    ("JDK", r"^(java|javax|jdk|sun|com\.sun)\."),
]


ACTIVITIES = [  # first marker found anywhere on the stack, outermost frames last: what the sample was working for
    ("start a saga (POST /api/sagas: decide, insert)", r"io\.sagaflow\.engine\.(saga\.SagaStore\.(start|lambda\$start)|api\.SagaResource)"),
    ("apply replies (lock, decide, write a batch)", r"io\.sagaflow\.engine\.saga\.(SagaStore\.(applyAll|lambda\$applyAll)|internal\.ReplyConsumer)"),
    ("timers", r"io\.sagaflow\.engine\.saga\.internal\.TimerPoller"),
    ("outbox relay (Debezium -> Kafka)", r"^(io\.debezium|io\.sagaflow\.connectors\.outbox|io\.sagaflow\.cdc)\."),
    ("Kafka client I/O", r"^org\.apache\.kafka\."),
    ("PostgreSQL client I/O (vertx-pg, on the event loop)", r"^io\.vertx\.(pgclient|sqlclient)\."),
    ("HTTP server (Vert.x / RESTEasy, outside the saga code)", r"^(org\.jboss\.resteasy|io\.quarkus\.resteasy|io\.vertx\.core\.http)"),
    ("Netty / Vert.x event loop", r"^(io\.netty|io\.vertx)\."),
]


def activity(names):
    for name, pattern in ACTIVITIES:
        if any(re.search(pattern, n) for n in names):
            return name
    return "other (JIT-less JDK work, startup, logging, metrics)"


def area(cls):
    for name, pattern in AREAS:
        if re.match(pattern, cls):
            return name
    return "other: " + ".".join(cls.split(".")[:2])


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    raw = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events", "jdk.ExecutionSample", sys.argv[1]],
                         check=True, capture_output=True, text=True).stdout
    events = json.loads(raw)["recording"]["events"]
    threads, areas, self_methods, inclusive, activities = (collections.Counter() for _ in range(5))
    for e in events:
        v = e["values"]
        thread = (v.get("sampledThread") or {}).get("javaName") or "?"
        threads[re.sub(r"\d+", "#", thread)] += 1
        frames = (v.get("stackTrace") or {}).get("frames") or []
        if not frames:
            continue
        names = []
        for f in frames:
            m = f["method"]
            names.append(m["type"]["name"].replace("/", ".") + "." + m["name"])
        top_class = names[0].rsplit(".", 1)[0]
        areas[area(top_class)] += 1
        activities[activity(names)] += 1
        self_methods[names[0]] += 1
        for n in set(names):
            if n.startswith("io.sagaflow."):
                inclusive[n] += 1
    total = sum(threads.values()) or 1

    def show(title, counter, n):
        print(f"\n{title}")
        for name, count in counter.most_common(n):
            print(f"  {100.0 * count / total:5.1f} %  {name}")

    print(f"{total} execution samples in {sys.argv[1]}")
    show("threads", threads, top)
    show("what the sample worked for (first marker on the stack)", activities, len(ACTIVITIES) + 1)
    show("area of the running frame (self time)", areas, len(AREAS) + 5)
    show("hottest methods (self time)", self_methods, top)
    show("Sagaflow methods on the stack (inclusive)", inclusive, top)


if __name__ == "__main__":
    main()
