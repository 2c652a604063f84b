"""The HTTP service under concurrent load on loopback.

Starts ``grantmatch serve`` in a child process on 127.0.0.1 with a fresh SQLite store,
imports synthetic profiles (and a few calls, institutions and offices) through the bulk
import endpoints, then measures the time from the end of the import to the first answer
(the engine is fitted in the background from the moment the data changed), sampling
``GET /engine`` and ``GET /health`` meanwhile. Times the first request of each kind for
every call one at a time, then runs ``--clients`` concurrent clients for each query kind
(candidates for a call, with evidence; the best team for a call; partners for a partial
team), first alone and then with a concurrent writer editing a random profile once per
second, each until ``--requests`` requests or ``--seconds`` have passed, whichever comes
first. Prints requests per second, p50/p95/p99 latency, the error count, how stale the
answers were (data versions behind the newest), and the server's resident memory (VmRSS,
and the peak VmHWM) as a Markdown section for RESULTS.md.

Run::

    HF_HUB_OFFLINE=1 .venv/bin/python -m benchmarks.api_load --profiles 50000 --clients 50
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from benchmarks._raw_http import Connection

KEY = "bench-admin-key"
COUNTRIES = ("RU", "CN", "KZ", "BY", "MN")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def synthetic(n_profiles: int, n_calls: int, seed: int = 7) -> dict[str, list[dict[str, Any]]]:
    """A seeded synthetic world: topics are word lists; each profile writes about one or two."""
    rng = random.Random(seed)
    vocabulary = [f"term{i}" for i in range(2000)]
    topics = [rng.sample(vocabulary, 12) for _ in range(200)]
    institutions: list[dict[str, Any]] = [
        {"id": f"inst-{c}-{i}", "name": f"University {c} {i}", "country": c}
        for c in COUNTRIES
        for i in range(20)
    ]
    home = [i["id"] for i in institutions if i["country"] == "RU"]
    for institution in institutions:
        if institution["country"] != "RU" and rng.random() < 0.3:
            institution["agreements"] = [rng.choice(home)]
    offices = [
        {
            "id": f"off-{c}",
            "name": f"Office in {c}",
            "operator": "REC",
            "home_country": "RU",
            "country": c,
            "status": "open" if c != "BY" else "negotiating",
            "partner_institutions": [f"inst-{c}-0"],
        }
        for c in COUNTRIES
        if c != "RU"
    ]
    profiles = []
    # Each profile writes on one topic; its publication has up to two coauthors from the
    # same topic, so partner answers have past collaborations and topic ties to weigh.
    topic_of = [rng.randrange(len(topics)) for _ in range(n_profiles)]
    members: dict[int, list[int]] = {}
    for n, t in enumerate(topic_of):
        members.setdefault(t, []).append(n)
    for n in range(n_profiles):
        country = rng.choice(COUNTRIES)
        topic = topics[topic_of[n]]
        # Earlier profiles only: the import comes in chunks, and a coauthor must exist.
        peers = [m for m in members[topic_of[n]] if m < n]
        coauthors = [f"p{m:06d}" for m in rng.sample(peers, min(len(peers), rng.randrange(3)))]
        words = rng.sample(topic, 6) + rng.sample(vocabulary, 2)
        profiles.append(
            {
                "id": f"p{n:06d}",
                "name": f"Researcher {n}",
                "country": country,
                "institution": f"inst-{country}-{rng.randrange(20)}",
                "keywords": words[:3],
                "summary": " ".join(words),
                "publications": [
                    {
                        "title": " ".join(rng.sample(topic, 5)),
                        "year": 2015 + rng.randrange(10),
                        "coauthors": coauthors,
                    }
                ],
                "career_stage": rng.choice(["early", "mid", "senior"]),
                "contact": {"email": f"p{n}@example.org"},
            }
        )
    calls = [
        {
            "id": f"call-{k:03d}",
            "title": " ".join(topics[k][:4]),
            "description": " ".join(topics[k]),
            "keywords": topics[k][:3],
            "rules": {"min_team_size": 2, "max_team_size": 4, "required_countries": {"CN": 1}},
        }
        for k in range(n_calls)
    ]
    return {"institutions": institutions, "offices": offices, "profiles": profiles, "calls": calls}


def _rss(pid: int) -> tuple[float, float]:
    """Resident and peak resident memory of a process, MiB (Linux /proc)."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


async def _writer(
    http: httpx.AsyncClient, ids: list[str], stop: asyncio.Event, tally: dict[str, int]
) -> None:
    """Edit one random profile's summary once per second until ``stop`` (a new text to
    embed each time)."""
    rng = random.Random(5)
    while not stop.is_set():
        profile_id = rng.choice(ids)
        body = {"summary": f"edited {tally['edits']} " + " ".join(rng.sample(WORDS, 8))}
        try:
            response = await http.patch(f"/profiles/{profile_id}", json=body)
            tally["edits" if response.status_code == 200 else "errors"] += 1
        except httpx.HTTPError:
            tally["errors"] += 1
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)


WORDS = [f"term{i}" for i in range(2000)]


async def _load(
    base: str,
    make_request: Callable[[int], tuple[str, dict[str, Any]]],
    clients: int,
    requests: int,
    seconds: float,
    writer_ids: list[str] | None = None,
) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    failures: dict[str, str] = {}  # status (or exception) -> first body seen
    behind: list[int] = []  # per answer: data versions between the answer and the newest
    fitting = 0  # answers given while a newer version was being fitted
    issued = 0
    deadline = time.monotonic() + seconds
    host, port = base.removeprefix("http://").split(":")

    async def client() -> None:
        nonlocal errors, issued, fitting
        connection = Connection(host, int(port), {"X-API-Key": KEY})
        while issued < requests and time.monotonic() < deadline:
            issued += 1
            path, params = make_request(issued - 1)
            started = time.perf_counter()
            try:
                answer = await connection.get(path, params)
                if answer.status != 200:
                    errors += 1
                    failures.setdefault(str(answer.status), answer.body[:300].decode())
                else:
                    served = int(answer.headers.get("x-data-version", 0))
                    latest = int(answer.headers.get("x-data-version-latest", served))
                    behind.append(latest - served)
                    fitting += "x-engine-fitting" in answer.headers
            except (OSError, asyncio.IncompleteReadError, ValueError) as error:
                errors += 1
                failures.setdefault(type(error).__name__, str(error)[:300])
                await connection.close()
            latencies.append(time.perf_counter() - started)
        await connection.close()

    tally = {"edits": 0, "errors": 0}
    async with httpx.AsyncClient(base_url=base, headers={"X-API-Key": KEY}, timeout=120) as http:
        stop = asyncio.Event()
        writing = (
            asyncio.create_task(_writer(http, writer_ids, stop, tally))
            if writer_ids is not None
            else None
        )
        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        elapsed = time.perf_counter() - started
        stop.set()
        if writing is not None:
            await writing
    ordered = sorted(latencies)

    def pct(q: float) -> float:
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {
        "requests": len(latencies),
        "errors": errors,
        "failures": failures,
        "seconds": elapsed,
        "rps": len(latencies) / elapsed,
        "p50": pct(0.50),
        "p95": pct(0.95),
        "p99": pct(0.99),
        "mean": 1000 * statistics.fmean(ordered),
        "edits": tally["edits"],
        "edit_errors": tally["errors"],
        "behind_max": max(behind, default=0),
        "behind_mean": statistics.fmean(behind) if behind else 0.0,
        "fitting": fitting,
    }


def _first_answer(base: str) -> dict[str, Any]:
    """From the end of the import: time to the first candidates answer, and what the
    service did meanwhile (``GET /engine`` stages, ``GET /health`` latency)."""
    samples: list[tuple[float, str, float]] = []
    health: list[float] = []
    done = threading.Event()
    started = time.perf_counter()

    def watch() -> None:
        with httpx.Client(base_url=base, headers={"X-API-Key": KEY}, timeout=60) as http:
            while not done.is_set():
                at = time.perf_counter()
                state = http.get("/engine").json()
                samples.append((at - started, state.get("stage") or "-", state.get("progress", 0)))
                at = time.perf_counter()
                http.get("/health")
                health.append(time.perf_counter() - at)
                done.wait(0.5)

    watcher = threading.Thread(target=watch)
    watcher.start()
    statuses: list[int] = []
    with httpx.Client(base_url=base, headers={"X-API-Key": KEY}, timeout=600) as http:
        for _ in range(100):
            response = http.get("/calls/call-000/candidates")
            statuses.append(response.status_code)
            if response.status_code == 200:
                break
            time.sleep(min(10.0, float(response.headers.get("Retry-After", "1"))))
    first = time.perf_counter() - started
    done.set()
    watcher.join(60)
    stages: dict[str, float] = {}
    for at, stage, _progress in samples:
        stages.setdefault(stage, at)
    return {
        "seconds": first,
        "statuses": statuses,
        "stages": stages,
        "health_max": 1000 * max(health, default=0.0),
        "health_n": len(health),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; prints a Markdown section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=50_000)
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000, help="Per query kind.")
    parser.add_argument("--seconds", type=float, default=120.0, help="Per query kind.")
    parser.add_argument("--backend", default="tfidf")
    parser.add_argument(
        "--kinds",
        default="candidates,teams,partners",
        help="Comma-separated query kinds to load (candidates, teams, partners).",
    )
    parser.add_argument(
        "--writer",
        choices=("both", "off", "on"),
        default="both",
        help="Run each kind without the writer, with it, or both (default).",
    )
    args = parser.parse_args(argv)

    world = synthetic(args.profiles, args.calls)
    home = Path(tempfile.mkdtemp(prefix="grantmatch-load-"))
    port = _free_port()
    env = os.environ | {
        "GRANTMATCH_HOME": str(home),
        "GRANTMATCH_API_KEYS": f"{KEY}:admin",
        "GRANTMATCH_BACKEND": args.backend,
        "GRANTMATCH_CACHE": "off",
        "GRANTMATCH_HOST": "127.0.0.1",
    }
    command = [
        sys.executable,
        "-c",
        "from api.cli import main; main()",
        "serve",
        "--port",
        str(port),
    ]
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(f"{base}/health", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        started = time.perf_counter()
        with httpx.Client(base_url=base, headers={"X-API-Key": KEY}, timeout=600) as http:
            for collection in ("institutions", "offices", "profiles", "calls"):
                records = world[collection]
                for start in range(0, len(records), 5000):
                    body = "\n".join(json.dumps(r) for r in records[start : start + 5000])
                    response = http.post(f"/{collection}/import", content=body.encode())
                    response.raise_for_status()
            imported = time.perf_counter() - started
        first = _first_answer(base)
        rss_fitted = _rss(server.pid)
        rng = random.Random(11)
        ids = [p["id"] for p in world["profiles"]]

        def candidates(n: int) -> tuple[str, dict[str, Any]]:
            return f"/calls/call-{n % args.calls:03d}/candidates", {"k": 10}

        def teams(n: int) -> tuple[str, dict[str, Any]]:
            return f"/calls/call-{n % args.calls:03d}/teams", {"solver": "fast"}

        def partners(n: int) -> tuple[str, dict[str, Any]]:
            return f"/calls/call-{n % args.calls:03d}/partners", {
                "team": [rng.choice(ids)],
                "k": 10,
            }

        every_kind = {
            "candidates": ("candidates (k=10, with evidence)", candidates),
            "teams": ("teams (solver=fast)", teams),
            "partners": ("partners for a partial team (k=10, random member)", partners),
        }
        kinds = dict(every_kind[kind.strip()] for kind in args.kinds.split(","))
        # Cold: the first request for each call, one at a time (answers are cached per
        # engine and parameters; what is left to compute is per request).
        cold: dict[str, list[float]] = {name: [] for name in kinds}
        with httpx.Client(base_url=base, headers={"X-API-Key": KEY}, timeout=600) as http:
            for n in range(args.calls):
                for kind, make in kinds.items():
                    path, params = make(n)
                    started = time.perf_counter()
                    http.get(path, params=params).raise_for_status()
                    cold[kind].append(time.perf_counter() - started)
        results: dict[tuple[str, bool], dict[str, Any]] = {}
        writers = {"both": (False, True), "off": (False,), "on": (True,)}[args.writer]
        for writer in writers:
            for name, make in kinds.items():
                results[name, writer] = asyncio.run(
                    _load(
                        base,
                        make,
                        args.clients,
                        args.requests,
                        args.seconds,
                        writer_ids=ids if writer else None,
                    )
                )
        rss, peak = _rss(server.pid)
    finally:
        server.terminate()
        server.wait(30)

    print(f"store: {args.profiles} profiles, {args.calls} calls, backend {args.backend}")
    print(f"import {imported:.1f} s; from its end to the first answer {first['seconds']:.1f} s")
    print(
        f"  first answer statuses {first['statuses']}; "
        f"engine stages first seen at {first['stages']}"
    )
    print(
        f"  meanwhile GET /health answered {first['health_n']} times, slowest "
        f"{first['health_max']:.0f} ms"
    )
    print(f"RSS after the first fit {rss_fitted[0]:.0f} MiB")
    for kind, seconds in cold.items():
        print(
            f"cold first {kind} request per call: median {1000 * statistics.median(seconds):.0f}"
            f" ms, max {1000 * max(seconds):.0f} ms over {len(seconds)} calls"
        )
    print("load below: warm (every call asked once before)")
    print()
    print(
        "| query | writer | clients | requests | errors | req/s | p50 ms | p95 ms | p99 ms "
        "| edits | versions behind (mean / max) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for (name, writer), r in results.items():
        print(
            f"| {name} | {'1 edit/s' if writer else 'none'} | {args.clients} | {r['requests']} "
            f"| {r['errors']} | {r['rps']:.1f} | {r['p50']:.0f} | {r['p95']:.0f} "
            f"| {r['p99']:.0f} | {r['edits']} ({r['edit_errors']} failed) "
            f"| {r['behind_mean']:.1f} / {r['behind_max']} |"
        )
    for (name, writer), r in results.items():
        for status, body in r["failures"].items():
            print(f"{name} (writer {writer}): failed with {status}: {body}")
    print()
    for name in kinds if args.writer == "both" else ():
        alone, written = results[name, False], results[name, True]
        print(f"{name}: throughput with the writer / without: {written['rps'] / alone['rps']:.2f}")
    print(f"server RSS at the end {rss:.0f} MiB, peak {peak:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
