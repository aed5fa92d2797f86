#!/usr/bin/env bash
# Regenerates imports/*.ts from upstream CRD files (not part of this repository).
# Usage: scripts/import-crds.sh <directory holding the CRD YAML files>
# CRDs of one API group are imported together: `cdk8s import` writes one file per group.
set -euo pipefail
crds=${1:?usage: scripts/import-crds.sh <crd directory>}
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/imports
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

import_group() {
  local name=$1; shift
  local joined="$work/$name.yaml"
  : > "$joined"
  for file in "$@"; do
    cat "$crds/$file" >> "$joined"
    printf '\n---\n' >> "$joined"
  done
  (cd "$work" && "$root/node_modules/.bin/cdk8s" import --no-check-upgrade --language typescript --output "$out" "$joined")
}

import_group monitoring \
  monitoring.coreos.com_servicemonitors.yaml \
  monitoring.coreos.com_prometheusrules.yaml
import_group grafana \
  grafana.integreatly.org_grafanadatasources.yaml \
  grafana.integreatly.org_grafanadashboards.yaml \
  grafana.integreatly.org_grafanafolders.yaml
import_group opentelemetry \
  opentelemetry.io_instrumentations.yaml
import_group cert-manager \
  cert-manager.io_certificates.yaml
