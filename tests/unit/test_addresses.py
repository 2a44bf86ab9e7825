"""Hosts are read as resolvers read them; clients are keyed by address (IPv6 by its /64)."""

import ipaddress

import pytest

from agent_workspace.domain.addresses import UNKNOWN_CLIENT, client_key, host_address, is_local_host


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0X7F.0.0.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.000.000.001", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"),
        ("%31%32%37.0.0.1", "127.0.0.1"),
        ("\uff11\uff12\uff17.0.0.1", "127.0.0.1"),  # full-width digits
        ("0", "0.0.0.0"),
        ("0x", "0.0.0.0"),
        ("::ffff:7f00:1", "127.0.0.1"),
        ("[::ffff:127.0.0.1]", "127.0.0.1"),
        ("::127.0.0.1", "127.0.0.1"),
        ("::1", "::1"),
        ("0:0:0:0:0:0:0:1", "::1"),
        ("::", "::"),
        ("134744072", "8.8.8.8"),
        ("2001:db8::1", "2001:db8::1"),
    ],
)
def test_every_spelling_of_an_address_reads_as_that_address(host: str, address: str) -> None:
    assert host_address(host) == ipaddress.ip_address(address)


@pytest.mark.parametrize("host", ["workspace.example.com", "127.example.com", "x0.example", "a"])
def test_host_names_are_not_addresses(host: str) -> None:
    assert host_address(host) is None


@pytest.mark.parametrize(
    "host", ["1.2.3.4.5", "127.0.0.08", "256.1.1.1", "1.2.3.256", "127.16777216", "0xg.1", ":::"]
)
def test_a_host_that_ends_in_a_number_must_be_a_valid_address(host: str) -> None:
    with pytest.raises(ValueError, match="not an IPv"):
        host_address(host)


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("127.1", True),
        ("2130706433", True),
        ("0x7f.1", True),
        ("::ffff:7f00:1", True),
        ("::1", True),
        ("0.0.0.0", True),
        ("0.1.2.3", True),
        ("::", True),
        ("localhost", True),
        ("localhost.", True),
        ("LocalHost", True),
        ("app.localhost.", True),
        ("127.255.255.254", True),
        ("10.0.0.5", False),
        ("8.8.8.8", False),
        ("::ffff:8.8.8.8", False),
        ("2001:db8::1", False),
        ("workspace.example.com", False),
        ("localhost.example.com", False),
    ],
)
def test_local_hosts_are_found_in_any_spelling(host: str, local: bool) -> None:
    assert is_local_host(host) is local


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        (" 203.0.113.7 ", "203.0.113.7"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),
        ("fe80::1%eth0", "fe80::/64"),
        ("", UNKNOWN_CLIENT),
        ("not-an-address", UNKNOWN_CLIENT),
        ("127.1", UNKNOWN_CLIENT),  # a connection's address is never in a short form
    ],
)
def test_clients_are_keyed_by_address_and_ipv6_by_its_64(raw: str, key: str) -> None:
    assert client_key(raw) == key
