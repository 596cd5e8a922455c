"""Legacy OMEMO 0.3 wire/payload peer for the Legacy tests (run with Debian's /usr/bin/python3).

Drives python3-oldmemo 1.0.3's own code with FIXED inputs given on stdin as JSON (hex strings) and prints JSON:
- payload: Oldmemo.encrypt_plaintext (secrets patched to the given key and IV) -> ciphertext, key || tag, IV;
  Oldmemo.decrypt_plaintext of the payload encrypted by the engine under test.
- whisper: AEADImpl.encrypt (HKDF "WhisperMessageKeys", AES-CBC, 8-byte MAC over AD || 0x33 || protobuf) with the
  given message key, header and identity keys -> the framed message and the derived authentication key; the MAC
  computed directly from the given auth key; EncryptedKeyMaterialImpl.parse of the engine's message.
- prekey: KeyExchangeImpl.serialize -> the 0x33-framed OMEMOKeyExchange; one built with oldmemo_pb2 and the
  `unused` (registrationId) field set; KeyExchangeImpl.parse of the engine's message.

Exit code 3: the python packages are missing.
"""
import asyncio
import json
import sys
import types

try:
    import doubleratchet
    from doubleratchet.recommended import HashFunction
    from doubleratchet.recommended.crypto_provider_impl import CryptoProviderImpl
    import oldmemo.oldmemo as om
    from oldmemo.oldmemo_pb2 import OMEMOKeyExchange
    import x3dh
    import xeddsa
except ImportError as e:  # pragma: no cover
    sys.stderr.write(f"python3-oldmemo peer packages missing: {e}\n")
    sys.exit(3)


def fix_secrets(*values):
    """Replaces the `secrets` module inside oldmemo.oldmemo: token_bytes hands out `values` in order."""
    queue = list(values)
    om.secrets = types.SimpleNamespace(token_bytes=lambda n: queue.pop(0))


def h(req, name):
    return bytes.fromhex(req[name])


def encode(pub):
    return om.StateImpl._encode_public_key(x3dh.IdentityKeyFormat.CURVE_25519, pub)


async def payload(req):
    fix_secrets(h(req, "key"), h(req, "iv"))
    content, plain = await om.Oldmemo.encrypt_plaintext(None, h(req, "plaintext"))
    mine = om.ContentImpl(h(req, "cs_ciphertext"), h(req, "cs_iv"))
    km = h(req, "cs_key_material")
    decrypted = await om.Oldmemo.decrypt_plaintext(None, mine, om.PlainKeyMaterialImpl(km[:16], km[16:]))
    return {
        "ciphertext": content.ciphertext.hex(),
        "iv": content.initialization_vector.hex(),
        "key_material": (plain.key + plain.auth_tag).hex(),
        "cs_plaintext": decrypted.hex(),
    }


async def whisper(req):
    ad = encode(h(req, "sender_ik")) + encode(h(req, "receiver_ik"))
    header = doubleratchet.Header(h(req, "ratchet_pub"), req["pn"], req["n"])
    full_ad = om.DoubleRatchetImpl._build_associated_data(ad, header)
    message = await om.AEADImpl.encrypt(h(req, "key_material"), h(req, "message_key"), full_ad)
    _, auth_key, _ = await om.AEADImpl._AEADImpl__derive(h(req, "message_key"), HashFunction.SHA_256, om.AEADImpl._get_info())
    direct = (await CryptoProviderImpl.hmac_calculate(h(req, "auth_key"), HashFunction.SHA_256, ad + h(req, "versioned")))[:8]
    parsed = om.EncryptedKeyMaterialImpl.parse(h(req, "cs_whisper"), "bob@example.org", 1)
    ph = parsed.encrypted_message.header
    return {
        "message": message.hex(),
        "auth_key": auth_key.hex(),
        "ad": ad.hex(),
        "direct_mac": direct.hex(),
        "cs_n": ph.sending_chain_length,
        "cs_pn": ph.previous_sending_chain_length,
        "cs_dh_pub": ph.ratchet_pub.hex(),
    }


def prekey(req):
    ik_curve = h(req, "ik")
    header = x3dh.Header(xeddsa.curve25519_pub_to_ed25519_pub(ik_curve, False), h(req, "ek"), b"", b"")
    kex, _ = om.KeyExchangeImpl(header, req["spk_id"], req["pk_id"]).serialize(h(req, "message"))
    with_reg = b"\x33" + OMEMOKeyExchange(
        pk_id=req["pk_id"], spk_id=req["spk_id"], ik=encode(ik_curve), ek=encode(h(req, "ek")),
        message=h(req, "message"), unused=req["registration_id"],
    ).SerializeToString()
    parsed, inner = om.KeyExchangeImpl.parse(h(req, "cs_prekey"), False)
    return {
        "kex": kex.hex(),
        "kex_with_registration": with_reg.hex(),
        "cs_pk_id": parsed.pre_key_id,
        "cs_spk_id": parsed.signed_pre_key_id,
        "cs_ik": xeddsa.ed25519_pub_to_curve25519_pub(parsed.header.identity_key).hex(),
        "cs_ek": parsed.header.ephemeral_key.hex(),
        "cs_message": inner.hex(),
    }


async def main():
    req = json.loads(sys.stdin.read())
    out = {}
    if "payload" in req:
        out["payload"] = await payload(req["payload"])
    if "whisper" in req:
        out["whisper"] = await whisper(req["whisper"])
    if "prekey" in req:
        out["prekey"] = prekey(req["prekey"])
    print(json.dumps(out))


asyncio.run(main())
