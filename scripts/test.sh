#!/usr/bin/env bash
# `npm test`: type-check, then every jest test. The Terraform tier installs the AWS provider from a
# filesystem mirror when FARGATE_TF_PLUGIN_MIRROR names one or one is in the usual places, else from the registry.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ -z "${FARGATE_TF_PLUGIN_MIRROR:-}" ]] && mirror="$(bash scripts/find-provider-mirror.sh)"; then
  export FARGATE_TF_PLUGIN_MIRROR="$mirror"
fi
npx tsc --noEmit
exec npx jest "$@"
