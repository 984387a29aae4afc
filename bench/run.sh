#!/usr/bin/env bash
# Fan-out benchmark of Switchboard on one server.
#
# Usage: bench/run.sh payara|wildfly|node-ws|payara-bare|wildfly-bare|none [--port=8080] [benchmark options...]
#   payara   starts Payara Micro with target/switchboard.war on 127.0.0.1:PORT, runs the benchmark, stops the server
#   wildfly  starts WildFly (a throw-away copy of target/wildfly-*/standalone) with the WAR as ROOT.war, same
#   node-ws  starts the peer, a plain broadcast server on Node's ws (bench/peer, installed from npm), same client
#   payara-bare, wildfly-bare  the same server with bench/bare's WAR instead: a plain @ServerEndpoint broadcast peer
#            (container defaults), to compare a Switchboard connection with the container's own, e.g. --mode=idle
#   none     runs the benchmark against a server that is already running (give --url, default ws://127.0.0.1:PORT/ws/chat)
# --db=postgresql puts the server's default datasource on PostgreSQL (127.0.0.1:5432, a database made for the run and
# dropped after it, server-config's postgresql scripts); default: the embedded H2.
# Benchmark options (--members, --rate, --seconds, --warmup, --size, ...) are passed on; see bench/README.md.
# --mode=fanout (default), churn (ChurnSoak), idle (heap per idle connection) or storm (StormBench: --members join one
# room, all drop at once and reconnect+rejoin at once; time until all rejoined, presence/occupancy frames counted).
# The servers started here allow the development login (the benchmark signs its users in with it and gets each
# connection a one-time ticket) and have raised inbound limits: it measures fan-out, not the rate limiter. With
# 'none', start the server with the same properties (see bench/README.md).
#
# Environment: SERVER_HEAP (default 1g), SERVER_JAVA_OPTS (extra server JVM options, e.g. -Dswitchboard.limits.max-pending-frames=8192),
# BENCH_JAVA_OPTS (benchmark JVM options, default -Xmx1g), START_TIMEOUT (seconds to wait for the server, default 240),
# WILDFLY_HOME (an unpacked, configured WildFly to use instead of target/wildfly-39.0.1.Final).
# Everything is bounded in time; the server is stopped by its PID on exit, whatever happens.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
payara_version=6.2025.10
wildfly_version=39.0.1.Final
m2=${MAVEN_REPO:-$HOME/.m2/repository}

usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 64; }
[ $# -ge 1 ] || usage
server=$1; shift
case $server in payara|wildfly|payara-bare|wildfly-bare|node-ws|none) ;; -h|--help) usage ;; *) echo "unknown server '$server'" >&2; usage ;; esac

port=8080
url=
mode=fanout
db=h2
bench_args=()
warmup=10 seconds=20 setup=180 drain=10 deadline= rounds=2 settle=90
for arg in "$@"; do
    case $arg in
        --port=*) port=${arg#--port=}; continue ;;
        --url=*) url=${arg#--url=}; continue ;;
        --mode=*) mode=${arg#--mode=}; continue ;;
        --db=*) db=${arg#--db=}; continue ;;
        --warmup=*) warmup=${arg#*=} ;;
        --seconds=*) seconds=${arg#*=} ;;
        --setup-timeout=*) setup=${arg#*=} ;;
        --drain=*) drain=${arg#*=} ;;
        --deadline=*) deadline=${arg#*=} ;;
        --rounds=*) rounds=${arg#*=} ;;
        --settle=*) settle=${arg#*=} ;;
        --label=*) ;;
        -h|--help) usage ;;
    esac
    bench_args+=("$arg")
done
[[ $port =~ ^[0-9]+$ ]] && [ "$port" -ge 1024 ] && [ "$port" -le 60000 ] || { echo "--port must be 1024-60000" >&2; exit 64; }
case $mode in fanout|churn|idle|storm) ;; *) echo "--mode must be fanout, churn, idle or storm" >&2; exit 64 ;; esac
case $db in h2|postgresql) ;; *) echo "--db must be h2 or postgresql" >&2; exit 64 ;; esac
[ "$db" = h2 ] || [ "$server" = payara ] || [ "$server" = wildfly ] || { echo "--db applies to Switchboard on the servers run.sh starts" >&2; exit 64; }
# payara-bare / wildfly-bare: the container (started exactly as for Switchboard) with the bare peer's WAR
label_server=$server
bare=
case $server in *-bare) bare=1; server=${server%-bare} ;; esac
[ -n "$url" ] || url="ws://127.0.0.1:$port/ws/chat"
case $url in
    ws://127.0.0.1[:/]*|ws://localhost[:/]*|ws://\[::1\][:/]*) ;;
    *) echo "--url must point at this machine (ws://127.0.0.1:...), was: $url" >&2; exit 64 ;;
esac
for n in "$warmup" "$seconds" "$setup" "$drain" "$rounds" "$settle" ${deadline:+"$deadline"}; do
    [[ $n =~ ^[0-9]+$ ]] || { echo "time options must be whole seconds" >&2; exit 64; }
done
# the benchmark's own hard deadline, plus time for Maven to start; `timeout` enforces it from outside as well
if [ "$mode" = storm ]; then
    # StormBench's default deadline: 1800 s for the whole run (sign-in, fill, storm)
    bench_budget=$(( ${deadline:-1800} + 120 ))
elif [ "$mode" = churn ]; then
    # ChurnSoak's default deadline: 120 s, plus 240 s and the settling time for each round and the control round
    bench_budget=$(( ${deadline:-$((120 + (rounds + 1) * (240 + settle)))} + 120 ))
else
    bench_budget=$(( ${deadline:-$((warmup + seconds + setup + drain + 30))} + 120 ))
fi

log() { printf '[run.sh %s] %s\n' "$(date +%H:%M:%S)" "$*"; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

tmp=
server_pid=
script_pid=
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    for pid in $server_pid $script_pid; do
        if kill -0 "$pid" 2>/dev/null; then
            log "stopping server (pid $pid)"
            kill -TERM "$pid" 2>/dev/null || true
        fi
    done
    for pid in $server_pid $script_pid; do
        for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        if kill -0 "$pid" 2>/dev/null; then
            log "server (pid $pid) did not stop in 30 s: killing it"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    done
    if [ -n "${pg_db:-}" ]; then
        psql -h 127.0.0.1 -U "$SWITCHBOARD_DB_USER" -d test -qc "DROP DATABASE IF EXISTS $pg_db" >/dev/null 2>&1 || true
    fi
    if [ -n "$tmp" ] && [ -d "$tmp" ]; then
        mkdir -p "$here/target"
        [ -f "$tmp/server.log" ] && cp "$tmp/server.log" "$here/target/server-${label_server:-$server}.log" && log "server log: bench/target/server-${label_server:-$server}.log"
        rm -rf "$tmp"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------- the server
if [ "$server" = payara ] || [ "$server" = wildfly ]; then
    war="$root/target/switchboard.war"
    if [ -n "$bare" ]; then
        war="$here/bare/target/bare.war"
        [ -f "$war" ] || (cd "$here/bare" && timeout 600 mvn -B -q package)
    fi
    if [ ! -f "$war" ]; then
        log "building the WAR (target/switchboard.war is missing)"
        (cd "$root" && timeout 900 mvn -B -q -f pom.xml package -DskipTests)
    fi
    if port_busy "$port"; then
        echo "port $port on 127.0.0.1 is in use: stop what listens there or pass --port=N" >&2
        exit 69
    fi
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/switchboard-bench.XXXXXX")
    cp "$war" "$tmp/switchboard.war"   # a copy: a build running meanwhile cannot change what is deployed
    heap=${SERVER_HEAP:-1g}
    # shellcheck disable=SC2206
    extra=(${SERVER_JAVA_OPTS:-})
    # Development login (members sign in with just a name), tokens that outlive the run, and inbound limits far
    # above what the publisher sends (it posts up to --rate messages a second from one connection); SERVER_JAVA_OPTS
    # come after these, so they can override them.
    token_lifetime=$(( bench_budget + 600 > 3600 ? bench_budget + 600 : 3600 ))
    bench_props=(-Dswitchboard.auth.dev-login=true
        "-Dswitchboard.auth.dev-token-lifetime=$token_lifetime"
        -Dswitchboard.limits.messages-per-second=100000
        -Dswitchboard.limits.user-messages-per-second=100000
        -Dswitchboard.limits.connections=200000)
    # The churn soak compares live heaps after full GCs. Softly reachable objects (the JDK's reflection caches, some
    # container caches) survive a full GC until they have gone unused for a while (1 s per free MB of heap, about
    # 15 min here), so the heap dropped by 2-4 MB in whichever round that happened, whatever the connections did.
    # With 0 every full GC clears them: the soak measures strongly reachable memory, what a leak would be.
    # The notification purge first runs 300 s after the start (switchboard.notifications.purge-interval), and on WildFly
    # Hibernate then parses its two queries once (+375 KB of ANTLR parser cache), which fell into round 2 or round 1
    # depending on how fast the server started. Every 60 s, its first run is part of round 1 with the other one-time
    # costs, and the later ones are part of every round.
    [ "$mode" = churn ] && bench_props+=(-XX:SoftRefLRUPolicyMSPerMB=0 -Dswitchboard.notifications.purge-interval=60)
    # --db=postgresql: the default datasource on PostgreSQL (server-config's postgresql scripts), in a database made
    # for this run on 127.0.0.1:5432 and dropped after it; the account from SWITCHBOARD_DB_USER/PASSWORD (postgres)
    pg_jar=
    if [ "$db" = postgresql ]; then
        pg_jar="$m2/org/postgresql/postgresql/42.7.14/postgresql-42.7.14.jar"
        [ -f "$pg_jar" ] || timeout 600 mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:get \
            -Dartifact=org.postgresql:postgresql:42.7.14 -Dtransitive=false
        export SWITCHBOARD_DB_USER=${SWITCHBOARD_DB_USER:-postgres} SWITCHBOARD_DB_PASSWORD=${SWITCHBOARD_DB_PASSWORD:-postgres}
        pg_db="sb_bench_$$"
        psql -h 127.0.0.1 -U "$SWITCHBOARD_DB_USER" -d test -qc "CREATE DATABASE $pg_db" >/dev/null \
            || { echo "--db=postgresql: cannot create a database on 127.0.0.1:5432" >&2; exit 69; }
        export SWITCHBOARD_DB_URL="jdbc:postgresql://127.0.0.1:5432/$pg_db"
        log "database: PostgreSQL $SWITCHBOARD_DB_URL"
    fi
fi

case $server in
    payara)
        jar="$root/target/payara-micro.jar"
        [ -f "$jar" ] || jar="$m2/fish/payara/extras/payara-micro/$payara_version/payara-micro-$payara_version.jar"
        if [ ! -f "$jar" ]; then
            log "fetching payara-micro $payara_version from Maven Central"
            timeout 600 mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:get \
                -Dartifact="fish.payara.extras:payara-micro:$payara_version" -Dtransitive=false
        fi
        preboot="$root/server-config/payara/pre-boot-commands.asadmin"
        libs=()
        if [ "$db" = postgresql ]; then
            cat "$preboot" "$root/server-config/payara/postgresql.asadmin" > "$tmp/pre-boot.asadmin"
            preboot="$tmp/pre-boot.asadmin"
            libs=(--addlibs "$pg_jar")
        fi
        log "starting Payara Micro $payara_version on 127.0.0.1:$port"
        java "-Xmx$heap" -Dhazelcast.phone.home.enabled=false "${bench_props[@]}" "${extra[@]}" -jar "$jar" \
            --nohazelcast --disablephonehome \
            --rootdir "$tmp/payara-root" \
            --prebootcommandfile "$preboot" "${libs[@]}" \
            --port "$port" --contextroot / \
            --deploy "$tmp/switchboard.war" >"$tmp/server.log" 2>&1 </dev/null &
        server_pid=$!
        ;;
    wildfly)
        home=${WILDFLY_HOME:-$root/target/wildfly-$wildfly_version}
        if [ ! -x "$home/bin/standalone.sh" ]; then
            zip="$m2/org/wildfly/wildfly-dist/$wildfly_version/wildfly-dist-$wildfly_version.zip"
            home="$here/target/wildfly-$wildfly_version"
            if [ ! -x "$home/bin/standalone.sh" ]; then
                if [ ! -f "$zip" ]; then
                    echo "No WildFly found. Run 'mvn -DskipTests=false pre-integration-test' in $root (it unpacks and" >&2
                    echo "configures target/wildfly-$wildfly_version), or set WILDFLY_HOME to a configured WildFly." >&2
                    exit 69
                fi
                log "unpacking WildFly $wildfly_version into bench/target (once)"
                mkdir -p "$here/target"
                rm -rf "$home.partial" && mkdir "$home.partial"
                (cd "$home.partial" && timeout 300 unzip -q "$zip")
                mv "$home.partial/wildfly-$wildfly_version" "$home" && rmdir "$home.partial"
            fi
        fi
        # server-config/wildfly/configure-tls.cli reads its key store from the environment: without one of the user's,
        # a throw-away self-signed one (the benchmark itself speaks plain ws://)
        if [ -z "${SWITCHBOARD_TLS_KEYSTORE:-}" ]; then
            export SWITCHBOARD_TLS_KEYSTORE_PASSWORD="bench-$$-$RANDOM" SWITCHBOARD_TLS_KEY_ALIAS=switchboard
            export SWITCHBOARD_TLS_KEYSTORE="$tmp/tls/switchboard.p12"
            bash "$root/server-config/self-signed-keystore.sh" "$tmp/tls" >/dev/null 2>&1
        fi
        if [ ! -f "$home/standalone/configuration/.switchboard-configured" ]; then
            log "applying server-config/wildfly to $home"
            timeout 300 bash "$root/server-config/wildfly/apply-offline.sh" "$home"
        fi
        if [ "$port" -lt 8080 ]; then
            echo "WildFly is moved with a port offset: --port must be 8080 or more" >&2
            exit 64
        fi
        offset=$((port - 8080))
        for p in $((9990 + offset)) $((8443 + offset)); do
            if port_busy "$p"; then
                echo "port $p (WildFly management/https at offset $offset) is in use: pass another --port" >&2
                exit 69
            fi
        done
        # a throw-away base dir: the configured server in $home is left untouched
        base="$tmp/standalone"
        mkdir -p "$base/configuration" "$base/deployments" "$base/data" "$base/log" "$base/tmp"
        (cd "$home/standalone/configuration" && find . -maxdepth 1 -type f -exec cp {} "$base/configuration/" \;)
        cp "$tmp/switchboard.war" "$base/deployments/ROOT.war"
        if [ "$db" = postgresql ]; then
            module="$home/modules/org/postgresql/main"
            mkdir -p "$module"
            cp "$root/server-config/wildfly/modules/org/postgresql/main/module.xml" "$module/"
            cp "$pg_jar" "$module/postgresql.jar"
            log "applying server-config/wildfly/postgresql.cli to the run's base dir"
            timeout 300 bash "$root/server-config/wildfly/apply-offline.sh" --base-dir "$base" "$home" \
                "$root/server-config/wildfly/postgresql.cli" >/dev/null
        fi
        log "starting WildFly $wildfly_version on 127.0.0.1:$port (port offset $offset, base dir $base)"
        JAVA_OPTS="-Xms64m -Xmx$heap -XX:MetaspaceSize=96M -XX:MaxMetaspaceSize=256m -Djava.net.preferIPv4Stack=true -Djava.awt.headless=true ${bench_props[*]} ${extra[*]}" \
        LAUNCH_JBOSS_IN_BACKGROUND=1 JBOSS_PIDFILE="$tmp/wildfly.pid" \
            "$home/bin/standalone.sh" \
            -Djboss.server.base.dir="$base" \
            -Djboss.socket.binding.port-offset="$offset" \
            -b 127.0.0.1 -bmanagement 127.0.0.1 >"$tmp/server.log" 2>&1 </dev/null &
        script_pid=$!
        for _ in $(seq 1 100); do [ -s "$tmp/wildfly.pid" ] && break; kill -0 "$script_pid" 2>/dev/null || break; sleep 0.2; done
        server_pid=$(cat "$tmp/wildfly.pid" 2>/dev/null || true)
        ;;
    node-ws)
        command -v node >/dev/null || { echo "node-ws needs Node.js (20 or later) and npm" >&2; exit 69; }
        if port_busy "$port"; then
            echo "port $port on 127.0.0.1 is in use: stop what listens there or pass --port=N" >&2
            exit 69
        fi
        [ -d "$here/peer/node_modules/ws" ] || (cd "$here/peer" && timeout 300 npm ci --silent --no-audit --no-fund)
        tmp=$(mktemp -d "${TMPDIR:-/tmp}/switchboard-bench.XXXXXX")
        log "starting the Node ws peer on 127.0.0.1:$port"
        node "$here/peer/broadcast.js" "$port" >"$tmp/server.log" 2>&1 </dev/null &
        server_pid=$!
        ;;
esac

if [ "$server" != none ]; then
    http_url="http${url#ws}"
    http_url="${http_url%%\?*}"   # no ticket: the upgrade (101) shows the endpoint is up; the server then closes it (1008)
    start=$(date +%s)
    limit=${START_TIMEOUT:-240}
    log "waiting for $http_url to accept a WebSocket handshake (at most $limit s)"
    while :; do
        if ! kill -0 "${server_pid:-$script_pid}" 2>/dev/null; then
            echo "the server exited during start-up; last lines of its log:" >&2
            tail -n 40 "$tmp/server.log" >&2 || true
            exit 70
        fi
        curl -s -i -N --max-time 2 -o "$tmp/probe" \
            -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' \
            -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' "$http_url" 2>/dev/null || true
        if head -n 1 "$tmp/probe" 2>/dev/null | grep -q ' 101'; then
            break
        fi
        # the peer drops an upgrade without a ticket: that it listens is enough
        if [ "$server" = node-ws ] && port_busy "$port"; then
            break
        fi
        if [ $(( $(date +%s) - start )) -ge "$limit" ]; then
            echo "the server did not answer on $http_url within $limit s; last lines of its log:" >&2
            tail -n 40 "$tmp/server.log" >&2 || true
            exit 70
        fi
        sleep 2
    done
    log "server ready after $(( $(date +%s) - start )) s (pid $server_pid)"
fi

# ---------------------------------------------------------------------------------------------- the benchmark
label=$label_server
has_label=
for arg in "${bench_args[@]}"; do case $arg in --label=*) has_label=1 ;; esac; done
[ -n "$has_label" ] || bench_args+=("--label=$label")
log "compiling the benchmark"
timeout 600 mvn -B -q -f "$here/pom.xml" compile
main=FanOutBench
# the server's CPU time in the measured window (and its heap in --mode=idle) is read through its PID
has_pid=
for arg in "${bench_args[@]}"; do case $arg in --server-pid=*) has_pid=1 ;; esac; done
[ -z "$has_pid" ] && [ -n "${server_pid:-}" ] && bench_args+=("--server-pid=$server_pid")
if [ "$mode" = idle ]; then
    # idle connections' heap: FanOutBench connects and joins the members, publishes nothing, reads the heap with jcmd
    bench_args+=("--idle=true" "--out=$here/target")
fi
if [ "$mode" = churn ]; then
    main=ChurnSoak
    # the soak reads the server's live heap with jcmd, so it needs the server's PID (with 'none', pass --server-pid)
    bench_args+=("--out=$here/target")
fi
[ "$mode" = storm ] && main=StormBench
log "running: $main --url=$url ${bench_args[*]}"
set +e
MAVEN_OPTS="${MAVEN_OPTS:-} ${BENCH_JAVA_OPTS:--Xmx1g}" timeout -k 10 "$bench_budget" \
    mvn -B -q -f "$here/pom.xml" exec:java -Dbench.main="io.switchboard.bench.$main" -Dexec.args="--url=$url ${bench_args[*]}"
status=$?
set -e
[ "$status" -eq 124 ] && log "the benchmark overran its $bench_budget s budget and was stopped"
exit "$status"
