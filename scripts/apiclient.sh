#!/usr/bin/env bash
# Regenerates the API client (cmd/internal/apiclient/client.gen.go) from
# handlers/openapi.yaml with oapi-codegen v2.8.2 (fetched by `go run` from
# the module proxy). With -check it only compares: CI fails when the
# committed client is not what the document generates.
set -euo pipefail
cd "$(dirname "$0")/.."
gen=github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@v2.8.2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed "s|^output: .*|output: $tmp/client.gen.go|" cmd/internal/apiclient/oapi-codegen.yaml >"$tmp/config.yaml"
go run "$gen" -config "$tmp/config.yaml" handlers/openapi.yaml
if [ "${1:-}" = "-check" ]; then
  if ! diff -u cmd/internal/apiclient/client.gen.go "$tmp/client.gen.go" >"$tmp/diff"; then
    head -40 "$tmp/diff"
    echo "cmd/internal/apiclient/client.gen.go is not what handlers/openapi.yaml generates: run bash scripts/apiclient.sh" >&2
    exit 1
  fi
  echo "api client: up to date with handlers/openapi.yaml"
else
  cp "$tmp/client.gen.go" cmd/internal/apiclient/client.gen.go
fi
