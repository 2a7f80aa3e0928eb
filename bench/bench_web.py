"""Web load benchmark: 50 signed-in users hammering dashboard reads on a real `forceplan serve`.

The demo force (600 officers, a year, seed 42) goes into a temporary SQLite file — and into a
scratch PostgreSQL schema when --postgres or FORCEPLAN_BENCH_POSTGRES_URL /
FORCEPLAN_TEST_POSTGRES_URL names a server — with the demo accounts. `forceplan serve` then
runs as its own process (one uvicorn worker, as deployed) on a free loopback port. Each user is
an httpx async client with its own session; users loop over the endpoints (ENDPOINTS: add a
line to add one; an endpoint whose route is missing, or whose id cannot be found, is skipped
with a note) for --seconds. The baseline is the same endpoints read by one user in the same
run; the ratio is load over baseline.

Target (issue #10): p95 under 150 ms for roster-grid and dashboard reads with 50 concurrent
users, on SQLite and PostgreSQL; report requests per second.

Three phases per store: the baseline (one user, no pause); the target phase, where each of
the 50 users pauses between one answer and their next page for an exponentially distributed
time of mean --think seconds (default 1 s: a user reading a page a second, several times
faster than people read a roster; docs/decisions.md); and saturation, the same users with no
pause at all — 50 requests always in flight — which measures the server's capacity (req/s)
and is reported without a target.

    .venv/bin/python bench/bench_web.py [--users 50] [--seconds 20] [--think 1] [--postgres URL]
                                        [--backends sqlite,postgresql] [--officers 600]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, postgres_base_url, write_result

PASSWORD = "bench password for demo accounts"
TARGET_P95_MS = 150.0


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str  # may hold {names} that a resolver fills in
    needs: tuple[str, ...] = ()


#: What the users read. Add a line to add an endpoint; {plan_id} is found by RESOLVERS.
ENDPOINTS = [
    Endpoint("demand overview API", "/api/v1/indicators"),
    Endpoint("displaced demand API", "/api/v1/displaced-demand"),
    Endpoint("staffing API", "/api/v1/staffing"),
    Endpoint("welfare dashboard API", "/api/v1/welfare"),
    Endpoint("demand page", "/demand"),
    Endpoint("welfare page", "/welfare"),
    Endpoint("roster grid API", "/api/v1/roster/plans/{plan_id}", ("plan_id",)),
    Endpoint("roster grid page", "/roster/plans/{plan_id}", ("plan_id",)),
]


async def find_plan_id(client: httpx.AsyncClient) -> tuple[str | None, str]:
    """The newest roster plan the bench user may open, from the list routes."""
    for listing in ("/api/v1/roster/plans", "/api/v1/roster-plans"):
        answer = await client.get(listing)
        if answer.status_code == 200 and answer.json():
            return str(answer.json()[0]["id"]), f"plan from {listing}"
    return None, "no roster plan list route answered with a plan"


RESOLVERS: dict[str, Callable[[httpx.AsyncClient], Awaitable[tuple[str | None, str]]]] = {
    "plan_id": find_plan_id,
}


@dataclass
class Phase:
    seconds: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)


# --- The server and its store ----------------------------------------------------------------


def forceplan_command() -> list[str]:
    script = Path(sys.executable).with_name("forceplan")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from forceplan.cli import main; main()"]


def run_cli(*args: str, stdin: str | None = None) -> None:
    began = time.perf_counter()
    done = subprocess.run(
        [*forceplan_command(), *args], input=stdin, text=True, capture_output=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"forceplan {' '.join(args[:2])} failed:\n{done.stdout}\n{done.stderr}")
    print(
        f"  forceplan {' '.join(a for a in args if not a.startswith(('sqlite', 'postgres')))}"
        f" ({time.perf_counter() - began:.0f} s)"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(url: str, log: Path) -> Iterator[tuple[str, int]]:
    """`forceplan serve` on a free loopback port (plain HTTP: cookies not Secure)."""
    port = free_port()
    env = {**os.environ, "FORCEPLAN_COOKIE_SECURE": "false"}
    with log.open("w") as out:
        server = subprocess.Popen(
            [*forceplan_command(), "serve", "--port", str(port), "-d", url],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                    break
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server did not start:\n{log.read_text()[-2000:]}")
            time.sleep(0.3)
        yield base, server.pid
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def server_rss_mb(pid: int) -> float | None:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024)
    return None


@contextlib.contextmanager
def store(backend: str, folder: Path, postgres: str | None) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'demo.db'}"
        return
    from forceplan.store.scratch import scratch_schema

    with scratch_schema(postgres, prefix="benchweb") as url:
        yield url


# --- The users -------------------------------------------------------------------------------


async def sign_in(base: str, username: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=120, limits=httpx.Limits(max_connections=1))
    answer = await client.post(
        "/api/v1/auth/signin", json={"username": username, "password": PASSWORD}
    )
    answer.raise_for_status()
    client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
    return client


async def sign_in_all(base: str, username: str, users: int) -> list[httpx.AsyncClient]:
    gate = asyncio.Semaphore(4)  # argon2 at production cost: a few at a time

    async def one() -> httpx.AsyncClient:
        async with gate:
            return await sign_in(base, username)

    return list(await asyncio.gather(*(one() for _ in range(users))))


async def resolve(client: httpx.AsyncClient) -> tuple[list[tuple[str, str]], dict, list[str]]:
    """The endpoints that answer, as (name, path); their first (cold) latencies; notes."""
    values: dict[str, str | None] = {}
    notes: list[str] = []
    chosen, cold = [], {}
    for endpoint in ENDPOINTS:
        for need in endpoint.needs:
            if need not in values:
                values[need], note = await RESOLVERS[need](client)
                notes.append(f"{need}: {values[need] or 'not found'} ({note})")
        if any(values.get(n) is None for n in endpoint.needs):
            notes.append(f"skipped {endpoint.name}: no {', '.join(endpoint.needs)}")
            continue
        path = endpoint.path.format(**values)
        began = time.perf_counter()
        answer = await client.get(path)
        seconds = time.perf_counter() - began
        if answer.status_code != 200:
            notes.append(f"skipped {endpoint.name} ({path}): HTTP {answer.status_code}")
            continue
        chosen.append((endpoint.name, path))
        cold[endpoint.name] = round(seconds * 1000)
    return chosen, cold, notes


async def hammer(
    clients: list[httpx.AsyncClient],
    endpoints: list[tuple[str, str]],
    seconds: float,
    think_seconds: float = 0.0,
    seed: int = 0,
) -> Phase:
    """Each client reads the endpoints in turn for ``seconds``; between one answer and its
    next request a user pauses for an exponentially distributed time of mean
    ``think_seconds`` (0: no pause, every user always has a request in flight)."""
    phase = Phase(latencies={n: [] for n, _ in endpoints}, errors={n: 0 for n, _ in endpoints})
    stop = time.perf_counter() + seconds
    rng = np.random.default_rng(seed)

    async def user(index: int, client: httpx.AsyncClient) -> None:
        turn = index
        if think_seconds:  # arrive spread out, not all in the first millisecond
            await asyncio.sleep(rng.uniform(0, think_seconds))
        while time.perf_counter() < stop:
            name, path = endpoints[turn % len(endpoints)]
            turn += 1
            began = time.perf_counter()
            try:
                answer = await client.get(path)
                ok = answer.status_code == 200
            except httpx.HTTPError:
                ok = False
            phase.latencies[name].append(time.perf_counter() - began)
            phase.errors[name] += not ok
            if think_seconds:
                await asyncio.sleep(min(rng.exponential(think_seconds), stop - time.perf_counter()))

    began = time.perf_counter()
    await asyncio.gather(*(user(i, c) for i, c in enumerate(clients)))
    phase.seconds = time.perf_counter() - began
    return phase


def summary(phase: Phase) -> dict:
    def stats(values: list[float], errors: int) -> dict:
        ms = np.array(values) * 1000
        p50, p95, p99 = np.percentile(ms, [50, 95, 99]) if ms.size else (np.nan,) * 3
        return {
            "requests": int(ms.size),
            "errors": errors,
            "rps": round(ms.size / phase.seconds, 1),
            "p50_ms": round(float(p50), 1),
            "p95_ms": round(float(p95), 1),
            "p99_ms": round(float(p99), 1),
        }

    table = {n: stats(v, phase.errors[n]) for n, v in phase.latencies.items()}
    table["overall"] = stats(
        [x for v in phase.latencies.values() for x in v], sum(phase.errors.values())
    )
    return table


async def measure(base: str, users: int, seconds: float, think: float) -> dict:
    first = await sign_in(base, "demo-planner")
    endpoints, cold, notes = await resolve(first)
    await hammer([first], endpoints, 2)  # warm: every endpoint read a few times
    baseline = summary(await hammer([first], endpoints, seconds))
    began = time.perf_counter()
    clients = await sign_in_all(base, "demo-planner", users)
    signin_s = time.perf_counter() - began
    loaded = summary(await hammer(clients, endpoints, seconds, think))
    saturated = summary(await hammer(clients, endpoints, seconds))
    for client in [first, *clients]:
        await client.aclose()
    return {
        "endpoints": dict(endpoints),
        "cold_first_request_ms": cold,
        "notes": notes,
        "signin_seconds": round(signin_s, 1),
        "think_seconds": think,
        "baseline": baseline,
        "load": loaded,
        "saturation": saturated,
    }


def report(backend: str, result: dict, users: int) -> None:
    print(f"\n{backend}: {users} users vs 1 user, {result['seconds']:.0f} s each")
    for note in result["notes"]:
        print(f"  note: {note}")
    print(f"  cold first request (ms): {result['cold_first_request_ms']}")
    phases = [
        ("load", f"{users} users, each pausing {result['think_seconds']:g} s on average "
                 "between pages (the target)"),
        ("saturation", f"{users} users with no pause: always {users} requests in flight"),
    ]  # fmt: skip
    for phase, title in phases:
        print(f"  {title}")
        head = (
            f"  {'endpoint':26} {'p50':>7} {'p95':>7} {'p99':>7} {'req/s':>7} {'err':>4} | "
            f"{'1-user p95':>10} {'req/s':>7} | {'p95 ×':>6} {'<150ms':>6}"
        )
        print(head)
        for name, row in result[phase].items():
            base = result["baseline"][name]
            p95_ratio = row["p95_ms"] / base["p95_ms"] if base["p95_ms"] else float("nan")
            print(
                f"  {name:26} {row['p50_ms']:7.1f} {row['p95_ms']:7.1f} {row['p99_ms']:7.1f} "
                f"{row['rps']:7.1f} {row['errors']:4d} | {base['p95_ms']:10.1f} {base['rps']:7.1f}"
                f" | {p95_ratio:6.1f} {'yes' if row['p95_ms'] < TARGET_P95_MS else 'NO':>6}"
            )


def build_roster_if_wanted(url: str, unit: str | None, first_day: str) -> str:
    if not unit:
        return "no roster plan built (--roster-unit not given)"
    done = subprocess.run(
        [
            *forceplan_command(),
            "roster",
            "build",
            "--unit",
            unit,
            "--from",
            first_day,
            "--weeks",
            "4",
            "--time-limit",
            "20",
            "-d",
            url,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return f"roster build for {unit} failed: {(done.stderr or done.stdout)[-300:]}"
    return f"built a 4-week roster plan for {unit} from {first_day}"


def run_backend(backend: str, args: argparse.Namespace, postgres: str | None) -> dict:
    with (
        tempfile.TemporaryDirectory(prefix="bench-web-") as tmp,
        store(backend, Path(tmp), postgres) as url,
    ):
        folder = Path(tmp)
        print(f"\n{backend}: loading the demo force")
        run_cli(
            "demo-data",
            "--officers",
            str(args.officers),
            "--years",
            str(args.years),
            "--seed",
            str(args.seed),
            "-d",
            url,
            "--no-summary",
        )
        run_cli("users", "demo", "--password-stdin", "-d", url, stdin=PASSWORD + "\n")
        roster_note = build_roster_if_wanted(url, args.roster_unit, args.roster_from)
        load_before = os.getloadavg()
        with serve(url, folder / "server.log") as (base, pid):
            result = asyncio.run(measure(base, args.users, args.seconds, args.think))
            result["server_peak_rss_mb"] = server_rss_mb(pid)
        result["notes"].insert(0, roster_note)
        result.update(
            seconds=args.seconds,
            load_average_before=[round(x, 2) for x in load_before],
            load_average_after=[round(x, 2) for x in os.getloadavg()],
        )
    report(backend, result, args.users)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0, help="per phase")
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean pause (s) of a user between pages in the target phase",
    )
    parser.add_argument("--officers", type=int, default=600)
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--postgres", help="PostgreSQL URL (default: the environment's)")
    parser.add_argument(
        "--backends",
        default=None,
        help="sqlite,postgresql (default: both when PostgreSQL is configured)",
    )
    parser.add_argument(
        "--roster-unit",
        default="N-RESP-A",
        help="build a roster plan for this unit first, for the grid endpoint ('' to skip)",
    )
    parser.add_argument("--roster-from", default="2026-04-06")
    args = parser.parse_args()
    postgres = args.postgres or postgres_base_url()
    backends = (args.backends or ("sqlite,postgresql" if postgres else "sqlite")).split(",")
    if "postgresql" in backends and not postgres:
        raise SystemExit(
            "PostgreSQL asked for but no URL: --postgres or "
            'eval "$(bash scripts/start-postgres.sh)"'
        )
    print(f"machine: {machine()}; load average {os.getloadavg()}")
    results = {b: run_backend(b, args, postgres) for b in backends}
    verdict = {
        b: all(row["p95_ms"] < TARGET_P95_MS for row in r["load"].values())
        for b, r in results.items()
    }
    print(
        f"\np95 < {TARGET_P95_MS:.0f} ms on every endpoint with {args.users} users pausing "
        f"{args.think:g} s on average: {verdict}"
    )
    result = {
        "users": args.users,
        "officers": args.officers,
        "target_p95_ms": TARGET_P95_MS,
        "think_seconds": args.think,
        "p95_target_met": verdict,
        **results,
    }
    print(f"written {write_result('web', result)}")


if __name__ == "__main__":
    main()
