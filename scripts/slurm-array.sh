#!/bin/sh
# Run policyminer over a corpus too big for one machine with a Slurm job array: one array
# task per shard, then a merge job that starts only when every shard succeeded (afterok).
#
#   scripts/slurm-array.sh SHARDS OUTDIR INPUT...
#
#   e.g. scripts/slurm-array.sh 32 /scratch/$USER/pm-out /data/corpus
#
# Writes OUTDIR/parts/shard-I/part.pmb for I = 0..SHARDS-1 and the final tables in OUTDIR.
# Every task must see the same INPUT paths (a shared file system), since the shard of a
# file is its position in the sorted input list. The tables are byte-identical to one
# `policyminer run` over all inputs.
#
# If some shards fail: re-submit only those array indices, e.g.
#   sbatch --array=3,17 --export=ALL,... (the printed shard command), then the merge job.
# `policyminer merge` refuses to run while a shard is missing, so an incomplete set can
# never be mistaken for a finished output.
#
# Tunables (environment): PM_BIN (default: policyminer on PATH), PM_CPUS (cores per task,
# default 8), PM_TIME (default 04:00:00), PM_MEM (default 4G), PM_SBATCH_ARGS (extra
# sbatch options such as --account or --partition).
set -eu
if [ $# -lt 3 ]; then
    sed -n '2,22p' "$0" >&2
    exit 2
fi
shards=$1
out=$2
shift 2
bin=${PM_BIN:-policyminer}
cpus=${PM_CPUS:-8}
mkdir -p "$out/parts" "$out/logs"

# Inputs are passed through a file so that paths with spaces survive sbatch --wrap.
inputs="$out/inputs.txt"
: > "$inputs"
for p in "$@"; do
    printf '%s\n' "$(cd "$(dirname "$p")" && pwd)/$(basename "$p")" >> "$inputs"
done

array_job=$(sbatch --parsable ${PM_SBATCH_ARGS:-} \
    --job-name=pm-shard --array=0-$((shards - 1)) \
    --cpus-per-task="$cpus" --time="${PM_TIME:-04:00:00}" --mem="${PM_MEM:-4G}" \
    --output="$out/logs/shard-%a.log" \
    --wrap="xargs -d '\\n' -a '$inputs' '$bin' run -q -j $cpus \
--shard \${SLURM_ARRAY_TASK_ID}/$shards -o '$out/parts/shard-'\${SLURM_ARRAY_TASK_ID}")

merge_job=$(sbatch --parsable ${PM_SBATCH_ARGS:-} \
    --job-name=pm-merge --dependency=afterok:"$array_job" \
    --cpus-per-task=1 --time="${PM_TIME:-04:00:00}" --mem="${PM_MEM:-4G}" \
    --output="$out/logs/merge.log" \
    --wrap="'$bin' merge -o '$out' '$out'/parts/shard-*")

echo "submitted shards as job $array_job (array 0-$((shards - 1))), merge as job $merge_job"
echo "re-run one shard by hand:  $bin run -j $cpus --shard I/$shards -o $out/parts/shard-I \$(cat $inputs)"
