#!/usr/bin/env python3
"""The picture of one bench run: bench/runs/<run>/report.svg, written by bench/run.sh at the end of a run.

    python3 bench/report.py RUN_DIR

Reads from RUN_DIR (all written by run.sh):
  timeline.tsv   per second of the measured load: second, sagas completed, saga latency p50 and p99 (ms)
  lag.txt        once a second: epoch ms, commands waiting for the participants, replies waiting for the engine
  load.out       the load generator's figures (first_start_ms)
  summary.txt    the run's report; its command, throughput, step and saga latency lines head the picture
Three panels over the same time axis (seconds since the first measured start): completed sagas per second, saga
latency p50/p99 of the sagas completed in that second, and the two queues. Plain SVG, no plotting library.
"""
import os
import sys

W, PANEL_H, LEFT, RIGHT, TOP, GAP = 900, 150, 70, 20, 125, 45
COLORS = {"a": "#1f6feb", "b": "#d1242f", "c": "#8250df"}


def read_rows(path):
    rows = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                parts = line.split()
                if parts:
                    try:
                        rows.append([float(p) for p in parts])
                    except ValueError:
                        pass
    return rows


def value(path, key):
    with open(path) as f:
        for line in f:
            if line.startswith(key + "="):
                return line.split("=", 1)[1].strip()
    return None


def esc(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def panel(out, index, title, x_max, series, unit):
    """series: list of (label, color, [(x, y)])."""
    y0 = TOP + index * (PANEL_H + GAP)
    width = W - LEFT - RIGHT
    y_max = max([y for _, _, pts in series for _, y in pts] + [1.0]) * 1.1
    out.append(f'<text x="{LEFT}" y="{y0 - 8}" font-size="13" font-weight="bold">{esc(title)}</text>')
    out.append(f'<rect x="{LEFT}" y="{y0}" width="{width}" height="{PANEL_H}" fill="none" stroke="#999"/>')
    for i in range(5):
        v = y_max * i / 4
        y = y0 + PANEL_H - PANEL_H * i / 4
        out.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{v:.0f}</text>')
    out.append(f'<text x="{LEFT - 50}" y="{y0 + PANEL_H / 2}" font-size="10" '
               f'transform="rotate(-90 {LEFT - 50} {y0 + PANEL_H / 2})" text-anchor="middle">{esc(unit)}</text>')
    for i in range(6):
        x = LEFT + width * i / 5
        out.append(f'<text x="{x:.1f}" y="{y0 + PANEL_H + 13}" font-size="10" text-anchor="middle">'
                   f'{x_max * i / 5:.0f} s</text>')
    legend_x = LEFT + 10
    for label, color, pts in series:
        if pts:
            path = " ".join(f"{LEFT + width * x / x_max:.1f},{y0 + PANEL_H - PANEL_H * y / y_max:.1f}" for x, y in pts)
            out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="1.6"/>')
        out.append(f'<text x="{legend_x}" y="{y0 + 14}" font-size="11" fill="{color}">{esc(label)}</text>')
        legend_x += 8 + 7 * len(label)


def main(run_dir):
    timeline = read_rows(os.path.join(run_dir, "timeline.tsv"))
    lag = read_rows(os.path.join(run_dir, "lag.txt"))
    first_ms = float(value(os.path.join(run_dir, "load.out"), "first_start_ms") or 0)
    lag = [((r[0] - first_ms) / 1000.0, r[1], r[2]) for r in lag if r[0] >= first_ms and len(r) >= 3]
    end = max([r[0] + 1 for r in timeline] + [1.0])
    lag = [p for p in lag if p[0] <= end + 2]   # the sampler runs on while the figures are read: not the load
    x_max = max([end] + [t for t, _, _ in lag])
    header = []
    summary = os.path.join(run_dir, "summary.txt")
    if os.path.exists(summary):
        with open(summary) as f:
            for line in f:
                text = " ".join(line.split())
                if text.startswith(("command ", "grown ", "throughput ", "step latency ", "saga latency ")):
                    header.append(text)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{TOP + 3 * (PANEL_H + GAP)}" '
           f'font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>',
           f'<text x="{LEFT}" y="22" font-size="15" font-weight="bold">Sagaflow bench run '
           f'{esc(os.path.basename(os.path.normpath(run_dir)))}</text>']
    for i, line in enumerate(header[:5]):
        out.append(f'<text x="{LEFT}" y="{42 + 14 * i}" font-size="11">{esc(line)}</text>')
    panel(out, 0, "sagas completed per second", x_max,
          [("completed/s", COLORS["a"], [(r[0], r[1]) for r in timeline])], "sagas/s")
    panel(out, 1, "saga latency of the sagas completed in each second (created -> completed)", x_max,
          [("p50", COLORS["a"], [(r[0], r[2]) for r in timeline]),
           ("p99", COLORS["b"], [(r[0], r[3]) for r in timeline])], "ms")
    panel(out, 2, "queues (consumer lag, sampled once a second)", x_max,
          [("commands waiting for the participants", COLORS["c"], [(t, c) for t, c, _ in lag]),
           ("replies waiting for the engine", COLORS["b"], [(t, r) for t, _, r in lag])], "records")
    out.append("</svg>")
    with open(os.path.join(run_dir, "report.svg"), "w") as f:
        f.write("\n".join(out) + "\n")
    print(os.path.join(run_dir, "report.svg"))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
