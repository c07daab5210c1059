#!/usr/bin/env bash
# SigV4 signing cost and publishing 100 messages to SNS, ours and botocore's side by side in one
# run: build/bench/aws_bench against a fresh moto, then boto3 (the Python framework's client) on
# the same topic. Run after ./scripts/setup (or ./scripts/test) has built the peers.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/common.sh
source scripts/lib/peers.sh
trap stop_peers EXIT
start_moto
export AWS_DEFAULT_REGION=$AWS_REGION  # boto3 reads this one
BENCH_TOPIC_ARN=$("$PEERS/venv/bin/python" -c '
import boto3
print(boto3.client("sns").create_topic(Name="bench")["TopicArn"])')
export BENCH_TOPIC_ARN
build/bench/aws_bench --benchmark_min_time=2 "$@"
"$PEERS/venv/bin/python" - <<'PY'
import os, time
import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

creds = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                    "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMiJHMEUCIQ")
body = ("Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aus-east-2%3A123456789012%3A"
        "title-indexed&Message=%7B%22constitution_id%22%3A%2265f1a2b3c4d5e6f7a8b9c0d1%22%2C%22title"
        "%22%3A%22My%20Constitution%22%7D&MessageAttributes.entry.1.Name=event_type&"
        "MessageAttributes.entry.1.Value.DataType=String&"
        "MessageAttributes.entry.1.Value.StringValue=title_indexed")
signer = SigV4Auth(creds, "sns", "us-east-2")
n = 0
start = time.perf_counter()
while time.perf_counter() - start < 2:
    request = AWSRequest("POST", "https://sns.us-east-2.amazonaws.com/", data=body,
                         headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    signer.add_auth(request)
    n += 1
print(f"botocore SigV4Auth.add_auth (SNS Publish): {(time.perf_counter() - start) / n * 1e6:.1f} us per request")

sns = boto3.client("sns")
topic = os.environ["BENCH_TOPIC_ARN"]
entries = [{"Id": str(i % 10), "Message": '{"constitution_id": "%d", "title": "Title"}' % i,
            "MessageAttributes": {"event_type": {"DataType": "String", "StringValue": "title_indexed"}}}
           for i in range(100)]
def batched():
    for i in range(0, 100, 10):
        sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=entries[i:i + 10])
def one_by_one():
    for e in entries:
        sns.publish(TopicArn=topic, Message=e["Message"], MessageAttributes=e["MessageAttributes"])
for name, fn in (("batched", batched), ("one by one", one_by_one)):
    fn()
    runs, start = 0, time.perf_counter()
    cpu = time.process_time()
    while time.perf_counter() - start < 4:
        fn()
        runs += 1
    wall = (time.perf_counter() - start) / runs * 1e3
    cpu = (time.process_time() - cpu) / runs * 1e3
    print(f"boto3 publish 100 messages {name}: {wall:.1f} ms wall, {cpu:.1f} ms client CPU per 100")
PY
