"""Nodes are processes on this host, so the addresses the sandbox reports for them are
loopback aliases: the first octet of moto's made-up IPv4 address becomes 127
(172.31.5.9 -> 127.31.5.9, 10.1.2.3 -> 127.1.2.3). Linux routes all of 127.0.0.0/8 to
`lo`, so a client that connects to a node's address stays on this machine, and the
mapping is deterministic and keeps the addresses of one VPC (a /8 or smaller) distinct."""

import re

IPV4 = re.compile(r"(?<![\d.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\d.])")
# Instance and network-interface replies: address elements, and the names built from them
# (ip-10-1-2-3.ec2.internal, ec2-54-214-1-2.compute-1.amazonaws.com).
_ADDRESS_ELEMENT = re.compile(r"<(privateIpAddress|publicIp|ipAddress)>([^<]*)</\1>")
_NAME_ELEMENT = re.compile(r"<(privateDnsName|publicDnsName|dnsName)>([^<]*)</\1>")
_NAME_ADDRESS = re.compile(r"\b(ip|ec2)-\d{1,3}-(\d{1,3}-\d{1,3}-\d{1,3})\b")


def alias(address):
    """The loopback alias of an IPv4 address; anything else (None, IPv6, text) unchanged."""
    if not isinstance(address, str):
        return address
    match = IPV4.fullmatch(address)
    if not match or not all(0 <= int(part) <= 255 for part in match.groups()):
        return address
    return "127." + ".".join(match.groups()[1:])


def rewrite_text(text, known):
    """Replace each address of `known` found in text (an output value, say) by its alias."""
    if not isinstance(text, str):
        return text
    return IPV4.sub(lambda m: alias(m.group(0)) if m.group(0) in known else m.group(0), text)


def rewrite_ec2_xml(body):
    """An EC2 instance or network-interface reply (bytes) with every IPv4 address of an
    instance or interface, and the DNS names made from them, replaced by the aliases."""
    text = body.decode("utf-8")
    text = _ADDRESS_ELEMENT.sub(
        lambda m: f"<{m.group(1)}>{alias(m.group(2))}</{m.group(1)}>", text)
    text = _NAME_ELEMENT.sub(
        lambda m: "<{0}>{1}</{0}>".format(
            m.group(1), _NAME_ADDRESS.sub(r"\1-127-\2", m.group(2))), text)
    return text.encode("utf-8")
