# Start and stop the local peers on free loopback ports with fresh data folders.
# Source it, call start_ferretdb / start_moto, and `trap stop_peers EXIT`.
# shellcheck shell=bash

PEER_PIDS=()
PEER_DIRS=()

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_for_port <port> <name> <logfile>
wait_for_port() {
  local port=$1 name=$2 log=$3
  for _ in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  echo "$name did not start listening on 127.0.0.1:$port; its log:" >&2
  cat "$log" >&2
  return 1
}

# Exports MONGODB_URI (and AWS_HELPER_FERRETDB_URI) for FerretDB with the SQLite backend.
# start_ferretdb [data-dir]: a given folder is kept (local runs); by default a fresh temporary
# one is used and removed by stop_peers.
start_ferretdb() {
  local dir port
  if [[ -n ${1:-} ]]; then
    dir=$1
    mkdir -p "$dir"
  else
    dir=$(mktemp -d "${TMPDIR:-/tmp}/aws-helper-ferretdb.XXXXXX")
    PEER_DIRS+=("$dir")
  fi
  port=$(free_port)
  # --state-dir: its state.json goes with the data, never into the working directory.
  "$PEERS/bin/ferretdb" --handler=sqlite --sqlite-url="file:$dir/" --state-dir="$dir" \
    --listen-addr="127.0.0.1:$port" --telemetry=disable --debug-addr=- \
    --log-level=warn >"$dir/ferretdb.log" 2>&1 &
  PEER_PIDS+=($!)
  wait_for_port "$port" FerretDB "$dir/ferretdb.log"
  export MONGODB_URI="mongodb://127.0.0.1:$port/"
  export AWS_HELPER_FERRETDB_URI="$MONGODB_URI"
  say "FerretDB on 127.0.0.1:$port (data in $dir)"
}

# seed_states <state>...: upserts {name, is_active: true} into core.states at $MONGODB_URI.
seed_states() {
  "$PEERS/venv/bin/python" - "$@" <<'PY'
import os, sys
from pymongo import MongoClient
states = MongoClient(os.environ["MONGODB_URI"], serverSelectionTimeoutMS=5000)["core"]["states"]
for name in sys.argv[1:]:
    states.update_one({"name": name}, {"$set": {"is_active": True}}, upsert=True)
PY
}

# seed_demo_shipping <hex id>: a pending shipping in deliveries.shippings, for lambda:generate-route.
seed_demo_shipping() {
  "$PEERS/venv/bin/python" - "$1" <<'PY'
import os, sys
from bson import ObjectId
from pymongo import MongoClient
shippings = MongoClient(os.environ["MONGODB_URI"], serverSelectionTimeoutMS=5000)["deliveries"]["shippings"]
shippings.replace_one({"_id": ObjectId(sys.argv[1])},
                      {"_id": ObjectId(sys.argv[1]), "status": "pending", "carrier_id": "carrier-1"},
                      upsert=True)
PY
}

# seed_demo_constitutions: a few constitutions in constitution_db, for GET /constitutions.
seed_demo_constitutions() {
  "$PEERS/venv/bin/python" - <<'PY'
import os
from pymongo import MongoClient
constitutions = MongoClient(os.environ["MONGODB_URI"], serverSelectionTimeoutMS=5000)["constitution_db"]["constitutions"]
for name, country, year in [("Argentina", "ar", 1853), ("Brazil", "br", 1988),
                            ("United States", "us", 1787)]:
    constitutions.update_one({"name": name}, {"$set": {"country": country, "year": year}}, upsert=True)
PY
}

# Exports AWS_ENDPOINT_URL and test credentials for moto in server mode.
start_moto() {
  local dir port
  dir=$(mktemp -d "${TMPDIR:-/tmp}/aws-helper-moto.XXXXXX")
  port=$(free_port)
  "$PEERS/venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$dir/moto.log" 2>&1 &
  PEER_PIDS+=($!)
  PEER_DIRS+=("$dir")
  wait_for_port "$port" moto "$dir/moto.log"
  export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
  export AWS_HELPER_MOTO_URL="$AWS_ENDPOINT_URL"
  export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-testing}"
  export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-testing}"
  export AWS_REGION="${AWS_REGION:-us-east-2}"
  say "moto on 127.0.0.1:$port"
}

# setup_demo_aws: on moto (start_moto first), the demo's title-indexed topic with a queue
# subscribed, and an ECS cluster with the search-tax-by-town task definition. Prints `export`
# lines for eval: TITLE_INDEXED_SNS_TOPIC_ARN, TITLE_INDEXED_QUEUE_URL, ECS_CLUSTER, ECS_SUBNETS,
# ECS_SECURITY_GROUPS.
setup_demo_aws() {
  AWS_DEFAULT_REGION=$AWS_REGION "$PEERS/venv/bin/python" - <<'PY'
import json, shlex
import boto3
sns, sqs, ecs, ec2 = (boto3.client(n) for n in ("sns", "sqs", "ecs", "ec2"))
topic = sns.create_topic(Name="title-indexed")["TopicArn"]
queue = sqs.create_queue(QueueName="title-indexed")["QueueUrl"]
queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
ecs.create_cluster(clusterName="demo")
ecs.register_task_definition(
    family="search-tax-by-town", networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
    cpu="256", memory="512",
    containerDefinitions=[{"name": "search-tax-by-town", "image": "demo:latest", "memory": 512}])
subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
group = ec2.describe_security_groups()["SecurityGroups"][0]["GroupId"]
for key, value in (("TITLE_INDEXED_SNS_TOPIC_ARN", topic), ("TITLE_INDEXED_QUEUE_URL", queue),
                   ("ECS_CLUSTER", "demo"), ("ECS_SUBNETS", subnet), ("ECS_SECURITY_GROUPS", group)):
    print(f"export {key}={shlex.quote(value)}")
PY
}

# receive_demo_messages <queue url>: the queue's waiting messages as a Lambda SQS event (JSON).
receive_demo_messages() {
  AWS_DEFAULT_REGION=$AWS_REGION "$PEERS/venv/bin/python" - "$1" <<'PY'
import json, sys
import boto3
sqs = boto3.client("sqs")
url = sys.argv[1]
arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                               MessageAttributeNames=["All"]).get("Messages", [])
records = [{"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
            "attributes": {}, "messageAttributes": {}, "md5OfBody": m["MD5OfBody"],
            "eventSource": "aws:sqs", "eventSourceARN": arn, "awsRegion": "us-east-2"}
           for m in messages]
print(json.dumps({"Records": records}))
PY
}

stop_peers() {
  local pid dir
  for pid in "${PEER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PEER_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  for dir in "${PEER_DIRS[@]}"; do rm -rf "$dir"; done
  PEER_PIDS=()
  PEER_DIRS=()
}
