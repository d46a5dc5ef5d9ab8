#!/usr/bin/env bash
# One run for whoever has a CUDA GPU: the cuda-marked tests, the memory-bound tests (their GPU
# fallback is simulated and runs anywhere), then one summary table of speeds and peak memory
# (benchmarks/gpu_summary.py: DIP it/s at 512x512 fp32 and amp, learned MP/s, memory).
# Each part has a time limit; the whole stays under 8 minutes. Without a GPU it says so, skips
# the cuda tests and measures the CPU rows only.
#
#     bash benchmarks/gpu_check.sh            # from the repository root
set -u
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" QT_QPA_PLATFORM=offscreen
status=0

if python -c "import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)"; then
    python -c "import torch; print('GPU found:', torch.cuda.get_device_name(0))"
else
    echo "no CUDA GPU found: the cuda tests are skipped; the CPU-safe parts run"
fi

echo "== 1/2 tests: cuda-marked, and the memory bounds with the simulated GPU fallback (limit 300 s)"
timeout 300 python -m pytest -q -rs -p no:cacheprovider tests/test_cuda.py \
    tests/test_memory_bounds.py || status=1

echo "== 2/2 speed and memory (limit 150 s)"
timeout 150 python benchmarks/gpu_summary.py || status=1

exit $status
