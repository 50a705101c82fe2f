#!/usr/bin/env bash
# router-get-command and router-set-command of docs/examples/cloud-foundry.yml: blue-green by routes.
#
#   cf-route.sh get HOSTNAME DOMAIN APP-A APP-B          prints the app the route is mapped to
#   cf-route.sh set HOSTNAME DOMAIN APP-A APP-B TARGET   maps the route to TARGET, unmaps it from the other
#
# Why a script: the cf CLI has no query option, so which app holds the route is read from `cf app`
# (its `routes:` line), and a flip is two commands (map, then unmap). Both are idempotent in cf v7+
# ("already mapped", "not currently mapped"), so running `set` again finishes a flip that stopped
# halfway. While the route is mapped to both apps, the gorouter balances across all their instances:
# `get` prints that split as weights (APP-A=50 APP-B=50 for equal instance counts), which the action
# reads as a flip in progress, and moves on from.
set -euo pipefail

usage() {
  echo "usage: $0 get HOSTNAME DOMAIN APP-A APP-B | set HOSTNAME DOMAIN APP-A APP-B TARGET" >&2
  exit 2
}
[[ $# -ge 5 ]] || usage
verb=$1 host=$2 domain=$3 apps=("$4" "$5")
url="$host.$domain"

# Running instances of an app if the route is mapped to it, else 0. A failing `cf app` (an app that
# does not exist) must stop the script, not read as "not mapped": bash does not apply `set -e` inside
# the command substitution this runs in, hence the explicit exit.
serving() {
  local summary line routes="" instances=0
  summary=$(cf app "$1") || exit 1
  while IFS= read -r line; do
    if [[ $line =~ ^routes:\ +(.*)$ ]]; then routes=${BASH_REMATCH[1]}; fi
    if [[ $line =~ ^instances:\ +([0-9]+)/ && $instances == 0 ]]; then instances=${BASH_REMATCH[1]}; fi
  done <<<"$summary"
  if [[ ", $routes, " == *", $url, "* ]]; then echo "$instances"; else echo 0; fi
}

case $verb in
  get)
    [[ $# -eq 5 ]] || usage
    a=$(serving "${apps[0]}") b=$(serving "${apps[1]}")
    mapped=$(( (a > 0 ? 1 : 0) + (b > 0 ? 1 : 0) ))
    if (( mapped == 2 )); then
      echo "${apps[0]}=$(( 100 * a / (a + b) )) ${apps[1]}=$(( 100 - 100 * a / (a + b) ))"
    elif (( a > 0 )); then
      echo "${apps[0]}"
    elif (( b > 0 )); then
      echo "${apps[1]}"
    fi
    ;;
  set)
    [[ $# -eq 6 ]] || usage
    target=$6
    case $target in
      "${apps[0]}") other=${apps[1]} ;;
      "${apps[1]}") other=${apps[0]} ;;
      *) echo "cf-route: $target is neither ${apps[0]} nor ${apps[1]}" >&2; exit 2 ;;
    esac
    # Map first: the route always has an app behind it, never a moment with none.
    cf map-route "$target" "$domain" --hostname "$host"
    cf unmap-route "$other" "$domain" --hostname "$host"
    ;;
  *) usage ;;
esac
