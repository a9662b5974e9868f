"""What every local server has: a name, an address, a way to start and a readiness probe."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from devstack.process import Managed


@dataclass(frozen=True)
class Server:
    name: str
    title: str
    address: str
    process: Managed
    start: Callable[[], None]
    ready: Callable[[], bool]
    timeout: float = 180.0

    def wait_ready(self) -> None:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.ready():
                return
            if self.process.pid() is None:
                raise RuntimeError(
                    f"{self.title} завершился при запуске. Журнал {self.process.log_file}:\n"
                    f"{self.process.tail()}"
                )
            time.sleep(0.5)
        raise TimeoutError(
            f"{self.title} не ответил за {self.timeout:.0f} с. Журнал {self.process.log_file}:\n"
            f"{self.process.tail()}"
        )
