#!/usr/bin/env bash
# Deploys the tracing stack and proves it works: checks prerequisites, synthesizes, applies in a
# safe order with server-side apply, waits for the rollouts, then sends a span to the collector
# and finds it in Tempo by trace id. Exits non-zero with the reason on the first failure.
#
# It never changes the kubeconfig: no context switch, no default namespace. Pass --context to
# target another context; every kubectl call then carries it.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/deploy-tracing-stack.sh [options]

  --dry-run               print the plan and change nothing (no cluster calls)
  --context NAME          kubectl context to use (default: the current one, unchanged)
  --manifest FILE         apply FILE instead of synthesizing dist/rocketchat-tracing.k8s.yaml
  --timeout DURATION      rollout wait per workload, kubectl duration (default: 5m)
  --verify-timeout SEC    how long to look for the test span in Tempo (default: 120)
  --skip-verify           apply and wait, without the end-to-end span check
  -h, --help              this text
EOF
}

FIELD_MANAGER=rocketchat-tracing
# Pinned, small, runs as non-root: the in-cluster client for the end-to-end check.
CURL_IMAGE=docker.io/curlimages/curl:8.11.1

dry_run=false
context=''
manifest=''
timeout=5m
verify_timeout=120
verify=true

while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) dry_run=true ;;
    --context) context=${2:?--context needs a name}; shift ;;
    --manifest) manifest=${2:?--manifest needs a file}; shift ;;
    --timeout) timeout=${2:?--timeout needs a duration}; shift ;;
    --verify-timeout) verify_timeout=${2:?--verify-timeout needs seconds}; shift ;;
    --skip-verify) verify=false ;;
    -h|--help) usage; exit 0 ;;
    *) echo "error: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

fail() {
  echo "error: $*" >&2
  exit 1
}
step() {
  echo "==> $*"
}
kc() {
  if [ -n "$context" ]; then kubectl --context "$context" "$@"; else kubectl "$@"; fi
}

case "$verify_timeout" in
  ''|*[!0-9]*) fail "--verify-timeout must be a whole number of seconds, got '$verify_timeout'" ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. Prerequisites that need no cluster.
$dry_run || command -v kubectl >/dev/null || fail "kubectl not found on PATH: install kubectl (1.28 or later)"
command -v node >/dev/null || fail "node not found on PATH: install Node.js 20 or later"
[ -d "$root/node_modules" ] || fail "dependencies are not installed: run 'npm ci' in $root"

# 2. Synthesize (or take the given manifest).
if [ -z "$manifest" ]; then
  if $dry_run; then
    # A dry run leaves dist/, helm/ and kustomize/ as they are.
    step "synthesizing the stack into a temporary folder"
    (cd "$root" && npm run --silent synth -- --output "$work/dist" >"$work/synth.log" 2>&1) || { cat "$work/synth.log" >&2; fail "synthesis failed (see above)"; }
    manifest="$work/dist/rocketchat-tracing.k8s.yaml"
  else
    step "synthesizing the stack (npm run synth)"
    (cd "$root" && npm run --silent synth >"$work/synth.log" 2>&1) || { cat "$work/synth.log" >&2; fail "synthesis failed (see above)"; }
    manifest="$root/dist/rocketchat-tracing.k8s.yaml"
  fi
fi
[ -f "$manifest" ] || fail "manifest $manifest does not exist"

node "$root/scripts/_deploy-plan.js" "$manifest" "$work/phases" >"$work/plan.tsv" || fail "cannot read $manifest"

objects() { awk -F'\t' -v phase="$1" '$1 == "object" && $2 == phase { print $4 "/" $6 ($5 == "-" ? "" : " (namespace " $5 ")") }' "$work/plan.tsv"; }
required_crds() { awk -F'\t' '$1 == "object" && $7 != "-" { print $7 }' "$work/plan.tsv" | sort -u; }
namespaces_used() { awk -F'\t' '$1 == "object" && $5 != "-" { print $5 }' "$work/plan.tsv" | sort -u; }
namespaces_created() { awk -F'\t' '$1 == "object" && $4 == "Namespace" { print $6 }' "$work/plan.tsv" | sort -u; }
rollouts() { awk -F'\t' '$1 == "rollout" { print $2 "\t" $3 "/" $4 }' "$work/plan.tsv"; }
verify_target() { awk -F'\t' -v what="$1" '$1 == what { print $2 "\t" $3 "\t" $4 "\t" $5 }' "$work/plan.tsv"; }

crd_hint() {
  case "$1" in
    *.monitoring.coreos.com) echo "install kube-prometheus-stack (prometheus-operator CRDs), or set tempo.serviceMonitor.enabled, collector.serviceMonitor.enabled and grafana.alerts to false" ;;
    *.opentelemetry.io) echo "install the OpenTelemetry Operator, or set rocketChat.instrumentation.enabled: false" ;;
    *.grafana.integreatly.org) echo "install the Grafana Operator (v5), or set grafana.delivery: sidecar" ;;
    *) echo "install the operator that provides it" ;;
  esac
}

print_plan() {
  echo "plan for $manifest${context:+ (context $context)}:"
  echo "  1. namespaces (server-side apply, field manager $FIELD_MANAGER):"
  objects 1 | sed 's/^/       /'
  echo "  2. built-in objects:"
  objects 2 | sed 's/^/       /'
  if [ -s "$work/phases/3-custom-resources.yaml" ]; then
    echo "  3. custom resources, after checking their CRDs ($(required_crds | tr '\n' ' ' | sed 's/ $//')):"
    objects 3 | sed 's/^/       /'
  fi
  echo "  4. wait for rollouts (timeout $timeout each):"
  rollouts | awk -F'\t' '{ print "       " $2 " (namespace " $1 ")" }'
  if $verify; then
    echo "  5. verify: send a span to the collector's OTLP/HTTP receiver and read it back from Tempo by trace id (up to ${verify_timeout}s)"
  else
    echo "  5. verify: skipped (--skip-verify)"
  fi
}

if $dry_run; then
  print_plan
  echo "dry run: nothing was applied"
  exit 0
fi

# 3. Prerequisites in the cluster: reachable, namespaces the stack does not create, CRDs.
step "checking the cluster${context:+ of context $context}"
kc version --request-timeout=15s >"$work/version.log" 2>&1 || fail "cannot reach the cluster${context:+ of context $context}: $(tail -n 1 "$work/version.log")"
missing=''
for ns in $(namespaces_used); do
  grep -qx "$ns" <(namespaces_created) && continue
  if ! kc get namespace "$ns" >/dev/null 2>"$work/ns.err"; then
    grep -q NotFound "$work/ns.err" || fail "cannot check namespace $ns: $(tail -n 1 "$work/ns.err")"
    missing="$missing $ns"
  fi
done
[ -z "$missing" ] || fail "namespace(s)${missing} do not exist: the stack places objects there (Rocket.Chat's namespace comes from rocketChat.namespace); create them or change the configuration"
missing_crds=''
for crd in $(required_crds); do
  if ! kc get customresourcedefinition "$crd" >/dev/null 2>"$work/crd.err"; then
    grep -q NotFound "$work/crd.err" || fail "cannot check CRD $crd: $(tail -n 1 "$work/crd.err")"
    missing_crds="$missing_crds$crd: $(crd_hint "$crd")"$'\n'
  fi
done
[ -z "$missing_crds" ] || fail "CRDs missing for objects in the manifest:"$'\n'"$missing_crds"

# 4. Apply, phase by phase.
apply_phase() {
  local file="$work/phases/$1"
  [ -s "$file" ] || return 0
  step "applying $2"
  kc apply --server-side --field-manager="$FIELD_MANAGER" -f "$file" || fail "applying $2 failed (see above)"
}
apply_phase 1-namespaces.yaml namespaces
apply_phase 2-built-in.yaml "built-in objects"
apply_phase 3-custom-resources.yaml "custom resources"

# 5. Rollouts.
while IFS=$'\t' read -r ns workload; do
  [ -n "$ns" ] || continue
  step "waiting for $workload in $ns"
  kc -n "$ns" rollout status "$workload" --timeout="$timeout" || fail "$workload in namespace $ns did not become ready within $timeout: kubectl${context:+ --context $context} -n $ns describe $workload"
done < <(rollouts)

# 6. End to end: a span in through the collector, out of Tempo.
if $verify; then
  IFS=$'\t' read -r c_ns c_svc c_port c_ca < <(verify_target verify-collector) || true
  IFS=$'\t' read -r t_ns t_svc t_port < <(verify_target verify-tempo) || true
  IFS=$'\t' read -r sampling sampling_pct < <(awk -F'\t' '$1 == "verify-sampling" { print $2 "\t" $3 }' "$work/plan.tsv") || true
  [ -n "${c_svc:-}" ] && [ -n "${t_svc:-}" ] || fail "cannot verify: the manifest has no collector or Tempo Service; pass --skip-verify"
  [ "$c_port" != "-" ] || fail "cannot verify: the collector's OTLP/HTTP receiver is off (collector.receivers.otlpHttp); pass --skip-verify"
  case "${sampling:-all}" in
    all|errors-kept) ;;
    head) fail "cannot verify end to end: the collector keeps ${sampling_pct}% of traces (head sampling), so the test span may be dropped; pass --skip-verify" ;;
    *) fail "cannot verify end to end: the collector's tail sampling does not keep every error (collector.sampling.keepErrors), so the test span may be dropped; pass --skip-verify" ;;
  esac
  # With tenants, Tempo is read as the tenant the span from the collector's namespace goes to.
  tenant=$(awk -F'\t' '$1 == "verify-tenant" { print $2 }' "$work/plan.tsv")
  tempo_tenant=''
  case "$tenant" in
    '') ;;
    -) fail "cannot verify end to end: the collector routes spans to tenants by namespace, and its own namespace $c_ns belongs to no workspace and there is no defaultTenant, so the test span would be dropped; set defaultTenant, or pass --skip-verify" ;;
    *) tempo_tenant=' -H "X-Scope-OrgID: '"$tenant"'"' ;;
  esac
  # With TLS the span goes over https, verified with the CA of the collector's certificate.
  c_scheme=http curl_tls='' ca_volume='' ca_mount=''
  if [ "${c_ca:--}" != "-" ]; then
    c_scheme=https curl_tls='--cacert /ca/ca.crt'
    ca_volume=',"volumes":[{"name":"ca","secret":{"secretName":"'"$c_ca"'","items":[{"key":"ca.crt","path":"ca.crt"}]}}]'
    ca_mount=',"volumeMounts":[{"name":"ca","mountPath":"/ca","readOnly":true}]'
  fi
  trace_id=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  pod="rct-verify-${trace_id:0:8}"
  step "verifying: span with trace id $trace_id through $c_svc.$c_ns into $t_svc.$t_ns"
  # Status ERROR: the tail sampler keeps every trace with an error. The collector listens on its
  # pod IP, so the span is sent from a pod inside the cluster, through the Service. Tempo's
  # /api/traces/<id> answers 404 until the trace is there (/api/v2 answers 200 with an empty one).
  script='
now=$(date +%s)000000000
code=$(curl -sS '"$curl_tls"' -o /dev/null -w "%{http_code}" -X POST "'"$c_scheme://$c_svc.$c_ns.svc:$c_port"'/v1/traces" -H "Content-Type: application/json" -d "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"deploy-verify\"}}]},\"scopeSpans\":[{\"spans\":[{\"traceId\":\"'"$trace_id"'\",\"spanId\":\"0123456789abcdef\",\"name\":\"deploy-verify\",\"kind\":1,\"status\":{\"code\":2},\"startTimeUnixNano\":\"$now\",\"endTimeUnixNano\":\"$now\"}]}]}]}")
if [ "$code" != 200 ]; then echo "send-failed ${code:-no connection}"; exit 1; fi
echo sent
end=$(( $(date +%s) + '"$verify_timeout"' ))
while [ "$(date +%s)" -lt "$end" ]; do
  if curl -fsS -H "Accept: application/json"'"$tempo_tenant"' "http://'"$t_svc.$t_ns.svc:$t_port"'/api/traces/'"$trace_id"'" | grep -q deploy-verify; then echo found; exit 0; fi
  sleep 5
done
echo not-found
exit 1'
  json_script=$(printf '%s' "$script" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.stringify(s)))')
  overrides='{"spec":{"securityContext":{"runAsNonRoot":true,"runAsUser":100,"runAsGroup":101,"seccompProfile":{"type":"RuntimeDefault"}},"containers":[{"name":"'"$pod"'","image":"'"$CURL_IMAGE"'","command":["sh","-c"],"args":['"$json_script"'],"securityContext":{"allowPrivilegeEscalation":false,"readOnlyRootFilesystem":true,"capabilities":{"drop":["ALL"]}},"resources":{"requests":{"cpu":"10m","memory":"16Mi"},"limits":{"cpu":"100m","memory":"64Mi"}}'"$ca_mount"'}]'"$ca_volume"'}}'
  # Not attached: the pod runs to completion, then its log holds the outcome.
  trap 'rm -rf "$work"; kc -n "$c_ns" delete pod "$pod" --ignore-not-found --wait=false >/dev/null 2>&1 || true' EXIT
  # The label is the one the stack's NetworkPolicies let reach the collector and Tempo.
  kc -n "$c_ns" run "$pod" --restart=Never --quiet --labels=app.kubernetes.io/name=rocketchat-tracing-verify --image="$CURL_IMAGE" --overrides="$overrides" >/dev/null \
    || fail "could not start the verification pod in namespace $c_ns (see above)"
  deadline=$(( $(date +%s) + verify_timeout + 180 ))
  phase=''
  while [ "$(date +%s)" -lt "$deadline" ]; do
    phase=$(kc -n "$c_ns" get pod "$pod" -o 'jsonpath={.status.phase}' 2>/dev/null || true)
    case "$phase" in Succeeded|Failed) break ;; esac
    sleep 5
  done
  outcome=$(kc -n "$c_ns" logs "$pod" 2>/dev/null | tail -n 1 || true)
  case "$outcome" in
    found) step "verified: trace $trace_id went through the collector into Tempo" ;;
    not-found) fail "the test span (trace id $trace_id) was accepted by the collector but did not arrive in Tempo within ${verify_timeout}s — see the README's Troubleshooting, 'Traces not appearing'" ;;
    send-failed*) fail "the collector did not accept the test span (${outcome#send-failed }) at $c_svc.$c_ns.svc:$c_port — see the README's Troubleshooting, 'Traces not appearing'" ;;
    *) fail "the verification pod $pod in namespace $c_ns ended ${phase:-without a phase} and reported nothing: kubectl${context:+ --context $context} -n $c_ns describe pod $pod" ;;
  esac
fi

echo "done: the tracing stack is deployed${context:+ in context $context}"
