#!/usr/bin/env bash
# The C++ demo against the same handlers written with aws-python-helper 1.0.2, side by side under
# the AWS Lambda Runtime Interface Emulator (bench/vs_python/README.md says what is measured).
#
#   bench/vs_python.sh [--cold-rounds 15] [--warm 300] [--json bench/vs_python/results.json]
#                      [--inprocess 2000] [--inprocess-db 500] [--inprocess-batches 5]
#                      [--only KEY,...] [--no-zip] [--keep-logs DIR]
#
# Does everything: a FerretDB with a fresh data folder, the demo's data seeded, the pinned venv
# in .peers/bench-venv (created once, reused while its stamp matches the pins below), a snapshot
# of the bootstraps and demo.zip in a temporary folder (a concurrent rebuild of build/ cannot
# change them mid-run), then bench/vs_python/run.py; everything is stopped on exit. It builds
# nothing: the binaries must be in $AWS_HELPER_BUILD_DIR (build/) already.
source "$(dirname "$0")/../scripts/lib/common.sh"
source "$ROOT/scripts/lib/peers.sh"
cd "$ROOT"

# The Python side, pinned: aws-python-helper 1.0.2 and everything it pulls in, awslambdaric (the
# runtime interface client that runs the handlers under the emulator) and boto3 (imported by
# aws-python-helper without being declared). The interpreter: Debian's python3.11, the version
# of the python3.11 Lambda runtime.
BENCH_PYTHON=${BENCH_PYTHON:-/usr/bin/python3.11}
PY_SPECS=(
  aws-python-helper==1.0.2
  awslambdaric==4.2.2
  boto3==1.44.8
  botocore==1.44.8
  annotated-types==0.8.0
  anyio==4.16.0
  certifi==2026.10.19.post1
  dnspython==2.9.2
  h11==0.16.0
  httpcore==1.0.9
  httpx==0.28.1
  idna==3.20
  jmespath==1.1.0
  motor==3.3.2
  pydantic==2.14.4
  pydantic_core==2.50.5
  pymongo==4.6.1
  python-dateutil==2.9.0.post0
  s3transfer==0.19.3
  simplejson==4.3.0
  six==1.17.0
  snapshot-restore-py==1.0.0
  typing-inspection==0.4.5
  typing_extensions==4.16.0
  urllib3==2.8.0
)

demo_bootstrap="$BUILD_DIR/examples/demo/demo/bootstrap"
echo_bootstrap="$BUILD_DIR/bench/echo/bootstrap"
echo_static_bootstrap="$BUILD_DIR/bench/echo-static/bootstrap"
demo_zip="$BUILD_DIR/examples/demo/demo.zip"
rie="$PEERS/bin/aws-lambda-rie"

for f in "$PEERS/bin/ferretdb" "$rie" "$PEERS/venv/bin/python"; do
  [[ -x $f ]] || die "$f is missing: run ./scripts/setup"
done
for f in "$demo_bootstrap" "$echo_bootstrap" "$echo_static_bootstrap"; do
  [[ -x $f ]] || die "$f is missing: build it first (cmake --build build --target demo echo_bootstrap echo_bootstrap_static)"
done
command -v zip >/dev/null || die "zip is missing (apt-get install zip)"

# ---- the venv ----------------------------------------------------------------------------------
[[ -x $BENCH_PYTHON ]] || die "$BENCH_PYTHON is missing (apt-get install python3.11 python3-venv)"
py_version=$("$BENCH_PYTHON" -c 'import sys; print(sys.version.split()[0])')
[[ $py_version == 3.11.* ]] || die "$BENCH_PYTHON is Python $py_version; the python3.11 runtime needs 3.11"
venv="$PEERS/bench-venv"
stamp="$venv/.vs_python-stamp"
want="python $BENCH_PYTHON $py_version; ${PY_SPECS[*]}"
if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
  say "Creating $venv (Python $py_version, ${#PY_SPECS[@]} pinned packages)"
  rm -rf "$venv"
  "$BENCH_PYTHON" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input "${PY_SPECS[@]}"
  "$venv/bin/python" -m pip check >/dev/null || die "pip check failed in $venv"
  printf '%s' "$want" >"$stamp"
else
  say "Reusing $venv"
fi

# ---- the snapshot ------------------------------------------------------------------------------
snapshot=$(mktemp -d "${TMPDIR:-/tmp}/vs-python.XXXXXX")
cleanup() {
  stop_peers
  rm -rf "$snapshot"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# snap <source> <destination>: a copy that matches its source (a rebuild writing the file while it
# is copied makes them differ: retried).
snap() {
  local src=$1 dst=$2
  mkdir -p "$(dirname "$dst")"
  for _ in 1 2 3 4 5; do
    if cp -p "$src" "$dst" && cmp -s "$src" "$dst"; then return 0; fi
    sleep 2
  done
  die "$src kept changing while it was copied (a concurrent rebuild?)"
}
snap "$demo_bootstrap" "$snapshot/cpp/demo/bootstrap"
snap "$echo_bootstrap" "$snapshot/cpp/echo/bootstrap"
snap "$echo_static_bootstrap" "$snapshot/cpp/echo-static/bootstrap"
handlers=$("$snapshot/cpp/demo/bootstrap" handlers) || die "the snapshot of $demo_bootstrap does not run"
for h in api lambda:generate-route lambda:quote-shipping; do
  grep -qx "$h" <<<"$handlers" || die "$demo_bootstrap has no handler $h"
done
if [[ -f $demo_zip ]]; then
  snap "$demo_zip" "$snapshot/demo.zip"
  unzip -tq "$snapshot/demo.zip" >/dev/null || die "$demo_zip is not a valid zip"
else
  printf 'warning: %s is missing (cmake --build build --target demo-zip); the zip table will say so\n' \
    "$demo_zip" >&2
fi
cp -r "$ROOT/bench/vs_python/python" "$snapshot/python"
find "$snapshot/python" -name __pycache__ -prune -exec rm -rf {} +
# Byte-compiled once, as a deployment would ship them (/var/task is read-only on Lambda).
"$venv/bin/python" -m compileall -q "$snapshot/python/src" >/dev/null

"$venv/bin/python" - "$snapshot/meta.json" <<PY
import json, os, subprocess, sys
def git(*a):
    return subprocess.run(["git", *a], capture_output=True, text=True, cwd="$ROOT").stdout.strip()
sources = {"demo": "$demo_bootstrap", "echo": "$echo_bootstrap",
           "echo-static": "$echo_static_bootstrap", "demo.zip": "$demo_zip"}
json.dump({
    "git": {"head": git("rev-parse", "HEAD"), "dirty_files": git("status", "--porcelain").splitlines()},
    "sources": {k: {"path": p, "mtime": os.path.getmtime(p) if os.path.exists(p) else None}
                for k, p in sources.items()},
    "peers": {"ferretdb": "$FERRETDB_VERSION (SQLite backend)", "aws-lambda-rie": "$RIE_VERSION"},
    "bench_python": "$BENCH_PYTHON $py_version",
    "pinned_specs": "${PY_SPECS[*]}".split(),
}, open(sys.argv[1], "w"), indent=1)
PY

# ---- the database ------------------------------------------------------------------------------
start_ferretdb
seed_states connecticut
seed_demo_shipping 65f1a2b3c4d5e6f7a8b9c0d1
seed_demo_constitutions

# ---- the run -----------------------------------------------------------------------------------
say "Running bench/vs_python/run.py"
"$venv/bin/python" "$ROOT/bench/vs_python/run.py" --snapshot "$snapshot" --rie "$rie" \
  --meta "$snapshot/meta.json" "$@"
