"""Which address a request came from, believing ``X-Forwarded-For`` only from our proxies.

The address feeds the salted client hash behind rate limits and anomaly flags, so a
header any client can write must not choose it. With ``ARENA_TRUSTED_PROXIES`` empty
(the default) the header is ignored and the TCP peer is the client. With proxies
listed, the header is read from the right (the hop nearest us) past every trusted
proxy; the first address that is not one is the client. ``arena serve`` passes the
same list to uvicorn (``forwarded_allow_ips``), so both agree on the peer.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from arena.errors import InvalidInput

__all__ = ["TrustedProxies", "client_address", "parse_proxies", "uvicorn_proxy_options"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class TrustedProxies:
    def __init__(self, spec: str) -> None:
        self.spec = ",".join(part.strip() for part in spec.split(",") if part.strip())
        self.networks: list[Network] = []
        for part in self.spec.split(",") if self.spec else []:
            try:
                self.networks.append(ipaddress.ip_network(part, strict=False))
            except ValueError:
                raise InvalidInput(
                    f"ARENA_TRUSTED_PROXIES: {part!r} is not an address or network"
                ) from None

    def __bool__(self) -> bool:
        return bool(self.networks)

    def trusts(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in net for net in self.networks)


@lru_cache(maxsize=8)
def parse_proxies(spec: str) -> TrustedProxies:
    return TrustedProxies(spec)


def client_address(peer: str, forwarded_for: list[str], proxies: TrustedProxies) -> str:
    """The client's address, given the TCP peer and the ``X-Forwarded-For`` header values."""
    if not proxies or not proxies.trusts(peer):
        return peer
    hops = [h.strip() for value in forwarded_for for h in value.split(",") if h.strip()]
    for hop in reversed(hops):
        if not proxies.trusts(hop):
            return hop
    return hops[0] if hops else peer


def uvicorn_proxy_options(trusted_proxies: str) -> dict[str, Any]:
    """uvicorn's own forwarding settings, matching ours: off unless proxies are listed."""
    proxies = parse_proxies(trusted_proxies)
    if not proxies:
        return {"proxy_headers": False, "forwarded_allow_ips": ""}
    return {"proxy_headers": True, "forwarded_allow_ips": proxies.spec}
