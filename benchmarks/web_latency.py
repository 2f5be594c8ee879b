"""Web latency: the story page of a 20-article story (warm) and API p95 at 20 clients.

Builds an archive with the bundled demo plus the 20 first documents of ECB+
sub-event 13_ecb (a development topic; they are put in one story by a
person's merge decision where the automatic grouping split them), serves it
with ``corroborate serve`` in a separate process on 127.0.0.1, and measures
from a client process:

* the story page (HTML and its ``.json`` twin): one cold load, then the median
  and p95 of ``--runs`` warm loads (target: warm median under 200 ms);
* read endpoints of the API with 20 concurrent clients for ``--requests``
  requests, ``--repeats`` times: p50/p95/p99 per endpoint and overall (target:
  p95 under 100 ms), with the CPU time the server and the load generator spent
  per request. Two load generators: a lean asyncio HTTP/1.1 client
  (``_raw_http.py``, ~0.1 ms of CPU per request) and httpx's async client
  (~2.3 ms per request: on 2 cores it, not the server, sets the latency it
  measures; both are printed so the difference is visible).

Usage: python benchmarks/web_latency.py [--runs 30] [--requests 3000] [--clients 20]
       [--repeats 3] [--client raw|httpx|both]
Needs ../shared (ECB+); without it the story is the demo's 5-article one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _raw_http import RawClient
from corroborate.analysis import demo_dir
from corroborate.archive import Archive
from corroborate.config import Context
from corroborate.pipeline import ingest
from corroborate.workspace import Workspace

SUBTOPIC = "13_ecb"
STORY_SIZE = 20


def build_archive(path: Path, size: int = STORY_SIZE) -> tuple[str, int]:
    """Demo + ECB+ documents of one sub-event, in one story; (story id, its size)."""
    ctx = Context()
    with Archive(path) as archive:
        ingest([str(demo_dir())], archive, ctx)
        ids: list[str] = []
        try:
            from ecbplus_articles import ECBPLUS, load_stories

            if ECBPLUS.exists():
                for article in load_stories(range(13, 14))[SUBTOPIC][:size]:
                    ids.append(archive.add(article).article_id)
        except ImportError:
            pass
        ws = Workspace(archive, ctx)
        ws.assign_stories()
        if not ids:  # no shared data: the demo's largest story
            view = max(ws.stories(), key=lambda v: v.size)
            return view.id, view.size
        stories = list(dict.fromkeys(ws.story_of(i).id for i in ids))
        target = stories[0]
        for other in stories[1:]:
            target = ws.merge(target, other).story_id
        for article_id in ids:  # articles the merge did not bring (their story had others)
            if ws.story_of(article_id).id != target:
                ws.move(article_id, target)
        view = ws.story(target)
        return view.id, view.size


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Served:
    """A running server: its base URL and process id (to read its CPU time)."""

    def __init__(self, base: str, pid: int) -> None:
        self.base = base
        self.pid = pid

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process so far (Linux /proc; NaN elsewhere)."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def serve(db: Path, *extra: str) -> Iterator[Served]:
    """``corroborate serve`` in a child process on loopback."""
    port = free_port()
    code = "import sys; from corroborate.cli.serve_cmd import serve_command; serve_command.main(sys.argv[1:])"
    args = [sys.executable, "-c", code, "--db", str(db), "--port", str(port), *extra]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/api/stories", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError("server did not start: " + proc.stderr.read().decode()[-2000:])  # type: ignore[union-attr]
        yield Served(base, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()


@dataclass(frozen=True, slots=True)
class LoadOptions:
    """One API load run: which client library, how many concurrent clients, how many requests."""

    client: str = "raw"
    clients: int = 20
    requests: int = 3000


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def timed_get(client: httpx.Client, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise RuntimeError(f"{url}: {response.status_code} {response.text[:200]}")
    return elapsed * 1000


def story_page_latency(base: str, story: str, runs: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with httpx.Client(base_url=base, timeout=600) as client:
        out["cold_ms"] = timed_get(client, f"/stories/{story}")
        for label, url in (("html", f"/stories/{story}"), ("json", f"/stories/{story}.json")):
            times = [timed_get(client, url) for _ in range(runs)]
            out[label] = {
                "median_ms": statistics.median(times),
                "p95_ms": quantile(times, 0.95),
                "min_ms": min(times),
                "bytes": len(client.get(url).content),
            }
    return out


async def api_load(base: str, story: str, options: LoadOptions) -> dict[str, Any]:
    """``options.clients`` concurrent workers take turns over the read endpoints."""
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        article_ids = [
            a["id"] for a in (await http.get("/api/articles?limit=20")).json()["articles"]
        ]
    endpoints = {
        "stories": lambda i: "/api/stories",
        "story": lambda i: f"/api/stories/{story}",
        "articles": lambda i: "/api/articles?limit=50",
        "article": lambda i: f"/api/articles/{article_ids[i % len(article_ids)]}",
        "search": lambda i: f"/api/search?q={('landslide', 'police', 'Ostrel', 'rain')[i % 4]}",
    }
    names = list(endpoints)
    samples: dict[str, list[float]] = {n: [] for n in names}
    details: list[str] = []
    errors = 0
    counter = iter(range(options.requests))
    host, port = base.removeprefix("http://").split(":")

    async def worker(get: Callable[[str], Awaitable[tuple[int, str]]]) -> None:
        nonlocal errors
        for i in counter:
            name = names[i % len(names)]
            start = time.perf_counter()
            try:
                status, text = await get(endpoints[name](i))
                ok = status == 200
                detail = f"{status} {text[:200]}"
            except (httpx.HTTPError, OSError, asyncio.IncompleteReadError) as exc:
                ok = False
                detail = f"{type(exc).__name__}: {exc}"
            if not ok and len(details) < 5:
                details.append(f"{endpoints[name](i)}: {detail}")
            samples[name].append((time.perf_counter() - start) * 1000)
            errors += 0 if ok else 1

    start = time.perf_counter()
    cpu_start = time.process_time()
    if options.client == "httpx":
        # Idle connections are dropped before the server's 5 s keep-alive ends (no reuse race).
        limits = httpx.Limits(keepalive_expiry=2.0)
        async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:

            async def via_httpx(path: str) -> tuple[int, str]:
                response = await http.get(path)
                return response.status_code, response.text

            await asyncio.gather(*(worker(via_httpx) for _ in range(options.clients)))
    else:
        connections = [RawClient(host, int(port)) for _ in range(options.clients)]

        def via_raw(connection: RawClient) -> Callable[[str], Awaitable[tuple[int, str]]]:
            async def get(path: str) -> tuple[int, str]:
                status, body = await connection.get(path)
                return status, body[:200].decode("utf-8", "replace")

            return get

        await asyncio.gather(*(worker(via_raw(c)) for c in connections))
        for connection in connections:
            await connection.close()
    wall = time.perf_counter() - start
    client_cpu_ms = (time.process_time() - cpu_start) * 1000 / max(1, options.requests)
    every = [t for ts in samples.values() for t in ts]
    return {
        "client": options.client,
        "clients": options.clients,
        "requests": len(every),
        "errors": errors,
        "error_details": details,
        "throughput_rps": len(every) / wall,
        "client_cpu_ms_per_request": client_cpu_ms,
        "overall": _summary(every),
        "endpoints": {n: _summary(ts) for n, ts in samples.items()},
    }


def _summary(times: list[float]) -> dict[str, float]:
    return {
        "p50_ms": quantile(times, 0.5),
        "p95_ms": quantile(times, 0.95),
        "p99_ms": quantile(times, 0.99),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="warm story-page loads")
    parser.add_argument("--requests", type=int, default=3000, help="API requests per load run")
    parser.add_argument("--clients", type=int, default=20, help="concurrent API clients")
    parser.add_argument("--repeats", type=int, default=3, help="API load runs per client kind")
    parser.add_argument(
        "--client",
        choices=("raw", "httpx", "both"),
        default="both",
        help="load generator: a lean asyncio HTTP/1.1 client, httpx, or both",
    )
    args = parser.parse_args()
    kinds = ("raw", "httpx") if args.client == "both" else (args.client,)
    with tempfile.TemporaryDirectory(prefix="corroborate-web-") as tmp:
        db = Path(tmp) / "latency.db"
        t0 = time.perf_counter()
        story, size = build_archive(db)
        print(
            f"archive built in {time.perf_counter() - t0:.1f} s: story {story} has {size} articles"
        )
        print(f"load average before serving: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        with serve(db, "--no-warm") as server:
            page = story_page_latency(server.base, story, args.runs)
            print(f"story page, cold (analyses computed): {page['cold_ms']:.0f} ms")
            for label in ("html", "json"):
                p = page[label]
                print(
                    f"story page {label}, warm over {args.runs} runs: median {p['median_ms']:.1f} ms,"
                    f" p95 {p['p95_ms']:.1f} ms, min {p['min_ms']:.1f} ms ({p['bytes']:,} bytes)"
                )
            for kind in kinds:
                runs = []
                for _ in range(args.repeats):
                    cpu_before = server.cpu_seconds()
                    options = LoadOptions(kind, args.clients, args.requests)
                    load = asyncio.run(api_load(server.base, story, options))
                    load["server_cpu_ms_per_request"] = (
                        1000 * (server.cpu_seconds() - cpu_before) / max(load["requests"], 1)
                    )
                    load["loadavg"] = os.getloadavg()[0]
                    runs.append(load)
                    print_load(load)
                p95s = [r["overall"]["p95_ms"] for r in runs]
                print(
                    f"=> {kind} client: median over {len(runs)} runs of API p95"
                    f" {statistics.median(p95s):.1f} ms (runs: {', '.join(f'{v:.1f}' for v in p95s)}),"
                    f" errors {sum(r['errors'] for r in runs)}"
                )
        print(f"load average after: {os.getloadavg()[0]:.2f}")


def print_load(load: dict[str, Any]) -> None:
    o = load["overall"]
    print(
        f"API reads ({load['client']} client), {load['clients']} concurrent clients,"
        f" {load['requests']} requests: {load['throughput_rps']:.0f} req/s,"
        f" p50 {o['p50_ms']:.1f} ms, p95 {o['p95_ms']:.1f} ms, p99 {o['p99_ms']:.1f} ms,"
        f" errors {load['errors']}; CPU per request: server {load['server_cpu_ms_per_request']:.2f} ms,"
        f" client {load['client_cpu_ms_per_request']:.2f} ms; load average {load['loadavg']:.2f}"
    )
    for detail in load["error_details"]:
        print(f"  error: {detail}")
    for name, s in load["endpoints"].items():
        print(
            f"  {name:<9} p50 {s['p50_ms']:.1f} ms  p95 {s['p95_ms']:.1f} ms  p99 {s['p99_ms']:.1f} ms"
        )


if __name__ == "__main__":
    main()
