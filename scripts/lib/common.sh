# Shared by the scripts: paths, pinned versions, logging.
# shellcheck shell=bash
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PEERS="${AWS_HELPER_PEERS_DIR:-$ROOT/.peers}"          # git-ignored: binaries, venv, data
# Machine-wide cache of built peers, so a fresh clone on the same machine does not rebuild them.
PEER_CACHE="${AWS_HELPER_PEER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/aws-cpp-helper}"

# Pinned peer versions (docs/testing.md says why these).
FERRETDB_VERSION="v1.24.2"
RIE_MODULE="github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie"
RIE_VERSION="v0.0.0-20261030222936-bef5c4ba774d"
MOTO_SPEC="moto[server]==5.2.5"
# pymongo (the Python framework's own driver version) seeds local data for ./scripts/dev.
PYMONGO_SPEC="pymongo==4.6.1"
# The Python framework itself, the reference the parity tests compare our writes with
# (tests/support/python_reference.py); it pins the same pymongo.
PYHELPER_SPEC="aws-python-helper==1.15.3"
# The checkers the developer tools are tested with: the OpenAPI document (openapi-spec-validator),
# the SAM template (cfn-lint), and Swagger UI driven in Debian's chromium (selenium).
TOOL_SPECS="openapi-spec-validator==0.9.0 cfn-lint==1.58.0 selenium==4.38.0"
# Swagger UI's files for `bootstrap serve`'s /docs, from npm (served from .peers/node_modules).
SWAGGER_UI_SPEC="swagger-ui-dist@5.35.0"

# Debian packages the build and the tests need.
DEBIAN_PACKAGES=(
  cmake ninja-build g++ pkg-config ccache zip patchelf dpkg-dev
  libcurl4-openssl-dev nlohmann-json3-dev libfmt-dev libcli11-dev
  libmongoc-dev libbson-dev libpugixml-dev libssl-dev openssl
  libgtest-dev libbenchmark-dev libcpp-httplib-dev
  clang-format clang-tidy python3-venv python3-botocore golang-go
  npm chromium chromium-driver buildah
)

# Debian's shared libmongoc (the ASan/TSan builds, AWS_HELPER_DEPS=debian) initialises itself
# when it is loaded, before main() can route its log: where /dev/shm is missing it prints
# "Falling back to malloc for counters" raw to stderr. Its shared-memory counters serve only
# the mongoc-stat tool; this turns them off quietly. (The Lambda build has no such counters.)
export MONGOC_DISABLE_SHM=1

# ccache across clones: CI builds a fresh clone in another folder on the same machine. Paths
# under the checkout are hashed relative to it, and the build folder is not hashed (the debug
# info keeps the first build's folder), so a clone of the same commit compiles from the cache.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$ROOT}"
export CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

BUILD_DIR="${AWS_HELPER_BUILD_DIR:-$ROOT/build}"
