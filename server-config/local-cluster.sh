#!/usr/bin/env bash
# A local two-node Switchboard cluster on this machine, in one command: two Payara Micro nodes, node-a on
# 127.0.0.1:8081 and node-b on 127.0.0.1:8082, in cluster mode on the Redis at 127.0.0.1:6379 and with the default
# datasource on the PostgreSQL at 127.0.0.1:5432 (database `switchboard_cluster`, created if missing; account from
# SWITCHBOARD_DB_USER / SWITCHBOARD_DB_PASSWORD, default postgres/postgres). Both nodes share one token secret (made
# for this start), allow the development login like `mvn -Prun`, and serve the page: open http://127.0.0.1:8081/ and
# http://127.0.0.1:8082/ as two users and chat across the nodes. Ctrl-C stops both nodes.
#
# Usage: server-config/local-cluster.sh [--ports=8081,8082] [--database=switchboard_cluster] [--redis=redis://127.0.0.1:6379]
# Needs: a JDK 17, Maven (builds the WAR and fetches Payara Micro and the PostgreSQL driver from Maven Central when
# missing), psql, and Redis and PostgreSQL running. Logs: target/local-cluster/node-*.log. SERVER_JAVA_OPTS adds JVM
# options to both nodes (e.g. the benchmark's raised limits, bench/README.md).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ports=8081,8082 database=switchboard_cluster redis=redis://127.0.0.1:6379
for arg in "$@"; do
    case $arg in
        --ports=*) ports=${arg#*=} ;;
        --database=*) database=${arg#*=} ;;
        --redis=*) redis=${arg#*=} ;;
        *) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 64 ;;
    esac
done
[[ $ports =~ ^[0-9]+,[0-9]+$ ]] || { echo "--ports must be two ports, e.g. 8081,8082" >&2; exit 64; }
[[ $database =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "--database must be a plain lower-case name" >&2; exit 64; }
payara_version=6.2025.10 pg_version=42.7.14
m2=${MAVEN_REPO:-$HOME/.m2/repository}
out="$root/target/local-cluster"
mkdir -p "$out"
log() { printf '[local-cluster %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
reachable() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

redis_host=${redis#*://}; redis_host=${redis_host#*@}; redis_host=${redis_host%%/*}
reachable "${redis_host%%:*}" "${redis_host##*:}" || { echo "Redis is not reachable at $redis_host" >&2; exit 69; }
reachable 127.0.0.1 5432 || { echo "PostgreSQL is not reachable at 127.0.0.1:5432" >&2; exit 69; }
command -v psql >/dev/null || { echo "psql is needed to create the database" >&2; exit 69; }
export SWITCHBOARD_DB_USER=${SWITCHBOARD_DB_USER:-postgres} SWITCHBOARD_DB_PASSWORD=${SWITCHBOARD_DB_PASSWORD:-postgres}
export PGPASSWORD=$SWITCHBOARD_DB_PASSWORD
if [ -z "$(psql -h 127.0.0.1 -U "$SWITCHBOARD_DB_USER" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'")" ]; then
    log "creating database $database"
    psql -h 127.0.0.1 -U "$SWITCHBOARD_DB_USER" -d postgres -qc "CREATE DATABASE $database"
fi
export SWITCHBOARD_DB_URL="jdbc:postgresql://127.0.0.1:5432/$database"

[ -f "$root/target/switchboard.war" ] || { log "building the WAR"; (cd "$root" && mvn -B -q package -DskipTests); }
jar="$m2/fish/payara/extras/payara-micro/$payara_version/payara-micro-$payara_version.jar"
driver="$m2/org/postgresql/postgresql/$pg_version/postgresql-$pg_version.jar"
for artifact in "fish.payara.extras:payara-micro:$payara_version" "org.postgresql:postgresql:$pg_version"; do
    file=$jar; [[ $artifact == org.postgresql* ]] && file=$driver
    [ -f "$file" ] || mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:get -Dartifact="$artifact" -Dtransitive=false
done
cat "$root/server-config/payara/pre-boot-commands.asadmin" "$root/server-config/payara/postgresql.asadmin" > "$out/pre-boot.asadmin"
secret=$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')

pids=()
stop() {
    trap - EXIT INT TERM
    log "stopping the nodes"
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do
        for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -KILL "$pid" 2>/dev/null || true
    done
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

names=(node-a node-b)
IFS=, read -r -a port_list <<< "$ports"
for i in 0 1; do
    name=${names[$i]} port=${port_list[$i]}
    reachable 127.0.0.1 "$port" && { echo "port $port is in use" >&2; exit 69; }
    rm -rf "$out/$name"
    cp "$root/target/switchboard.war" "$out/$name.war"
    log "starting $name on http://127.0.0.1:$port/"
    # shellcheck disable=SC2086 # SERVER_JAVA_OPTS is a list of options
    java -Xmx1g -Dhazelcast.phone.home.enabled=false ${SERVER_JAVA_OPTS:-} \
        -Dswitchboard.auth.dev-login=true "-Dswitchboard.auth.jwt.secret=$secret" \
        "-Dswitchboard.cluster.redis-uri=$redis" "-Dswitchboard.cluster.node-id=$name" \
        -jar "$jar" --nohazelcast --disablephonehome --rootdir "$out/$name" \
        --prebootcommandfile "$out/pre-boot.asadmin" --addlibs "$driver" \
        --port "$port" --contextroot / --deploy "$out/$name.war" > "$out/$name.log" 2>&1 < /dev/null &
    pids+=($!)
done
for i in 0 1; do
    port=${port_list[$i]} waited=0
    until curl -sf -o /dev/null "http://127.0.0.1:$port/api/health/ready"; do
        kill -0 "${pids[$i]}" 2>/dev/null || { echo "${names[$i]} exited; see $out/${names[$i]}.log" >&2; exit 70; }
        [ $waited -lt 600 ] || { echo "${names[$i]} not ready after 600 s; see $out/${names[$i]}.log" >&2; exit 70; }
        sleep 2; waited=$((waited + 2))
    done
    log "${names[$i]} ready: http://127.0.0.1:$port/ (readiness, database and Redis bus: http://127.0.0.1:$port/api/health/ready)"
done
log "cluster up; Ctrl-C stops it"
wait -n "${pids[@]}" || true
log "a node exited; see $out/"
