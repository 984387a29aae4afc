#!/usr/bin/env bash
# Runs the fan-out benchmark several times for two server configurations, alternating them (A B A B ...), each run on
# a freshly started server, and prints every run's row and, per configuration, the median and the spread (min-max)
# of deliveries/s, p50, p99 and p99.9. One run says little on a shared 2-core machine; the median of several does.
#
# Usage: bench/compare.sh payara|wildfly RUNS "LABEL_A=SERVER_JAVA_OPTS_A" "LABEL_B=SERVER_JAVA_OPTS_B" [run.sh options]
# e.g.   bench/compare.sh wildfly 3 "metrics-on=" "metrics-off=-Dswitchboard.metrics.enabled=false" --rate=50 --warmup=30 --seconds=30
# Every row is also appended to bench/target/compare-SERVER.md. Bounded: each run is bounded by run.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 4 ] || { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 64; }
server=$1 runs=$2 a=$3 b=$4
shift 4
[[ $runs =~ ^[0-9]+$ ]] && [ "$runs" -ge 1 ] && [ "$runs" -le 10 ] || { echo "RUNS must be 1-10" >&2; exit 64; }
mkdir -p "$here/target"
out="$here/target/compare-$server.md"
rows=$(mktemp)
trap 'rm -f "$rows"' EXIT
echo "<!-- $(date -u +%FT%TZ) $server, $runs runs each: $a | $b | $* -->" >> "$out"
for i in $(seq 1 "$runs"); do
    for config in "$a" "$b"; do
        label=${config%%=*}
        opts=${config#*=}
        echo "== run $i of $runs: $label (SERVER_JAVA_OPTS=$opts)"
        log="$here/target/compare-$server-$label-$i.log"
        if SERVER_JAVA_OPTS="$opts" "$here/run.sh" "$server" "$@" "--label=$label" > "$log" 2>&1; then
            row=$(grep -E "^\| $label \|" "$log" | tail -n 1)
            echo "$row" | tee -a "$out" >> "$rows"
            echo "$row"
        else
            echo "   run failed (status $?), see $log"
        fi
    done
done
echo
echo "| configuration | runs | deliveries/s median (min-max) | p50 ms | p99 ms | p99.9 ms | server CPU ms per 1k deliveries |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for config in "$a" "$b"; do
    label=${config%%=*}
    # row columns: | label | members | msg/s | expected | received | loss | deliveries/s | p50 | p90 | p99 | p99.9 | max | CPU ms/1k |
    awk -F'|' -v label="$label" '
        function trim(s) { gsub(/^ +| +$/, "", s); return s }
        function med(a, n,    i, j, t) {
            for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
            return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
        }
        function show(a, n, fmt) { return sprintf(fmt " (" fmt "-" fmt ")", med(a, n), a[1], a[n]) }
        trim($2) == label { n++; d[n] = trim($8) + 0; p50[n] = trim($9) + 0; p99[n] = trim($11) + 0; p999[n] = trim($12) + 0; cpu[n] = trim($14) + 0 }
        END {
            if (!n) { printf "| %s | 0 | - | - | - | - | - |\n", label; exit }
            printf "| %s | %d | %s | %s | %s | %s | %s |\n", label, n, show(d, n, "%.0f"), show(p50, n, "%.1f"),
                show(p99, n, "%.1f"), show(p999, n, "%.1f"), show(cpu, n, "%.3f")
        }' "$rows"
done | tee -a "$out"
