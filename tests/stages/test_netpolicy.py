"""The link checker's address and host policy (pure): every IPv6 form that carries IPv4 is judged by that IPv4."""

import pytest

from stages.linkhealth.checker.netpolicy import address_refusal, host_refusal, legacy_ipv4


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        # NAT64, well-known prefix (RFC 6052): the IPv4 address in the last 32 bits.
        ("64:ff9b::a9fe:a9fe", "NAT64 form of 169.254.169.254, link-local"),
        ("64:ff9b::7f00:1", "NAT64 form of 127.0.0.1, loopback"),
        ("64:ff9b::10.0.0.1", "NAT64 form of 10.0.0.1, private"),
        # NAT64, local-use prefix (RFC 8215): refused whole, the embedding depends on the operator.
        ("64:ff9b:1::a9fe:a9fe", "local-use NAT64 address"),
        ("64:ff9b:1:ffff::1", "local-use NAT64 address"),
        # 6to4 (RFC 3056): the IPv4 address in bits 16-47.
        ("2002:7f00:1::", "6to4 form of 127.0.0.1, loopback"),
        ("2002:a9fe:a9fe::1", "6to4 form of 169.254.169.254, link-local"),
        ("2002:c0a8:1::1", "6to4 form of 192.168.0.1, private"),
        # Teredo (RFC 4380): server in bits 32-63, client obfuscated in the last 32 bits.
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo form of 192.0.2.45, private"),
        ("2001:0:7f00:1:8000:63bf:80ff:fffe", "Teredo form of 127.0.0.1, loopback"),
        ("2001:0:808:808:8000:63bf:f7f7:f7f7", "Teredo tunnel address (client 8.8.8.8)"),
        # IPv4-mapped and IPv4-compatible.
        ("::ffff:127.0.0.1", "IPv4-mapped form of 127.0.0.1, loopback"),
        ("::ffff:a9fe:a9fe", "IPv4-mapped form of 169.254.169.254, link-local"),
        ("::ffff:0:127.0.0.1", "IPv4-translated form of 127.0.0.1, loopback"),
        ("::127.0.0.1", "IPv4-compatible form of 127.0.0.1, loopback"),
        ("::10.1.2.3", "IPv4-compatible form of 10.1.2.3, private"),
        # Plain IPv6 ranges.
        ("fec0::1", "site-local"),
        ("fefe::1", "site-local"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fe80::1%eth0", "address with a zone index"),
        ("fd00::1", "private"),
        ("ff02::1", "multicast"),
        ("2001:db8::1", "private"),
        # IPv4.
        ("127.0.0.1", "loopback"),
        ("169.254.169.254", "link-local"),
        ("10.1.2.3", "private"),
        ("100.64.0.1", "not globally reachable"),
        ("0.0.0.0", "unspecified"),  # noqa: S104 - an address under test, nothing binds
        ("224.0.0.1", "multicast"),
    ],
)
def test_non_public_address_is_refused_with_its_reason(address, reason):
    assert address_refusal(address) == reason


@pytest.mark.parametrize(
    "address",
    ["8.8.8.8", "2606:4700:4700::1111", "64:ff9b::808:808", "2002:808:808::1", "::ffff:8.8.8.8"],
)
def test_public_address_is_allowed_in_every_form(address):
    assert address_refusal(address) is None


def test_text_that_is_no_address_is_refused():
    assert address_refusal("not-an-address") == "not an IP address"


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("169.254.43518", "169.254.169.254"),
        ("0xa9.0xfe.0xa9.0xfe", "169.254.169.254"),
        ("8.8.8.8.", "8.8.8.8"),
    ],
)
def test_legacy_ipv4_spellings_are_decoded(host, address):
    assert str(legacy_ipv4(host)) == address


@pytest.mark.parametrize("host", ["127.0.0.1", "example.com", "1e100.net", "0x.example", "4294967296", "256.1.1.1"])
def test_names_and_standard_addresses_are_not_legacy_ipv4(host):
    assert legacy_ipv4(host) is None


@pytest.mark.parametrize(
    ("host", "reason"),
    [
        ("2130706433", "is the IPv4 address 127.0.0.1 in a non-standard spelling"),
        ("0x7f.1", "is the IPv4 address 127.0.0.1 in a non-standard spelling"),
        ("a" * 64 + ".example.com", "label is longer than 63"),
        (("a" * 60 + ".") * 5 + "com", "longer than 253"),
        ("\u0430pple.com", "mixes cyrillic and latin letters"),
        ("xn--pple-43d.com", "mixes cyrillic and latin letters"),
        ("p\u0430yp\u0430l.com", "mixes cyrillic and latin letters"),
        ("g\u03bf\u03bfgle.com", "mixes greek and latin letters"),
    ],
)
def test_hostile_host_name_is_refused_before_any_lookup(host, reason):
    assert reason in host_refusal(host)


@pytest.mark.parametrize(
    "host", ["example.com", "b\u00fccher.de", "\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444", "日本語ドメイン.jp"]
)
def test_ordinary_and_single_script_international_names_are_allowed(host):
    assert host_refusal(host) is None
