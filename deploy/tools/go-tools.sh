#!/usr/bin/env bash
# Builds the pinned Go tools the production-topology tests need (the Temporal server, its SQL schema tool and
# helm) into a cache folder per version, so only a machine's first run pays the minutes of compiling.
# Usage: deploy/tools/go-tools.sh [temporal|helm|all] — prints `NAME=path` lines for the caller to export.
set -euo pipefail

TEMPORAL_SERVER_VERSION=v1.32.0 # v1.32.2 needs a newer Go than Debian's and this project's machines have
HELM_VERSION=v3.19.0
CACHE="${KEEP_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/keep}"

command -v go >/dev/null || PATH="$PATH:/usr/local/go/bin"
command -v go >/dev/null || { echo "go-tools: Go is not installed (apt-get install golang-go)" >&2; exit 1; }

# `go install` into a scratch folder, then renamed into place: a binary in the cache is always a whole one.
build() {
  local dir="$1" name="$2" pkg="$3"
  [ -x "$dir/$name" ] && return
  echo "go-tools: building $pkg (once; cached in $dir)" >&2
  local scratch
  scratch="$(mktemp -d "${CACHE}/.build-XXXXXX")"
  GOBIN="$scratch" go install "$pkg"
  mkdir -p "$dir"
  mv "$scratch"/* "$dir/$name"
  rmdir "$scratch"
}

mkdir -p "$CACHE"
temporal() {
  local dir="$CACHE/temporal-server-$TEMPORAL_SERVER_VERSION"
  build "$dir" temporal-server "go.temporal.io/server/cmd/server@$TEMPORAL_SERVER_VERSION"
  # The SQL tool carries the server's schema files embedded (`--schema-name postgresql/v12/…`).
  build "$dir" temporal-sql-tool "go.temporal.io/server/cmd/tools/sql@$TEMPORAL_SERVER_VERSION"
  echo "KEEP_TEMPORAL_SERVER_DIR=$dir"
}

helm() {
  local dir="$CACHE/helm-$HELM_VERSION"
  build "$dir" helm "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  echo "KEEP_HELM=$dir/helm"
}

case "${1:-all}" in
  temporal) temporal ;;
  helm) helm ;;
  all) temporal && helm ;;
  *) echo "usage: $0 [temporal|helm|all]" >&2; exit 2 ;;
esac
