# The installers scripts/setup runs, also installed with the package (share/aws_cpp_helper/dev)
# for `aws-helper setup`, so a service of its own gets the same peers, cached once per machine.
# Source common.sh first (PEERS, PEER_CACHE, the pinned versions, say/die).
# shellcheck shell=bash

# install_debian_packages [package...]: the missing ones of the list (default DEBIAN_PACKAGES).
install_debian_packages() {
  local missing=() wanted=("$@")
  [[ ${#wanted[@]} -eq 0 ]] && wanted=("${DEBIAN_PACKAGES[@]}")
  for pkg in "${wanted[@]}"; do
    # golang-go is only needed when no Go toolchain is on the PATH already.
    if [[ $pkg == golang-go ]] && command -v go >/dev/null; then continue; fi
    # npm likewise: a Node.js from elsewhere (nodesource) brings its own.
    if [[ $pkg == npm ]] && command -v npm >/dev/null; then continue; fi
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [[ ${#missing[@]} -eq 0 ]] && return
  say "Installing Debian packages: ${missing[*]}"
  local sudo=()
  [[ $(id -u) -ne 0 ]] && sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# go install <module>@<version> into $PEERS/bin, reusing the machine-wide cache.
install_go_tool() {
  local name=$1 module=$2 version=$3
  local stamp="$PEERS/bin/.$name.version"
  if [[ -x $PEERS/bin/$name && $(cat "$stamp" 2>/dev/null) == "$version" ]]; then return; fi
  mkdir -p "$PEERS/bin"
  local cached="$PEER_CACHE/$name-$version/$name"
  if [[ ! -x $cached ]]; then
    say "Building $name $version (go install; cached afterwards in $PEER_CACHE)"
    mkdir -p "$(dirname "$cached")"
    GOBIN="$(dirname "$cached")" GOFLAGS=-buildvcs=false go install "$module@$version"
  fi
  cp "$cached" "$PEERS/bin/$name"
  echo "$version" > "$stamp"
}

# FerretDB's binary refuses to start unless build/version/version.txt holds its version, a file
# its release process generates and the module zip lacks; `go install` alone therefore builds a
# binary that panics at start. Build from a copy of the module source with the file written.
install_ferretdb() {
  local stamp="$PEERS/bin/.ferretdb.version"
  if [[ -x $PEERS/bin/ferretdb && $(cat "$stamp" 2>/dev/null) == "$FERRETDB_VERSION" ]]; then return; fi
  mkdir -p "$PEERS/bin"
  local cached="$PEER_CACHE/ferretdb-$FERRETDB_VERSION/ferretdb"
  if [[ ! -x $cached ]]; then
    say "Building FerretDB $FERRETDB_VERSION (cached afterwards in $PEER_CACHE)"
    local src work
    src=$(GOFLAGS=-mod=mod go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" |
          python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
    work=$(mktemp -d)
    cp -r "$src/." "$work/"
    chmod -R u+w "$work"
    echo "$FERRETDB_VERSION" > "$work/build/version/version.txt"
    mkdir -p "$(dirname "$cached")"
    (cd "$work" && GOFLAGS=-buildvcs=false go build -o "$cached" ./cmd/ferretdb)
    rm -rf "$work"
  fi
  cp "$cached" "$PEERS/bin/ferretdb"
  echo "$FERRETDB_VERSION" > "$stamp"
}

install_venv() {
  local stamp="$PEERS/venv/.packages" wanted="$MOTO_SPEC $PYMONGO_SPEC $PYHELPER_SPEC $TOOL_SPECS"
  if [[ -x $PEERS/venv/bin/moto_server && $(cat "$stamp" 2>/dev/null) == "$wanted" ]]; then return; fi
  say "Creating the Python venv with $wanted"
  python3 -m venv "$PEERS/venv"
  # shellcheck disable=SC2086 # TOOL_SPECS is a list
  "$PEERS/venv/bin/pip" install -q --disable-pip-version-check "$MOTO_SPEC" "$PYMONGO_SPEC" \
    "$PYHELPER_SPEC" $TOOL_SPECS
  echo "$wanted" > "$stamp"
}

install_swagger_ui() {
  local stamp="$PEERS/node_modules/.swagger-ui"
  if [[ $(cat "$stamp" 2>/dev/null) == "$SWAGGER_UI_SPEC" ]]; then return; fi
  say "Installing $SWAGGER_UI_SPEC from npm"
  npm install --silent --no-audit --no-fund --prefix "$PEERS" "$SWAGGER_UI_SPEC" >/dev/null
  echo "$SWAGGER_UI_SPEC" > "$stamp"
}

