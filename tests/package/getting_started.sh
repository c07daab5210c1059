#!/usr/bin/env bash
# PackageTest.GettingStartedWalk: docs/getting-started.md walked as a newcomer would, from an
# empty folder and a fresh HOME, with the package installed where the page says. The commands
# of every block marked <!-- walk --> run in order in one shell; the line that says "leave it
# running" runs in the background. Then what the page promises is checked: Swagger UI answers,
# the SQS event was stored, the image runs the task, the template has no findings, --watch
# serves a changed handler, and every `aws-helper add` kind builds.
#
#   getting_started.sh <framework build dir> <source dir> <work dir>
set -euo pipefail
build_dir=$1 source_dir=$2 work=$3
real_home=$HOME

rm -rf "$work"
mkdir -p "$work/home"
log() { printf '\n== %s\n' "$*"; }

# The machine-wide caches stay where they are (FerretDB, the emulator, Go modules, pip, npm):
# a fresh HOME must not mean rebuilding the peers.
export XDG_CACHE_HOME="${XDG_CACHE_HOME:-$real_home/.cache}"
GOPATH="$(go env GOPATH)" GOMODCACHE="$(go env GOMODCACHE)" GOCACHE="$(go env GOCACHE)"
export GOPATH GOMODCACHE GOCACHE
export npm_config_cache="$real_home/.npm" PIP_CACHE_DIR="$XDG_CACHE_HOME/pip"
export HOME="$work/home"
# A newcomer has no MongoDB configured and no AWS endpoints: the run's own must not leak in.
unset MONGODB_URI MONGO_DB_URI MONGO_DB_HOST AWS_ENDPOINT_URL AWS_HELPER_FERRETDB_URI
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
api_port=$(free_port)
rie_port=$((20000 + RANDOM % 20000))
export AWS_HELPER_DEV_API_PORT=$api_port AWS_HELPER_DEV_PORT=$rie_port

log "Step 1 (install): the framework's build installed into \$HOME/.local/aws-cpp-helper"
cmake --install "$build_dir" --prefix "$HOME/.local/aws-cpp-helper" >/dev/null

# The marked blocks, with the page's ports moved to free ones.
walk="$work/walk.sh"
awk '/<!-- walk -->/ {armed=1; next}
     armed && /^```sh/ {inside=1; next}
     inside && /^```/ {inside=0; armed=0; next}
     inside {print}' "$source_dir/docs/getting-started.md" |
  sed -e "s/127.0.0.1:3000/127.0.0.1:$api_port/g" -e "s/127.0.0.1:9001/127.0.0.1:$((rie_port + 1))/g" \
  >"$work/steps"
[[ $(grep -c . "$work/steps") -ge 10 ]] || { echo "the page has too few marked steps:"; cat "$work/steps"; exit 1; }

dev_pid=""
stop_dev() {
  if [[ -n $dev_pid ]]; then
    kill -TERM -- "-$dev_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$dev_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$dev_pid" 2>/dev/null || true
    dev_pid=""
  fi
}
trap stop_dev EXIT

wait_port() {  # wait_port <port> <what>
  for _ in $(seq 1 1200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "$2 did not listen on $1; scripts/dev's log:"
  cat "$work/dev.log"
  exit 1
}

cd "$work"
{
  echo 'set -euo pipefail'
  while IFS= read -r line; do
    [[ -z $line || $line == \#* ]] && continue
    printf 'echo %q\n' "\$ $line"
    if [[ $line == *"leave it running"* ]]; then
      # In its own process group, so the test can stop it and everything it started.
      printf 'setsid %s >%q 2>&1 &\necho $! >%q\n' "${line%%#*}" "$work/dev.log" "$work/dev.pid"
      printf 'wait_port %s "the APIs"; wait_port %s "the consumer'"'"'s emulator"\n' \
        "$api_port" "$((rie_port + 1))"
    else
      printf '%s\n' "$line"
    fi
  done <"$work/steps"
} >"$walk"
export -f wait_port
export work
log "Steps 2 to 6: the page's commands"
bash "$walk" 2>&1 | tee "$work/walk.log"
dev_pid=$(cat "$work/dev.pid")
service="$HOME/services/my-service"
cd "$service"

log "Checks"
grep -q '"batchItemFailures":\[\]' "$work/walk.log" || { echo "the SQS event failed"; exit 1; }
grep -q '"name":"pen"' "$work/walk.log" || { echo "POST /items did not store the item"; exit 1; }
grep -qx 200 "$work/walk.log" || { echo "/docs did not answer 200"; exit 1; }
grep -q "template.json: no findings" "$work/walk.log" || { echo "cfn-lint had findings"; exit 1; }
curl -fsS "http://127.0.0.1:$api_port/openapi.json" | python3 -c '
import json, sys
doc = json.load(sys.stdin)
assert set(doc["paths"]) == {"/items", "/items/{id}"}, doc["paths"].keys()
print("openapi.json: /items, /items/{id}")'

image="$service/build/my-service-image.tar"
[[ -s $image ]] || { echo "no image at $image"; exit 1; }
echo "image: $(du -h "$image" | cut -f1) compressed, runtime layer $(du -sh "$service/build-image/image/rootfs" | cut -f1)"
# The task from the image: buildah run (chroot isolation, the host's network, so the dev
# FerretDB is reachable), as the image's user, with the session ECS would pass.
ferretdb=$(sed -n 's/.*FerretDB on \(127.0.0.1:[0-9]*\).*/\1/p' "$work/dev.log" | tail -1)
storage=(--root "$work/buildah" --runroot "$work/buildah-run" --storage-driver vfs)
container=$(buildah "${storage[@]}" from --quiet "oci-archive:$image")
user=$(buildah "${storage[@]}" inspect --format '{{.OCIv1.Config.User}}' "$container")
echo "image user: $user"
[[ $user == 10001:10001 ]] || { echo "the image runs as '$user', not 10001"; exit 1; }
# The image's own ENTRYPOINT + CMD (buildah run wants the command spelled out).
buildah "${storage[@]}" inspect "$container" >"$work/image.json"
mapfile -t command < <(python3 -c 'import json, sys
config = json.load(open(sys.argv[1]))["OCIv1"]["config"]
[print(a) for a in config.get("Entrypoint", []) + config.get("Cmd", [])]' "$work/image.json")
[[ "${command[*]}" == "/usr/local/bin/bootstrap task" ]] || { echo "entrypoint: ${command[*]}"; exit 1; }
buildah "${storage[@]}" run --isolation chroot --env TASK_NAME=nightly-cleanup \
  --env 'SESSION={"state": "sandbox"}' --env "MONGODB_URI=mongodb://$ferretdb/" "$container" \
  -- "${command[@]}" >"$work/task.log" 2>&1 || { echo "the task failed in the image:"; cat "$work/task.log"; exit 1; }
grep -q 'Task nightly-cleanup ran' "$work/task.log" || { cat "$work/task.log"; exit 1; }
echo "task nightly-cleanup: exit 0 in the image"
buildah "${storage[@]}" rm "$container" >/dev/null

log "--watch: a changed handler is served within seconds"
hello="http://127.0.0.1:$rie_port/2015-03-31/functions/function/invocations"
curl -fsS -d '{}' "$hello" | grep -q '"hello":"world"'
sed -i 's/std::string("world")/std::string("watcher")/' src/lambda/hello/main.cpp
start=$(date +%s)
until curl -fsS -d '{}' "$hello" 2>/dev/null | grep -q '"hello":"watcher"'; do
  (( $(date +%s) - start < 180 )) || { echo "--watch did not serve the change:"; tail -20 "$work/dev.log"; exit 1; }
  sleep 0.5
done
echo "served the change after $(( $(date +%s) - start )) s"
stop_dev

log "aws-helper add: every kind builds"
export PATH="$HOME/.local/aws-cpp-helper/bin:$PATH"
aws-helper add api orders get
aws-helper add api orders/lines post
aws-helper add lambda make-report
aws-helper add consumer order_paid
if aws-helper add lambda Make_Report 2>"$work/refused.log"; then echo "a bad name was accepted"; exit 1; fi
grep -q "kebab-case" "$work/refused.log"
cmake --build build >/dev/null
bootstrap=build/my-service/bootstrap
diff <("$bootstrap" handlers) <(printf '%s\n' api lambda:hello lambda:make-report sqs:events \
  sqs:order-paid "task nightly-cleanup")
"$bootstrap" routes | grep -q "POST    /orders/{order_id}/lines"
"$bootstrap" events lambda | "$bootstrap" invoke lambda:make-report -e - | grep -q '"success":true'
echo "the walk is complete"
