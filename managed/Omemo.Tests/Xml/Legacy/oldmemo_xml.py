"""Peer for the legacy XML compatibility test: Debian's python-oldmemo XML helpers (oldmemo.etree, which validates
with python3-xmlschema), run with /usr/bin/python3.

Reads one JSON request from stdin:
  {"seed": int,
   "sender_ik": b64 Ed25519 identity key of the sender (gives oldmemo the sign bit it needs),
   "encrypted": [str, ...],   # our legacy <encrypted> elements
   "bundles": [str, ...],     # our legacy <bundle> elements
   "devices": [str, ...]}     # our legacy <list> elements
and writes one JSON object to stdout:
  parsed:    what oldmemo.etree.parse_message / parse_bundle / parse_device_list read from each of ours, or
             {"ok": false, "error": ...} when it refused it. Bytes are base64; keys are raw 32-byte Curve25519.
  generated: elements serialized by oldmemo.etree.serialize_message / serialize_bundle / serialize_device_list from
             random data (seeded), each with the data that went in, for the other side to parse.
Exit code 3 when oldmemo, xmlschema or xeddsa cannot be imported.
"""
import asyncio
import base64
import sys
import xml.etree.ElementTree as ET

import xml_compat_driver
from typing import NamedTuple

try:
    import x3dh
    import xeddsa
    import doubleratchet
    from omemo import Message
    from oldmemo import etree as oldmemo_etree
    from oldmemo.oldmemo import (NAMESPACE, BundleImpl, ContentImpl, EncryptedKeyMaterialImpl, KeyExchangeImpl)
except ImportError as error:
    sys.stderr.write(f"python oldmemo peer unavailable: {error}\n")
    sys.exit(3)

SENDER = "juliet@capulet.example"
OWN = "romeo@montague.example"


def b64(data):
    return base64.b64encode(data).decode("ascii")


def refused(error):
    return {"ok": False, "error": f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"}


class Device(NamedTuple):
    device_id: int
    identity_key: bytes


class SessionManagerStub:
    """The one call parse_message makes: the sender's devices, for the identity key's sign bit."""

    def __init__(self, sid, identity_key):
        self.devices = frozenset([Device(sid, identity_key)])

    async def get_device_information(self, bare_jid):
        return self.devices


def read_message(xml, sender_ik):
    try:
        element = ET.fromstring(xml)
        sid = int(element.find(f"{{{NAMESPACE}}}header").get("sid"))
        message = asyncio.run(oldmemo_etree.parse_message(element, SENDER, OWN, SessionManagerStub(sid, sender_ik)))
    except Exception as error:  # report every refusal, whatever raised it
        return refused(error)
    keys = []
    for material, key_exchange in message.keys:
        header = material.encrypted_message.header
        entry = {
            "rid": material.device_id,
            "prekey": key_exchange is not None,
            "authenticated": b64(material.serialize()),
            "dh_pub": b64(header.ratchet_pub),
            "n": header.sending_chain_length,
            "pn": header.previous_sending_chain_length,
        }
        if key_exchange is not None:
            entry.update({
                "pk_id": key_exchange.pre_key_id,
                "spk_id": key_exchange.signed_pre_key_id,
                "ik": b64(xeddsa.ed25519_pub_to_curve25519_pub(key_exchange.header.identity_key)),
                "ek": b64(key_exchange.header.ephemeral_key),
            })
        keys.append(entry)
    return {
        "ok": True,
        "sid": message.device_id,
        "iv": b64(message.content.initialization_vector),
        "payload": None if message.content.empty else b64(message.content.ciphertext),
        "keys": keys,
    }


def wire_signature(bundle):
    """The signature as it travels: oldmemo hides the Ed25519 identity key's sign bit in bit 7 of byte 63."""
    sig = bytearray(bundle.bundle.signed_pre_key_sig)
    sig[63] |= bundle.bundle.identity_key[31] & 0x80
    return bytes(sig)


def describe_bundle(bundle):
    return {
        "ik": b64(xeddsa.ed25519_pub_to_curve25519_pub(bundle.bundle.identity_key)),
        "spk": b64(bundle.bundle.signed_pre_key),
        "spks": b64(wire_signature(bundle)),
        "spk_id": bundle.signed_pre_key_id,
        "prekeys": sorted(([pk_id, b64(pk)] for pk, pk_id in bundle.pre_key_ids.items()), key=lambda e: e[0]),
    }


def read_bundle(xml):
    try:
        bundle = oldmemo_etree.parse_bundle(ET.fromstring(xml), "peer@example.org", 1)
    except Exception as error:
        return refused(error)
    return {"ok": True, **describe_bundle(bundle)}


def read_devices(xml):
    try:
        devices = oldmemo_etree.parse_device_list(ET.fromstring(xml))
    except Exception as error:
        return refused(error)
    return {"ok": True, "devices": sorted(devices)}


def device_id(rng):
    return rng.randrange(1, 2 ** 31)


def make_message(rng, empty):
    keys, expected = set(), []
    for rid in {device_id(rng) for _ in range(rng.randrange(1, 6))}:
        # serialize() writes the authenticated message verbatim, so opaque bytes will do here.
        data = rng.randbytes(rng.randrange(40, 120))
        header = doubleratchet.Header(rng.randbytes(32), 0, 0)
        material = EncryptedKeyMaterialImpl(OWN, rid, doubleratchet.EncryptedMessage(header, data))
        key_exchange = None
        if rng.random() < 0.5:
            ik = xeddsa.seed_to_ed25519_pub(rng.randbytes(32))
            key_exchange = KeyExchangeImpl(x3dh.Header(ik, rng.randbytes(32), b"", b""), device_id(rng), device_id(rng))
            data, _ = key_exchange.serialize(data)
        keys.add((material, key_exchange))
        expected.append({"rid": rid, "prekey": key_exchange is not None, "data": b64(data)})
    content = ContentImpl.make_empty() if empty else ContentImpl(rng.randbytes(rng.randrange(1, 200)), rng.randbytes(12))
    sid = device_id(rng)
    message = Message(NAMESPACE, SENDER, sid, content, frozenset(keys))
    xml = ET.tostring(oldmemo_etree.serialize_message(message), encoding="unicode")
    return {"xml": xml, "sid": sid, "iv": b64(content.initialization_vector),
            "payload": None if empty else b64(content.ciphertext), "keys": expected}


def make_bundle(rng):
    seed = rng.randbytes(32)
    spk = xeddsa.priv_to_curve25519_pub(rng.randbytes(32))
    spks = xeddsa.ed25519_seed_sign(seed, b"\x05" + spk)
    ik = xeddsa.seed_to_ed25519_pub(seed)
    pre_keys = {xeddsa.priv_to_curve25519_pub(rng.randbytes(32)): pk_id for pk_id in range(1, 101)}
    bundle = BundleImpl(OWN, 31415, x3dh.Bundle(ik, spk, spks, frozenset(pre_keys)), device_id(rng), pre_keys)
    xml = ET.tostring(oldmemo_etree.serialize_bundle(bundle), encoding="unicode")
    return {"xml": xml, **describe_bundle(bundle)}


def make_devices(rng):
    devices = {device_id(rng): None for _ in range(rng.randrange(1, 8))}
    xml = ET.tostring(oldmemo_etree.serialize_device_list(devices), encoding="unicode")
    return {"xml": xml, "devices": sorted(devices)}


def main():
    xml_compat_driver.run(lambda entry, request: read_message(entry, base64.b64decode(request["sender_ik"])), read_bundle, read_devices, make_message, make_bundle, make_devices)


if __name__ == "__main__":
    main()
