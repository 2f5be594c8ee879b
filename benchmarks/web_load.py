"""Web load: 50 concurrent clients mixing reads, searches and ingests for 60 s, loopback only.

Serves the demo plus 20 ECB+ documents (see ``web_latency.py``) with
``corroborate serve`` in a child process on 127.0.0.1 and runs ``--clients``
asyncio clients for ``--seconds`` (and at most ``--max-requests`` requests).
Each request is a page or API read, a search, or — at most ``--ingest-rate``
per second over all clients — an ingest of a new, generated article (pasted
text). Afterwards it waits for the ingest queue to drain, stops the server,
opens the archive read-only and checks that every acknowledged ingest (a job
that reported its article ``ingested``) is there, and that every job finished.

Prints throughput, p50/p95/p99 per kind, errors (target 0) and the check.
Usage: python benchmarks/web_load.py [--clients 50] [--seconds 60]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corroborate.archive import Archive
from web_latency import build_archive, quantile, serve

WORDS = [
    "council",
    "harbour",
    "bridge",
    "storm",
    "minister",
    "river",
    "police",
    "school",
    "budget",
    "election",
    "court",
    "rail",
    "hospital",
    "strike",
    "flood",
    "farmers",
    "museum",
    "festival",
    "port",
    "airport",
    "tunnel",
    "mayor",
    "union",
]
PLACES = ("Carrow", "Ostrel", "Feldmark", "Verlande", "Brennick")


def generated_article(rng: random.Random, n: int) -> dict[str, str]:
    """A new, unique short news item (so each ingest stores a new article)."""
    place = rng.choice(PLACES)
    topic = rng.sample(WORDS, 3)
    count = rng.randint(2, 900)
    sentences = [
        f"Officials in {place} said on Tuesday that the {topic[0]} plan would cost {count} thousand.",
        f"The {topic[1]} committee met {rng.randint(2, 30)} times before the vote, item {n}.",
        f"Residents said the {topic[2]} had been a concern for {rng.randint(2, 12)} years.",
    ]
    return {"title": f"{place} {topic[0]} plan, report {n}", "text": "\n\n".join(sentences)}


class Stats:
    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.first_errors: list[str] = []
        self.jobs: list[str] = []

    def add(self, kind: str, ms: float, ok: bool, detail: str = "") -> None:
        self.samples.setdefault(kind, []).append(ms)
        if not ok:
            self.errors[kind] = self.errors.get(kind, 0) + 1
            if len(self.first_errors) < 10:
                self.first_errors.append(f"{kind}: {detail}")


async def run_clients(base: str, story: str, args: argparse.Namespace) -> tuple[Stats, float]:
    stats = Stats()
    rng = random.Random(20260314)
    deadline = time.monotonic() + args.seconds
    budget = iter(range(args.max_requests))
    ingest_interval = 1.0 / args.ingest_rate if args.ingest_rate > 0 else float("inf")
    next_ingest = [time.monotonic()]
    # Idle connections are dropped before the server's 5 s keep-alive ends (no reuse race).
    limits = httpx.Limits(
        max_connections=args.clients, max_keepalive_connections=args.clients, keepalive_expiry=2.0
    )
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as http:
        ids = [a["id"] for a in (await http.get("/api/articles?limit=50")).json()["articles"]]
        reads = [
            "/",
            "/api/stories",
            f"/stories/{story}",
            f"/api/stories/{story}",
            "/api/articles?limit=50",
        ]

        async def one(n: int) -> None:
            now = time.monotonic()
            if now >= next_ingest[0]:
                next_ingest[0] = max(next_ingest[0] + ingest_interval, now)
                kind, method = "ingest", "POST"
                url, body = "/api/ingest", generated_article(rng, n)
            else:
                roll = rng.random()
                body = None
                method = "GET"
                if roll < 0.2:
                    kind, url = "search", f"/api/search?q={rng.choice(WORDS + list(PLACES))}"
                elif roll < 0.5:
                    kind, url = "article", f"/articles/{rng.choice(ids)}"
                else:
                    kind, url = "read", rng.choice(reads)
            start = time.perf_counter()
            detail = ""
            try:
                response = await http.request(method, url, json=body)
                ok = response.status_code in ((202, 200) if kind == "ingest" else (200,))
                detail = f"{url} {response.status_code} {response.text[:200]}"
                if ok and kind == "ingest":
                    stats.jobs.append(response.json()["job"]["id"])
            except httpx.HTTPError as exc:
                ok = False
                detail = f"{url} {type(exc).__name__}: {exc}"
            stats.add(kind, (time.perf_counter() - start) * 1000, ok, detail)

        async def client() -> None:
            for n in budget:
                if time.monotonic() >= deadline:
                    return
                await one(n)

        start = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(args.clients)))
        wall = time.perf_counter() - start
    return stats, wall


async def drain(base: str, jobs: list[str], timeout: float) -> tuple[set[str], list[str], float]:
    """Wait for every job; (article ids acknowledged as ingested, problems, seconds waited)."""
    start = time.monotonic()
    acknowledged: set[str] = set()
    problems: list[str] = []
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        pending = list(jobs)
        while pending and time.monotonic() - start < timeout:
            still = []
            for job_id in pending:
                job = (await http.get(f"/api/jobs/{job_id}")).json()["job"]
                if job["status"] in ("queued", "running"):
                    still.append(job_id)
                    continue
                for outcome in job["outcomes"]:
                    if outcome["status"] == "ingested":
                        acknowledged.add(outcome["article_id"])
                    else:
                        problems.append(f"job {job_id}: {outcome['status']} {outcome['reason']}")
                if job["status"] != "done":
                    problems.append(f"job {job_id} {job['status']}: {job['error']}")
            pending = still
            if pending:
                await asyncio.sleep(0.5)
        problems.extend(f"job {j} never finished" for j in pending)
    return acknowledged, problems, time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument(
        "--ingest-rate", type=float, default=2.0, help="ingests per second, all clients"
    )
    parser.add_argument("--drain-timeout", type=float, default=300.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="corroborate-load-") as tmp:
        db = Path(tmp) / "load.db"
        story, size = build_archive(db)
        with Archive(db, readonly=True) as archive:
            before = archive.count()
        print(f"archive: {before} articles, story {story} has {size}")
        print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        with serve(db, "--no-warm") as server:
            base = server.base
            cpu_before = server.cpu_seconds()
            httpx.get(f"{base}/stories/{story}", timeout=600)  # analyses computed once
            stats, wall = asyncio.run(run_clients(base, story, args))
            acknowledged, problems, waited = asyncio.run(
                drain(base, stats.jobs, args.drain_timeout)
            )
            server_cpu = server.cpu_seconds() - cpu_before
        with Archive(db, readonly=True) as archive:
            missing = sorted(a for a in acknowledged if not archive.has(a))
            after = archive.count()
            integrity = archive.integrity_check()
    every = [t for ts in stats.samples.values() for t in ts]
    errors = sum(stats.errors.values())
    print(
        f"{len(every)} requests in {wall:.1f} s from {args.clients} clients:"
        f" {len(every) / wall:.1f} req/s, p50 {quantile(every, 0.5):.0f} ms,"
        f" p95 {quantile(every, 0.95):.0f} ms, p99 {quantile(every, 0.99):.0f} ms, errors {errors}"
    )
    for kind, ts in sorted(stats.samples.items()):
        print(
            f"  {kind:<8} {len(ts):>6} requests  p50 {quantile(ts, 0.5):.0f} ms"
            f"  p95 {quantile(ts, 0.95):.0f} ms  p99 {quantile(ts, 0.99):.0f} ms"
            f"  errors {stats.errors.get(kind, 0)}"
        )
    print(
        f"ingest jobs accepted {len(stats.jobs)}, queue drained in {waited:.1f} s after the run;"
        f" articles acknowledged {len(acknowledged)}, missing from the archive {len(missing)};"
        f" archive {before} -> {after} articles, integrity {integrity}"
    )
    print(f"server CPU time during the run: {server_cpu:.1f} s over {wall:.1f} s of wall time")
    for error in stats.first_errors:
        print(f"  error: {error}")
    for problem in problems[:10]:
        print(f"  problem: {problem}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    if errors or missing or problems or integrity != "ok":
        sys.exit(1)


if __name__ == "__main__":
    main()
