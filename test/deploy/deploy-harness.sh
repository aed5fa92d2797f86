#!/usr/bin/env bash
# Test harness for scripts/deploy-tracing-stack.sh with the fake kubectl in test/deploy/bin.
# Needs MANIFEST_DEFAULT, MANIFEST_ROCKETCHAT (objects in the namespace "chat"),
# MANIFEST_NO_OTLP_HTTP (collector without its OTLP/HTTP receiver), MANIFEST_HEAD_SAMPLING
# (collector sampling by head), MANIFEST_TLS (TLS from cert-manager), MANIFEST_AGENT_GATEWAY
# (agents and samplers whose tail sampling keeps no errors), MANIFEST_TEMPO_SCALABLE (Tempo 3.0
# scalable), MANIFEST_WORKSPACES (two workspaces, no default tenant), MANIFEST_WORKSPACES_DEFAULT
# (the same with a default tenant), MANIFEST_WORKSPACES_AGENT_GATEWAY (the same with agents and
# samplers that do not sample) and VERIFY_LABELS (the labels the stack's NetworkPolicies admit,
# as kubectl run --labels takes them). Prints one line per check.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
script="$root/scripts/deploy-tracing-stack.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export FAKE_KUBECTL_LOG="$work/kubectl.log"
curl_log="$work/curl.log"
fake_path="$here/bin:$PATH"
failures=0
status=0
out=''

run() {
  : > "$FAKE_KUBECTL_LOG"
  rm -f "$curl_log" "$work/overrides.json"
  out=$(PATH="${RUN_PATH:-$fake_path}" "$script" "$@" 2>&1)
  status=$?
}
check() {
  local name=$1; shift
  if "$@"; then echo "ok - $name"; else echo "not ok - $name"; echo "  output: ${out//$'\n'/$'\n  '}"; echo "  kubectl calls:"; sed 's/^/    /' "$FAKE_KUBECTL_LOG"; failures=$((failures + 1)); fi
}
exit_is() { [ "$status" -eq "$1" ]; }
output_has() { grep -qF -- "$1" <<<"$out"; }
log_has() { grep -qF -- "$1" "$FAKE_KUBECTL_LOG"; }
log_lacks() { ! grep -qE -- "$1" "$FAKE_KUBECTL_LOG"; }
log_empty() { [ ! -s "$FAKE_KUBECTL_LOG" ]; }
line_is() { grep -qxF -- "$1" "$FAKE_KUBECTL_LOG"; }
curl_has() { [ -f "$curl_log" ] && grep -qF -- "$1" "$curl_log"; }
# The OTLP request the pod sent: its JSON body, checked with node.
span_is_valid() {
  node -e '
    const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n");
    const body = JSON.parse(lines[lines.indexOf("-d") + 1]);
    const span = body.resourceSpans[0].scopeSpans[0].spans[0];
    const service = body.resourceSpans[0].resource.attributes.find((a) => a.key === "service.name").value.stringValue;
    const ok = /^[0-9a-f]{32}$/.test(span.traceId) && /^[0-9a-f]{16}$/.test(span.spanId) && span.status.code === 2
      && /^[0-9]{19}$/.test(span.startTimeUnixNano) && service === "deploy-verify";
    const read = lines.find((l) => l.includes("/api/traces/"));
    process.exit(ok && read && read.endsWith("/api/traces/" + span.traceId) ? 0 : 1);' "$curl_log"
}
pod_is_restricted() {
  node -e '
    const o = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).spec;
    const c = o.containers[0].securityContext;
    const ok = o.securityContext.runAsNonRoot === true && o.securityContext.runAsUser > 0 && o.securityContext.seccompProfile.type === "RuntimeDefault"
      && c.allowPrivilegeEscalation === false && c.readOnlyRootFilesystem === true && c.capabilities.drop.includes("ALL");
    process.exit(ok ? 0 : 1);' "$work/overrides.json"
}
overrides_mount_ca() {
  node -e '
    const spec = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).spec;
    const volume = (spec.volumes ?? []).find((v) => v.name === "ca");
    const mount = (spec.containers[0].volumeMounts ?? []).find((m) => m.name === "ca");
    const ok = volume && volume.secret.secretName === process.argv[2] && JSON.stringify(volume.secret.items) === JSON.stringify([{ key: "ca.crt", path: "ca.crt" }])
      && mount && mount.mountPath === "/ca" && mount.readOnly === true;
    process.exit(ok ? 0 : 1);' "$work/overrides.json" "$1"
}
# Line number of the first kubectl call matching a pattern (0 when absent).
line_of() { grep -nF -- "$1" "$FAKE_KUBECTL_LOG" | head -n 1 | cut -d: -f1 || true; }
before() { local a b; a=$(line_of "$1"); b=$(line_of "$2"); [ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]; }
every_call_has_context() { ! grep -v '^applied:' "$FAKE_KUBECTL_LOG" | grep -vq -- '^--context prod '; }
every_apply_is_server_side() { grep -q ' apply \|^apply ' "$FAKE_KUBECTL_LOG" && ! grep ' apply \|^apply ' "$FAKE_KUBECTL_LOG" | grep -vq -- '--server-side --field-manager=rocketchat-tracing'; }

# No kubectl at all: a PATH with node and the basic tools only.
nokube="$work/nokube"
mkdir -p "$nokube"
for tool in bash env node npm dirname mktemp rm cat awk sed sort tr grep od tail head cut sh; do
  ln -s "$(command -v "$tool")" "$nokube/$tool"
done
nokube_path="$nokube"

# --dry-run: the plan, no cluster call.
run --dry-run --manifest "$MANIFEST_DEFAULT"
check 'dry run exits 0' exit_is 0
check 'dry run prints the phases' output_has '1. namespaces'
check 'dry run names the CRDs it will check' output_has 'servicemonitors.monitoring.coreos.com'
check 'dry run names each rollout' output_has 'statefulset/tempo (namespace monitoring)'
check 'dry run calls no kubectl' log_empty
check 'dry run says nothing was applied' output_has 'dry run: nothing was applied'

# The whole path.
run --manifest "$MANIFEST_DEFAULT"
check 'deploy exits 0' exit_is 0
check 'checks the cluster first' before 'version --request-timeout=15s' 'get customresourcedefinition'
check 'checks the CRDs before applying' before 'get customresourcedefinition servicemonitors.monitoring.coreos.com' 'apply'
check 'checks the PrometheusRule CRD' log_has 'get customresourcedefinition prometheusrules.monitoring.coreos.com'
check 'applies the namespace alone first' before 'applied: Namespace ' 'applied: ClusterRole ClusterRoleBinding ConfigMap Deployment Service ServiceAccount StatefulSet '
check 'applies custom resources last' before 'applied: ClusterRole' 'applied: PrometheusRule ServiceMonitor '
check 'applies server-side with a field manager' every_apply_is_server_side
check 'waits for the rollouts after applying' before 'applied: PrometheusRule' 'rollout status statefulset/tempo --timeout=5m'
check 'waits for Tempo, watching' line_is '-n monitoring rollout status statefulset/tempo --timeout=5m'
check 'waits for the collector, watching' line_is '-n monitoring rollout status deployment/otel-collector --timeout=5m'
check 'verifies after the rollouts' before 'rollout status deployment/otel-collector' ' run rct-verify-'
check 'the verification pod runs in the collector namespace, pinned and labelled as the NetworkPolicies expect' log_has "-n monitoring run rct-verify-"
check 'the verification pod image and label' log_has "--restart=Never --quiet --labels=${VERIFY_LABELS:?} --image=docker.io/curlimages/curl:8.11.1"
check 'the verification pod meets Pod Security restricted' pod_is_restricted
check 'the span goes to the collector Service over OTLP/HTTP' curl_has 'http://otel-collector.monitoring.svc:4318/v1/traces'
check 'the span is valid OTLP and Tempo is asked for its trace id' span_is_valid
check 'Tempo is read where a missing trace is a 404' curl_has 'http://tempo.monitoring.svc:3200/api/traces/'
check 'the outcome is read from the pod log and the pod removed' before ' logs rct-verify-' ' delete pod rct-verify-'
check 'never touches the kubeconfig' log_lacks '(^| )config( |$)'
check 'reports success' output_has 'verified: trace'

# --context reaches every call.
run --manifest "$MANIFEST_DEFAULT" --context prod --timeout 90s
check 'with --context exits 0' exit_is 0
check 'every kubectl call carries --context' every_call_has_context
check '--timeout reaches the rollout waits' log_has 'rollout status statefulset/tempo --timeout=90s'

# Failures, each with a precise message and a non-zero exit.
FAKE_CLUSTER_DOWN=1 run --manifest "$MANIFEST_DEFAULT"
check 'unreachable cluster exits 1' exit_is 1
check 'unreachable cluster is named with the reason' output_has 'error: cannot reach the cluster: The connection to the server 10.0.0.1:443 was refused'
check 'unreachable cluster applies nothing' log_lacks '^apply'

FAKE_MISSING_CRDS='servicemonitors.monitoring.coreos.com prometheusrules.monitoring.coreos.com' run --manifest "$MANIFEST_DEFAULT"
check 'missing CRDs exit 1' exit_is 1
check 'missing CRDs are listed with what to install' output_has 'servicemonitors.monitoring.coreos.com: install kube-prometheus-stack (prometheus-operator CRDs)'
check 'every missing CRD is listed' output_has 'prometheusrules.monitoring.coreos.com: install kube-prometheus-stack'
check 'missing CRDs apply nothing' log_lacks '^apply'

FAKE_MISSING_NAMESPACES=chat run --manifest "$MANIFEST_ROCKETCHAT"
check 'a missing Rocket.Chat namespace exits 1' exit_is 1
check 'a missing namespace is named' output_has 'namespace(s) chat do not exist'
check 'a missing namespace applies nothing' log_lacks '^apply'

FAKE_MISSING_CRDS='instrumentations.opentelemetry.io' run --manifest "$MANIFEST_ROCKETCHAT"
check 'a missing Operator CRD says what to install' output_has 'instrumentations.opentelemetry.io: install the OpenTelemetry Operator, or set rocketChat.instrumentation.enabled: false'

FAKE_ROLLOUT_FAIL='statefulset/tempo' run --manifest "$MANIFEST_DEFAULT"
check 'a failed rollout exits 1' exit_is 1
check 'a failed rollout names the workload and what to look at' output_has 'statefulset/tempo in namespace monitoring did not become ready within 5m: kubectl -n monitoring describe statefulset/tempo'
check 'a failed rollout does not verify' log_lacks ' run '

FAKE_TEMPO=missing run --manifest "$MANIFEST_DEFAULT" --verify-timeout 2
check 'a span that never arrives exits 1' exit_is 1
check 'a span that never arrives is reported with its trace id' output_has 'was accepted by the collector but did not arrive in Tempo within 2s'
check 'and points at the troubleshooting section' output_has "Traces not appearing"

FAKE_COLLECTOR=refused run --manifest "$MANIFEST_DEFAULT"
check 'a refused span exits 1' exit_is 1
check 'a refused span is reported as such' output_has 'the collector did not accept the test span (503) at otel-collector.monitoring.svc:4318'

FAKE_APPLY_FAIL=2-built-in.yaml run --manifest "$MANIFEST_DEFAULT"
check 'a failed apply exits 1' exit_is 1
check 'a failed apply is named' output_has 'error: applying built-in objects failed'
check 'a failed apply stops before the custom resources and the rollouts' log_lacks 'PrometheusRule|rollout'

FAKE_FORBIDDEN=1 run --manifest "$MANIFEST_DEFAULT"
check 'a CRD check the user may not make is not reported as a missing CRD' output_has 'error: cannot check CRD prometheusrules.monitoring.coreos.com: Error from server (Forbidden)'

run --manifest "$MANIFEST_HEAD_SAMPLING"
check 'head sampling refuses the end-to-end check' exit_is 1
check 'and says why' output_has "cannot verify end to end: the collector keeps 20% of traces (head sampling), so the test span may be dropped; pass --skip-verify"

run --manifest "$MANIFEST_NO_OTLP_HTTP"
check 'verification without the OTLP/HTTP receiver exits 1' exit_is 1
check 'and says why' output_has "the collector's OTLP/HTTP receiver is off (collector.receivers.otlpHttp); pass --skip-verify"
run --manifest "$MANIFEST_NO_OTLP_HTTP" --skip-verify
check '--skip-verify deploys without the span check' exit_is 0
check '--skip-verify runs no pod' log_lacks ' run '

# A dry run synthesizes into a temporary folder: the project's outputs stay as they are.
before_sum=$(cat "$root/dist/rocketchat-tracing.k8s.yaml" "$root"/helm/*.yaml | cksum)
RUN_PATH="$nokube_path" run --dry-run
check 'a dry run without a manifest synthesizes and needs no kubectl' exit_is 0
check 'it prints the plan' output_has 'statefulset/tempo (namespace monitoring)'
check 'and leaves dist/ and helm/ alone' [ "$before_sum" = "$(cat "$root/dist/rocketchat-tracing.k8s.yaml" "$root"/helm/*.yaml | cksum)" ]

run --manifest /nonexistent.yaml
check 'a missing manifest exits 1' exit_is 1
check 'a missing manifest is named' output_has 'error: manifest /nonexistent.yaml does not exist'

run --bogus
check 'an unknown option exits 2' exit_is 2
check 'an unknown option is named' output_has 'error: unknown option --bogus'

run --verify-timeout soon --manifest "$MANIFEST_DEFAULT"
check 'a bad --verify-timeout is refused' output_has "error: --verify-timeout must be a whole number of seconds, got 'soon'"

# TLS: the span goes over https, verified with the CA of the collector's certificate.
run --manifest "$MANIFEST_TLS"
check 'with TLS the deploy succeeds' exit_is 0
check 'with TLS the span goes over https with the CA' curl_has 'https://otel-collector.monitoring.svc:4318/v1/traces'
check 'with TLS curl verifies with the mounted CA' curl_has '/ca/ca.crt'
check 'with TLS the pod mounts only the CA of the collector Secret' overrides_mount_ca otel-collector-tls
check 'with TLS the verification pod still meets Pod Security restricted' pod_is_restricted

# agentGateway: the agents' DaemonSet and the samplers' StatefulSet roll out; the samplers' policy decides verification.
run --manifest "$MANIFEST_AGENT_GATEWAY"
check 'agentGateway: waits for the agents' line_is '-n monitoring rollout status daemonset/otel-collector-agent --timeout=5m'
check 'agentGateway: waits for the samplers' line_is '-n monitoring rollout status statefulset/otel-collector-sampler --timeout=5m'
check 'agentGateway: the samplers keeping no errors stop verification' output_has "cannot verify end to end: the collector's tail sampling does not keep every error"

# Scalable Tempo 3.0: every component rolls out; Tempo is read through the query-frontends.
run --manifest "$MANIFEST_TEMPO_SCALABLE"
check 'scalable Tempo: waits for each live-store zone' line_is '-n monitoring rollout status statefulset/tempo-live-store-zone-b --timeout=5m'
check 'scalable Tempo: waits for the distributors' line_is '-n monitoring rollout status deployment/tempo-distributor --timeout=5m'
check 'scalable Tempo: reads the trace from the query-frontends' curl_has 'http://tempo-query-frontend.monitoring.svc:3200/api/traces/'
check 'scalable Tempo: verified' output_has 'verified: trace'

# Workspaces: the span from the collector's namespace goes to the default tenant, or is dropped.
run --manifest "$MANIFEST_WORKSPACES"
check 'workspaces without a default tenant refuse the end-to-end check' exit_is 1
check 'and say why' output_has "cannot verify end to end: the collector routes spans to tenants by namespace, and its own namespace monitoring belongs to no workspace and there is no defaultTenant"
run --manifest "$MANIFEST_WORKSPACES_DEFAULT"
check 'workspaces with a default tenant verify' exit_is 0
check 'Tempo is read as the default tenant' curl_has 'X-Scope-OrgID: operations'
check 'the span is still valid OTLP, read back by its trace id' span_is_valid
run --manifest "$MANIFEST_WORKSPACES_AGENT_GATEWAY"
check 'workspaces with agentGateway: the tenant comes from the tier that routes' curl_has 'X-Scope-OrgID: operations'

RUN_PATH="$nokube" run --manifest "$MANIFEST_DEFAULT"
check 'no kubectl exits 1' exit_is 1
check 'no kubectl says what to install' output_has 'error: kubectl not found on PATH: install kubectl (1.28 or later)'

if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"
