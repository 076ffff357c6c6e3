#!/bin/sh
# The Indexed Job of sample-job.yaml on one machine: shards 0 to SHARDS - 1 of one run as
# separate processes, PARALLEL at a time (xargs -P), then `merge` into the files one run writes.
# Every argument goes to `tfjs-diffusion sample`; OUT is the run's PNG. A shard whose complete
# output is there is skipped, so a run that failed part way is finished by running it again.
#
#   OUT=out/glyphs.png SHARDS=4 examples/kubernetes/shards_on_one_machine.sh --count 10000 --backend wasm
#
# TFJS_DIFFUSION is the command (default: npx tfjs-diffusion; from a clone of this repository:
# "npx tsx src/cli/main.ts"), split on spaces. Each shard runs one thread (--workers 1): the
# processes fill the cores.
set -eu
: "${OUT:?set OUT to the run's PNG, e.g. OUT=out/glyphs.png}"
SHARDS=${SHARDS:-4}
PARALLEL=${PARALLEL:-$SHARDS}
TFJS_DIFFUSION=${TFJS_DIFFUSION:-npx tfjs-diffusion}

# xargs exits with 123 when a shard fails: set -e then stops before the merge.
seq 0 $((SHARDS - 1)) | xargs -P "$PARALLEL" -I{} $TFJS_DIFFUSION sample "$@" --workers 1 --shard "{}/$SHARDS" --out "$OUT"
$TFJS_DIFFUSION merge "${OUT%.png}".shard-*-of-"$SHARDS".samples.json --out "$OUT"
