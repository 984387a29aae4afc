#!/usr/bin/env bash
# Prepares ClusterIT's two WildFly nodes in an unpacked WildFly: the PostgreSQL driver module (server-config's
# module.xml and the driver jar), then base dirs standalone-node-a and standalone-node-b, copies of the configured
# standalone/ with server-config/wildfly/postgresql.cli applied. The CLI run (slow) is skipped when neither
# standalone.xml nor the script changed since the last build; the nodes' data and logs are cleared every time.
# Usage: cluster-nodes.sh JBOSS_HOME POSTGRESQL_JAR
set -euo pipefail
home=${1:?JBOSS_HOME}
jar=${2:?POSTGRESQL_JAR}
config=$(cd "$(dirname "$0")/../../../server-config/wildfly" && pwd)
module="$home/modules/org/postgresql/main"
mkdir -p "$module"
cp "$config/modules/org/postgresql/main/module.xml" "$module/"
cp "$jar" "$module/postgresql.jar"
stamp=$(cat "$home/standalone/configuration/standalone.xml" "$config/postgresql.cli" | cksum)
a="$home/standalone-node-a"
b="$home/standalone-node-b"
if [ "$(cat "$a/.switchboard-node" 2>/dev/null)" != "$stamp" ]; then
    rm -rf "$a"
    mkdir -p "$a"
    cp -r "$home/standalone/configuration" "$a/"
    "$config/apply-offline.sh" --base-dir "$a" "$home" "$config/postgresql.cli"
    echo "$stamp" > "$a/.switchboard-node"
fi
rm -rf "$a/data" "$a/log" "$a/tmp" "$a/deployments" "$a/configuration/standalone_xml_history"
mkdir -p "$a/deployments"
rm -rf "$b"
cp -r "$a" "$b"
