#!/usr/bin/env bash
# Prints the filesystem mirror folder (the one holding registry.terraform.io/) that has a hashicorp/aws
# provider binary, for FARGATE_TF_PLUGIN_MIRROR; exits 1 when there is none. Looks in the usual places;
# with --everywhere, then in the whole filesystem (CI does that once; a test run should not).
set -uo pipefail

roots=()
for root in /opt /usr/share /usr/local/share /usr/local/lib /usr/lib /var/lib "${HOME:-/root}/.terraform.d" \
  "${XDG_DATA_HOME:-${HOME:-/root}/.local/share}/terraform" /srv; do
  [[ -d "$root" ]] && roots+=("$root")
done
searches=("${roots[@]}")
[[ "${1:-}" == "--everywhere" ]] && searches+=(/)

for search in "${searches[@]}"; do
  while IFS= read -r candidate; do
    case "$candidate" in */.terraform/*|/proc/*|/sys/*|/tmp/*) continue ;; esac
    if compgen -G "$candidate/*/*/terraform-provider-aws*" >/dev/null; then
      echo "${candidate%/registry.terraform.io/hashicorp/aws}"
      exit 0
    fi
  done < <(find "$search" \( -path /proc -o -path /sys -o -path /dev \) -prune -o \
             -path '*registry.terraform.io/hashicorp/aws' -type d -print 2>/dev/null)
done
exit 1
