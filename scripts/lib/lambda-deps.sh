# The Lambda build of the framework's C dependencies (docs/dependencies.md says why):
# libmongoc/libbson and libcurl rebuilt as static libraries from Debian's own source packages
# (the same upstream versions with Debian's patches as the installed -dev packages) with only
# what the framework uses, plus cpp-httplib's single header from its Debian source package.
#
#   install_lambda_deps    builds once per machine into $PEER_CACHE/lambda-deps-<key> and links
#                          $PEERS/lambda-deps to it; the key covers the Debian versions, the
#                          compiler and this file (which holds the options).
#
# The sources come from a private apt configuration with deb-src entries derived from the
# machine's own deb entries; no system file is changed.
# shellcheck shell=bash

# The source packages, each pinned to the version of its installed binary package.
LAMBDA_DEPS_SOURCES=(mongo-c-driver:libmongoc-dev curl:libcurl4-openssl-dev
                     cpp-httplib:libcpp-httplib-dev)

# libmongoc: TLS through OpenSSL (Debian's libssl.a), SCRAM (built in), MONGODB-AWS auth and
# mongodb+srv:// URIs kept; no ICU (SASLprep), no Cyrus SASL (GSSAPI/Kerberos), no client-side
# encryption, no compressors, no shared-memory counters, and no load-time constructor
# (the framework calls mongoc_init() before its first pool).
MONGOC_OPTIONS=(
  -DENABLE_STATIC=ON -DENABLE_TESTS=OFF -DENABLE_EXAMPLES=OFF -DENABLE_UNINSTALL=OFF
  -DENABLE_MAN_PAGES=OFF -DENABLE_HTML_DOCS=OFF -DENABLE_SSL=OPENSSL -DENABLE_SASL=OFF
  -DENABLE_ICU=OFF -DENABLE_CLIENT_SIDE_ENCRYPTION=OFF -DENABLE_SNAPPY=OFF -DENABLE_ZLIB=OFF
  -DENABLE_ZSTD=OFF -DENABLE_SRV=ON -DENABLE_MONGODB_AWS_AUTH=ON
  -DENABLE_AUTOMATIC_INIT_AND_CLEANUP=OFF -DENABLE_SHM_COUNTERS=OFF -DENABLE_PIC=ON
)
# libcurl: HTTP and HTTPS over OpenSSL with the threaded resolver, proxies kept; no other
# protocol, no HTTP/2, IDN, PSL, compression, GSSAPI or LDAP, and OpenSSL's configuration file
# is not loaded at start.
CURL_OPTIONS=(
  -DBUILD_SHARED_LIBS=OFF -DBUILD_CURL_EXE=OFF -DBUILD_TESTING=OFF -DENABLE_MANUAL=OFF
  -DHTTP_ONLY=ON -DCURL_USE_OPENSSL=ON -DOPENSSL_USE_STATIC_LIBS=ON
  -DCURL_DISABLE_OPENSSL_AUTO_LOAD_CONFIG=ON -DUSE_NGHTTP2=OFF -DUSE_LIBIDN2=OFF
  -DCURL_USE_LIBPSL=OFF -DCURL_USE_LIBSSH2=OFF -DCURL_ZLIB=OFF -DCURL_BROTLI=OFF -DCURL_ZSTD=OFF
  -DCURL_USE_GSSAPI=OFF -DCURL_DISABLE_LDAP=ON -DCURL_DISABLE_LDAPS=ON
  -DENABLE_THREADED_RESOLVER=ON -DCMAKE_POSITION_INDEPENDENT_CODE=ON -DPICKY_COMPILER=OFF
)

installed_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null; }
# 1.23.1-1+deb12u3 -> 1.23.1, as debian/rules passes it (DEB_VERSION_UPSTREAM).
upstream_version() { local v; v=$(installed_version "$1"); v=${v#*:}; echo "${v%-*}"; }

lambda_deps_key() {
  local entry versions=""
  for entry in "${LAMBDA_DEPS_SOURCES[@]}"; do
    versions+="${entry%%:*}=$(installed_version "${entry#*:}");"
  done
  printf '%s%s' "$versions" "$(g++ -dumpfullversion)" | cat - "${BASH_SOURCE[0]}" |
    sha256sum | cut -c1-16
}

# A private apt configuration whose deb-src entries mirror the machine's deb entries.
private_apt() {
  local dir=$1
  mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
  : >"$dir/sources.list"
  local file
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $file ]] || continue
    sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' "$file" >>"$dir/sources.list"
  done
  : >"$dir/deb822.sources"
  for file in /etc/apt/sources.list.d/*.sources; do
    [[ -f $file ]] || continue
    # Each stanza's "Types: deb" becomes "Types: deb-src"; stanzas without deb are dropped.
    awk 'BEGIN { RS=""; ORS="\n\n" } /(^|\n)Types:[^\n]*deb([ \n]|$)/ {
           sub(/Types:[^\n]*/, "Types: deb-src"); print }' "$file" >>"$dir/deb822.sources"
  done
  mkdir -p "$dir/parts"
  mv "$dir/deb822.sources" "$dir/parts/system.sources"
  APT_OPTS=(-o "Dir::Etc::SourceList=$dir/sources.list" -o "Dir::Etc::SourceParts=$dir/parts"
            -o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache"
            -o Debug::NoLocking=1)
  # As root, apt would fetch as the _apt user, who cannot write into this folder.
  if [[ $(id -u) -eq 0 ]]; then APT_OPTS+=(-o APT::Sandbox::User=root); fi
  apt-get "${APT_OPTS[@]}" -qq update
}

build_lambda_deps() {
  local prefix=$1 work
  work=$(mktemp -d "${TMPDIR:-/tmp}/aws-helper-lambda-deps.XXXXXX")
  # shellcheck disable=SC2064
  trap "rm -rf '$work'" RETURN
  private_apt "$work/apt"
  local entry specs=()
  for entry in "${LAMBDA_DEPS_SOURCES[@]}"; do
    specs+=("${entry%%:*}=$(installed_version "${entry#*:}")")
  done
  (cd "$work" && apt-get "${APT_OPTS[@]}" -qq source --download-only "${specs[@]}" >/dev/null)
  local dsc
  for dsc in "$work"/*.dsc; do
    # apt checked each file against the signed index; dpkg-source applies Debian's patches.
    (cd "$work" && dpkg-source --no-check -x "$dsc" >/dev/null 2>&1) ||
      die "dpkg-source could not unpack $(basename "$dsc")"
  done
  local jobs
  jobs=$(nproc)
  local mongoc_src curl_src httplib_src
  mongoc_src=$(echo "$work"/mongo-c-driver-*/)
  curl_src=$(echo "$work"/curl-*/)
  httplib_src=$(echo "$work"/cpp-httplib-*/)
  cmake -S "$mongoc_src" -B "$work/build-mongoc" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$prefix" -DBUILD_VERSION="$(upstream_version libmongoc-dev)" \
    "${MONGOC_OPTIONS[@]}" >"$work/mongoc.log" 2>&1 || { cat "$work/mongoc.log" >&2; die "libmongoc configure failed"; }
  cmake --build "$work/build-mongoc" -j "$jobs" >>"$work/mongoc.log" 2>&1 &&
    cmake --install "$work/build-mongoc" >>"$work/mongoc.log" 2>&1 ||
    { tail -50 "$work/mongoc.log" >&2; die "libmongoc build failed"; }
  cmake -S "$curl_src" -B "$work/build-curl" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$prefix" "${CURL_OPTIONS[@]}" >"$work/curl.log" 2>&1 ||
    { cat "$work/curl.log" >&2; die "libcurl configure failed"; }
  cmake --build "$work/build-curl" -j "$jobs" >>"$work/curl.log" 2>&1 &&
    cmake --install "$work/build-curl" >>"$work/curl.log" 2>&1 ||
    { tail -50 "$work/curl.log" >&2; die "libcurl build failed"; }
  install -D -m 644 "$httplib_src/httplib.h" "$prefix/include/httplib.h"
  # Only the static archives are used; the shared copies would only invite mistakes.
  rm -f "$prefix"/lib/*.so*
  # Licences travel with the libraries that are linked into every bootstrap.
  install -D -m 644 "$mongoc_src/COPYING" "$prefix/share/licenses/mongo-c-driver/COPYING"
  install -D -m 644 "$curl_src/COPYING" "$prefix/share/licenses/curl/COPYING"
  install -D -m 644 "$httplib_src/LICENSE" "$prefix/share/licenses/cpp-httplib/LICENSE"
  local sources="" spec
  for spec in "${specs[@]}"; do sources+="$spec "; done
  printf '%s\n' "$sources" >"$prefix/SOURCES"
}

install_lambda_deps() {
  local key prefix link="$PEERS/lambda-deps"
  key=$(lambda_deps_key)
  prefix="$PEER_CACHE/lambda-deps-$key"
  if [[ ! -f $prefix/.complete ]]; then
    say "Building libmongoc and libcurl for Lambda from Debian's source packages (cached in $prefix)"
    rm -rf "$prefix"
    build_lambda_deps "$prefix"
    touch "$prefix/.complete"
  fi
  mkdir -p "$PEERS"
  if [[ $(readlink "$link" 2>/dev/null) != "$prefix" ]]; then
    rm -rf "$link"
    ln -s "$prefix" "$link"
  fi
}
