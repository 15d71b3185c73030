"""A private PulseAudio server with one null sink, and a recorder of what reaches it.

Real playback is checked against it: ``apt-get install pulseaudio`` (it brings ``parec``);
without it the tests that need it are skipped. The server is this test's own child process
(its own runtime folder, anonymous access on its own socket), so nothing else is touched.
"""

from __future__ import annotations

import array
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

SINK = "stretch_timer_test"
START_TIMEOUT_S = 10.0


@dataclass
class NullSink:
    server: str
    """For ``PULSE_SERVER``: ``unix:/path/native``."""
    runtime: Path

    @contextmanager
    def recording(self) -> Iterator[Path]:
        """Records the sink's monitor (mono, 16-bit, 44.1 kHz raw) to a file while inside."""
        raw = self.runtime / "monitor.raw"
        with raw.open("wb") as out:
            parec = subprocess.Popen(
                [
                    "parec",
                    f"--server={self.server}",
                    f"--device={SINK}.monitor",
                    "--format=s16le",
                    "--channels=1",
                    "--rate=44100",
                    "--raw",
                ],
                stdout=out,
                stderr=subprocess.DEVNULL,
            )
            try:
                wait_for(lambda: raw.stat().st_size > 0, "parec records nothing")
                yield raw
            finally:
                parec.terminate()
                parec.wait(5)


def loudest(raw: Path) -> int:
    """The largest sample (absolute) in a raw recording."""
    data = raw.read_bytes()
    samples = array.array("h", data[: len(data) // 2 * 2])
    return max((abs(value) for value in samples), default=0)


def wait_for(condition: Callable[[], bool], message: str, timeout: float = START_TIMEOUT_S) -> None:
    """Polls ``condition`` until it is true; fails with ``message`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(message)
        time.sleep(0.02)


@pytest.fixture
def null_sink() -> Iterator[NullSink]:
    pulseaudio = shutil.which("pulseaudio")
    if pulseaudio is None or shutil.which("parec") is None:
        pytest.skip("needs PulseAudio's server and parec (apt-get install pulseaudio)")
    # A short path: a Unix socket's path is limited to about 100 bytes.
    runtime = Path(tempfile.mkdtemp(prefix="st-pulse-", dir="/tmp"))
    socket = runtime / "native"
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime), HOME=str(runtime))
    server = subprocess.Popen(
        [
            pulseaudio,
            "-n",
            "--daemonize=no",
            "--exit-idle-time=-1",
            "--use-pid-file=no",
            f"--load=module-null-sink sink_name={SINK}",
            f"--load=module-native-protocol-unix auth-anonymous=1 socket={socket}",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not socket.exists():
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.skip("PulseAudio's server did not start here")
            time.sleep(0.02)
        yield NullSink(f"unix:{socket}", runtime)
    finally:
        server.terminate()
        try:
            server.wait(5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(runtime, ignore_errors=True)
