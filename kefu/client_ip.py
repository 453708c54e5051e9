"""The client's address of a request: the socket's peer, or — only when that peer is one of
``KEFU_TRUSTED_PROXIES`` — the address the proxies put in ``X-Forwarded-For``.

A client can write any ``X-Forwarded-For`` it likes, so the header is read from the right: each
trusted proxy appends the address it received from, and the first address from the right that
is not a trusted proxy is the client. Without trusted proxies the header is ignored. One rule
for every server (rate limits, socket caps, login throttling)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

__all__ = ["TrustedProxies", "parse_trusted_proxies"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_trusted_proxies(value: str | Iterable[str]) -> TrustedProxies:
    """``"10.0.0.1, 10.1.0.0/16, ::1"`` → the networks; a bad entry raises ValueError."""
    items = value.split(",") if isinstance(value, str) else list(value)
    networks = [ipaddress.ip_network(item.strip(), strict=False) for item in items if item.strip()]
    return TrustedProxies(tuple(networks))


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip().strip('"')
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


class TrustedProxies:
    def __init__(self, networks: tuple[Network, ...] = ()) -> None:
        self.networks = networks

    def trusts(self, address: Any) -> bool:
        return address is not None and any(address in net for net in self.networks)

    def client(self, peer: str, forwarded_for: str | None) -> str:
        """The client's address as text (``peer`` when the header is not to be believed)."""
        peer_address = _address(peer)
        if not self.networks or not forwarded_for or not self.trusts(peer_address):
            return peer or "unknown"
        for hop in reversed(forwarded_for.split(",")):
            address = _address(hop)
            if address is None:
                return peer  # a malformed header from a trusted proxy: fall back to the proxy
            if not self.trusts(address):
                return str(address)
        return peer  # every hop a proxy of ours: the request started inside

    def of_request(self, request: Any) -> str:
        """For a Sanic request: its socket peer and its X-Forwarded-For."""
        peer = str(getattr(request, "ip", "") or "")
        return self.client(peer, request.headers.get("x-forwarded-for"))
