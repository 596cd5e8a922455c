"""Known-answer peer for the protocol tests (run with Debian's /usr/bin/python3).

Drives the installed reference implementation (python3-twomemo 1.0.3 on python3-x3dh 1.0.3 and
python3-doubleratchet 1.0.3) with FIXED keys given on stdin as JSON (hex strings) and prints JSON:

mode "initiate": Alice (python) runs X3DH actively against Bob's bundle and encrypts the first message;
  prints the X3DH shared secret, the associated data and the OMEMOKeyExchange bytes (byte for byte what
  twomemo's build_session_active + KeyExchangeImpl.serialize produce).
mode "respond": Bob (python) accepts an OMEMOKeyExchange (made by the engine under test) as twomemo's
  build_session_passive does, prints shared secret, AD and the decrypted key material, then encrypts a
  reply and prints the OMEMOAuthenticatedMessage bytes.

Exit code 3: the python packages are missing.
"""
import asyncio
import json
import sys

try:
    import doubleratchet.recommended.diffie_hellman_ratchet_curve25519 as dhr
    import twomemo.twomemo as tm
    import x3dh
    import x3dh.base_state
    import x3dh.types
    from x3dh.models import BaseStateModel, IdentityKeyPairModel, SignedPreKeyPairModel
    import xeddsa
except ImportError as e:  # pragma: no cover
    sys.stderr.write(f"python peer packages missing: {e}\n")
    sys.exit(3)


class FixedSecrets:
    """Replaces the `secrets` module inside x3dh.base_state: hands out fixed bytes in order."""

    def __init__(self, values):
        self.values = list(values)

    def token_bytes(self, n):
        value = self.values.pop(0)
        assert len(value) == n
        return value

    @staticmethod
    def choice(seq):
        assert len(seq) == 1
        return seq[0]


def fix_ratchet_keys(values):
    queue = list(values)
    dhr.DiffieHellmanRatchet._generate_priv = staticmethod(lambda: queue.pop(0))


def state_from_keys(seed, spk_priv, spk_sig, pk_privs):
    model = BaseStateModel(
        identity_key=IdentityKeyPairModel(secret=seed, secret_type=x3dh.types.SecretType.SEED),
        signed_pre_key=SignedPreKeyPairModel(priv=spk_priv, sig=spk_sig, timestamp=0),
        old_signed_pre_key=None,
        pre_keys=frozenset(pk_privs),
    )
    return tm.StateImpl.from_model(model, x3dh.IdentityKeyFormat.ED_25519, x3dh.HashFunction.SHA_256, tm.StateImpl.INFO)


def dr_params():
    return (
        dhr.DiffieHellmanRatchet,
        tm.RootChainKDFImpl,
        tm.MessageChainKDFImpl,
        tm.DoubleRatchetImpl.MESSAGE_CHAIN_CONSTANT,
        1000,
        1000,
        tm.AEADImpl,
    )


async def initiate(req):
    h = lambda k: bytes.fromhex(req[k])
    # Alice: StateImpl.create generates her own signed pre-key (first token), then the ephemeral key.
    x3dh.base_state.secrets = FixedSecrets([h("a_spk_priv"), h("a_ek_priv")])
    fix_ratchet_keys([h("a_ratchet_priv")])
    alice = tm.StateImpl.create(
        x3dh.IdentityKeyFormat.ED_25519, x3dh.HashFunction.SHA_256, tm.StateImpl.INFO,
        x3dh.identity_key_pair.IdentityKeyPairSeed(h("a_seed")))
    bundle = x3dh.Bundle(
        identity_key=xeddsa.seed_to_ed25519_pub(h("b_seed")),
        signed_pre_key=xeddsa.priv_to_curve25519_pub(h("b_spk_priv")),
        signed_pre_key_sig=h("b_spk_sig"),
        pre_keys=frozenset([xeddsa.priv_to_curve25519_pub(h("b_pk_priv"))]),
    )
    shared_secret, ad, header = await alice.get_shared_secret_active(bundle)
    dr, encrypted = await tm.DoubleRatchetImpl.encrypt_initial_message(
        *dr_params(), shared_secret, bundle.signed_pre_key, h("key_material"), ad)
    kex = tm.KeyExchangeImpl(header, req["b_spk_id"], req["b_pk_id"]).serialize(encrypted.ciphertext)
    second = await dr.encrypt_message(h("key_material2"), ad)
    kex2 = tm.KeyExchangeImpl(header, req["b_spk_id"], req["b_pk_id"]).serialize(second.ciphertext)
    return {
        "shared_secret": shared_secret.hex(),
        "ad": ad.hex(),
        "ik": header.identity_key.hex(),
        "ek": header.ephemeral_key.hex(),
        "kex": kex.hex(),
        "kex2": kex2.hex(),
    }


async def respond(req):
    h = lambda k: bytes.fromhex(req[k])
    fix_ratchet_keys([h("b_ratchet_priv")])
    bob = state_from_keys(h("b_seed"), h("b_spk_priv"), h("b_spk_sig"), [h("b_pk_priv")])
    key_exchange, auth = tm.KeyExchangeImpl.parse(h("kex"))
    assert key_exchange.signed_pre_key_id == req["b_spk_id"] and key_exchange.pre_key_id == req["b_pk_id"]
    header = x3dh.Header(key_exchange.header.identity_key, key_exchange.header.ephemeral_key,
                         xeddsa.priv_to_curve25519_pub(h("b_spk_priv")), xeddsa.priv_to_curve25519_pub(h("b_pk_priv")))
    shared_secret, ad, spk = await bob.get_shared_secret_passive(header)
    message = tm.EncryptedKeyMaterialImpl.parse(auth, "a@example.org", 1).encrypted_message
    dr, key_material = await tm.DoubleRatchetImpl.decrypt_initial_message(
        *dr_params(), shared_secret, spk.priv, message, ad)
    reply = await dr.encrypt_message(h("reply_key_material"), ad)
    return {
        "shared_secret": shared_secret.hex(),
        "ad": ad.hex(),
        "key_material": key_material.hex(),
        "reply": reply.ciphertext.hex(),
    }


def main():
    req = json.load(sys.stdin)
    handler = {"initiate": initiate, "respond": respond}[req["mode"]]
    print(json.dumps(asyncio.run(handler(req))))


if __name__ == "__main__":
    main()
