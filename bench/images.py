"""Benchmark: storing a 12-megapixel photo, and memory under 20 concurrent uploads.

Part (a), in this process: ``clean_image`` (decode, orient, downscale, re-encode) on a
4000×3000 JPEG with EXIF, against the reference of Pillow merely decoding the same
file, so the figure is a ratio on this machine, not a bare timing.

Part (b), over real HTTP: an ``arena serve`` process; one upload end to end (HTTP,
clean, store), then 20 uploads at once. The server's peak resident memory (VmHWM)
is read before and after, so the growth is what the uploads cost.

Usage: .venv/bin/python bench/images.py [--rounds 5] [--concurrent 20]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
from PIL import Image

from arena.images.sanitize import clean_image


def photo(width: int = 4000, height: int = 3000, seed: int = 0) -> bytes:
    """A camera-like JPEG: smooth gradients plus sensor noise, with EXIF (GPS, orientation)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    base = np.stack([x * 255 / width, y * 255 / height, (x + y) * 127 / (width + height)], -1)
    pixels = np.clip(base + rng.normal(0, 12, base.shape), 0, 255).astype(np.uint8)
    exif = Image.Exif()
    exif[0x0112] = 6
    exif.get_ifd(0x8825)[2] = (48.0, 51.0, 24.0)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="JPEG", quality=92, exif=exif)
    return out.getvalue()


def _timed(fn: object, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def part_a(data: bytes, rounds: int) -> None:
    def decode_only() -> None:
        with Image.open(io.BytesIO(data)) as image:
            image.load()

    reference = _timed(decode_only, rounds)
    arena = _timed(lambda: clean_image(data), rounds)
    print(
        f"(a) 12 MP JPEG ({len(data) / 1e6:.1f} MB): clean_image {arena * 1000:.0f} ms, "
        f"Pillow decode alone {reference * 1000:.0f} ms, ratio {arena / reference:.2f}"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def _upload_many(base: str, data: bytes, count: int) -> list[float]:
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:

        async def one() -> float:
            start = time.perf_counter()
            files = {"file": ("photo.jpg", data, "image/jpeg")}
            response = await client.post("/api/v1/images", files=files)
            response.raise_for_status()
            return time.perf_counter() - start

        return list(await asyncio.gather(*(one() for _ in range(count))))


def part_b(data: bytes, concurrent: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="arena-bench-images-"))
    registry = folder / "models.yaml"
    # Two unreachable endpoints: the server starts without loading any model weights.
    registry.write_text(
        "models:\n"
        + "".join(
            f"  - name: m{i}\n    provider: openai\n    base_url: http://127.0.0.1:9/v1\n"
            for i in (1, 2)
        )
    )
    port = _free_port()
    env = {
        **os.environ,
        "ARENA_IMAGES_DIR": str(folder / "images"),
        "ARENA_RATE_UPLOADS_PER_MINUTE": "0",
    }
    arena = Path(sys.executable).parent / "arena"
    command = [str(arena), "serve", "--models", str(registry), "--port", str(port)]
    command += ["--db", f"sqlite:///{folder / 'arena.db'}", "--log-level", "warning"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/v1/models", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("arena serve did not start")
            time.sleep(0.2)
        idle = _peak_rss_mb(server.pid)
        asyncio.run(_upload_many(base, data, 1))  # warm: imports Pillow in the server
        single = statistics.median(asyncio.run(_upload_many(base, data, 1))[0] for _ in range(3))
        after_one = _peak_rss_mb(server.pid)
        many = asyncio.run(_upload_many(base, data, concurrent))
        after_many = _peak_rss_mb(server.pid)
        print(
            f"(b) one upload over HTTP, stored (median of 3, warm): {single * 1000:.0f} ms; "
            f"{concurrent} at once: median {statistics.median(many) * 1000:.0f} ms, "
            f"slowest {max(many) * 1000:.0f} ms"
        )
        print(
            f"    server peak RSS: idle {idle:.0f} MB, after one upload {after_one:.0f} MB, "
            f"after {concurrent} concurrent {after_many:.0f} MB "
            f"(+{after_many - idle:.0f} MB for {concurrent} uploads)"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrent", type=int, default=20)
    args = parser.parse_args()
    data = photo()
    part_a(data, args.rounds)
    part_b(data, args.concurrent)


if __name__ == "__main__":
    main()
