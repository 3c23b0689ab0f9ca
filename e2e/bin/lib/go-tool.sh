# Builds one pinned Go tool from its module (e2e/<dir>/go.mod, with go.sum) with the machine's Go
# toolchain, into a cache directory keyed by the tool's version, with the module's LICENSE beside it
# (the agent's image ships both), and prints the binary's path on stdout. Progress goes to stderr. The build is skipped when the binary is already cached. Sourced by
# e2e/bin/helm and e2e/bin/kustomize:
#
#   go_tool_build <name> <module dir> <module path whose version keys the cache> <package> <ldflags>
#
# "@VERSION@" in <ldflags> is replaced by the pinned version.

go_tool_build() {
  local name=$1 module=$2 versioned=$3 package=$4 ldflags=$5
  local version cache binary staging start
  log() { printf '%s: %s\n' "$name" "$*" >&2; }

  version=$(sed -n "s#^[[:space:]]*$versioned \(v[^ ]*\).*#\1#p" "$module/go.mod" | head -n 1)
  if [ -z "$version" ]; then
    log "error: cannot read the $versioned version from $module/go.mod"
    return 1
  fi
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/keelson/$name/$version"
  binary="$cache/$name"
  if [ -x "$binary" ] && [ -f "$cache/LICENSE" ]; then
    echo "$binary"
    return 0
  fi
  if ! command -v go >/dev/null 2>&1; then
    log "error: no Go toolchain on PATH; cannot build $name $version."
    log "Install Go (1.26 or newer)."
    return 1
  fi

  # The module's go.sum pins every dependency; the checksum database is not needed to verify it.
  export GOTOOLCHAIN=local GOFLAGS=-mod=readonly GOSUMDB=off CGO_ENABLED=0
  if [ -x "$binary" ]; then # cached before licenses were kept: only the license is missing
    go_tool_license "$module" "$versioned" "$cache" || return 1
    echo "$binary"
    return 0
  fi
  log "building $name $version with $(go version | awk '{print $3}'); a cold build takes a few minutes"
  if ! (cd "$module" && go mod download) 2>&1 | sed "s/^/$name: /" >&2; then
    log "error: a module did not resolve from the Go module proxy (see above)."
    return 1
  fi
  staging=$(mktemp -d "${TMPDIR:-/tmp}/keelson-$name.XXXXXX")
  # shellcheck disable=SC2064 # expand now: the trap runs after this function's locals are gone
  trap "rm -rf '$staging'" EXIT
  start=$(date +%s)
  if ! (cd "$module" && go build -trimpath -ldflags "${ldflags//@VERSION@/$version}" -o "$staging/$name" "$package"); then
    log "error: building $package failed (see above)."
    return 1
  fi
  # Publish atomically so an interrupted build never leaves a half-written binary in the cache.
  mkdir -p "$cache"
  go_tool_license "$module" "$versioned" "$cache" || return 1
  mv -f "$staging/$name" "$binary"
  log "built $name $version in $(( $(date +%s) - start ))s into $cache"
  echo "$binary"
}

# Copies the LICENSE of the tool's module (from the module cache, downloaded if needed) into the cache.
go_tool_license() {
  local module=$1 versioned=$2 cache=$3 directory
  (cd "$module" && go mod download "$versioned") >&2 || return 1
  directory=$(cd "$module" && go list -m -f '{{.Dir}}' "$versioned")
  mkdir -p "$cache"
  cp -f "$directory/LICENSE" "$cache/LICENSE"
  chmod 644 "$cache/LICENSE"
}
