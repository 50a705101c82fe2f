#!/usr/bin/env bash
# router-set-command of docs/examples/azure-slots.yml: swaps the staging slot into production when the
# staging slot holds the color asked for.
#
#   azure-swap-slot.sh RESOURCE-GROUP APP STAGING-SLOT TARGET-COLOR
#
# Which color serves is the app setting BG_COLOR, which the deploy sets on the staging slot with the
# new version. It is not a deployment slot setting, so a swap moves it with the code: production's
# BG_COLOR always names the color production runs.
# Why a script and not one az command: a swap is an exchange, so run twice it sends traffic back. The
# script reads first and does nothing when production already runs the target; it refuses to swap
# when the staging slot holds another color (a deploy that did not finish), rather than promote it.
set -euo pipefail

if [[ $# -ne 4 ]]; then
  echo "usage: $0 RESOURCE-GROUP APP STAGING-SLOT TARGET-COLOR" >&2
  exit 2
fi
group=$1 app=$2 slot=$3 target=$4

color_of() { # [--slot SLOT]: the slot's BG_COLOR (production without --slot)
  az webapp config appsettings list --resource-group "$group" --name "$app" "$@" \
    --query "[?name=='BG_COLOR'].value" --output tsv
}

live=$(color_of)
if [[ $live == "$target" ]]; then
  echo "production of $app already runs $target"
  exit 0
fi
staged=$(color_of --slot "$slot")
if [[ $staged != "$target" ]]; then
  echo "azure-swap-slot: the $slot slot runs '$staged', not $target: deploy $target to it first; not swapping" >&2
  exit 1
fi
echo "Swapping $slot into production: $app from ${live:-nothing} to $target"
az webapp deployment slot swap --resource-group "$group" --name "$app" --slot "$slot" --target-slot production
