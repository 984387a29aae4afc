#!/usr/bin/env bash
# Applies configure-*.cli to a stopped WildFly through an embedded (offline) CLI server.
# Usage: apply-offline.sh JBOSS_HOME [script.cli ...]   (default: every configure-*.cli beside this file)
set -euo pipefail
home=${1:?JBOSS_HOME}; shift
here=$(cd "$(dirname "$0")" && pwd)
scripts=("$@"); [ ${#scripts[@]} -gt 0 ] || scripts=("$here"/configure-*.cli)
marker="$home/standalone/configuration/.switchboard-configured"
[ -f "$marker" ] && [ "$(cat "$marker")" = "$(cat "${scripts[@]}" | cksum)" ] && exit 0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
{ echo "embed-server --server-config=standalone.xml --std-out=discard"; cat "${scripts[@]}"; echo "stop-embedded-server"; } > "$tmp"
JAVA_OPTS="-Xmx256m" "$home/bin/jboss-cli.sh" --file="$tmp"
cat "${scripts[@]}" | cksum > "$marker"
