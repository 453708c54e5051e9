"""``free_port``: the ports kefu picks for its own servers (embedded Redis, the test stacks)."""

from __future__ import annotations

import socket

from kefu.redis_server import _ephemeral_range, free_port


def test_free_port_lies_below_the_ephemeral_range_so_no_outgoing_connection_can_take_it() -> None:
    low, high = _ephemeral_range()
    assert 0 < low <= high
    ports = {free_port() for _ in range(20)}
    assert all(port < low for port in ports), (sorted(ports), low)
    for port in ports:  # and each is really free
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", port))
