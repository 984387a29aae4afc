#!/usr/bin/env bash
# Applies configure-*.cli to a stopped WildFly through an embedded (offline) CLI server.
# Usage: apply-offline.sh [--reset] [--base-dir DIR] JBOSS_HOME [script.cli ...]
# (default: every configure-*.cli beside this file, applied to JBOSS_HOME/standalone; --base-dir names another server
# base directory, a copy of standalone/ that a server started with -Djboss.server.base.dir=DIR uses)
# The first run keeps the standalone.xml it found as standalone.xml.before-switchboard. With --reset the scripts are
# applied to that copy rather than to the current file, so changed scripts can be applied again (the build does
# this); without it they are applied to the current standalone.xml. Nothing happens if the same scripts were applied
# last time. configure-tls.cli needs its SWITCHBOARD_TLS_* environment variables set while it is applied.
set -euo pipefail
reset=false
base=
[ "${1:-}" = --reset ] && { reset=true; shift; }
[ "${1:-}" = --base-dir ] && { base=${2:?--base-dir DIR}; shift 2; }
home=${1:?JBOSS_HOME}; shift
base=${base:-$home/standalone}
here=$(cd "$(dirname "$0")" && pwd)
scripts=("$@"); [ ${#scripts[@]} -gt 0 ] || scripts=("$here"/configure-*.cli)
config="$base/configuration"
marker="$config/.switchboard-configured"
stock="$config/standalone.xml.before-switchboard"
[ -f "$stock" ] || cp "$config/standalone.xml" "$stock"
[ -f "$marker" ] && [ "$(cat "$marker")" = "$(cat "${scripts[@]}" | cksum)" ] && exit 0
rm -f "$marker"
if $reset; then cp "$stock" "$config/standalone.xml"; fi
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
{ echo "embed-server --server-config=standalone.xml --std-out=discard"; cat "${scripts[@]}"; echo "stop-embedded-server"; } > "$tmp"
JAVA_OPTS="-Xmx256m -Djboss.server.base.dir=$base" "$home/bin/jboss-cli.sh" --file="$tmp"
cat "${scripts[@]}" | cksum > "$marker"
