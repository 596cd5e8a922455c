#!/usr/bin/python3
"""Generate OMEMO 2 receive-side test vectors with python-omemo 1.0.2 / twomemo 1.0.3.

Usage: /usr/bin/python3 make_vectors.py OUTPUT_DIRECTORY

Run at test time (the vectors hold private keys and random values; they are never committed). Writes one JSON
file per scenario into OUTPUT_DIRECTORY and prints the file names, one per line, on stdout. Exit status 0 on
success; on failure a message on stderr and status 1.

How a file is made: a sender ("alice") and a receiver ("bob") are two python-omemo SessionManagers (twomemo
backend, in-memory storage, shared fake PEP; see omemo_peer.py). Alice encrypts, stanzas are tampered with where
a step is negative, and every step is first fed to python-bob itself in the listed order: a positive step must
decrypt to the expected plaintext and a negative step must be refused, or the generator fails. Bob's private
keys are then exported from his python-omemo Storage: "/ikp/key" (the Ed25519 seed), "/urn:xmpp:omemo:2/x3dh"
(x3dh state: signed pre-key private key, signature and timestamp, one-time pre-key private keys; bytes stored as
one character per byte) and the id maps "/urn:xmpp:omemo:2/signed_pre_key_ids" and ".../pre_key_ids"
(standard base64 of the public key -> id). The export is the union of a snapshot taken before the first step and
one taken after the last, so pre-keys python-bob deleted after use and pre-keys he generated as refills are all
present (a vector may use a refill pre-key).

The receiver never sends in a vector (python-bob's automatic replies are dropped), so alice never performs a
DH ratchet step: a replaying receiver cannot reproduce bob's random ratchet keys, which any reply from bob
would force alice to use. All of alice's messages of one session are therefore in one sending chain; to get
plain (non-KEX) OMEMOAuthenticatedMessages without a reply, alice's session is marked confirmed directly in
her storage. Ratchet steps in both directions are exercised by the live tests instead.

JSON schema (all byte strings are standard base64 with padding; ids are unsigned 32-bit integers):

{
  "schema": "omemo-native/python-vectors/1",
  "name": "kex_and_chain",                 // file name without .json
  "description": "...",
  "generator": {"python_omemo": "1.0.2", "twomemo": "1.0.3"},
  "role": "responder" | "initiator",      // the receiver's part in the X3DH key agreement
  "receiver": {
    "jid": "bob@vectors.example", "device_id": 1001,
    "identity_seed_b64": "...",            // 32-byte Ed25519 seed (python-omemo stores the seed)
    "identity_key_b64": "...",             // Ed25519 public key, the <ik> of the bundle
    "signed_pre_keys": [                   // every signed pre-key the receiver holds (current first)
      {"id": 1, "private_b64": "...", "public_b64": "...", "signature_b64": "...", "timestamp": 1700000000}
    ],
    "pre_keys": [{"id": 1, "private_b64": "...", "public_b64": "..."}],   // X25519, private as python stores it
                                                                           // (32 random bytes, unclamped)
    "bundle_xml": "<bundle xmlns='urn:xmpp:omemo:2'>...</bundle>",        // as published before step 0
    "policy": "one-time pre-keys are deleted after the first key exchange that used them succeeded; a key
               exchange that builds the session the receiver already has (same ik, ek, spk id, pk id) is
               decrypted with that session"
  },
  "sender": {
    "jid": "alice@vectors.example", "device_id": 2002,
    "identity_key_b64": "...",             // Ed25519; every KEX in the file carries it as ik
    "devicelist_xml": "<devices xmlns='urn:xmpp:omemo:2'>...</devices>"
  },
  "initiation": {                          // role == "initiator" only: rebuild the receiver's session with
    "peer_bundle_xml": "<bundle ...>",     // the sender's bundle, this pre-key and the private keys python-omemo
    "pre_key_id": 17,                      // drew (X3DH ephemeral key, first ratchet key)
    "signed_pre_key_id": 1,
    "ephemeral_private_b64": "...",
    "ratchet_private_b64": "..."
  },
  "sent": [                                // role == "initiator" only, in order, before the steps: the key
    {"note": "...", "key_material_b64": "...",   // material of each message the receiver sent (48 bytes, or 32
     "key_b64": "...", "kex": true}        // zero bytes for an empty message) and the exact <key> bytes it gave
  ],
  "steps": [                               // deliver in this order, each to the receiver's state after the
    {                                      // previous steps; a refused step must leave that state unchanged
      "index": 0,
      "note": "what this step tests",
      "encrypted_xml": "<encrypted xmlns='urn:xmpp:omemo:2'>...</encrypted>",   // the whole element
      "kex": true,                         // the receiver's <key> has kex="true"
      "session": 1,                        // which of alice's sessions produced it (informative)
      "message_number": 3,                 // the ratchet header's n before any tampering (informative)
      "expect": "plaintext" | "empty" | "error",
      "plaintext_b64": "...",              // expect == "plaintext" (may be "" for a zero-length plaintext,
                                           // which still has a <payload>)
      "error": "AuthenticationFailed",     // expect == "error": the Omemo.Errors.<error>Exception to raise:
                                           // AuthenticationFailed | MalformedMessage | UnknownPreKey |
                                           // UnknownSignedPreKey | DuplicateMessage | TooManySkippedMessages
      "error_stage": "key" | "payload",    // expect == "error": "payload" when the <key> decrypts (and the
                                           // ratchet commits) but the <payload> is refused
      "python_error": "DecryptionFailed <- AuthenticationFailedException"   // what python-omemo raised
                                           // (exception chain, informative)
    }
  ]
}
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import secrets
import sys
import xml.etree.ElementTree as ET
from typing import Any, Callable, Dict, List, Optional

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import omemo  # noqa: E402
import twomemo  # noqa: E402
import x3dh.base_state as x3dh_base_state  # noqa: E402
import xeddsa  # noqa: E402
from twomemo.twomemo import NAMESPACE  # noqa: E402
from twomemo.twomemo_pb2 import OMEMOAuthenticatedMessage, OMEMOKeyExchange, OMEMOMessage  # noqa: E402

from omemo_peer import FakePep, Peer, b64e  # noqa: E402
from vector_common import GenerationError, bytes_from_state as _bytes_from_state, describe as _describe  # noqa: E402
import vector_common  # noqa: E402

SCHEMA = "omemo-native/python-vectors/1"
NS = f"{{{NAMESPACE}}}"
ALICE = "alice@vectors.example"
BOB = "bob@vectors.example"
ALICE_DEVICE = 2002
BOB_DEVICE = 1001
POLICY = (
    "one-time pre-keys are deleted after the first key exchange that used them succeeded; a key exchange that"
    " builds the session the receiver already has (same ik, ek, spk id, pk id) is decrypted with that session"
)


# ---- stanza surgery ------------------------------------------------------------------------------------

class Stanza:
    """An <encrypted> element and its <key> (every vector stanza has exactly one), for tampering."""

    def __init__(self, xml: str) -> None:
        self.root = ET.fromstring(xml)
        keys = list(self.root.iter(f"{NS}key"))
        if len(keys) != 1:
            raise GenerationError(f"expected one <key>, found {len(keys)}")
        self.key = keys[0]

    @property
    def kex(self) -> bool:
        return self.key.get("kex") == "true"

    @property
    def key_bytes(self) -> bytes:
        return base64.b64decode(self.key.text or "")

    @key_bytes.setter
    def key_bytes(self, data: bytes) -> None:
        self.key.text = base64.b64encode(data).decode("ascii")

    def authenticated(self) -> OMEMOAuthenticatedMessage:
        if self.kex:
            return OMEMOKeyExchange.FromString(self.key_bytes).message
        return OMEMOAuthenticatedMessage.FromString(self.key_bytes)

    def set_authenticated(self, message: OMEMOAuthenticatedMessage, partial: bool = False) -> None:
        if self.kex:
            kex = OMEMOKeyExchange.FromString(self.key_bytes)
            kex.message.CopyFrom(message)
            self.key_bytes = kex.SerializePartialToString() if partial else kex.SerializeToString()
        else:
            self.key_bytes = message.SerializePartialToString() if partial else message.SerializeToString()

    def header(self) -> OMEMOMessage:
        return OMEMOMessage.FromString(self.authenticated().message)

    def xml(self) -> str:
        return ET.tostring(self.root, encoding="unicode")


def _flip(data: bytes, index: int, mask: int = 0x01) -> bytes:
    out = bytearray(data)
    out[index] ^= mask
    return bytes(out)


def tamper(xml: str, change: Callable[[Stanza], None]) -> str:
    stanza = Stanza(xml)
    change(stanza)
    result = stanza.xml()
    if result == xml:
        raise GenerationError("tampering changed nothing")
    return result


def tamper_mac(s: Stanza) -> None:
    auth = s.authenticated()
    auth.mac = _flip(auth.mac, 0)
    s.set_authenticated(auth)


def tamper_header(field: str) -> Callable[[Stanza], None]:
    def change(s: Stanza) -> None:
        auth = s.authenticated()
        header = OMEMOMessage.FromString(auth.message)
        if field == "n":
            header.n += 1
        elif field == "pn":
            header.pn += 1
        elif field == "dh_pub":
            header.dh_pub = _flip(header.dh_pub, 1)
        elif field == "ciphertext":
            header.ciphertext = _flip(header.ciphertext, len(header.ciphertext) - 1)
        else:
            raise ValueError(field)
        auth.message = header.SerializeToString()
        s.set_authenticated(auth)
    return change


def drop_mac(s: Stanza) -> None:
    auth = s.authenticated()
    auth.ClearField("mac")
    s.set_authenticated(auth, partial=True)


def truncate(count: int) -> Callable[[Stanza], None]:
    def change(s: Stanza) -> None:
        s.key_bytes = s.key_bytes[:-count]
    return change


def kex_field(name: str, value: Any) -> Callable[[Stanza], None]:
    def change(s: Stanza) -> None:
        kex = OMEMOKeyExchange.FromString(s.key_bytes)
        setattr(kex, name, value(getattr(kex, name)) if callable(value) else value)
        s.key_bytes = kex.SerializeToString()
    return change


def tamper_payload(s: Stanza) -> None:
    payload = s.root.find(f"{NS}payload")
    assert payload is not None and payload.text
    data = base64.b64decode(payload.text)
    payload.text = base64.b64encode(_flip(data, len(data) // 2)).decode("ascii")


# ---- scenario recording ----------------------------------------------------------------------------------

class Scenario:
    def __init__(self, name: str, description: str) -> None:
        self.name = name
        self.description = description
        self.pep = FakePep()
        self.alice = Peer(self.pep)
        self.bob = Peer(self.pep)
        self.receiver = self.bob  # whose private keys are exported and who decrypts the steps
        self.sender = self.alice
        self.role = "responder"
        self.extra: Dict[str, Any] = {}  # more top-level members (initiation, sent)
        self.steps: List[Dict[str, Any]] = []
        self.snapshots: List[Dict[str, Any]] = []
        self.bundle_xml = ""
        self.session = 1

    async def start(self) -> None:
        await self.alice.init(ALICE, ALICE_DEVICE)
        await self.bob.init(BOB, BOB_DEVICE)
        # PEP pushes: each learns the other's device list (bundles are fetched from the shared fake PEP).
        await self.alice.manager.update_device_list(NAMESPACE, BOB, self.pep.device_lists[BOB])
        await self.bob.manager.update_device_list(NAMESPACE, ALICE, self.pep.device_lists[ALICE])
    def snapshot(self) -> None:
        """Records the receiver's storage: call before the first step."""
        assert self.receiver.storage is not None
        self.snapshots.append(self.receiver.storage.dump())

    async def begin(self) -> None:
        await self.start()
        self.bundle_xml = await self.receiver.bundle_xml()
        self.snapshot()

    async def send(self, plaintext: Optional[bytes]) -> str:
        """Alice -> bob: a message (plaintext) or an empty OMEMO message (None)."""
        if plaintext is None:
            return await self.alice.encrypt_empty(BOB, BOB_DEVICE)
        result = await self.alice.encrypt([BOB], plaintext)
        if result["errors"]:
            raise GenerationError(f"encryption errors: {result['errors']}")
        return str(result["encrypted_xml"])

    async def confirm(self) -> None:
        await self.alice.confirm_session(BOB, BOB_DEVICE)

    async def replace(self) -> str:
        """Alice replaces her session with bob (python-omemo's replace_sessions); returns the notice."""
        self.alice.take_outbox()
        await self.alice.replace_session(BOB, BOB_DEVICE)
        notices = self.alice.take_outbox()
        if len(notices) != 1:
            raise GenerationError(f"expected one replacement notice, got {len(notices)}")
        self.session += 1
        return notices[0]["encrypted_xml"]

    async def deliver(
        self,
        xml: str,
        note: str,
        plaintext: Optional[bytes] = None,
        empty: bool = False,
        error: Optional[str] = None,
        error_stage: str = "key",
    ) -> None:
        stanza = Stanza(xml)
        try:
            number: Optional[int] = stanza.header().n
        except Exception:  # a malformed step: report the number of nothing
            number = None
        step: Dict[str, Any] = {
            "index": len(self.steps),
            "note": note,
            "encrypted_xml": xml,
            "kex": stanza.kex,
            "session": self.session,
            "message_number": number,
        }
        python_error: Optional[BaseException] = None
        result: Optional[Dict[str, Any]] = None
        try:
            result = await self.receiver.decrypt(self.sender.jid, xml)
        except Exception as e:  # pylint: disable=broad-except
            python_error = e
        self.receiver.take_outbox()  # the receiver never answers in a vector

        if error is not None:
            if python_error is None:
                raise GenerationError(f"step {step['index']} ({note}): python-omemo accepted a negative vector")
            inner = getattr(python_error, "inner", python_error)  # omemo_peer.StageError wraps parse errors
            step.update(expect="error", error=error, error_stage=error_stage, python_error=_describe(inner))
        else:
            if python_error is not None:
                raise GenerationError(
                    f"step {step['index']} ({note}): python-omemo refused it: {python_error!r}"
                ) from python_error
            assert result is not None
            if empty:
                if result["plaintext_b64"] is not None:
                    raise GenerationError(f"step {step['index']} ({note}): not an empty message")
                step.update(expect="empty")
            else:
                assert plaintext is not None
                if result["plaintext_b64"] != b64e(plaintext):
                    raise GenerationError(f"step {step['index']} ({note}): wrong plaintext")
                step.update(expect="plaintext", plaintext_b64=b64e(plaintext))
            if result["sender_device_id"] != self.sender.device_id:
                raise GenerationError("wrong sender device")
        self.steps.append(step)

    def export(self) -> Dict[str, Any]:
        assert self.receiver.storage is not None and self.sender.storage is not None
        self.snapshot()
        first = self.snapshots[0]
        seed = base64.urlsafe_b64decode(first["/ikp/key"])
        if first["/ikp/is_seed"] is not True:
            raise GenerationError("python-omemo stored a private key, not a seed")
        identity_key = xeddsa.seed_to_ed25519_pub(seed)

        signed_pre_keys: Dict[int, Dict[str, Any]] = {}
        pre_keys: Dict[int, Dict[str, Any]] = {}
        for snapshot in self.snapshots:
            state = snapshot[f"/{NAMESPACE}/x3dh"]
            if _bytes_from_state(state["identity_key"]["secret"]) != seed:
                raise GenerationError("x3dh state and /ikp disagree on the identity")
            spk_ids = {base64.b64decode(k): v for k, v in snapshot[f"/{NAMESPACE}/signed_pre_key_ids"].items()}
            pk_ids = {base64.b64decode(k): v for k, v in snapshot[f"/{NAMESPACE}/pre_key_ids"].items()}
            for spk in (state["signed_pre_key"], state.get("old_signed_pre_key")):
                if spk is None:
                    continue
                private = _bytes_from_state(spk["priv"])
                public = xeddsa.priv_to_curve25519_pub(private)
                signature = _bytes_from_state(spk["sig"])
                if not xeddsa.ed25519_verify(signature, identity_key, public):
                    raise GenerationError("signed pre-key signature does not verify")
                signed_pre_keys.setdefault(spk_ids[public], {
                    "id": spk_ids[public], "private_b64": b64e(private), "public_b64": b64e(public),
                    "signature_b64": b64e(signature), "timestamp": spk["timestamp"],
                })
            for text in state["pre_keys"]:
                private = _bytes_from_state(text)
                public = xeddsa.priv_to_curve25519_pub(private)
                pre_keys.setdefault(pk_ids[public], {
                    "id": pk_ids[public], "private_b64": b64e(private), "public_b64": b64e(public),
                })

        sender_seed = base64.urlsafe_b64decode(self.sender.storage.data["/ikp/key"])
        return {
            "schema": SCHEMA,
            "name": self.name,
            "description": self.description,
            "generator": {
                "python_omemo": omemo.__version__["short"],
                "twomemo": twomemo.__version__["short"],
            },
            "role": self.role,
            "receiver": {
                "jid": self.receiver.jid,
                "device_id": self.receiver.device_id,
                "identity_seed_b64": b64e(seed),
                "identity_key_b64": b64e(identity_key),
                "signed_pre_keys": [signed_pre_keys[k] for k in sorted(signed_pre_keys, reverse=True)],
                "pre_keys": [pre_keys[k] for k in sorted(pre_keys)],
                "bundle_xml": self.bundle_xml,
                "policy": POLICY,
            },
            "sender": {
                "jid": self.sender.jid,
                "device_id": self.sender.device_id,
                "identity_key_b64": b64e(xeddsa.seed_to_ed25519_pub(sender_seed)),
                "devicelist_xml": self.sender.devicelist_xml(self.sender.jid),
            },
            **self.extra,
            "steps": self.steps,
        }


# ---- scenarios -------------------------------------------------------------------------------------------

def _text(i: int) -> bytes:
    return f"message {i}: \u00e9t\u00e9 \u2603 <&>".encode("utf-8")


async def kex_and_chain() -> Scenario:
    sc = Scenario(
        "kex_and_chain",
        "One session alice -> bob: five key-exchange messages sent before any reply (one of them empty), "
        "delivered out of order and repeated, then plain messages in the same chain with out-of-order "
        "delivery, duplicates, an empty message, tampering of every field and a jump past the skip limit.",
    )
    await sc.begin()
    k = [await sc.send(_text(0)), await sc.send(b""), await sc.send(_text(2)), await sc.send(None),
         await sc.send(bytes(range(256)) * 4)]
    await sc.confirm()
    a = {n: await sc.send(_text(n)) for n in range(5, 14)}
    a[14] = await sc.send(None)
    a[15] = await sc.send(b"x" * 16)
    # The far jump: 1500 messages alice sends and bob never gets, then one more.
    for _ in range(1500):
        await sc.send(None)
    far = await sc.send(_text(9999))

    if not all(Stanza(x).kex for x in k) or any(Stanza(x).kex for x in a.values()):
        raise GenerationError("unexpected kex flags")

    d = sc.deliver
    await d(tamper(k[0], tamper_mac), "KEX with a wrong MAC before any session", error="AuthenticationFailed")
    await d(tamper(k[0], kex_field("ek", lambda v: _flip(v, 3))),
            "KEX with a changed ephemeral key", error="AuthenticationFailed")
    await d(tamper(k[0], truncate(7)), "KEX protobuf truncated", error="MalformedMessage")
    await d(tamper(k[0], kex_field("pk_id", 3_000_000)), "KEX naming an unknown pre-key id", error="UnknownPreKey")
    await d(tamper(k[0], kex_field("spk_id", 3_000_000)), "KEX naming an unknown signed pre-key id",
            error="UnknownSignedPreKey")
    await d(k[2], "first KEX to arrive is message 2 (0 and 1 skipped)", plaintext=_text(2))
    await d(k[0], "repeated KEX, delayed message 0 from the skipped keys", plaintext=_text(0))
    await d(k[0], "replay of a KEX message", error="DuplicateMessage")
    await d(k[2], "replay of the KEX message that built the session", error="DuplicateMessage")
    await d(k[1], "repeated KEX carrying a zero-length plaintext (payload present)", plaintext=b"")
    await d(k[3], "empty OMEMO message as KEX (no payload)", empty=True)
    await d(tamper(k[4], tamper_mac), "repeated KEX with a wrong MAC", error="AuthenticationFailed")
    await d(k[4], "repeated KEX, 1 KiB plaintext", plaintext=bytes(range(256)) * 4)
    await d(a[5], "plain message after the KEX messages", plaintext=_text(5))
    await d(a[7], "out of order: 7 before 6", plaintext=_text(7))
    await d(a[6], "out of order: 6 from the skipped keys", plaintext=_text(6))
    await d(a[6], "replay of a message decrypted from the skipped keys", error="DuplicateMessage")
    await d(a[7], "replay of a message", error="DuplicateMessage")
    await d(tamper(a[8], tamper_mac), "wrong MAC", error="AuthenticationFailed")
    await d(tamper(a[8], tamper_header("n")), "header n changed", error="AuthenticationFailed")
    await d(tamper(a[8], tamper_header("pn")), "header pn changed", error="AuthenticationFailed")
    await d(tamper(a[8], tamper_header("dh_pub")), "header dh_pub changed", error="AuthenticationFailed")
    await d(tamper(a[8], tamper_header("ciphertext")), "ratchet ciphertext changed", error="AuthenticationFailed")
    await d(tamper(a[8], truncate(5)), "OMEMOAuthenticatedMessage truncated", error="MalformedMessage")
    await d(tamper(a[8], drop_mac), "required field mac missing", error="MalformedMessage")
    await d(a[8], "the untampered message after the refused ones", plaintext=_text(8))
    await d(tamper(a[9], tamper_payload), "payload changed (the key decrypts, the payload MAC fails)",
            error="AuthenticationFailed", error_stage="payload")
    await d(a[11], "message 11 (10 skipped, 9 consumed by the refused payload)", plaintext=_text(11))
    await d(a[14], "empty OMEMO message, plain", empty=True)
    await d(far, "1500 messages skipped at once", error="TooManySkippedMessages")
    await d(a[10], "delayed message 10 after the refused jump", plaintext=_text(10))
    await d(a[15], "16-byte plaintext (a full padding block)", plaintext=b"x" * 16)
    await d(a[12], "delayed message 12", plaintext=_text(12))
    await d(a[13], "delayed message 13", plaintext=_text(13))
    return sc


async def session_replacement() -> Scenario:
    sc = Scenario(
        "session_replacement",
        "Alice starts a session, bob decrypts it, alice replaces it (python-omemo replace_sessions: an empty "
        "KEX message over a new session from bob's refilled bundle), then messages of the new session, and "
        "late messages of the old one.",
    )
    await sc.begin()
    first = [await sc.send(_text(i)) for i in range(3)]
    await sc.confirm()
    old_plain = await sc.send(_text(3))
    old_late = await sc.send(_text(4))
    d = sc.deliver
    await d(first[0], "session 1: KEX", plaintext=_text(0))
    await d(first[1], "session 1: repeated KEX", plaintext=_text(1))
    await d(old_plain, "session 1: plain message", plaintext=_text(3))
    notice = await sc.replace()   # bob's bundle in the fake PEP has been refilled by now
    second = [await sc.send(_text(10 + i)) for i in range(3)]
    await d(second[1], "session 2: KEX message 2 arrives before the notice and message 1", plaintext=_text(11))
    await d(notice, "session 2: the replacement notice (empty KEX message 0)", empty=True)
    await d(second[0], "session 2: KEX message 1", plaintext=_text(10))
    await d(first[2], "late session-1 KEX: its pre-key is gone", error="UnknownPreKey")
    await d(old_late, "late session-1 plain message, session replaced", error="AuthenticationFailed")
    await d(second[2], "session 2 still works after the refused old messages", plaintext=_text(12))
    await d(second[2], "replay in session 2", error="DuplicateMessage")
    return sc


class _RecordingSecrets:
    """Stands in for the secrets module inside x3dh.base_state to learn the X3DH ephemeral private key."""

    def __init__(self) -> None:
        self.token_bytes_results: List[bytes] = []

    def token_bytes(self, n: int) -> bytes:
        value = secrets.token_bytes(n)
        self.token_bytes_results.append(value)
        return value

    def __getattr__(self, name: str) -> Any:
        return getattr(secrets, name)


async def initiator_view() -> Scenario:
    sc = Scenario(
        "initiator_view",
        "The receiver is the initiator (alice). The engine rebuilds alice's session from her private keys, the "
        "X3DH ephemeral and first ratchet private keys python-omemo drew, re-encrypts alice's three KEX messages "
        "byte for byte, then decrypts bob's replies: a DH ratchet step on receipt, bob's automatic empty "
        "messages, out-of-order delivery, replays and tampering.",
    )
    sc.receiver, sc.sender, sc.role = sc.alice, sc.bob, "initiator"
    await sc.start()
    bob_bundle_xml = await sc.bob.bundle_xml()
    sc.bundle_xml = await sc.alice.bundle_xml()
    sc.snapshot()

    recorder = _RecordingSecrets()
    saved = x3dh_base_state.secrets
    x3dh_base_state.secrets = recorder  # type: ignore[assignment]
    try:
        first = await sc.alice.encrypt([BOB], _text(0))
    finally:
        x3dh_base_state.secrets = saved
    k0 = str(first["encrypted_xml"])
    kex = OMEMOKeyExchange.FromString(Stanza(k0).key_bytes)
    ephemeral = next((b for b in recorder.token_bytes_results if xeddsa.priv_to_curve25519_pub(b) == kex.ek), None)
    if ephemeral is None:
        raise GenerationError("could not capture the X3DH ephemeral private key")
    assert sc.alice.storage is not None
    ratchet_state = sc.alice.storage.data[f"/{NAMESPACE}/{BOB}/{BOB_DEVICE}/double_ratchet"]["diffie_hellman_ratchet"]
    ratchet_private = _bytes_from_state(ratchet_state["own_ratchet_priv"])
    if xeddsa.priv_to_curve25519_pub(ratchet_private) != OMEMOMessage.FromString(kex.message.message).dh_pub:
        raise GenerationError("the stored ratchet key is not the one of the first message")

    k1 = await sc.alice.encrypt_empty(BOB, BOB_DEVICE)
    second = await sc.alice.encrypt([BOB], _text(2))
    k2 = str(second["encrypted_xml"])
    sent = [
        {"note": "KEX message 0", "key_material_b64": first["key_material_b64"], "key_b64": b64e(Stanza(k0).key_bytes), "kex": True},
        {"note": "KEX message 1, empty", "key_material_b64": b64e(bytes(32)), "key_b64": b64e(Stanza(k1).key_bytes), "kex": True},
        {"note": "KEX message 2", "key_material_b64": second["key_material_b64"], "key_b64": b64e(Stanza(k2).key_bytes), "kex": True},
    ]
    if not all(Stanza(x).kex for x in (k0, k1, k2)):
        raise GenerationError("alice's first messages must be key exchanges")
    sc.extra = {
        "initiation": {
            "peer_bundle_xml": bob_bundle_xml,
            "pre_key_id": kex.pk_id,
            "signed_pre_key_id": kex.spk_id,
            "ephemeral_private_b64": b64e(ephemeral),
            "ratchet_private_b64": b64e(ratchet_private),
        },
        "sent": sent,
    }

    # Bob gets KEX messages 0 and 2 (1 is lost); after each he sends an empty message on his own.
    await sc.bob.decrypt(ALICE, k0)
    await sc.bob.decrypt(ALICE, k2)
    empties = [m["encrypted_xml"] for m in sc.bob.take_outbox()]
    if len(empties) != 2:
        raise GenerationError(f"expected two automatic empty messages from bob, got {len(empties)}")
    replies = {n: str((await sc.bob.encrypt([ALICE], _text(100 + n)))["encrypted_xml"]) for n in range(2, 10)}
    if any(Stanza(x).kex for x in list(replies.values()) + empties):
        raise GenerationError("bob's messages must not be key exchanges")

    d = sc.deliver
    await d(tamper(replies[3], tamper_mac), "bob's reply 3 with a wrong MAC, before anything from bob",
            error="AuthenticationFailed")
    await d(replies[3], "first message from bob: reply 3 (DH ratchet step, 0-2 skipped)", plaintext=_text(103))
    await d(empties[0], "bob's automatic empty message 0", empty=True)
    await d(replies[2], "reply 2 from the skipped keys", plaintext=_text(102))
    await d(replies[3], "replay of reply 3", error="DuplicateMessage")
    await d(tamper(replies[5], tamper_header("dh_pub")), "reply 5 with a changed ratchet key", error="AuthenticationFailed")
    await d(tamper(replies[5], tamper_header("pn")), "reply 5 with a changed pn", error="AuthenticationFailed")
    await d(replies[5], "reply 5 (4 skipped)", plaintext=_text(105))
    await d(empties[1], "bob's automatic empty message 1", empty=True)
    await d(replies[4], "reply 4", plaintext=_text(104))
    await d(tamper(replies[6], tamper_payload), "reply 6 with a changed payload", error="AuthenticationFailed",
            error_stage="payload")
    await d(tamper(replies[7], truncate(3)), "reply 7 truncated", error="MalformedMessage")
    await d(replies[7], "reply 7", plaintext=_text(107))
    await d(replies[9], "reply 9 (8 skipped)", plaintext=_text(109))
    await d(replies[8], "reply 8", plaintext=_text(108))
    await d(empties[0], "replay of an empty message", error="DuplicateMessage")
    return sc


SCENARIOS = [kex_and_chain, session_replacement, initiator_view]


async def generate(directory: str) -> List[str]:
    os.makedirs(directory, exist_ok=True)
    names = []
    for make in SCENARIOS:
        scenario = await make()
        document = scenario.export()
        path = os.path.join(directory, f"{scenario.name}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(document, f, indent=1, ensure_ascii=True)
            f.write("\n")
        names.append(os.path.basename(path))
    return names


def main(argv: List[str]) -> int:
    return vector_common.run(argv, "make_vectors", generate, GenerationError)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
