"""Running wolkenwacht as a cron job would: real processes against real servers on loopback."""

import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).parent.parent
TIMESTAMPED = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} (DEBUG|INFO|WARNING|ERROR|CRITICAL) \S+: "


def onprem_config(folder: Path, *exchange_urls: str, extra: str = "", name: str = "config.toml") -> Path:
    """A config (folder/name) scanning only the given on-premises Exchange URLs into folder/inventory.db."""
    urls = ", ".join(f'"{url}"' for url in exchange_urls)
    path = folder / name
    path.write_text(f'database = "sqlite:///inventory.db"\n{extra}\n[[onprem]]\nname = "onprem"\n'
                    f"exchange_urls = [{urls}]\ntimeout_seconds = 120\n", encoding="utf-8")
    return path


def wolkenwacht(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the CLI in its own process; stderr is a pipe, not a terminal."""
    return subprocess.run([sys.executable, "-m", "scanner", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "scanner", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def scans(database: Path) -> dict[int, str]:
    """Scan id -> status, read with plain sqlite3."""
    with sqlite3.connect(database) as conn:
        return dict(conn.execute("select id, status from scan order by id"))


class HangingServer:
    """Accepts connections on 127.0.0.1 and never answers: a scan that reaches it waits."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/owa/"
        self.connected = threading.Event()
        self.clients: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            self.clients.append(client)
            self.connected.set()

    def wait(self, process: subprocess.Popen, seconds: float = 120) -> None:
        """Wait until the process reached this server (its scan is running), or fail."""
        deadline = time.monotonic() + seconds
        while not self.connected.wait(0.2):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the scan never reached the server"

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.sock.close()
        for client in self.clients:
            client.close()
