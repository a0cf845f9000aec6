"""Screenshot of the ``zhen eval`` HTML report, for the README (``docs/eval-report.png``).

Runs ``zhen eval`` on the bundled test set into a temporary folder (or takes an existing
``report.html``), opens it in headless Chromium through Playwright and saves the top of the
page (summary, charts) as a palette PNG. Needs a system Chromium (``apt-get install chromium``);
nothing is downloaded. Run from the repo root::

    python benchmarks/screenshot_report.py [--report eval-report/report.html]
                                           [--out docs/eval-report.png] [--height 1500]
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def make_report(folder: Path) -> Path:
    from bot.engine import Zhen
    from bot.evaluation.output import write_reports
    from bot.evaluation.run import run_eval
    from bot.evaluation.testset import DEFAULT_TESTSET, load_testset
    from bot.settings import Settings

    zhen = Zhen.load(Settings.from_env(home=folder / "home"))
    report = run_eval(zhen, load_testset(DEFAULT_TESTSET), testset=DEFAULT_TESTSET)
    return write_reports(report, folder / "out")[2]


def screenshot(html: Path, out: Path, width: int, height: int) -> int:
    """Save the top ``height`` CSS pixels of ``html``; the PNG's size in bytes."""
    from PIL import Image
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        # Block every request but the file itself: the page must not need the network.
        page.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
        )
        page.goto(html.resolve().as_uri())
        png = page.screenshot(full_page=False)
        browser.close()
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=128)
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out, optimize=True)
    return out.stat().st_size


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, help="an existing report.html (default: run eval)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "eval-report.png")
    parser.add_argument("--width", type=int, default=1100)
    parser.add_argument("--height", type=int, default=1500)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="zhen-shot-") as tmp:
        html = args.report or make_report(Path(tmp))
        size = screenshot(html, args.out, args.width, args.height)
    print(f"wrote {args.out} ({size / 1024:.0f} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
