"""Web pages: time to the first byte, time to a rendered page, and page weight.

Serves a store (the demo data, or a synthetic world of ``--profiles`` profiles) with
``grantmatch serve`` in a subprocess, runs one grant round through the API, then opens the
coordinator's call page and the round's report in headless Chromium (Debian's, through
Playwright) and reads the browser's Navigation Timing: ``responseStart`` (first byte),
``domContentLoadedEventEnd`` and ``loadEventEnd`` (rendered), and the bytes transferred
(the document, its stylesheet and script). Each page is opened once cold (its answers not
yet cached by the engine) and then ``--repeat`` times warm; the medians are reported.

    python -m benchmarks.web_pages --world demo
    python -m benchmarks.web_pages --world synthetic --profiles 50000
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page, sync_playwright
from sqlalchemy import select

from api.http.store import records as store
from api.http.store.db import Database
from api.http.store.records import MODELS
from api.http.store.tables import CallRow
from api.web import accounts
from benchmarks.api_load import _free_port, synthetic

KEY = "web-bench-admin-key"
EMAIL = "coordinator@bench.grantmatch.org"
CHROMIUM = os.environ.get("GRANTMATCH_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def prepare_store(url: str, world: str, n_profiles: int) -> tuple[str, str]:
    """Fill the store and create the coordinator; returns (password, first call id)."""
    database = Database(url)
    if world == "demo":
        from api.web.demo import load_demo_records

        load_demo_records(database)
    else:
        parts = synthetic(n_profiles, 20)
        with database.session() as session:
            version = store.bump_version(session)
            for collection in ("institutions", "offices", "profiles", "calls"):
                model = MODELS[collection]
                items = [model.model_validate(r) for r in parts[collection]]
                store.save_many(session, collection, items, version)
    password = secrets.token_urlsafe(12)
    with database.session() as session:
        row, _token = accounts.invite(session, EMAIL, "Bench coordinator", "coordinator")
        session.flush()
        accounts.set_password(session, row.id, password)
        first_call = min(session.scalars(select(CallRow.id)))
    database.dispose()
    return password, first_call


def _wait(base: str, what: str, check: Any, timeout: float = 3600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{what} did not happen in {timeout} s")


def run_round(base: str) -> tuple[str, float]:
    """Start a round through the API and wait for it; returns (job id, seconds)."""
    headers = {"X-API-Key": KEY}
    started = time.perf_counter()
    job = httpx.post(
        f"{base}/jobs", json={"kind": "round", "top_k": 10, "solver": "fast"}, headers=headers
    ).json()
    job_id = job["id"]

    def done() -> bool:
        status = httpx.get(f"{base}/jobs/{job_id}", headers=headers).json()["status"]
        if status == "failed":
            raise RuntimeError(f"round {job_id} failed")
        return bool(status == "succeeded")

    _wait(base, "the round", done)
    return job_id, time.perf_counter() - started


TIMING = """() => {
  const n = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  return {
    first_byte: n.responseStart - n.startTime,
    dom: n.domContentLoadedEventEnd - n.startTime,
    load: n.loadEventEnd - n.startTime,
    document_bytes: n.transferSize,
    document_body: n.decodedBodySize,
    resource_bytes: resources.reduce((s, r) => s + r.transferSize, 0),
    resource_body: resources.reduce((s, r) => s + r.decodedBodySize, 0),
  };
}"""


def measure(page: Page, url: str, repeat: int) -> dict[str, Any]:
    """Cold and warm Navigation Timing of one page (milliseconds, bytes)."""

    def once() -> dict[str, float]:
        page.goto(url, wait_until="load")
        timing: dict[str, float] = page.evaluate(TIMING)
        return timing

    cold = once()
    warm = [once() for _ in range(repeat)]
    return {
        "cold": cold,
        "warm": {key: statistics.median(t[key] for t in warm) for key in warm[0]},
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; prints a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--world", choices=("demo", "synthetic"), default="demo")
    parser.add_argument("--profiles", type=int, default=50_000)
    parser.add_argument("--backend", default="tfidf")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    home = Path(tempfile.mkdtemp(prefix="grantmatch-web-bench-"))
    url = f"sqlite:///{home / 'grantmatch.sqlite'}"
    password, call_id = prepare_store(url, args.world, args.profiles)
    port = _free_port()
    env = os.environ | {
        "GRANTMATCH_HOME": str(home),
        "GRANTMATCH_API_KEYS": f"{KEY}:admin",
        "GRANTMATCH_BACKEND": args.backend,
        "GRANTMATCH_ACCESS_LOG": "false",
    }
    server = subprocess.Popen(
        [sys.executable, "-c", "from api.cli import main; main()", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        fit_started = time.perf_counter()
        _wait(
            base,
            "the first fit",
            lambda: httpx.get(f"{base}/engine", headers={"X-API-Key": KEY}).json().get("version"),
        )
        fit = time.perf_counter() - fit_started
        job_id, round_seconds = run_round(base)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_page()
            page.goto(f"{base}/app/login")
            page.fill("input[name=email]", EMAIL)
            page.fill("input[name=password]", password)
            page.click("form.stack button[type=submit]")
            page.wait_for_load_state()
            results = {
                f"call page ({call_id})": measure(page, f"{base}/app/calls/{call_id}", args.repeat),
                "round report": measure(page, f"{base}/app/rounds/{job_id}", args.repeat),
            }
            browser.close()
    finally:
        server.terminate()
        server.wait(30)

    size = "demo data" if args.world == "demo" else f"{args.profiles:,} synthetic profiles"
    print(f"{size}, backend {args.backend}; first fit {fit:.1f} s; round {round_seconds:.1f} s")
    print()
    print(
        "| page | visit | first byte (ms) | DOM ready (ms) | loaded (ms) | document (KiB, "
        "transferred / decoded) | sub-resources (KiB, transferred / decoded) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|")
    for name, found in results.items():
        for visit in ("cold", "warm"):
            t = found[visit]
            print(
                f"| {name} | {visit} | {t['first_byte']:.0f} | {t['dom']:.0f} | {t['load']:.0f} "
                f"| {t['document_bytes'] / 1024:.1f} / {t['document_body'] / 1024:.1f} "
                f"| {t['resource_bytes'] / 1024:.1f} / {t['resource_body'] / 1024:.1f} |"
            )
    static = Path(__file__).parents[1] / "api" / "web" / "static"
    sizes = ", ".join(
        f"{p.name} {p.stat().st_size / 1024:.1f} KiB" for p in sorted(static.iterdir())
    )
    print()
    print(f"static files (cached by the browser after the first page): {sizes}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
