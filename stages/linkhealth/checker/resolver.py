"""Name resolution that refuses private and internal addresses (the SSRF guard), once per host."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable

from aiohttp.abc import AbstractResolver, ResolveResult

from . import netpolicy

Lookup = Callable[[str, int], Awaitable[list[str]]]


class PrivateAddressError(OSError):
    """The host resolves to an address the checker must not reach."""


async def system_lookup(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [info[4][0] for info in infos]


class Resolver(AbstractResolver):
    """Resolves each host once per run and, unless allowed, refuses non-public addresses.

    The connector uses it too, so a host that changes its answer between our
    check and the connection (DNS rebinding) is still refused.
    """

    def __init__(self, lookup: Lookup, allow_private: bool):
        self._lookup = lookup
        self._allow_private = allow_private
        self._cache: dict[tuple[str, int], asyncio.Future[list[str]]] = {}

    async def addresses(self, host: str, port: int) -> list[str]:
        key = (host, port)
        if key not in self._cache:
            self._cache[key] = asyncio.ensure_future(self._lookup(host, port))
        addresses = await asyncio.shield(self._cache[key])
        if not addresses:
            raise socket.gaierror(socket.EAI_NONAME, "no address")
        if not self._allow_private:
            for address in addresses:
                reason = netpolicy.address_refusal(address)
                if reason is not None:
                    raise PrivateAddressError(f"{host} resolves to non-public address {address} ({reason})")
        return addresses

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results: list[ResolveResult] = []
        for address in await self.addresses(host, port):
            fam = socket.AF_INET6 if ":" in address else socket.AF_INET
            if family not in (socket.AF_UNSPEC, fam):
                continue
            results.append(
                {
                    "hostname": host,
                    "host": address,
                    "port": port,
                    "family": fam,
                    "proto": 0,
                    "flags": socket.AI_NUMERICHOST,
                }
            )
        if not results:
            raise socket.gaierror(socket.EAI_NONAME, f"no address for {host} in the wanted family")
        return results

    async def close(self) -> None:
        for future in self._cache.values():
            future.cancel()
