"""Which hosts and addresses a link preview may reach: public unicast only.

The ranges follow the IANA special-purpose registries. We list them ourselves rather than trust
``ipaddress.is_global`` alone, because its answer differs between Python versions (3.11 calls
224.0.0.1 and ff02::1 global, for instance); both checks must pass.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_REFUSED_V4 = tuple(ipaddress.ip_network(net) for net in (
    "0.0.0.0/8",          # "this network", includes the unspecified 0.0.0.0
    "10.0.0.0/8",         # private
    "100.64.0.0/10",      # carrier-grade NAT
    "127.0.0.0/8",        # loopback
    "169.254.0.0/16",     # link-local, where cloud metadata services live
    "172.16.0.0/12",      # private
    "192.0.0.0/24",       # IETF protocol assignments
    "192.0.2.0/24",       # documentation (TEST-NET-1)
    "192.88.99.0/24",     # 6to4 relay anycast (deprecated)
    "192.168.0.0/16",     # private
    "198.18.0.0/15",      # benchmarking
    "198.51.100.0/24",    # documentation (TEST-NET-2)
    "203.0.113.0/24",     # documentation (TEST-NET-3)
    "224.0.0.0/4",        # multicast
    "240.0.0.0/4",        # reserved, includes broadcast 255.255.255.255
))

_REFUSED_V6 = tuple(ipaddress.ip_network(net) for net in (
    "::/8",               # unspecified, loopback, IPv4-compatible and IPv4-mapped addresses
    "64:ff9b::/96",       # NAT64: would reach any IPv4 address, private ones included
    "64:ff9b:1::/48",     # local-use NAT64
    "100::/64",           # discard-only
    "2001::/23",          # IETF protocol assignments: Teredo, benchmarking, ORCHID
    "2001:db8::/32",      # documentation
    "2002::/16",          # 6to4: embeds an IPv4 address we would have to judge instead
    "3fff::/20",          # documentation
    "5f00::/16",          # segment routing SIDs
    "fc00::/7",           # unique-local
    "fe80::/10",          # link-local
    "fec0::/10",          # site-local (deprecated)
    "ff00::/8",           # multicast
))

# Cloud instance metadata endpoints: never fetched, even for an allow-listed host that resolves there.
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(ip) for ip in (
    "169.254.169.254",    # AWS, GCP, Azure, OpenStack, DigitalOcean...
    "169.254.170.2",      # AWS ECS task metadata
    "fd00:ec2::254",      # AWS over IPv6
    "100.100.100.200",    # Alibaba Cloud
))

METADATA_HOST_NAMES = frozenset({
    "metadata",
    "metadata.google.internal",
    "metadata.goog",
    "instance-data",
    "instance-data.ec2.internal",
    "metadata.azure.internal",
    "metadata.tencentyun.com",
})


def normalize_host(host: str) -> str:
    """Lower-case, without IPv6 brackets or trailing dots: the form host names are compared in."""
    return host.strip().strip("[]").rstrip(".").lower()


def is_metadata_host(host: str) -> bool:
    """A cloud metadata service's name: refused whatever the allow-list says."""
    return normalize_host(host) in METADATA_HOST_NAMES


def is_local_host_name(host: str) -> bool:
    """``localhost`` and every ``*.localhost`` (RFC 6761 says they all mean this machine)."""
    name = normalize_host(host)
    return name == "localhost" or name.endswith(".localhost")


def is_metadata_address(ip: IPAddress) -> bool:
    """A cloud metadata endpoint, in any spelling: refused whatever the allow-list says."""
    mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
    return ip in METADATA_ADDRESSES or mapped in METADATA_ADDRESSES


def is_public_address(ip: IPAddress) -> bool:
    """True only for a globally routable unicast address that a preview may connect to."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return False  # the kernel would connect to the embedded IPv4 address: refuse the form itself
        if ip.scope_id:
            return False  # a zone index only makes sense for link-local addresses
    if any(ip in network for network in (_REFUSED_V6 if ip.version == 6 else _REFUSED_V4)):
        return False
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_private)


def parse_ip_literal(host: str) -> IPAddress | None:
    """The address a URL host names literally, or None for a host name.

    Besides the usual forms this reads what inet_aton() and browsers read as IPv4: decimal
    ``2130706433``, octal ``0177.0.0.1``, hex ``0x7f.0.0.1`` and short ``127.1``. Parsing them
    ourselves means they are judged as the address they mean whatever the C library would do.
    """
    name = host.strip().strip("[]")
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        return _parse_legacy_ipv4(name)


def _parse_legacy_ipv4(name: str) -> ipaddress.IPv4Address | None:
    parts = name.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()  # one trailing dot is allowed, as in a fully qualified name
    if not 1 <= len(parts) <= 4:
        return None
    numbers = [_parse_ipv4_part(part) for part in parts]
    if any(number is None for number in numbers):
        return None
    *leading, last = numbers
    if any(number > 255 for number in leading) or last >= 256 ** (5 - len(numbers)):
        return None
    value = last
    for position, number in enumerate(leading):
        value += number << (8 * (3 - position))
    return ipaddress.IPv4Address(value)


_DIGITS = {8: "01234567", 10: "0123456789", 16: "0123456789abcdefABCDEF"}


def _parse_ipv4_part(part: str) -> int | None:
    if part[:2].lower() == "0x":
        digits, base = part[2:] or "0", 16
    elif len(part) > 1 and part.startswith("0"):
        digits, base = part[1:], 8
    else:
        digits, base = part, 10
    if not digits or any(char not in _DIGITS[base] for char in digits):
        return None
    return int(digits, base)


class HostAllowList:
    """Hosts that may be fetched although they are internal (a company intranet LMS).

    Entries are host names or IP addresses, matched exactly against the URL's host, ignoring case,
    a trailing dot and the port; an IP entry also matches the other spellings of that address.
    """

    def __init__(self, hosts: Iterable[str] = ()) -> None:
        self._keys = frozenset(_host_key(host) for host in hosts if host.strip())

    def __bool__(self) -> bool:
        return bool(self._keys)

    def permits(self, host: str) -> bool:
        return _host_key(host) in self._keys


def _host_key(host: str) -> str:
    ip = parse_ip_literal(host)
    return str(ip) if ip is not None else normalize_host(host)
