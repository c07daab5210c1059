#!/usr/bin/env bash
# Warm find_one latency against a fresh FerretDB: build/bench/find_one_bench (ours and raw
# libmongoc), then the Python framework's driver, pymongo, on the same documents as a
# reference. Run after ./scripts/setup (or ./scripts/test) has built the peers.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/common.sh
source scripts/lib/peers.sh
trap stop_peers EXIT
start_ferretdb
build/bench/find_one_bench --benchmark_min_time=2 "$@"
"$PEERS/venv/bin/python" - <<'PY'
import os, random, statistics, time
from pymongo import MongoClient
shippings = MongoClient(os.environ["MONGODB_URI"])["bench"]["shippings"]
ids = [d["_id"] for d in shippings.find({}, {"_id": 1})]
for _ in range(200):
    shippings.find_one({"_id": random.choice(ids)})
samples = []
cpu = time.process_time()
end = time.perf_counter() + 2
while time.perf_counter() < end:
    start = time.perf_counter()
    assert shippings.find_one({"_id": random.choice(ids)}) is not None
    samples.append(time.perf_counter() - start)
cpu = time.process_time() - cpu
print(f"FindOne_pymongo (Python framework's driver): time {statistics.mean(samples) * 1e6:.0f} us "
      f"(median {statistics.median(samples) * 1e6:.0f}), CPU {cpu / len(samples) * 1e6:.0f} us "
      f"per call ({len(samples)} calls)")
PY
