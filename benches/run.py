"""Run every benchmark in this folder (`make bench`). Each prints its figures and ratios."""
from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

if __name__ == "__main__":
    only = sys.argv[1:]
    for bench in sorted(HERE.glob("bench_*.py")):
        if only and not any(word in bench.stem for word in only):
            continue
        print(f"== {bench.stem}", flush=True)
        runpy.run_path(str(bench), run_name="__main__")
