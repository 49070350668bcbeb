"""An independent observer for reload detection, in its own process (no shared GIL/loop with
the code under test): ``python -m benchmarks.observer URL`` polls URL back to back (1 ms
pauses) with the key from $OBSERVER_KEY and prints the CLOCK_MONOTONIC send and receive times
of its first 200 answer and how many requests it sent. Requests that arrive while PostgREST
swaps its cache are held and answered together, so the receive time is when "served" happens.
"""

from __future__ import annotations

import os
import sys
import time

import httpx

PAUSE = 0.001
LIMIT = 120.0  # seconds


def main(url: str) -> int:
    key = os.environ.get("OBSERVER_KEY", "")
    headers = {"Authorization": f"Bearer {key}", "apikey": key} if key else {}
    sent = 0
    with httpx.Client(timeout=httpx.Timeout(10.0), headers=headers) as client:
        client.get(url)  # connect before the clock matters
        print("ready", flush=True)
        deadline = time.monotonic() + LIMIT
        while time.monotonic() < deadline:
            at = time.monotonic()
            sent += 1
            try:
                if client.get(url).status_code == 200:
                    print(f"served {at:.6f} {time.monotonic():.6f} {sent}", flush=True)
                    return 0
            except httpx.HTTPError:
                pass
            time.sleep(PAUSE)
    print(f"timeout {sent}", flush=True)
    return 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
