"""Wrong join links per client address: past a limit in a window, an address must wait."""

from __future__ import annotations

import ipaddress
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Final

from aiohttp import web

WRONG_LINKS_PER_WINDOW: Final = 10
"""Wrong join tokens one address may present per window before it must wait (HTTP 429)."""
WRONG_LINK_WINDOW: Final = 60.0


class WrongLinkLimiter:
    """Wrong join tokens per client address in a sliding window; past the limit, wait.

    A join token has 192 random bits, so this is not what keeps it secret; it keeps a
    guesser from hammering the server. IPv6 addresses count per /64 (one host can use a
    whole /64), and the table forgets quiet addresses, so it cannot grow without bound.
    """

    MAX_ADDRESSES: Final = 10_000

    def __init__(
        self,
        limit: int = WRONG_LINKS_PER_WINDOW,
        window: float = WRONG_LINK_WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._misses: OrderedDict[str, deque[float]] = OrderedDict()

    def blocked(self, address: str) -> bool:
        """Tell whether `address` has used up its wrong links for now."""
        misses = self._misses.get(address)
        if misses is None:
            return False
        horizon = self.clock() - self.window
        while misses and misses[0] <= horizon:
            misses.popleft()
        if not misses:
            del self._misses[address]
            return False
        return len(misses) >= self.limit

    def record(self, address: str) -> None:
        """Count one wrong token from `address`."""
        misses = self._misses.pop(address, None) or deque(maxlen=self.limit)
        misses.append(self.clock())
        self._misses[address] = misses  # most recent last
        while len(self._misses) > self.MAX_ADDRESSES:
            self._misses.popitem(last=False)


def _address_of(request: web.Request) -> str:
    """The client's address as the limits count it (IPv6 by its /64 network)."""
    remote = request.remote or "unknown"
    try:
        ip = ipaddress.ip_address(remote)
    except ValueError:
        return remote
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
