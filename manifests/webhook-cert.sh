#!/usr/bin/env bash
# Creates the serving certificate of the policy admission webhook on a cluster, in one command.
# It makes a new CA and a certificate for the Service rearguard-webhook.<namespace>.svc and stores
# them as the TLS Secret rearguard-webhook-tls. It writes the CA into the caBundle of the
# ValidatingWebhookConfiguration rearguard-policies and restarts the operator's pods, which read
# the files only at start.
#
# Usage: manifests/webhook-cert.sh [--namespace NS] [--days N]
# Run it after `kubectl apply -k manifests/`, and again before the certificate expires (default
# 365 days). Needs openssl and kubectl. KUBECTL names another kubectl command.
# The CA's private key is deleted when the script ends, so each run makes a new CA.
set -euo pipefail

namespace=rearguard-system
days=365
while [[ $# -gt 0 ]]; do
    case "$1" in
        --namespace) namespace="$2"; shift 2 ;;
        --days) days="$2"; shift 2 ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "webhook-cert.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
if ! command -v openssl >/dev/null; then
    echo "webhook-cert.sh: openssl is missing. Install it (Debian: apt-get install openssl)." >&2
    exit 1
fi
read -r -a kubectl <<<"${KUBECTL:-kubectl}"

service=rearguard-webhook
secret=rearguard-webhook-tls
configuration=rearguard-policies
host="$service.$namespace.svc"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

openssl req -x509 -newkey rsa:2048 -nodes -days "$days" -keyout ca.key -out ca.crt \
    -subj "/CN=rearguard-webhook-ca" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout tls.key -out tls.csr -subj "/CN=$host" 2>/dev/null
cat >ext.cnf <<CNF
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:$service,DNS:$service.$namespace,DNS:$host,DNS:$host.cluster.local
CNF
openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days "$days" \
    -extfile ext.cnf -out tls.crt 2>/dev/null

"${kubectl[@]}" -n "$namespace" create secret tls "$secret" --cert=tls.crt --key=tls.key \
    --dry-run=client -o yaml | "${kubectl[@]}" apply -f -
bundle="$(base64 <ca.crt | tr -d '\n')"
"${kubectl[@]}" patch validatingwebhookconfiguration "$configuration" --type=json \
    -p "[{\"op\":\"add\",\"path\":\"/webhooks/0/clientConfig/caBundle\",\"value\":\"$bundle\"}]"
if "${kubectl[@]}" -n "$namespace" get deployment rearguard-operator >/dev/null 2>&1; then
    "${kubectl[@]}" -n "$namespace" rollout restart deployment rearguard-operator
fi
echo "webhook certificate for $host valid for $days days; Secret $namespace/$secret and" \
    "caBundle of $configuration updated"
