#!/usr/bin/env bash
# The demo: starts PostgreSQL, Redis, MariaDB and a Kafka broker (scripts/infra.sh), builds what is missing,
# then runs the sample participants and the engine with the sample flows deployed. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
state="${SAGAFLOW_HOME:-$HOME/.sagaflow}/demo"
mkdir -p "$state"

scripts/infra.sh up
if [ ! -f engine/target/quarkus-app/quarkus-run.jar ] || [ -n "$(find wire dsl cdc participant connectors engine sample-flows -name '*.java' -newer engine/target/quarkus-app/quarkus-run.jar -print -quit 2>/dev/null)" ] \
   || [ pom.xml -nt engine/target/quarkus-app/quarkus-run.jar ]; then
  echo "building (first build downloads ~1,300 artifacts, a few minutes) ..."
  scripts/mvn.sh -q install -DskipTests
fi

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

: "${HTTP_PORT:=8081}"
# The participants keep their barrier (SDK, table sagaflow_barrier) in a database of their own on the same
# PostgreSQL; they create it on start when it is missing.
: "${PARTICIPANTS_JDBC_URL:=jdbc:postgresql://127.0.0.1:5432/sagaflow_samples?user=postgres}"
# The notification sample signs with MERCHANT_SECRET (flow merchant-callback); engine and merchant share it.
: "${MERCHANT_SECRET:=demo-merchant-secret}"
export HTTP_PORT PARTICIPANTS_JDBC_URL MERCHANT_SECRET KAFKA_BOOTSTRAP="${KAFKA_BOOTSTRAP:-127.0.0.1:9092}"
SAGAFLOW_TOKEN=demo-participants-token java -cp "sample-flows/target/sagaflow-sample-flows-0.1.0-SNAPSHOT.jar:sample-flows/target/lib/*" \
  io.sagaflow.samples.ShopParticipants > "$state/participants.log" 2>&1 &
pids+=($!)

# The demo login (printed below) and the sample participants' API token: hashes only, as in production (docs/security.md).
SAGAFLOW_FLOWS_DEPLOY_DIR="$root/sample-flows/flows" java \
  -Dsagaflow.security.users.demo.password-hash='pbkdf2-sha256:600000:9k0OtM5Kjc2zZxopGB+IOw==:uxRE2Lya818hXuBEaulGqCI2TqEh/vL196PIlOC0f5I=' \
  -Dsagaflow.security.users.demo.roles=admin \
  -Dsagaflow.security.tokens.demo-cli.hash=sha256:a1b2fb49d7020319d4bc82089de0904cfd91014d3ec737b227825511396f1439 \
  -Dsagaflow.security.tokens.demo-cli.roles=admin \
  -Dsagaflow.security.tokens.sample-participants.hash=sha256:ca738ee3b6c9ad3895b9d058071c1004166b9c31c93c82e2f254a275f62e258b \
  -Dsagaflow.security.tokens.sample-participants.roles=starter,viewer \
  -Dsagaflow.security.tokens.sample-participants.flows=loyalty-points,order-checkout,order-hold,merchant-callback \
  -jar engine/target/quarkus-app/quarkus-run.jar \
  > "$state/engine.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 120); do
  if curl -sf http://127.0.0.1:8080/q/health/ready > /dev/null; then break; fi
  if ! kill -0 "${pids[1]}" 2>/dev/null; then echo "the engine exited; see $state/engine.log" >&2; tail -30 "$state/engine.log" >&2; exit 1; fi
  sleep 1
done
curl -sf http://127.0.0.1:8080/q/health/ready > /dev/null || { echo "the engine is not ready after 120 s; see $state/engine.log" >&2; exit 1; }

cat <<MSG

Sagaflow is running.
  dashboard     http://127.0.0.1:8080/        (log in as demo / demo; sagas, dead letters, flows, ...)
  login         user demo / password demo (curl -u demo:demo); API token for the CLI: export SAGAFLOW_TOKEN=demo-cli-token
  engine        http://127.0.0.1:8080        (log: $state/engine.log)
  REST API      http://127.0.0.1:8080/q/openapi (after the login)   health /q/health   metrics /q/metrics (a viewer login or token)
  participants  http://127.0.0.1:${HTTP_PORT}/journal   (log: $state/participants.log)
  sample flows  $(ls sample-flows/flows | tr '\n' ' ')

Try:
  curl -u demo:demo -s -XPOST localhost:8080/api/sagas -H 'Content-Type: application/json' \\
       -d '{"flow":"order-checkout","input":{"orderId":"o-1","amount":42}}'
  curl -u demo:demo -s localhost:8080/api/sagas/<id>            # status, steps
  curl -u demo:demo -s localhost:8080/api/sagas/<id>/events     # the event log
  # a failure at step 3, compensated: "input":{"orderId":"o-2","simulate":{"inventory":"fail"}}
  curl -s -XPOST localhost:${HTTP_PORT}/shop/orders/o-9/pay -d '{"customer":"ann","amount":250}'   # reliable message
  curl -s localhost:${HTTP_PORT}/shop/loyalty/ann                                                  # 25 points
  curl -u demo:demo -s -XPOST localhost:8080/api/notifications -H 'Content-Type: application/json' \\
       -d '{"flow":"merchant-callback","payload":{"orderId":"o-9","simulate":"fail:2"}}'          # 3rd attempt lands
  curl -u demo:demo -s localhost:8080/api/dead-letters                                                          # what gave up

Ctrl-C stops the engine and the participants (scripts/infra.sh down stops the services it started).
MSG
wait "${pids[1]}"
