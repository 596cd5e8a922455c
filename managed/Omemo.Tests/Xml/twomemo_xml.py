"""Peer for the XML compatibility tests: Debian's python-twomemo XML helpers (twomemo.etree, which validates with
python3-xmlschema), run with /usr/bin/python3.

Reads one JSON request from stdin:
  {"seed": int,
   "encrypted": [{"xml": str, "sender": bare jid}, ...],   # our <encrypted> elements
   "bundles": [str, ...],                                   # our <bundle> elements
   "devices": [str, ...]}                                   # our <devices> elements
and writes one JSON object to stdout:
  parsed:    what twomemo.etree.parse_message / parse_bundle / parse_device_list read from each of ours, or
             {"ok": false, "error": ...} when it refused it. Bytes are base64.
  generated: elements serialized by twomemo.etree.serialize_message / serialize_bundle / serialize_device_list from
             random data (seeded), each with the data that went in, for the other side to parse.
Exit code 3 when twomemo, xmlschema or xeddsa cannot be imported.
"""
import base64
import sys
import xml.etree.ElementTree as ET

import xml_compat_driver

try:
    import x3dh
    import xeddsa
    import doubleratchet
    from omemo import Message
    from twomemo import etree as twomemo_etree
    from twomemo.twomemo import (NAMESPACE, BundleImpl, ContentImpl, EncryptedKeyMaterialImpl,
                                 KeyExchangeImpl)
    from twomemo.twomemo_pb2 import OMEMOAuthenticatedMessage, OMEMOMessage
except ImportError as error:
    sys.stderr.write(f"python twomemo peer unavailable: {error}\n")
    sys.exit(3)


def b64(data):
    return base64.b64encode(data).decode("ascii")


def refused(error):
    return {"ok": False, "error": f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"}


def read_message(xml, sender):
    try:
        message = twomemo_etree.parse_message(ET.fromstring(xml), sender)
    except Exception as error:  # report every refusal, whatever raised it
        return refused(error)
    keys = []
    for material, key_exchange in message.keys:
        header = material.encrypted_message.header
        entry = {
            "jid": material.bare_jid,
            "rid": material.device_id,
            "kex": key_exchange is not None,
            "authenticated": b64(material.serialize()),
            "dh_pub": b64(header.ratchet_pub),
            "n": header.sending_chain_length,
            "pn": header.previous_sending_chain_length,
        }
        if key_exchange is not None:
            entry.update({
                "pk_id": key_exchange.pre_key_id,
                "spk_id": key_exchange.signed_pre_key_id,
                "ik": b64(key_exchange.header.identity_key),
                "ek": b64(key_exchange.header.ephemeral_key),
            })
        keys.append(entry)
    return {
        "ok": True,
        "sender": message.bare_jid,
        "sid": message.device_id,
        "payload": None if message.content.empty else b64(message.content.ciphertext),
        "keys": keys,
    }


def read_bundle(xml):
    try:
        bundle = twomemo_etree.parse_bundle(ET.fromstring(xml), "peer@example.org", 1)
    except Exception as error:
        return refused(error)
    return {
        "ok": True,
        "ik": b64(bundle.bundle.identity_key),
        "spk": b64(bundle.bundle.signed_pre_key),
        "spks": b64(bundle.bundle.signed_pre_key_sig),
        "spk_id": bundle.signed_pre_key_id,
        "prekeys": sorted(([pk_id, b64(pk)] for pk, pk_id in bundle.pre_key_ids.items()), key=lambda e: e[0]),
    }


def read_devices(xml):
    try:
        devices = twomemo_etree.parse_device_list(ET.fromstring(xml))
    except Exception as error:
        return refused(error)
    return {"ok": True, "devices": [[device_id, label] for device_id, label in sorted(devices.items())]}


def authenticated_message(rng):
    """A well-formed OMEMOAuthenticatedMessage with random contents, and its header fields."""
    dh_pub = rng.randbytes(32)
    n, pn = rng.randrange(0, 1000), rng.randrange(0, 1000)
    inner = OMEMOMessage(n=n, pn=pn, dh_pub=dh_pub, ciphertext=rng.randbytes(48)).SerializeToString()
    data = OMEMOAuthenticatedMessage(mac=rng.randbytes(16), message=inner).SerializeToString()
    return data, doubleratchet.Header(dh_pub, pn, n)


def device_id(rng):
    return rng.randrange(1, 2 ** 31)


def make_message(rng, empty):
    sender = "juliet@capulet.example"
    keys, expected = set(), []
    for jid in ("juliet@capulet.example", "romeo@montague.example", "mercutio@verona.example")[: rng.randrange(1, 4)]:
        for rid in {device_id(rng) for _ in range(rng.randrange(1, 4))}:
            data, header = authenticated_message(rng)
            material = EncryptedKeyMaterialImpl(jid, rid, doubleratchet.EncryptedMessage(header, data))
            key_exchange = None
            if rng.random() < 0.5:
                key_exchange = KeyExchangeImpl(x3dh.Header(rng.randbytes(32), rng.randbytes(32), b"", b""),
                                               device_id(rng), device_id(rng))
                data = key_exchange.serialize(data)
            keys.add((material, key_exchange))
            expected.append({"jid": jid, "rid": rid, "kex": key_exchange is not None, "data": b64(data)})
    payload = b"" if empty else rng.randbytes(rng.randrange(16, 200))
    sid = device_id(rng)
    message = Message(NAMESPACE, sender, sid, ContentImpl(payload), frozenset(keys))
    xml = ET.tostring(twomemo_etree.serialize_message(message), encoding="unicode")
    return {"xml": xml, "sid": sid, "payload": None if empty else b64(payload), "keys": expected}


def make_bundle(rng):
    seed = rng.randbytes(32)
    spk = xeddsa.priv_to_curve25519_pub(rng.randbytes(32))
    spks = xeddsa.ed25519_seed_sign(seed, spk)
    ik = xeddsa.seed_to_ed25519_pub(seed)
    pre_keys = {xeddsa.priv_to_curve25519_pub(rng.randbytes(32)): pk_id for pk_id in range(1, 101)}
    spk_id = rng.randrange(1, 2 ** 31)
    bundle = BundleImpl("romeo@montague.example", 31415, x3dh.Bundle(ik, spk, spks, frozenset(pre_keys)), spk_id,
                        pre_keys)
    xml = ET.tostring(twomemo_etree.serialize_bundle(bundle), encoding="unicode")
    return {"xml": xml, "ik": b64(ik), "spk": b64(spk), "spks": b64(spks), "spk_id": spk_id,
            "prekeys": sorted(([pk_id, b64(pk)] for pk, pk_id in pre_keys.items()), key=lambda e: e[0])}


def make_devices(rng):
    labels = [None, "Gajim on Debian", "Conversations_on_Pixel_3", "Téléphone ☎ 📱", ""]
    devices = {device_id(rng): rng.choice(labels) for _ in range(rng.randrange(1, 8))}
    xml = ET.tostring(twomemo_etree.serialize_device_list(devices), encoding="unicode")
    return {"xml": xml, "devices": [[i, label] for i, label in sorted(devices.items())]}


def main():
    xml_compat_driver.run(lambda entry, _: read_message(entry["xml"], entry["sender"]), read_bundle, read_devices, make_message, make_bundle, make_devices)


if __name__ == "__main__":
    main()
