#!/usr/bin/env bash
# `npm test`: type-check, then every jest test. The Terraform tier installs the AWS provider from a
# filesystem mirror when FARGATE_TF_PLUGIN_MIRROR names one or one is in the usual places, else from the registry.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ -z "${FARGATE_TF_PLUGIN_MIRROR:-}" ]] && mirror="$(bash scripts/find-provider-mirror.sh)"; then
  export FARGATE_TF_PLUGIN_MIRROR="$mirror"
fi
# The apps' own type checks, as their synth runs them, in one process that parses their shared files once:
# the app commands the tests run then find them done (a fresh clone would check each app cold, in turn).
# Beside tsc, each on a core of its own; what they would report, tsc reports too.
node scripts/type-check.js main.ts examples/*.ts >/dev/null 2>&1 &
npx tsc --noEmit
wait
exec npx jest "$@"
