#!/usr/bin/env bash
# router-set-command of docs/examples/elastic-beanstalk.yml: gives the production CNAME to one of the
# two Elastic Beanstalk environments.
#
#   eb-swap-cnames.sh PRODUCTION-CNAME TARGET-ENVIRONMENT ENVIRONMENT-A ENVIRONMENT-B
#
# Why a script and not one aws command: swap-environment-cnames exchanges the two environments'
# CNAMEs, so run twice it sends traffic back, and it needs both names where the action passes one
# ({color}). The script waits for both environments to be Ready (one still Updating refuses a swap, as
# right after the flip that a rollback undoes), reads, and does nothing when the target already holds
# the CNAME; after the swap it waits again (the swap call returns before it is done). The waiter polls
# every 20 s, and the command router gives a set command one minute: a swap usually takes seconds.
# Needs bash and the AWS CLI v2, both on GitHub's Ubuntu runners.
set -euo pipefail

if [[ $# -ne 4 ]]; then
  echo "usage: $0 PRODUCTION-CNAME TARGET-ENVIRONMENT ENVIRONMENT-A ENVIRONMENT-B" >&2
  exit 2
fi
cname=$1 target=$2 envs=("$3" "$4")
# The CNAME goes into a JMESPath string literal: only a host name's characters.
if [[ ! $cname =~ ^[A-Za-z0-9.-]+$ ]]; then
  echo "eb-swap-cnames: '$cname' is not a host name" >&2
  exit 2
fi
case $target in
  "${envs[0]}") other=${envs[1]} ;;
  "${envs[1]}") other=${envs[0]} ;;
  *) echo "eb-swap-cnames: $target is neither ${envs[0]} nor ${envs[1]}" >&2; exit 2 ;;
esac

aws elasticbeanstalk wait environment-updated --environment-names "${envs[@]}"
live=$(aws elasticbeanstalk describe-environments --environment-names "${envs[@]}" --no-include-deleted \
  --query "Environments[?CNAME=='$cname'].EnvironmentName" --output text)
if [[ $live == "$target" ]]; then
  echo "$cname already points at $target"
  exit 0
fi
if [[ $live != "$other" ]]; then
  echo "eb-swap-cnames: neither ${envs[*]} holds $cname (describe-environments: '$live'); not swapping" >&2
  exit 1
fi
echo "Swapping CNAMEs of $other and $target: $cname from $other to $target"
aws elasticbeanstalk swap-environment-cnames --source-environment-name "$other" --destination-environment-name "$target"
aws elasticbeanstalk wait environment-updated --environment-names "${envs[@]}"
