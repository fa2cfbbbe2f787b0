#!/usr/bin/env bash
# Reproduce perf-reports/state: build, then run the state benchmarks in one script.
# Usage: perf-reports/state/run.sh [jar] [out-dir]
# Takes ~45 min on 2 cores. Files go to ${TMPDIR:-/tmp} and are deleted by each benchmark.
set -euo pipefail
JAR=${1:-jmh/target/benchmarks.jar}
OUT=${2:-perf-reports/state}
FLAGS="--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED -Dchronicle.analytics.disable=true -Dchronicle.announcer.disable=true"
JMH="java -Djmh.ignoreLock=true -jar $JAR"
COMMON="-f 1 -wi 3 -i 5 -w 1s -r 1s"

# 1. get/put/update x 6 stores x 1M,10M x uniform,zipf (JMH forks one JVM per combination, -Xmx8g).
for round in 1 2; do
  $JMH 'io.peregrine.bench.state.SlotTableBenchmark\.(get|put|update)$' $COMMON -rf json -rff "$OUT/jmh-round$round.json" | tee "$OUT/jmh-round$round.txt"
done

# 2. 100M keys (opt-in): random get for the mapped table, Long2LongHashMap and a raw memory read.
#    Files on tmpfs: on ext4 the 6 GiB fill is throttled by dirty-page writeback for many minutes.
$JMH 'io.peregrine.bench.state.SlotTableBenchmark.get' $COMMON -p keys=100000000 -p distribution=uniform \
  -p impl=mapped,l2l,rawmemory -jvmArgsPrepend -Dperegrine.bench.dir=/dev/shm -rf json -rff "$OUT/jmh-100m.json" | tee "$OUT/jmh-100m.txt"

# 3. Latency of one get (dependent chain), 1M and 100M keys.
$JMH 'io.peregrine.bench.state.SlotTableBenchmark.getDependent' $COMMON -p keys=1000000,100000000 -p distribution=uniform \
  -p impl=mapped,l2l,rawmemory -jvmArgsPrepend -Dperegrine.bench.dir=/dev/shm -rf json -rff "$OUT/jmh-dependent.json" | tee "$OUT/jmh-dependent.txt"

# 4. 50M long -> 32-byte entries with a 256 MiB heap: table file on ext4, then on tmpfs.
java -Xmx256m $FLAGS -cp $JAR io.peregrine.bench.state.LargeStateRun 50000000 "${TMPDIR:-/tmp}" | tee "$OUT/large-state-50m.txt"
java -Xmx256m $FLAGS -cp $JAR io.peregrine.bench.state.LargeStateRun 50000000 /dev/shm | tee "$OUT/large-state-50m-tmpfs.txt"

# 5. Round 3 on a quiet machine: 1M keys, the stores the targets name.
$JMH 'io.peregrine.bench.state.SlotTableBenchmark\.(get|put|update)$' $COMMON -p keys=1000000 -p impl=mapped,l2l,chronicle,direct \
  -rf json -rff "$OUT/jmh-round3-1m.json" | tee "$OUT/jmh-round3-1m.txt"
python3 "$OUT/tables.py" "$OUT/jmh-round1.json" "$OUT/jmh-round2.json" "$OUT/jmh-round3-1m.json"

# 6. DirectSlotTable after moving its probe loop to raw addresses (a937668).
$JMH 'io.peregrine.bench.state.SlotTableBenchmark\.(get|update)$' $COMMON -p keys=1000000 -p distribution=uniform -p impl=direct,mapped,l2l \
  -rf json -rff "$OUT/jmh-direct-after.json" | tee "$OUT/jmh-direct-after.txt"

# 7. Allocation per operation.
$JMH 'io.peregrine.bench.state.SlotTableBenchmark\.(get|put|update)$' -f 1 -wi 2 -i 3 -w 1s -r 1s -p keys=1000000 -p distribution=uniform \
  -p impl=mapped,direct,l2l,hashmap -prof gc -rf json -rff "$OUT/jmh-gc.json" | tee "$OUT/jmh-gc.txt"
