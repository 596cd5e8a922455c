#!/usr/bin/python3
"""Generate legacy OMEMO 0.3 (eu.siacs.conversations.axolotl) test vectors with python-oldmemo 1.0.3.

Usage: /usr/bin/python3 make_legacy_vectors.py OUTPUT_DIRECTORY

Writes OUTPUT_DIRECTORY/legacy_conversation.json and prints its file name on stdout. Exit status 0 on success; on
failure a message on stderr and status 1. Run at test time (the file holds private keys; it is never committed).

Deterministic: every random value python-omemo, x3dh, doubleratchet, xeddsa and oldmemo draw is replaced by
SHA-256 of a label, the drawing party ("actor") and a per-actor counter, the clock x3dh reads is fixed at
1700000000, and the script re-executes itself with PYTHONHASHSEED=0 (python-omemo assigns pre-key ids while
iterating a set of bytes, whose order depends on the hash seed). Two runs give byte-identical files; the
"generator" versions are part of the output, so a different python-oldmemo may legitimately change it.

How the conversation is made: alice and bob are two python-oldmemo backends (``oldmemo.Oldmemo``: StateImpl =
x3dh, DoubleRatchetImpl, AEADImpl, KeyExchangeImpl, EncryptedKeyMaterialImpl, ContentImpl) with in-memory storage,
driven exactly like python-omemo's SessionManager drives them (build_session_active / encrypt_key_material on
send, KeyExchangeImpl.parse / build_session_passive / decrypt_key_material on receipt, the session stored only
after success, the pre-key deleted after a key exchange; a key exchange that builds the passive session already
held is decrypted with it), but without XML so that every message is the exact wire form a <key> carries. Each
bundle crosses through oldmemo.etree (serialize_bundle -> parse_bundle), which is how the Ed25519 identity keys'
sign bits travel. Every event is checked while generating: positive steps must decrypt to the recorded key
material (and the content to the text), negative steps must be refused, or the generator fails. Refused
attempts draw their randomness from a separate stream (actor "<name>/refused"), so the per-actor key lists below
hold exactly the keys of the successful flow.

Facts about python-oldmemo the vectors pin down (see also omemo_peer.py):
- Identity keys: python-omemo keeps one Ed25519 identity (a 32-byte seed, as python-omemo's IdentityKeyPairSeed;
  private scalar = clamped SHA-512(seed)[:32]). Everything on the wire uses the Curve25519 form, 0x05 || u.
- The SPK signature is Ed25519 (xeddsa.ed25519_priv_sign: private scalar + 64 random nonce bytes, so it is not
  RFC 8032-deterministic) by the Ed25519 identity over 0x05 || spk_pub. Published in the bundle with bit 7 of byte
  63 set to the Ed25519 identity key's sign bit (pub[31] >> 7); parse_bundle takes it from there and clears it.
  A KEX carries only the Curve25519 identity: the receiver restores the sign bit from the sender's bundle.
- X3DH: HKDF-SHA-256(salt 32 zero bytes, ikm 32 x 0xFF || DH1 || DH2 || DH3 || DH4, info "WhisperText", 32 bytes)
  = the root key; DH1 = DH(IK_A, SPK_B), DH2 = DH(EK_A, IK_B), DH3 = DH(EK_A, SPK_B), DH4 = DH(EK_A, OPK_B).
  X3DH associated data = 0x05||IK_A(Curve) || 0x05||IK_B(Curve) (initiator first, 66 bytes, stored in both
  sessions), but the MAC of every message uses sender || receiver: the initiator's order when alice sends, the
  swapped order when bob sends (oldmemo swaps it for the passive side, as libsignal does).
- Double Ratchet: root KDF HKDF-SHA-256(salt = root key, ikm = DH output, info "WhisperRatchet", 64 bytes) ->
  new root key || chain key; chain KDF message key = HMAC-SHA-256(ck, 0x01), next ck = HMAC-SHA-256(ck, 0x02);
  message keys HKDF-SHA-256(salt 32 zero bytes, ikm = message key, info "WhisperMessageKeys", 80 bytes) -> AES-256
  key || HMAC key || CBC IV; AES-256-CBC with PKCS#7. The responder's first sending chain starts from a fresh
  ratchet key drawn when the session is built (libsignal's initial responder chain key is never used).
- WhisperMessage = 0x33 || protobuf(ratchetKey=1: 0x05||pub, counter=2, previousCounter=3, ciphertext=4) || MAC,
  MAC = HMAC-SHA-256(HMAC key, AD(sender||receiver, 66 bytes) || 0x33 || protobuf)[:8].
  PreKeyWhisperMessage = 0x33 || protobuf(preKeyId=1, baseKey=2: 0x05||EK, identityKey=3: 0x05||IK(Curve),
  message=4: a whole WhisperMessage, signedPreKeyId=6) - python never writes registrationId (5). Protobuf
  field order on the wire is by field number.
- The ratchet plaintext is the key material: 16-byte AES-128-GCM key || 16-byte GCM tag (32 bytes); for an empty
  OMEMO message it is a fresh 16-byte key and no tag (16 bytes) and there is no <payload>. The <payload> is
  AES-128-GCM(key, 12-byte <iv>) ciphertext without the tag.

JSON schema (byte strings standard base64 with padding; ids unsigned 32-bit):

{
  "schema": "omemo-native/python-legacy-vectors/1",
  "name": "legacy_conversation",
  "namespace": "eu.siacs.conversations.axolotl",
  "description": "...",
  "generator": {"python_omemo": "1.0.2", "oldmemo": "1.0.3", "x3dh": "1.0.3", "doubleratchet": "1.0.3",
                "xeddsa": "1.0.2"},
  "deterministic": true,
  "clock": 1700000000,                      // what x3dh's time.time() returned (the SPK timestamps)
  "parties": {
    "alice": {                              // the X3DH initiator
      "jid": "alice@legacy.example", "device_id": 2002,
      "identity_seed_b64": "...",           // 32-byte Ed25519 seed (python-omemo's IdentityKeyPairSeed)
      "identity_private_b64": "...",        // the X25519/Ed25519 private scalar derived from it (clamped)
      "identity_ed25519_b64": "...",        // Ed25519 public key (python-omemo's form; fingerprints use it)
      "identity_curve25519_b64": "...",     // Curve25519 public key (the wire form without the 0x05 prefix)
      "identity_sign_bit": 0,               // bit 7 of identity_ed25519[31]
      "signed_pre_key": {                   // the party's signed pre-key
        "id": 1, "private_b64": "...", "public_b64": "...",    // X25519 (private as python stores it, unclamped)
        "signature_b64": "...",             // 64 bytes as python stores it (bit 7 of byte 63 clear)
        "published_signature_b64": "...",   // 64 bytes as in the bundle (bit 7 of byte 63 = identity_sign_bit)
        "timestamp": 1700000000
      },
      "pre_keys": [{"id": 1, "private_b64": "...", "public_b64": "..."}],   // all of them, id k = k-th drawn
      "bundle_xml": "<bundle xmlns='eu.siacs.conversations.axolotl'>...</bundle>",   // as published at start
      "devicelist_xml": "<list xmlns='eu.siacs.conversations.axolotl'><device id='2002'/></list>"
    },
    "bob": {...same members...}             // the X3DH responder
  },
  "x3dh": {
    "initiator": "alice", "responder": "bob",
    "signed_pre_key_id": 1, "pre_key_id": 3,
    "pre_key_private_b64": "...", "pre_key_public_b64": "...",
    "ephemeral_private_b64": "...", "ephemeral_public_b64": "...",
    "shared_secret_b64": "...",             // 32 bytes: the initial root key (both sides checked equal)
    "associated_data_b64": "...",           // 66 bytes: 0x05||IK_alice || 0x05||IK_bob (Curve25519)
    "associated_data_bob_sends_b64": "..."  // 66 bytes: the swapped order bob's MACs use
  },
  "ratchet_keys": [                         // every Double Ratchet key pair drawn in the successful flow, in order
    {"actor": "alice", "event": 0, "private_b64": "...", "public_b64": "..."}   // event: where it was drawn
  ],
  "messages": [                             // in the order they were encrypted
    {
      "id": 0, "sender": "alice", "recipient": "bob", "event": 0,
      "kind": "prekey" | "whisper",         // PreKeyWhisperMessage (prekey="true") or WhisperMessage
      "wire_b64": "...",                    // the exact bytes of the <key> (0x33...)
      "whisper_b64": "...",                 // the WhisperMessage (= wire for whisper, the message field for prekey)
      "mac_b64": "...",                     // its last 8 bytes
      "ratchet_public_b64": "...", "counter": 0, "previous_counter": 0,   // the WhisperMessage header
      "pre_key_id": 3, "signed_pre_key_id": 1, "base_key_b64": "...",     // kind == "prekey" only
      "message_key_b64": "...",             // 32-byte chain message key (HMAC(ck, 0x01)) that encrypted it
      "mac_associated_data_b64": "...",     // the 66 bytes in front of the MAC input (sender || receiver)
      "plaintext_b64": "...",               // what went through the ratchet: 32 bytes (key || GCM tag), or 16 for
                                            // an empty message
      "empty": false,
      "content": {"text_b64": "...", "iv_b64": "...", "payload_b64": "..."}   // null when empty
    }
  ],
  "events": [                               // replay in this order; a refused step leaves both states unchanged
    {"index": 0, "actor": "alice", "action": "encrypt", "message": 0, "note": "..."},
    {"index": 5, "actor": "bob", "action": "decrypt", "message": 2, "note": "...",
     "expect": "plaintext" | "empty" | "error",
     "wire_b64": "...",                     // only when tampered: the bytes delivered instead of the message's
     "tampered": true,                      // only when tampered
     "error": "AuthenticationFailed",       // expect == "error": Omemo.Errors.<error>Exception the engine should
                                            // raise: AuthenticationFailed | MalformedMessage | UnknownPreKey |
                                            // UnknownSignedPreKey | DuplicateMessage | TooManySkippedMessages
                                            // (may differ from python's: a replay from an earlier receiving chain
                                            // is DuplicateMessage here, python says AuthenticationFailed)
     "python_error": "DecryptionFailed <- AuthenticationFailedException",   // what python raised (chain)
     "python_stage": "parse" | "decrypt"}   // parse = oldmemo's wire parsers (XML parse_message), decrypt = backend
  ],
  "stanza": {                               // one message through real python-omemo SessionManagers (oldmemo only)
    "description": "...",
    "sender": {"jid", "device_id", "identity_seed_b64", "identity_ed25519_b64", "identity_curve25519_b64",
               "identity_sign_bit", "bundle_xml", "devicelist_xml"},
    "receiver": {"jid", "device_id", "identity_seed_b64", "identity_ed25519_b64", "identity_curve25519_b64",
                 "identity_sign_bit", "bundle_xml", "devicelist_xml",
                 "signed_pre_key": {...as above...}, "pre_key": {"id", "private_b64", "public_b64"}},
    "encrypted_xml": "<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid=..><key rid=.. prekey='true'>
                      ..</key><iv>..</iv></header><payload>..</payload></encrypted>",
    "plaintext_b64": "...",                 // the message text (UTF-8)
    "key_material_b64": "..."               // 32 bytes: key || GCM tag, what the receiver's <key> decrypts to
  }
}
"""

from __future__ import annotations

import os
import sys

if __name__ == "__main__" and os.environ.get("PYTHONHASHSEED") != "0":
    # Set iteration order of bytes (pre-key id assignment, pre-key choice lists) must not depend on the hash seed.
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

import asyncio  # noqa: E402
import base64  # noqa: E402
import contextlib  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import secrets  # noqa: E402
from typing import Any, Callable, Dict, Iterator, List, NamedTuple, Optional, Tuple  # noqa: E402
import xml.etree.ElementTree as ET  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import doubleratchet  # noqa: E402
from doubleratchet.recommended import diffie_hellman_ratchet_curve25519  # noqa: E402
import omemo  # noqa: E402
import omemo.identity_key_pair  # noqa: E402
import omemo.session_manager  # noqa: E402
from omemo.session import Initiation  # noqa: E402
import oldmemo  # noqa: E402
import oldmemo.etree  # noqa: E402
import oldmemo.oldmemo as om  # noqa: E402
from oldmemo.oldmemo_pb2 import OMEMOKeyExchange, OMEMOMessage  # noqa: E402
import x3dh  # noqa: E402
import x3dh.base_state  # noqa: E402
import xeddsa  # noqa: E402
import xeddsa.bindings  # noqa: E402

from omemo_peer import LEGACY_NAMESPACE, FakePep, MemoryStorage, Peer, b64e, xml_to_string  # noqa: E402
from vector_common import GenerationError, bytes_from_state as _bytes_from_state, describe as _describe  # noqa: E402
import vector_common  # noqa: E402

SCHEMA = "omemo-native/python-legacy-vectors/1"
LABEL = "omemo-native legacy vectors v1"
CLOCK = 1_700_000_000
NS = f"{{{LEGACY_NAMESPACE}}}"
MAC_LENGTH = om.AEADImpl.AUTHENTICATION_TAG_TRUNCATED_LENGTH  # 8
AD_HALF = om.StateImpl.IDENTITY_KEY_ENCODING_LENGTH  # 33


def _sign_bit(ed25519_pub: bytes) -> int:
    return (ed25519_pub[31] >> 7) & 1


# ---- deterministic randomness ----------------------------------------------------------------------------

class Draw(NamedTuple):
    actor: str
    purpose: str
    counter: int
    event: Optional[int]
    value: bytes


class DeterministicRandom:
    """Every value is SHA-256(LABEL | actor | counter | block), truncated; each actor has its own counter."""

    def __init__(self) -> None:
        self.actor = "setup"
        self.event: Optional[int] = None
        self.counters: Dict[str, int] = {}
        self.draws: List[Draw] = []
        self.forced: Dict[Tuple[str, str], List[bytes]] = {}  # (actor, purpose) -> values to hand out first

    @contextlib.contextmanager
    def acting(self, actor: str, event: Optional[int] = None) -> Iterator[None]:
        saved = self.actor, self.event
        self.actor, self.event = actor, event
        try:
            yield
        finally:
            self.actor, self.event = saved

    def draw(self, purpose: str, n: int) -> bytes:
        forced = self.forced.get((self.actor, purpose))
        if forced:
            value = forced.pop(0)
            if len(value) != n:
                raise GenerationError(f"forced {purpose} value for {self.actor} has the wrong size")
        else:
            counter = self.counters.get(self.actor, 0)
            self.counters[self.actor] = counter + 1
            out = b""
            block = 0
            while len(out) < n:
                out += hashlib.sha256(f"{LABEL}|{self.actor}|{counter}|{block}".encode()).digest()
                block += 1
            value = out[:n]
        self.draws.append(Draw(self.actor, purpose, self.counters.get(self.actor, 0) - 1, self.event, value))
        return value


RANDOM = DeterministicRandom()


class _SecretsShim:
    """Stands in for the secrets module inside one library module."""

    def __init__(self, purpose: str) -> None:
        self.purpose = purpose

    def token_bytes(self, n: Optional[int] = None) -> bytes:
        return RANDOM.draw(self.purpose, 32 if n is None else n)

    def randbelow(self, n: int) -> int:
        return int.from_bytes(RANDOM.draw(self.purpose + ".randbelow", 8), "big") % n

    def choice(self, seq: Any) -> Any:
        items = sorted(seq)  # the caller passes list(frozenset): sort away the set order
        return items[int.from_bytes(RANDOM.draw(self.purpose + ".choice", 8), "big") % len(items)]

    def __getattr__(self, name: str) -> Any:
        return getattr(secrets, name)


class _Clock:
    @staticmethod
    def time() -> float:
        return float(CLOCK)


def install_determinism() -> None:
    x3dh.base_state.secrets = _SecretsShim("x3dh")  # type: ignore[assignment]
    x3dh.base_state.time = _Clock  # type: ignore[assignment]
    xeddsa.bindings.secrets = _SecretsShim("xeddsa_nonce")  # type: ignore[assignment]
    om.secrets = _SecretsShim("oldmemo")  # type: ignore[assignment]
    omemo.identity_key_pair.secrets = _SecretsShim("identity")  # type: ignore[assignment]
    omemo.session_manager.secrets = _SecretsShim("device_id")  # type: ignore[assignment]
    diffie_hellman_ratchet_curve25519.DiffieHellmanRatchet._generate_priv = staticmethod(  # type: ignore[assignment]
        lambda: RANDOM.draw("ratchet", 32)
    )


# ---- recording wrappers around the real classes -----------------------------------------------------------

class X3dhRecord(NamedTuple):
    side: str  # active | passive
    shared_secret: bytes
    associated_data: bytes
    header: Optional[x3dh.Header]


X3DH_RECORDS: List[X3dhRecord] = []
AEAD_RECORDS: List[Tuple[bytes, bytes]] = []  # (message key, associated data as the AEAD sees it)


def install_recorders() -> None:
    base_active = x3dh.BaseState.get_shared_secret_active
    base_passive = x3dh.BaseState.get_shared_secret_passive

    async def active(self: Any, bundle: Any, *args: Any, **kwargs: Any) -> Any:
        shared_secret, associated_data, header = await base_active(self, bundle, *args, **kwargs)
        X3DH_RECORDS.append(X3dhRecord("active", shared_secret, associated_data, header))
        return shared_secret, associated_data, header

    async def passive(self: Any, header: Any, *args: Any, **kwargs: Any) -> Any:
        shared_secret, associated_data, spk = await base_passive(self, header, *args, **kwargs)
        X3DH_RECORDS.append(X3dhRecord("passive", shared_secret, associated_data, header))
        return shared_secret, associated_data, spk

    om.StateImpl.get_shared_secret_active = active  # type: ignore[assignment]
    om.StateImpl.get_shared_secret_passive = passive  # type: ignore[assignment]

    encrypt = om.AEADImpl.encrypt  # bound to AEADImpl

    async def recording_encrypt(cls: Any, plaintext: bytes, key: bytes, associated_data: bytes) -> bytes:
        AEAD_RECORDS.append((key, associated_data))
        return await encrypt(plaintext, key, associated_data)

    om.AEADImpl.encrypt = classmethod(recording_encrypt)  # type: ignore[assignment]


# ---- parties ----------------------------------------------------------------------------------------------

def identity_seed(name: str, sign_bit: int) -> bytes:
    """A deterministic seed whose Ed25519 public key has the wanted sign bit."""
    for k in range(1000):
        seed = hashlib.sha256(f"{LABEL}|identity|{name}|{k}".encode()).digest()
        if _sign_bit(xeddsa.seed_to_ed25519_pub(seed)) == sign_bit:
            return seed
    raise GenerationError("no seed found")


def identity_json(seed: bytes) -> Dict[str, Any]:
    ed = xeddsa.seed_to_ed25519_pub(seed)
    priv = xeddsa.seed_to_priv(seed)
    if xeddsa.priv_to_ed25519_pub(priv) != ed:
        raise GenerationError("seed and private scalar disagree on the Ed25519 public key")
    curve = xeddsa.ed25519_pub_to_curve25519_pub(ed)
    if xeddsa.priv_to_curve25519_pub(priv) != curve:
        raise GenerationError("Curve25519 forms disagree")
    return {
        "identity_seed_b64": b64e(seed),
        "identity_private_b64": b64e(priv),
        "identity_ed25519_b64": b64e(ed),
        "identity_curve25519_b64": b64e(curve),
        "identity_sign_bit": _sign_bit(ed),
    }


def export_keys(storage: MemoryStorage, ed25519: bytes) -> Tuple[Dict[str, Any], Dict[int, Dict[str, Any]]]:
    """The current signed pre-key and every pre-key from a backend's storage (python-omemo's x3dh state)."""
    state = storage.data[f"/{LEGACY_NAMESPACE}/x3dh"]
    spk_ids = {base64.b64decode(k): v for k, v in storage.data[f"/{LEGACY_NAMESPACE}/signed_pre_key_ids"].items()}
    pk_ids = {base64.b64decode(k): v for k, v in storage.data[f"/{LEGACY_NAMESPACE}/pre_key_ids"].items()}
    spk = state["signed_pre_key"]
    private = _bytes_from_state(spk["priv"])
    public = xeddsa.priv_to_curve25519_pub(private)
    signature = _bytes_from_state(spk["sig"])
    if signature[63] & 0x80:
        raise GenerationError("a stored SPK signature has bit 7 of byte 63 set")
    if not xeddsa.ed25519_verify(signature, ed25519, om.StateImpl.serialize_public_key(public)):
        raise GenerationError("signed pre-key signature does not verify")
    published = bytearray(signature)
    published[63] |= ed25519[31] & 0x80
    signed_pre_key = {
        "id": spk_ids[public], "private_b64": b64e(private), "public_b64": b64e(public),
        "signature_b64": b64e(signature), "published_signature_b64": b64e(bytes(published)),
        "timestamp": spk["timestamp"],
    }
    pre_keys: Dict[int, Dict[str, Any]] = {}
    for text in state["pre_keys"]:
        private = _bytes_from_state(text)
        public = xeddsa.priv_to_curve25519_pub(private)
        pre_keys[pk_ids[public]] = {"id": pk_ids[public], "private_b64": b64e(private), "public_b64": b64e(public)}
    return signed_pre_key, pre_keys


class Party:
    """One python-oldmemo backend with its storage; knows the other party's public data."""

    def __init__(self, name: str, jid: str, device_id: int, sign_bit: int) -> None:
        self.name = name
        self.jid = jid
        self.device_id = device_id
        self.seed = identity_seed(name, sign_bit)
        self.storage = MemoryStorage()
        self.backend = om.Oldmemo(self.storage)
        self.ed25519 = xeddsa.seed_to_ed25519_pub(self.seed)
        self.bundle_xml = ""
        self.export: Dict[str, Any] = {}
        self.peer: "Party"
        self.peer_bundle: Optional[om.BundleImpl] = None  # as parsed from the peer's bundle XML

    async def create(self, num_pre_keys: int) -> None:
        with RANDOM.acting(self.name):
            await self.storage.store("/ikp/is_seed", True)
            await self.storage.store_bytes("/ikp/key", self.seed)
            await self.backend.generate_pre_keys(num_pre_keys)  # creates the x3dh state (SPK) first
            # Pre-key ids: the k-th drawn pre-key gets id k (python-omemo would number them in set order).
            state = self.storage.data[f"/{LEGACY_NAMESPACE}/x3dh"]
            stored = {_bytes_from_state(t) for t in state["pre_keys"]}
            drawn = [d.value for d in RANDOM.draws if d.actor == self.name and d.value in stored]
            if len(drawn) != num_pre_keys:
                raise GenerationError("could not order the pre-keys by drawing")
            await self.storage.store(f"/{LEGACY_NAMESPACE}/pre_key_ids", {
                b64e(xeddsa.priv_to_curve25519_pub(p)): i + 1 for i, p in enumerate(drawn)
            })
            await self.storage.store(f"/{LEGACY_NAMESPACE}/pre_key_id_counter", num_pre_keys)
            bundle = await self.backend.get_bundle(self.jid, self.device_id)
        if bundle.identity_key != self.ed25519:
            raise GenerationError("the bundle's identity key is not the seed's Ed25519 key")
        self.bundle_xml = xml_to_string(oldmemo.etree.serialize_bundle(bundle))
        signed_pre_key, pre_keys = export_keys(self.storage, self.ed25519)
        self.export = {
            "jid": self.jid,
            "device_id": self.device_id,
            **identity_json(self.seed),
            "signed_pre_key": signed_pre_key,
            "pre_keys": [pre_keys[k] for k in sorted(pre_keys)],
            "bundle_xml": self.bundle_xml,
            "devicelist_xml": xml_to_string(oldmemo.etree.serialize_device_list({self.device_id: None})),
        }

    def learn_peer(self) -> None:
        parsed = oldmemo.etree.parse_bundle(ET.fromstring(self.peer.bundle_xml), self.peer.jid, self.peer.device_id)
        if parsed.identity_key != self.peer.ed25519:
            raise GenerationError("parse_bundle did not restore the Ed25519 identity key (sign bit)")
        self.peer_bundle = parsed


class Refused(Exception):
    def __init__(self, stage: str, inner: BaseException) -> None:
        super().__init__(str(inner))
        self.stage = stage
        self.inner = inner


# ---- the conversation --------------------------------------------------------------------------------------

class Conversation:
    def __init__(self) -> None:
        self.alice = Party("alice", "alice@legacy.example", 2002, sign_bit=0)
        self.bob = Party("bob", "bob@legacy.example", 1001, sign_bit=1)
        self.alice.peer, self.bob.peer = self.bob, self.alice
        self.messages: List[Dict[str, Any]] = []
        self.events: List[Dict[str, Any]] = []
        self.texts: Dict[int, Optional[bytes]] = {}
        self.ratchet_keys: List[Dict[str, Any]] = []

    def party(self, name: str) -> Party:
        return self.alice if name == "alice" else self.bob

    async def setup(self) -> None:
        await self.alice.create(5)
        await self.bob.create(5)
        self.alice.learn_peer()
        self.bob.learn_peer()

    # -- sending --

    async def send(self, sender_name: str, text: Optional[bytes], note: str) -> int:
        sender = self.party(sender_name)
        recipient = sender.peer
        index = len(self.events)
        message_id = len(self.messages)
        backend = sender.backend
        AEAD_RECORDS.clear()
        draws_before = len(RANDOM.draws)
        with RANDOM.acting(sender.name, index):
            if text is None:
                content, key_material = await backend.encrypt_empty()
            else:
                content, key_material = await backend.encrypt_plaintext(text)
            session = await backend.load_session(recipient.jid, recipient.device_id)
            if session is None:
                assert sender.peer_bundle is not None
                session, encrypted = await backend.build_session_active(
                    recipient.jid, recipient.device_id, sender.peer_bundle, key_material
                )
            else:
                encrypted = await backend.encrypt_key_material(session, key_material)
            whisper = encrypted.serialize()
            kex = session.initiation is Initiation.ACTIVE and not session.confirmed
            wire = session.key_exchange.serialize(whisper)[0] if kex else whisper
            await backend.store_session(session)
        if len(AEAD_RECORDS) != 1:
            raise GenerationError("expected one AEAD encryption per message")
        message_key, aead_ad = AEAD_RECORDS[0]
        header = OMEMOMessage.FromString(whisper[1:-MAC_LENGTH])
        plaintext = key_material.key + key_material.auth_tag
        message: Dict[str, Any] = {
            "id": message_id,
            "sender": sender.name,
            "recipient": recipient.name,
            "event": index,
            "kind": "prekey" if kex else "whisper",
            "wire_b64": b64e(wire),
            "whisper_b64": b64e(whisper),
            "mac_b64": b64e(whisper[-MAC_LENGTH:]),
            "ratchet_public_b64": b64e(om.StateImpl.parse_public_key(header.dh_pub)),
            "counter": header.n,
            "previous_counter": header.pn,
        }
        if kex:
            parsed = OMEMOKeyExchange.FromString(wire[1:])
            message.update({
                "pre_key_id": parsed.pk_id, "signed_pre_key_id": parsed.spk_id,
                "base_key_b64": b64e(om.StateImpl.parse_public_key(parsed.ek)),
            })
        message.update({
            "message_key_b64": b64e(message_key),
            "mac_associated_data_b64": b64e(aead_ad[:2 * AD_HALF]),
            "plaintext_b64": b64e(plaintext),
            "empty": text is None,
            "content": None if text is None else {
                "text_b64": b64e(text), "iv_b64": b64e(content.initialization_vector),
                "payload_b64": b64e(content.ciphertext),
            },
        })
        expected_ad = om.StateImpl.serialize_public_key(xeddsa.ed25519_pub_to_curve25519_pub(sender.ed25519)) \
            + om.StateImpl.serialize_public_key(xeddsa.ed25519_pub_to_curve25519_pub(recipient.ed25519))
        if aead_ad[:2 * AD_HALF] != expected_ad:
            raise GenerationError("the MAC associated data is not sender || receiver")
        self._record_ratchet_keys(draws_before, sender.name, index)
        self.messages.append(message)
        self.texts[message_id] = text
        self.events.append({"index": index, "actor": sender.name, "action": "encrypt", "message": message_id,
                            "note": note})
        return message_id

    def _record_ratchet_keys(self, draws_before: int, actor: str, index: int) -> None:
        for d in RANDOM.draws[draws_before:]:
            if d.purpose == "ratchet" and d.actor == actor:
                self.ratchet_keys.append({
                    "actor": actor, "event": index, "private_b64": b64e(d.value),
                    "public_b64": b64e(xeddsa.priv_to_curve25519_pub(d.value)),
                })

    # -- receiving (python-omemo's SessionManager.decrypt, without XML) --

    async def _receive(self, receiver: Party, wire: bytes, kind: str) -> Tuple[Any, Any, bytes]:
        sender = receiver.peer
        assert receiver.peer_bundle is not None
        try:
            if kind == "prekey":
                key_exchange, whisper = om.KeyExchangeImpl.parse(wire, bool(_sign_bit(receiver.peer_bundle.identity_key)))
            else:
                key_exchange, whisper = None, wire
            encrypted = om.EncryptedKeyMaterialImpl.parse(whisper, receiver.jid, receiver.device_id)
        except Exception as e:  # what oldmemo.etree.parse_message raises (ValueError, DecodeError)
            raise Refused("parse", e) from e
        backend = receiver.backend
        try:
            session = await backend.load_session(sender.jid, sender.device_id)
            if key_exchange is None:
                if session is None:
                    raise omemo.NoSession("no session and no key exchange")
                key_material = await backend.decrypt_key_material(session, encrypted)
            else:
                if key_exchange.identity_key != receiver.peer_bundle.identity_key:
                    raise omemo.PublicDataInconsistency("key exchange identity key differs from the bundle's")
                if session is not None and not (
                    session.initiation is Initiation.PASSIVE and session.key_exchange.builds_same_session(key_exchange)
                ):
                    session = None
                if session is None:
                    session, key_material = await backend.build_session_passive(
                        sender.jid, sender.device_id, key_exchange, encrypted
                    )
                else:
                    key_material = await backend.decrypt_key_material(session, encrypted)
        except Exception as e:
            raise Refused("decrypt", e) from e
        return session, key_exchange, key_material.key + key_material.auth_tag

    async def deliver(self, message_id: int, note: str, tamper: Optional[Callable[[bytes], bytes]] = None,
                      error: Optional[str] = None) -> None:
        message = self.messages[message_id]
        receiver = self.party(message["recipient"])
        index = len(self.events)
        wire = base64.b64decode(message["wire_b64"])
        event: Dict[str, Any] = {"index": index, "actor": receiver.name, "action": "decrypt", "message": message_id,
                                 "note": note}
        if tamper is not None:
            tampered = tamper(wire)
            if tampered == wire:
                raise GenerationError(f"event {index}: tampering changed nothing")
            wire = tampered
            event.update({"wire_b64": b64e(wire), "tampered": True})
        draws_before = len(RANDOM.draws)
        if error is not None:
            # A refused attempt draws from a separate stream and stores nothing.
            with RANDOM.acting(f"{receiver.name}/refused", index):
                try:
                    await self._receive(receiver, wire, message["kind"])
                except Refused as r:
                    event.update({"expect": "error", "error": error, "python_error": _describe(r.inner),
                                  "python_stage": r.stage})
                else:
                    raise GenerationError(f"event {index} ({note}): python-oldmemo accepted a negative vector")
            self.events.append(event)
            return
        with RANDOM.acting(receiver.name, index):
            try:
                session, key_exchange, plaintext = await self._receive(receiver, wire, message["kind"])
            except Refused as r:
                raise GenerationError(f"event {index} ({note}): refused: {_describe(r.inner)}: {r.inner}") from r
            await receiver.backend.store_session(session)
            if key_exchange is not None:
                await receiver.backend.delete_pre_key(session)
        if plaintext != base64.b64decode(message["plaintext_b64"]):
            raise GenerationError(f"event {index} ({note}): wrong key material")
        text = self.texts[message_id]
        if text is not None:
            content = om.ContentImpl(base64.b64decode(message["content"]["payload_b64"]),
                                     base64.b64decode(message["content"]["iv_b64"]))
            key_material = om.PlainKeyMaterialImpl(plaintext[:16], plaintext[16:])
            if await receiver.backend.decrypt_plaintext(content, key_material) != text:
                raise GenerationError(f"event {index} ({note}): content does not decrypt to the text")
        self._record_ratchet_keys(draws_before, receiver.name, index)
        event["expect"] = "empty" if text is None else "plaintext"
        self.events.append(event)


# ---- tampering of the wire forms --------------------------------------------------------------------------

def _flip(data: bytes, index: int, mask: int = 0x01) -> bytes:
    out = bytearray(data)
    out[index] ^= mask
    return bytes(out)


def whisper_header(change: Callable[[Any], None]) -> Callable[[bytes], bytes]:
    """Changes the WhisperMessage header (keeping the old MAC)."""
    def tamper(wire: bytes) -> bytes:
        header = OMEMOMessage.FromString(wire[1:-MAC_LENGTH])
        change(header)
        return wire[:1] + header.SerializeToString() + wire[-MAC_LENGTH:]
    return tamper


def kex_field(change: Callable[[Any], None]) -> Callable[[bytes], bytes]:
    def tamper(wire: bytes) -> bytes:
        kex = OMEMOKeyExchange.FromString(wire[1:])
        change(kex)
        return wire[:1] + kex.SerializeToString()
    return tamper


def kex_inner(inner: Callable[[bytes], bytes]) -> Callable[[bytes], bytes]:
    """Applies a WhisperMessage tampering to the message inside a PreKeyWhisperMessage."""
    def change(kex: Any) -> None:
        kex.message = inner(kex.message)
    return kex_field(change)


def _set(field: str, value: Any) -> Callable[[Any], None]:
    def change(m: Any) -> None:
        setattr(m, field, value(getattr(m, field)) if callable(value) else value)
    return change


flip_mac = lambda wire: _flip(wire, len(wire) - 1)  # noqa: E731
wrong_version = lambda wire: bytes([0x32]) + wire[1:]  # noqa: E731
high_nibble_version = lambda wire: bytes([0x23]) + wire[1:]  # noqa: E731


def truncate(count: int) -> Callable[[bytes], bytes]:
    return lambda wire: wire[:-count]


def _text(n: int, sender: str) -> bytes:
    return f"legacy {n} from {sender}: \u00e9t\u00e9 \u2603 <&>".encode("utf-8")


async def conversation() -> Conversation:
    c = Conversation()
    await c.setup()
    A, B = "alice", "bob"
    s, d = c.send, c.deliver
    # Alice starts: three PreKeyWhisperMessages before any reply.
    m0 = await s(A, _text(0, A), "alice builds the session (X3DH + first ratchet key): PreKeyWhisperMessage 0")
    m1 = await s(A, _text(1, A), "PreKeyWhisperMessage 1 (session still unconfirmed)")
    m2 = await s(A, None, "an empty OMEMO message as PreKeyWhisperMessage 2 (16-byte key material)")
    m3 = await s(A, _text(3, A), "PreKeyWhisperMessage 3")
    await d(m0, "prekey: outer version byte 0x32", tamper=wrong_version, error="MalformedMessage")
    await d(m0, "prekey: inner WhisperMessage MAC flipped, no session yet", tamper=kex_inner(flip_mac),
            error="AuthenticationFailed")
    await d(m0, "prekey: unknown pre-key id", tamper=kex_field(_set("pk_id", 4242)), error="UnknownPreKey")
    await d(m0, "prekey: unknown signed pre-key id", tamper=kex_field(_set("spk_id", 4242)),
            error="UnknownSignedPreKey")
    await d(m0, "prekey: base key changed (other X3DH secret)",
            tamper=kex_field(_set("ek", lambda v: v[:1] + _flip(v[1:], 5))), error="AuthenticationFailed")
    await d(m0, "prekey: truncated by 4 bytes", tamper=truncate(4), error="MalformedMessage")
    await d(m2, "bob builds the session from PreKeyWhisperMessage 2 (0 and 1 skipped), an empty message")
    await d(m0, "repeated key exchange: message 0 from the skipped keys")
    await d(m0, "replay of PreKeyWhisperMessage 0", error="DuplicateMessage")
    r0 = await s(B, _text(0, B), "bob's first reply: WhisperMessage in his first sending chain")
    r1 = await s(B, _text(1, B), "bob's reply 1")
    await d(r1, "whisper: MAC flipped, before anything from bob", tamper=flip_mac, error="AuthenticationFailed")
    await d(r1, "alice: reply 1 first (DH ratchet step, reply 0 skipped); confirms alice's session")
    m4 = await s(A, _text(4, A), "alice's first WhisperMessage (new ratchet key, previous counter 4)")
    await d(m3, "late PreKeyWhisperMessage 3 after the session exists (same key exchange)")
    await d(m1, "late PreKeyWhisperMessage 1 from the skipped keys")
    await d(m4, "bob: DH ratchet step on alice's new ratchet key")
    await d(r0, "alice: reply 0 from the skipped keys of bob's first chain")
    await d(r0, "replay of reply 0", error="DuplicateMessage")
    m5 = await s(A, _text(5, A), "message 5")
    m6 = await s(A, _text(6, A), "message 6")
    m7 = await s(A, _text(7, A), "message 7")
    await d(m7, "whisper: counter + 1 with the old MAC", tamper=whisper_header(_set("n", lambda n: n + 1)),
            error="AuthenticationFailed")
    await d(m7, "whisper: previous counter + 1 with the old MAC", tamper=whisper_header(_set("pn", lambda n: n + 1)),
            error="AuthenticationFailed")
    await d(m7, "whisper: ratchet key changed", tamper=whisper_header(_set("dh_pub", lambda v: v[:1] + _flip(v[1:], 9))),
            error="AuthenticationFailed")
    await d(m7, "whisper: counter 5000 (past python's 1000 skipped keys)",
            tamper=whisper_header(_set("n", 5000)), error="TooManySkippedMessages")
    await d(m7, "whisper: version byte 0x32", tamper=wrong_version, error="MalformedMessage")
    await d(m7, "whisper: version byte 0x23 (libsignal's version nibbles swapped)", tamper=high_nibble_version,
            error="MalformedMessage")
    await d(m7, "whisper: truncated by 3 bytes", tamper=truncate(3), error="MalformedMessage")
    await d(m7, "whisper: truncated to the version byte and the MAC",
            tamper=lambda w: w[:1] + w[-MAC_LENGTH:], error="MalformedMessage")
    await d(m7, "message 7 (5 and 6 skipped) after the refused forms")
    r2 = await s(B, _text(2, B), "bob's reply in his second sending chain")
    r3 = await s(B, None, "bob's empty message (16-byte key material)")
    await d(m5, "message 5 from the skipped keys")
    await d(r3, "alice: bob's empty message first (DH ratchet step, reply 2 skipped)")
    m8 = await s(A, _text(8, A), "message 8 in alice's third sending chain")
    m9 = await s(A, _text(9, A), "message 9")
    m10 = await s(A, _text(10, A), "message 10")
    await d(r2, "alice: reply 2 from the skipped keys")
    r4 = await s(B, _text(4, B), "bob's reply 4 (still his second chain: he has not seen alice's third key)")
    await d(r4, "alice: reply 4")
    m11 = await s(A, _text(11, A), "message 11, still alice's third chain")
    await d(m11, "bob: DH ratchet step; 8..10 skipped")
    await d(m6, "message 6, from a chain two ratchet steps old")
    await d(m9, "message 9 from the skipped keys")
    r5 = await s(B, _text(5, B), "bob's reply 5 in his third sending chain")
    await d(r5, "alice: DH ratchet step on reply 5")
    m12 = await s(A, _text(12, A), "message 12 in alice's fourth chain (previous counter 4)")
    await d(m12, "bob: DH ratchet step on message 12 (the previous counter covers nothing new)")
    await d(m10, "message 10, one ratchet step old")
    await d(m8, "message 8, the last skipped key")
    await d(m8, "replay of message 8 from a previous receiving chain (python-doubleratchet keeps no old chains: it "
            "ratchets again and fails the MAC, AuthenticationFailed; an engine that remembers earlier ratchet keys "
            "reports a duplicate)", error="DuplicateMessage")
    await d(m12, "replay of message 12", error="DuplicateMessage")
    return c


async def make_stanza() -> Dict[str, Any]:
    """One message through two real SessionManagers (oldmemo backend only) and the XML serializer."""
    pep = FakePep()
    sender, receiver = Peer(pep), Peer(pep)
    names = ("stanza-sender", "stanza-receiver")
    seeds = (identity_seed(names[0], 1), identity_seed(names[1], 0))
    for name, seed in zip(names, seeds):
        RANDOM.forced[(name, "identity")] = [seed]
    with RANDOM.acting(names[0]):
        await sender.init("carol@legacy.example", 3003, backends=["oldmemo"])
    with RANDOM.acting(names[1]):
        await receiver.init("dave@legacy.example", 4004, backends=["oldmemo"])
    for me, other in ((sender, receiver), (receiver, sender)):
        await me.manager.update_device_list(LEGACY_NAMESPACE, other.jid,
                                            pep.device_list_node(LEGACY_NAMESPACE)[other.jid])
    assert receiver.storage is not None and sender.storage is not None
    receiver_ed = xeddsa.seed_to_ed25519_pub(seeds[1])
    signed_pre_key, pre_keys = export_keys(receiver.storage, receiver_ed)
    receiver_bundle = await receiver.bundle_xml(LEGACY_NAMESPACE)
    text = "A legacy stanza from a python-omemo SessionManager: \u00e9t\u00e9 \u2603 <&>".encode("utf-8")
    with RANDOM.acting(names[0]):
        result = await sender.encrypt([receiver.jid], text)
    if result["namespace"] != LEGACY_NAMESPACE or result["errors"]:
        raise GenerationError(f"unexpected encryption result {result}")
    xml = str(result["encrypted_xml"])
    keys = list(ET.fromstring(xml).iter(f"{NS}key"))
    if len(keys) != 1 or keys[0].get("prekey") != "true" or keys[0].get("rid") != str(receiver.device_id):
        raise GenerationError("expected one prekey=\"true\" <key> for the receiver")
    kex = OMEMOKeyExchange.FromString(base64.b64decode(keys[0].text or "")[1:])
    with RANDOM.acting(names[1]):
        decrypted = await receiver.decrypt(sender.jid, xml)
    if decrypted["plaintext_b64"] != b64e(text):
        raise GenerationError("the receiver did not decrypt the stanza")

    def party(peer: Peer, seed: bytes, bundle: str) -> Dict[str, Any]:
        return {
            "jid": peer.jid, "device_id": peer.device_id, **identity_json(seed), "bundle_xml": bundle,
            "devicelist_xml": peer.devicelist_xml(peer.jid, LEGACY_NAMESPACE),
        }

    sender_bundle = await sender.bundle_xml(LEGACY_NAMESPACE)
    return {
        "description": "carol (Ed25519 sign bit 1) encrypts one message for dave (sign bit 0) "
                       "with python-omemo's SessionManager.encrypt and oldmemo.etree.serialize_message; dave's "
                       "python-omemo decrypted it. The <key> is a PreKeyWhisperMessage (prekey=\"true\").",
        "sender": party(sender, seeds[0], sender_bundle),
        "receiver": {
            **party(receiver, seeds[1], receiver_bundle),
            "signed_pre_key": signed_pre_key,
            "pre_key": pre_keys[kex.pk_id],
        },
        "encrypted_xml": xml,
        "plaintext_b64": b64e(text),
        "key_material_b64": result["key_material_b64"],
    }


async def generate(directory: str) -> List[str]:
    install_determinism()
    install_recorders()
    c = await conversation()
    active = [r for r in X3DH_RECORDS if r.side == "active"]
    passive = [r for r in X3DH_RECORDS if r.side == "passive"]
    if len(active) != 1 or not passive:
        raise GenerationError(f"expected one active X3DH, got {len(active)}")
    first = active[0]
    if not any(p.shared_secret == first.shared_secret and p.associated_data == first.associated_data for p in passive):
        raise GenerationError("no passive X3DH matched the active one")
    header = first.header
    assert header is not None and header.pre_key is not None
    ephemeral = next((d.value for d in RANDOM.draws
                      if d.actor == "alice" and d.purpose == "x3dh" and len(d.value) == 32
                      and xeddsa.priv_to_curve25519_pub(d.value) == header.ephemeral_key), None)
    if ephemeral is None:
        raise GenerationError("could not find the X3DH ephemeral private key")
    bob = c.bob.export
    pre_key = next(p for p in bob["pre_keys"] if base64.b64decode(p["public_b64"]) == header.pre_key)
    if len(first.associated_data) != 2 * AD_HALF:
        raise GenerationError("the X3DH associated data is not 66 bytes")
    # Every message's ratchet public key must be one of the recorded ratchet keys (or bob's SPK never is).
    recorded = {k["public_b64"] for k in c.ratchet_keys}
    if any(m["ratchet_public_b64"] not in recorded for m in c.messages):
        raise GenerationError("a message uses a ratchet key that was not recorded")
    document = {
        "schema": SCHEMA,
        "name": "legacy_conversation",
        "namespace": LEGACY_NAMESPACE,
        "description": "alice (Ed25519 sign bit 0) and bob (sign bit 1) hold a legacy OMEMO conversation driven "
                       "through python-oldmemo's backend: four PreKeyWhisperMessages before the first reply, "
                       "replies and DH ratchet steps in both directions, out-of-order delivery across chains, "
                       "skipped keys, empty messages, replays and tampered wire forms.",
        "generator": {
            "python_omemo": omemo.__version__["short"], "oldmemo": oldmemo.__version__["short"],
            "x3dh": x3dh.__version__["short"], "doubleratchet": doubleratchet.__version__["short"],
            "xeddsa": xeddsa.__version__["short"],
        },
        "deterministic": True,
        "clock": CLOCK,
        "parties": {"alice": c.alice.export, "bob": bob},
        "x3dh": {
            "initiator": "alice", "responder": "bob",
            "signed_pre_key_id": bob["signed_pre_key"]["id"],
            "pre_key_id": pre_key["id"],
            "pre_key_private_b64": pre_key["private_b64"], "pre_key_public_b64": pre_key["public_b64"],
            "ephemeral_private_b64": b64e(ephemeral), "ephemeral_public_b64": b64e(header.ephemeral_key),
            "shared_secret_b64": b64e(first.shared_secret),
            "associated_data_b64": b64e(first.associated_data),
            "associated_data_bob_sends_b64": b64e(first.associated_data[AD_HALF:] + first.associated_data[:AD_HALF]),
        },
        "ratchet_keys": c.ratchet_keys,
        "messages": c.messages,
        "events": c.events,
        "stanza": await make_stanza(),
    }
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, "legacy_conversation.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(document, f, indent=1, ensure_ascii=True)
        f.write("\n")
    return [os.path.basename(path)]


def main(argv: List[str]) -> int:
    return vector_common.run(argv, "make_legacy_vectors", generate, GenerationError)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
