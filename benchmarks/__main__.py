"""``python -m benchmarks [--runs N] [--quick] [--peers] [--only CASE ...] [--save-baseline]``.

Prints one table (median, spread min–max, peak RSS, ratio to the peer doing the
same job, ratio to the committed baseline) and writes a timestamped JSON file
under ``benchmarks/results/``, and for a run of every case (no ``--only``) also
``latest.json``. Timings are wall clock on whatever else the machine is doing:
compare medians, and rerun when the spread is wide.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from . import cases, chapter, peers
from .measure import CaseFailed, Stats, machine_factor, machine_reference
from .project import REPO, copy_project, remove

RESULTS = Path(__file__).resolve().parent / "results"
CASES = ("cold", "noop", "edit", "help", "scaling", "watch", "chapter")


def _args(argv):
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[1])
    p.add_argument("--runs", type=int, default=5, help="timed runs per case after one warm-up (default 5)")
    p.add_argument("--quick", action="store_true", help="3 runs, scaling at 4× only")
    p.add_argument("--peers", action="store_true", help="also time Pandoc (→ PPTX, → WeasyPrint, → Typst)")
    p.add_argument("--only", nargs="+", choices=CASES, help="run only these cases")
    p.add_argument("--save-baseline", action="store_true", help="also write results/baseline.json")
    return p.parse_args(argv)


def _fmt(x: float, unit: str = "") -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.2f}{unit}"


def table(results: list[Stats], peer_of: dict[str, float], baseline: dict[str, float]) -> str:
    header = ("case", "median s", "spread s", "CPU s", "peak RSS MB", "× peer", "× baseline", "note")
    rows = [header]
    for s in results:
        rows.append((s.name, _fmt(s.median_s), "—" if not s.runs else s.spread, _fmt(s.cpu_median_s),
                     _fmt(s.peak_rss_mb) if s.peak_rss_mb else "—",
                     peer_of.get(s.name, ""), _fmt(s.median_s / baseline[s.name]) if s.name in baseline and s.runs else "",
                     s.note))
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def peer_ratios(results: list[Stats]) -> dict[str, str]:
    by_name = {s.name: s for s in results if s.runs}
    out = {}
    for ours, peer in peers.RATIOS.items():
        texts = []
        for p in (peer, peers.ALSO.get(ours)):
            if p and ours in by_name and p in by_name:
                cpu = by_name[ours].cpu_median_s / by_name[p].cpu_median_s
                texts.append(f"{by_name[ours].median_s / by_name[p].median_s:.2f}"
                             + ("" if math.isnan(cpu) else f", CPU {cpu:.2f}") + f" ({p.split('→')[-1].strip()})")
        if texts:
            out[ours] = ", ".join(texts)
    return out


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                              text=True).stdout.strip()
    except OSError:
        return ""


def main(argv=None) -> int:
    args = _args(argv)
    runs = 3 if args.quick and args.runs == 5 else args.runs
    wanted = set(args.only or CASES)
    root = copy_project()
    results: list[Stats] = []
    reference = machine_reference()

    def step(what, fn):
        print(f"… {what}", file=sys.stderr, flush=True)
        try:
            got = fn()
        except CaseFailed as exc:
            got = Stats(what, 0, *[float("nan")] * 4, [], f"failed: {str(exc)[:200]}")
        results.extend(got if isinstance(got, list) else [got])

    try:
        if "cold" in wanted:
            for kind in ("pdf", "pptx", "poster", "all"):
                step(f"cold {kind}", lambda kind=kind: cases.cold(root, kind, runs))
        if "noop" in wanted:
            step("no-op all", lambda: cases.noop(root, runs))
        if "edit" in wanted:
            step("edit lecture → all", lambda: cases.one_line_edit(root, runs))
        if "help" in wanted:
            step("build.py --help", lambda: cases.startup(root, runs))
        if "watch" in wanted:
            step("watch", lambda: cases.watch(root, runs))
        if "scaling" in wanted:
            factors = [1, 4] if args.quick else [1, 4, 16]
            step("scaling", lambda: cases.scaling(factors, ["pdf", "pptx"], runs))
        if args.peers:
            step("peers", lambda: peers.peers(root, runs))
        if "chapter" in wanted:
            step("chapter", lambda: chapter.cases(runs, args.peers))
    finally:
        remove(root)

    ratios = peer_ratios(results)
    base_file = RESULTS / "baseline.json"
    baseline, factor = {}, None
    if base_file.exists():
        base = json.loads(base_file.read_text())
        factor = machine_factor(reference, base["machine"].get("reference", {}))
        baseline = {c["name"]: c["median_s"] * (factor or 1.0) for c in base["cases"] if c["runs"] and c["median_s"]}
    print(table(results, ratios, baseline))
    print(f"\nmachine reference: Python loop {reference['python_loop_ms']:.1f} ms, zlib {reference['zlib_ms']:.1f} ms"
          + (f"; {factor:.2f}× the baseline machine's times (× baseline is adjusted by it)" if factor else
             "; the baseline has no machine reference, × baseline is unadjusted" if baseline else ""))
    record = {"when": time.strftime("%Y-%m-%dT%H:%M:%S"), "commit": _commit(), "runs": runs,
              "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                          "reference": reference},
              "cases": [s.as_dict() for s in results], "peer_ratios": ratios}
    RESULTS.mkdir(exist_ok=True)
    text = json.dumps(record, indent=1, ensure_ascii=False, default=lambda x: None)
    written = [RESULTS / time.strftime("%Y%m%d-%H%M%S.json")]
    if not args.only:                 # latest.json and the baseline hold whole runs only
        written.append(RESULTS / "latest.json")
        if args.save_baseline:
            written.append(base_file)
    elif args.save_baseline:
        print("not saved as baseline: --only ran part of the cases", file=sys.stderr)
    for path in written:
        path.write_text(text)
    print("\nwritten: " + ", ".join(str(path) for path in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
