#!/usr/bin/env bash
# Writes the secrets compose.yaml mounts: random database passwords and key rings, each process's config file
# and a self-signed admin TLS certificate. Never overwrites: delete a file to make it anew.
# Reads POSTGRES_PASSWORD from .env (written there when empty). Needs openssl.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "${KEEP_COMPOSE_DIR:-$here}" # the folder with .env (the tests point it elsewhere)
umask 077
mkdir -p secrets

random() { openssl rand -hex 24; }
key() { printf '%s:%s' "$1" "$(openssl rand -base64 32)"; }
write() { # file, content: only when absent
  if [ -e "secrets/$1" ]; then echo "kept secrets/$1"; else printf '%s\n' "$2" > "secrets/$1"; echo "wrote secrets/$1"; fi
}

[ -f .env ] || cp "$here/env.example" .env
postgres_password="$(sed -n 's/^POSTGRES_PASSWORD=//p' .env)"
if [ -z "$postgres_password" ]; then
  postgres_password="$(random)"
  sed -i "s/^POSTGRES_PASSWORD=.*/POSTGRES_PASSWORD=${postgres_password}/" .env
fi
write postgres-password "$postgres_password"

core_url="postgres://keep_core:$(random)@postgres:5432/keep"
edge_url="postgres://keep_edge:$(random)@postgres:5432/keep"
payload_keys="$(key payload-1)"
if [ -e secrets/core.yaml ]; then # the key ring and URLs every process shares come from the first file
  core_url="$(sed -n "s/^  url: '\(.*\)'$/\1/p" secrets/core.yaml)"
  payload_keys="$(sed -n "s/^  payloadKeys: '\(.*\)'$/\1/p" secrets/core.yaml)"
fi

write core.yaml "database:
  url: '${core_url}'
temporal:
  payloadKeys: '${payload_keys}'
core:
  secretKeys: '$(key secret-1)'"

write edge.yaml "edgeDatabase:
  url: '${edge_url}'
temporal:
  payloadKeys: '${payload_keys}'
edge:
  secretKeys: '$(key edge-secret-1)'"

if [ ! -e secrets/admin.yaml ]; then
  token="$(openssl rand -hex 32)"
  write admin.yaml "database:
  url: '${core_url}'
temporal:
  payloadKeys: '${payload_keys}'
admin:
  tlsCertFile: /run/secrets/admin.pem
  tlsKeyFile: /run/secrets/admin.key
  bootstrapTokenHash: '$(printf %s "$token" | openssl dgst -sha256 -r | cut -d' ' -f1)'"
  # The token itself goes to a file of its own, never to the terminal or a log.
  write admin-bootstrap-token "$token"
fi

if [ ! -e secrets/admin.pem ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 -subj /CN=keep-admin \
    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout secrets/admin.key -out secrets/admin.pem 2>/dev/null
  echo "wrote secrets/admin.pem and secrets/admin.key (self-signed; replace with your own)"
fi

# Compose bind-mounts secrets with the files' own owner and mode: Keep's image runs as `node` (uid 1000),
# Postgres's as `postgres` (uid 999).
if [ "$(id -u)" = 0 ]; then
  chown 1000:1000 secrets/*
  chown 999:999 secrets/postgres-password
fi
chmod 0400 secrets/*
