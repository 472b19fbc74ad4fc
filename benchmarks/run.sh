#!/usr/bin/env bash
# Builds the benchmarks module and runs every measurement of issues 8 and 14, then writes
# docs/benchmarks.md. Run from anywhere in a clone; needs only a JDK 17+ (./mvnw fetches
# the rest). Nothing is installed into the local Maven repository: the project's jars are
# built in the reactor (-am) and used from their target/ folders.
#
#   benchmarks/run.sh            full run (about 20-25 minutes on 2 cores)
#   benchmarks/run.sh --quick    short iterations and 2 startup rounds, for development
#   --jdk PATH                   also time startup and exit on this JDK (repeatable); a JDK 21+
#                                found under /usr/lib/jvm is added by default
#   --out FILE                   where to write the report (default docs/benchmarks.md)
set -euo pipefail

cd "$(dirname "$0")/.."
mode=full
out=docs/benchmarks.md
extra_jdks=()
while [ $# -gt 0 ]; do
	case "$1" in
		--quick) mode=quick ;;
		--jdk) extra_jdks+=("$2"); shift ;;
		--out) out="$2"; shift ;;
		-h|--help) sed -n '2,12p' "$0"; exit 0 ;;
		*) echo "Unknown argument: $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done

command="benchmarks/run.sh"
[ "$mode" = quick ] && command="$command --quick"
started="$(date -u '+%Y-%m-%d %H:%M UTC')"
load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)"

# the JDK that runs everything, and the ones the startup and exit are timed on
if [ -n "${JAVA_HOME:-}" ]; then
	java_home="$JAVA_HOME"
else
	java_home="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
fi
java="$java_home/bin/java"
feature_of() {
	sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null || true
}
jdks=("$java_home")
if [ ${#extra_jdks[@]} -eq 0 ]; then
	# the exit goal concerns JDK 21+: add one if the default is older
	if [ "$(feature_of "$java_home")" -lt 21 ] 2>/dev/null; then
		for candidate in /usr/lib/jvm/*; do
			feature="$(feature_of "$candidate")"
			if [ -n "$feature" ] && [ "$feature" -ge 21 ] && [ -x "$candidate/bin/java" ]; then
				extra_jdks+=("$candidate")
				break
			fi
		done
	fi
fi
jdks+=(${extra_jdks[@]+"${extra_jdks[@]}"})

echo "== Building the benchmarks module (reactor, no install)"
./mvnw -B -q -P benchmarks -pl benchmarks -am -DskipTests package

target=benchmarks/target
results="$target/benchmark-results"
rm -rf "$results"
mkdir -p "$results"
classpath="$target/test-classes:$target/classes:$(cat "$target/classpath-benchmarks.txt")"
jmh=("$java" -cp "$classpath" org.openjdk.jmh.Main)
jmh_options=()
rounds=20
changes=20
if [ "$mode" = quick ]; then
	jmh_options=(-f 1 -wi 1 -i 2 -w 1s -r 1s)
	rounds=2
	changes=3
fi

for threads in 1 2 8; do
	echo "== getToken() next to Spring Vault's getSessionToken(), $threads thread(s)"
	"${jmh[@]}" TokenProviderBenchmark -t "$threads" -prof gc ${jmh_options[@]+"${jmh_options[@]}"} \
		-rf json -rff "$results/jmh-token-t$threads.json" > "$results/jmh-token-t$threads.log" 2>&1 \
		|| { tail -40 "$results/jmh-token-t$threads.log"; exit 1; }
	grep -E '^TokenProviderBenchmark\.[a-zA-Z]+ ' "$results/jmh-token-t$threads.log" || true
done

echo "== getSecrets() and one change end to end"
"${jmh[@]}" 'SecretsClientBenchmark|SecretChangeBenchmark' -prof gc \
	-prof io.github.infisicalawsauth.benchmarks.ClientAllocationProfiler ${jmh_options[@]+"${jmh_options[@]}"} \
	-rf json -rff "$results/jmh-secrets.json" > "$results/jmh-secrets.log" 2>&1 \
	|| { tail -40 "$results/jmh-secrets.log"; exit 1; }
grep -E 'Benchmark\.[a-zA-Z]+ ' "$results/jmh-secrets.log" || true

echo "== Change to visible value: polling, webhook and event stream, $changes changes"
"$java" -cp "$classpath" io.github.infisicalawsauth.benchmarks.PushLatencyMeasurement \
	--out="$results/push.json" --changes="$changes" > "$results/push.log" 2>&1 \
	|| { tail -40 "$results/push.log"; exit 1; }
grep -E '^change ' "$results/push.log" | tail -3 || true

echo "== Answer sizes, memory held by the property source, test server record"
"$java" -Djdk.attach.allowAttachSelf=true -cp "$classpath" io.github.infisicalawsauth.benchmarks.FootprintMeasurement \
	"$results/footprint.json" > "$results/footprint.log" 2>&1 || { tail -40 "$results/footprint.log"; exit 1; }
grep -E '^[0-9]+ secrets' "$results/footprint.log" || true

echo "== Startup and exit, $rounds rounds per JDK: ${jdks[*]}"
jdk_args=()
for jdk in "${jdks[@]}"; do
	jdk_args+=("--jdk=$jdk")
done
"$java" -cp "$classpath" io.github.infisicalawsauth.benchmarks.StartupBenchmark \
	--classes="$target/classes" \
	--plain-classpath="$target/classpath-plain.txt" \
	--starter-classpath="$target/classpath-starter.txt" \
	--server-classpath="$classpath" \
	"${jdk_args[@]}" --rounds="$rounds" --out="$results/startup.json" | tee "$results/startup.log"

echo "== Writing $out"
"$java" -cp "$classpath" io.github.infisicalawsauth.benchmarks.BenchmarkReport \
	--results="$results" --out="$out" --command="$command" --mode="$mode" \
	--started="$started" --finished="$(date -u '+%Y-%m-%d %H:%M UTC')" \
	--load-before="$load_before" --load-after="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)"
sed -n '/^## Goals/,/^Not measured/p' "$out"
