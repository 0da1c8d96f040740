#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Renders the example reports in headless Chromium, at a phone's width (390 px) and a desktop's
(1280 px), and prints them to PDF; checks that every screenshot shows a page with charts and
every PDF is a document.

Usage: render_reports.py OUT_DIR [--chromium PATH]
Writes OUT_DIR/<name>.html, <name>-390.png, <name>-1280.png and <name>.pdf.
"""
import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import civicplan as cp

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "examples" / "data"

# (file name, body, year, language): a Trentino municipality, the Emilia-Romagna district,
# a province with its members ranked, and an English page.
REPORTS = [
    ("levico-terme-2022", "022104", 2022, "it"),
    ("pianura-est-2019", "dist-pianura-est", 2019, "it"),
    ("trentino-2022", "pat", 2022, "it"),
    ("levico-terme-2022-en", "022104", 2022, "en"),
]
WIDTHS = [390, 1280]
HEIGHT = 2400
ACCENT = (0x1A, 0x4F, 0x8B)  # the first series' colour: a chart is drawn


def chromium(binary, *args, timeout=120):
    command = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
               "--no-first-run", "--disable-extensions", "--mute-audio", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise SystemExit(f"chromium failed ({done.returncode}): {' '.join(command)}\n{done.stderr[-2000:]}")


def check_screenshot(path, width):
    import matplotlib.image as mpimg
    import numpy as np

    image = mpimg.imread(str(path))
    if image.dtype != np.uint8:
        image = (image * 255).round().astype(np.uint8)
    height, got_width = image.shape[:2]
    problems = []
    if got_width != width:
        problems.append(f"{path.name}: {got_width} px wide, expected {width}")
    rgb = image[:, :, :3].astype(int)
    ink = (rgb.min(axis=2) < 235).mean()
    accent = (np.abs(rgb - np.array(ACCENT)).sum(axis=2) < 40).sum()
    if ink < 0.03:
        problems.append(f"{path.name}: only {ink:.1%} of the pixels are not white (blank?)")
    if accent < 300:
        problems.append(f"{path.name}: only {accent} pixels of the charts' colour (no chart drawn?)")
    return problems, f"{path.name}: {got_width}x{height}, {ink:.1%} ink, {accent} chart pixels"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser"))
    args = parser.parse_args()
    if not args.chromium:
        raise SystemExit("chromium not found: scripts/bootstrap installs Debian's chromium")
    args.out.mkdir(parents=True, exist_ok=True)
    ws = cp.Workspace()
    for name in ("family", "zone"):
        ws.import_bundle(DATA / f"{name}.json")
    problems = []
    for name, body, year, lang in REPORTS:
        html = args.out / f"{name}.html"
        html.write_text(ws.report(body, year, lang=lang), encoding="utf-8")
        url = html.resolve().as_uri()
        for width in WIDTHS:
            png = args.out / f"{name}-{width}.png"
            png.unlink(missing_ok=True)
            chromium(args.chromium, f"--window-size={width},{HEIGHT}", f"--screenshot={png}", url)
            if not png.is_file():
                problems.append(f"{png.name}: chromium wrote no screenshot")
                continue
            found, summary = check_screenshot(png, width)
            problems += found
            print(summary)
        pdf = args.out / f"{name}.pdf"
        pdf.unlink(missing_ok=True)
        chromium(args.chromium, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", url)
        data = pdf.read_bytes() if pdf.is_file() else b""
        if not data.startswith(b"%PDF") or len(data) < 20_000:
            problems.append(f"{pdf.name}: not a printed page ({len(data)} bytes)")
        else:
            print(f"{pdf.name}: {len(data) // 1024} KiB, {data.count(b'/Type /Page') - data.count(b'/Type /Pages')} pages")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    print(f"rendered {len(REPORTS)} reports at {', '.join(map(str, WIDTHS))} px into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
