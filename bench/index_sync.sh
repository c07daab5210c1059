#!/usr/bin/env bash
# ModelIndexSyncLambda over 3 states x 5 repositories with max_concurrency 1 and 10, against a
# fresh FerretDB. Run after ./scripts/setup (or ./scripts/test) has built the peers.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/common.sh
source scripts/lib/peers.sh
trap stop_peers EXIT
start_ferretdb
build/bench/index_sync_bench "$@"
