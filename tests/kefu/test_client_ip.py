"""X-Forwarded-For is read from the right and only through trusted proxies."""

from __future__ import annotations

import pytest

from kefu.client_ip import parse_trusted_proxies


def test_without_trusted_proxies_the_header_is_ignored():
    assert parse_trusted_proxies("").client("198.51.100.1", "1.2.3.4") == "198.51.100.1"


def test_the_first_untrusted_hop_from_the_right_is_the_client():
    proxies = parse_trusted_proxies("10.0.0.0/8, ::1")
    # the client wrote "6.6.6.6" itself; the proxies appended what they saw
    assert proxies.client("10.0.0.2", "6.6.6.6, 203.0.113.7, 10.0.0.1") == "203.0.113.7"
    assert proxies.client("::1", "2001:db8::5") == "2001:db8::5"
    assert proxies.client("203.0.113.9", "1.2.3.4") == "203.0.113.9"  # not from a proxy
    assert proxies.client("10.0.0.2", "10.0.0.3") == "10.0.0.2"  # started inside
    assert proxies.client("10.0.0.2", "not-an-ip") == "10.0.0.2"
    assert proxies.client("10.0.0.2", "203.0.113.7:5555") == "203.0.113.7"


def test_a_bad_setting_is_refused():
    from console.settings import StaffSettings

    with pytest.raises(ValueError, match="trusted_proxies"):
        StaffSettings(trusted_proxies="10.0.0.0/8, nonsense")
