#!/usr/bin/env bash
# End-to-end check of sdep's Kubernetes mode on a throwaway kind cluster:
#   1. build the sdep image (deploy/Dockerfile) and load it into kind,
#   2. kubectl apply -f deploy/ (CRD, RBAC, operator with leader election),
#   3. install Ambassador with the seed's helm commands (datawire/ambassador, Ambassador 1.x),
#   4. apply examples/canary.yaml and wait for status.state Available,
#   5. curl predictions through Ambassador and check both predictors answer (75/25 canary),
#   6. delete the SeldonDeployment and check its objects are garbage-collected.
#
# Needs: docker, kind, kubectl (>= 1.23 for `kubectl wait --for=jsonpath`), helm, curl, and network
# access to Docker Hub and https://www.getambassador.io. Takes several minutes (image pulls).
#
# Environment:
#   CLUSTER          kind cluster name (default sdep-e2e); created, and deleted at the end
#   KEEP=1           keep the cluster afterwards (to look around)
#   IMAGE            tag for the locally built image (default sdep:e2e)
#   KIND_NODE_IMAGE  default kindest/node:v1.21.14: the seed's datawire/ambassador chart (Ambassador 1.x)
#                    ships apiextensions.k8s.io/v1beta1 CRDs, which Kubernetes 1.22+ no longer serves
#   REQUESTS         predictions to send through Ambassador (default 40)
#
# Usage: bash scripts/e2e-kind.sh
set -euo pipefail

CLUSTER=${CLUSTER:-sdep-e2e}
IMAGE=${IMAGE:-sdep:e2e}
KIND_NODE_IMAGE=${KIND_NODE_IMAGE:-kindest/node:v1.21.14}
REQUESTS=${REQUESTS:-40}
LOCAL_PORT=${LOCAL_PORT:-18003}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

step() { printf '\n==> %s\n' "$*"; }
fail() {
  printf '\nFAIL: %s\n' "$*" >&2
  exit 1
}

for tool in docker kind kubectl helm curl; do
  command -v "$tool" >/dev/null || fail "$tool is not installed"
done

PF_PID=
cleanup() {
  local code=$?
  if [ -n "$PF_PID" ]; then kill "$PF_PID" 2>/dev/null || true; fi
  if [ "$code" -ne 0 ]; then
    echo '--- diagnostics ---' >&2
    kubectl get sdep,deploy,svc,pods -A 2>/dev/null | grep -v kube-system >&2 || true
    kubectl -n sdep-system logs -l app.kubernetes.io/component=operator --tail=50 --prefix 2>/dev/null >&2 || true
  fi
  if [ "${KEEP:-0}" = 1 ]; then
    echo "keeping kind cluster $CLUSTER (kind delete cluster --name $CLUSTER)"
  else
    kind delete cluster --name "$CLUSTER" >/dev/null 2>&1 || true
  fi
  exit "$code"
}
trap cleanup EXIT

step "build $IMAGE (deploy/Dockerfile)"
docker build -f deploy/Dockerfile -t "$IMAGE" .

step "kind cluster $CLUSTER ($KIND_NODE_IMAGE)"
kind create cluster --name "$CLUSTER" --image "$KIND_NODE_IMAGE" --wait 120s
kind load docker-image "$IMAGE" --name "$CLUSTER"

step 'kubectl apply -f deploy/'
kubectl apply -f deploy/
kubectl wait --for=condition=Established crd/seldondeployments.machinelearning.seldon.io --timeout=60s
# The manifests name the published image; use the one just built, for the operator and the executors.
kubectl -n sdep-system set image deployment/sdep-operator "operator=$IMAGE"
kubectl -n sdep-system set env deployment/sdep-operator "SDEP_IMAGE=$IMAGE"
kubectl -n sdep-system rollout status deployment/sdep-operator --timeout=180s

step 'Ambassador, as the seed installs it (datawire/ambassador, enableAES=false)'
kubectl create namespace ambassador || echo "namespace ambassador exists"
helm repo add datawire https://www.getambassador.io
helm repo update datawire
helm install ambassador datawire/ambassador \
  --set image.repository=docker.io/datawire/ambassador \
  --set enableAES=false \
  --set crds.keep=false \
  --namespace ambassador
kubectl -n ambassador rollout status deployment/ambassador --timeout=300s

step 'kubectl apply -f examples/canary.yaml'
kubectl apply -f examples/canary.yaml
kubectl wait --for=jsonpath='{.status.state}'=Available seldondeployment/example --timeout=300s
kubectl get seldondeployment example -o jsonpath='{.status}' && echo
kubectl get deploy,svc -l app.kubernetes.io/managed-by=sdep
# Exactly one operator replica leads.
holder=$(kubectl -n sdep-system get lease sdep-operator -o jsonpath='{.spec.holderIdentity}')
[ -n "$holder" ] || fail 'no operator holds the Lease sdep-system/sdep-operator'
echo "leader: $holder"

step "curl through Ambassador ($REQUESTS predictions)"
kubectl -n ambassador port-forward svc/ambassador "$LOCAL_PORT:80" >/dev/null 2>&1 &
PF_PID=$!
URL="http://127.0.0.1:$LOCAL_PORT/seldon/default/example/api/v1.0/predictions"
BODY='{"data":{"names":["a","b"],"tensor":{"shape":[2,2],"values":[0,0,1,1]}}}'
# Ambassador picks up the annotation a few seconds after the Service appears.
ok=
for _ in $(seq 1 60); do
  if curl -fsS -m 5 "$URL" -H 'Content-Type: application/json' -d "$BODY" >/dev/null 2>&1; then
    ok=1
    break
  fi
  sleep 2
done
[ -n "$ok" ] || fail "no 200 from $URL"
curl -sS "$URL" -H 'Content-Type: application/json' -d "$BODY"
echo
main=0
canary=0
for _ in $(seq 1 "$REQUESTS"); do
  out=$(curl -fsS -m 5 "$URL" -H 'Content-Type: application/json' -d "$BODY") || fail 'a prediction failed'
  case "$out" in
  *mock_classifier_rest:1.2.1*) main=$((main + 1)) ;;
  *mock_classifier_rest:1.2.2*) canary=$((canary + 1)) ;;
  *) fail "unexpected answer: $out" ;;
  esac
done
echo "main (1.2.1): $main, canary (1.2.2): $canary of $REQUESTS (traffic 75/25)"
if [ "$main" -eq 0 ] || [ "$canary" -eq 0 ]; then fail 'expected answers from both predictors'; fi

step 'delete the SeldonDeployment: its objects go (ownerReferences)'
kubectl delete seldondeployment example --wait=true
for _ in $(seq 1 60); do
  left=$(kubectl get deploy,svc,configmap -l seldon-deployment-id=example -o name | wc -l)
  [ "$left" -eq 0 ] && break
  sleep 2
done
[ "$left" -eq 0 ] || fail "objects left after delete: $(kubectl get deploy,svc,configmap -l seldon-deployment-id=example -o name)"

printf '\nPASS: sdep operator + Ambassador on kind (%s)\n' "$KIND_NODE_IMAGE"
