#!/usr/bin/env bash
# One sitting against the Node `ws` peer: ROUNDS rounds, each running node-ws, payara and wildfly in turn (each on a
# freshly started server, same client, same options), then per server the median and spread of p50, p99 and p99.9,
# and each round's p99 ratio to the peer's p99 of the same round. The host's speed drifts from run to run here (the
# benchmark's own client CPU per delivery, the same code every run, varies by up to 1.7x), so only figures taken in
# the same sitting, taking turns, compare; the per-round ratio shows how much of a difference is that drift.
#
# Usage: bench/sitting.sh ROUNDS [run.sh options]
# e.g.   bench/sitting.sh 3 --rate=50 --warmup=40 --seconds=20 --port=18080
# Every row is also appended to bench/target/sitting.md. Bounded: each run is bounded by run.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] || { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 64; }
rounds=$1
shift
[[ $rounds =~ ^[0-9]+$ ]] && [ "$rounds" -ge 1 ] && [ "$rounds" -le 10 ] || { echo "ROUNDS must be 1-10" >&2; exit 64; }
servers=(node-ws payara wildfly)
mkdir -p "$here/target"
out="$here/target/sitting.md"
rows="$here/target/sitting-rows.txt" # kept: the summary below can be read again from it
: > "$rows"
echo "<!-- $(date -u +%FT%TZ) sitting, $rounds rounds: ${servers[*]} | $* -->" >> "$out"
for round in $(seq 1 "$rounds"); do
    for server in "${servers[@]}"; do
        echo "== round $round of $rounds: $server"
        log="$here/target/sitting-$server-$round.log"
        if "$here/run.sh" "$server" "$@" > "$log" 2>&1; then
            row=$(grep -E "^\| $server \|" "$log" | tail -n 1)
            client=$(sed -n 's/^client CPU .*, \([0-9.]*\) ms per 1,000 deliveries.*/\1/p' "$log" | tail -n 1)
            echo "$round $row ${client:-0}" >> "$rows"
            echo "$row client CPU ms/1k ${client:-?}" | tee -a "$out"
        else
            echo "   run failed (status $?), see $log"
        fi
    done
done
echo
# rows: ROUND | label | members | msg/s | expected | received | loss | deliveries/s | p50 | p90 | p99 | p99.9 | max | CPU | CLIENT
awk -F'|' '
    function trim(s) { gsub(/^ +| +$/, "", s); return s }
    function med(a, n,    i, j, t, b) {
        for (i = 1; i <= n; i++) b[i] = a[i]
        for (i = 2; i <= n; i++) for (j = i; j > 1 && b[j-1] > b[j]; j--) { t = b[j]; b[j] = b[j-1]; b[j-1] = t }
        return n % 2 ? b[(n+1)/2] : (b[n/2] + b[n/2+1]) / 2
    }
    function lo(a, n,    i, m) { m = a[1]; for (i = 2; i <= n; i++) if (a[i] < m) m = a[i]; return m }
    function hi(a, n,    i, m) { m = a[1]; for (i = 2; i <= n; i++) if (a[i] > m) m = a[i]; return m }
    {
        split(trim($1), head, " "); round = head[1] + 0; s = trim($2); n[s]++; k = n[s]
        p50[s, k] = trim($9) + 0; p99[s, k] = trim($11) + 0; p999[s, k] = trim($12) + 0; cpu[s, k] = trim($14) + 0
        client[s, k] = trim($15) + 0; at[s, round] = trim($11) + 0
        if (!(s in seen)) { seen[s] = 1; order[++servers] = s }
    }
    END {
        print "| server | runs | p50 ms | p99 ms | p99.9 ms | server CPU ms/1k | client CPU ms/1k | p99 / peer p99, round by round |"
        print "| --- | --- | --- | --- | --- | --- | --- | --- |"
        for (o = 1; o <= servers; o++) {
            s = order[o]; m = n[s]
            for (k = 1; k <= m; k++) { a[k] = p50[s, k]; b[k] = p99[s, k]; c[k] = p999[s, k]; d[k] = cpu[s, k]; e[k] = client[s, k] }
            ratios = ""
            for (r = 1; r <= 10; r++) if (((s, r) in at) && (("node-ws", r) in at) && at["node-ws", r] > 0)
                ratios = ratios sprintf("%s%.2f", ratios == "" ? "" : ", ", at[s, r] / at["node-ws", r])
            printf "| %s | %d | %.1f (%.1f-%.1f) | %.1f (%.1f-%.1f) | %.1f (%.1f-%.1f) | %.1f (%.1f-%.1f) | %.1f (%.1f-%.1f) | %s |\n",
                s, m, med(a, m), lo(a, m), hi(a, m), med(b, m), lo(b, m), hi(b, m), med(c, m), lo(c, m), hi(c, m),
                med(d, m), lo(d, m), hi(d, m), med(e, m), lo(e, m), hi(e, m), s == "node-ws" ? "-" : ratios
        }
    }' "$rows" | tee -a "$out"
