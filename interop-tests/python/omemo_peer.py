#!/usr/bin/python3
"""A live python-omemo peer (twomemo = OMEMO 2, oldmemo = legacy OMEMO 0.3) for the interop tests, speaking JSON lines.

Run with Debian's interpreter: ``/usr/bin/python3 omemo_peer.py`` (needs python3-omemo, python3-twomemo,
python3-oldmemo, python3-xmlschema). One process hosts one OMEMO device: a real ``omemo.SessionManager`` with the
twomemo backend (urn:xmpp:omemo:2), the oldmemo backend (eu.siacs.conversations.axolotl) or both (one identity key
shared by both, as python-omemo does), an in-memory ``omemo.Storage`` and an in-process fake PEP service that the
harness fills through requests (there is no XMPP server).

Protocol: one JSON object per line on stdin, exactly one JSON object per line on stdout, in order. stdout
carries nothing else; logs and tracebacks go to stderr (level from OMEMO_PEER_LOG, default WARNING).
Every request is ``{"cmd": NAME, "id": optional, ...arguments}``; the response echoes ``id`` when given.
Success: ``{"id": .., "ok": true, ...results}``. Failure: ``{"id": .., "ok": false, "error": TYPE,
"message": TEXT, "causes": [TYPE, ...], "stage": "parse"|"decrypt"|...}`` where TYPE is the Python exception
class name (e.g. DecryptionFailed, KeyExchangeFailed, NoSession, XMLSchemaChildrenValidationError) and
``causes`` lists the chained exceptions (``__cause__``/``__context__``), innermost last.

Byte strings are standard base64 with padding; XML is the serialized element as a string.

Namespaces: NS below is "urn:xmpp:omemo:2" (OMEMO 2, twomemo) or "eu.siacs.conversations.axolotl" (legacy OMEMO
0.3, oldmemo). Every command that handles namespace-specific XML or state takes an optional ``namespace``; when it
is absent, a command that is given XML uses the namespace of the XML's root element (if it is one of the two) and
otherwise the peer's primary namespace: the first entry of init's ``backends`` (urn:xmpp:omemo:2 unless init was
given ``backends: ["oldmemo"]``; before init: urn:xmpp:omemo:2). The fake PEP holds both namespaces separately:
  OMEMO 2: device list node urn:xmpp:omemo:2:devices, bundles node urn:xmpp:omemo:2:bundles (item id = device id)
  legacy:  device list node eu.siacs.conversations.axolotl.devicelist,
           bundle of device D in node eu.siacs.conversations.axolotl.bundles:D
Responses carrying a bundle or device list name that node in ``node``.

Commands
  ping                                   -> {pong: true, omemo, twomemo, oldmemo}  (versions)
  init {jid, device_id?, label?, history_sync?: false, backends?: ["twomemo"]}
                                         -> {device_id, identity_key_b64, fingerprint, backends, namespaces,
                                             bundle_xml, devicelist_xml,
                                             legacy_bundle_xml?, legacy_devicelist_xml?}
        Creates the SessionManager (first run: identity, signed pre-key, 100 pre-keys per backend, bundles and
        device lists "published" to the fake PEP). backends: ["twomemo"] (default), ["oldmemo"],
        ["twomemo", "oldmemo"] or ["oldmemo", "twomemo"]; the order is python-omemo's default encryption
        priority and the first one is the primary namespace. bundle_xml/devicelist_xml belong to the primary
        namespace; legacy_bundle_xml/legacy_devicelist_xml are present whenever oldmemo is loaded.
        identity_key_b64 is the Ed25519 form (python-omemo's); the legacy bundle carries its Curve25519 form.
        device_id fixes the id (1..2^31-1), otherwise python-omemo picks one. Unless history_sync is true,
        after_history_sync() is called at once, so automatic messages are sent right away (into the outbox) and
        used pre-keys are deleted, not hidden.
  bundle {namespace?}                    -> {bundle_xml, namespace, node}   our current bundle (changes after a KEX)
  devicelist {jid?, namespace?}          -> {devicelist_xml, namespace, node}   as held by the fake PEP (default:
                                                                 own JID)
  add_peer_bundle {jid, device_id, bundle_xml, namespace?}   -> {namespace}   publish a remote bundle in the fake
                                                                 PEP (<bundle xmlns=NS>)
  set_devicelist {jid, devicelist_xml, namespace?}   -> {devices: [ids], namespace}   publish a device list
                                                                 (<devices xmlns="urn:xmpp:omemo:2"> or legacy
                                                                 <list xmlns="eu.siacs.conversations.axolotl">) in
                                                                 the fake PEP and feed it to update_device_list
                                                                 (PEP push)
  encrypt {to_jid | to_jids, plaintext_b64, namespaces?: [NS, ..]}
                                         -> {encrypted_xml, key_material_b64, namespace,
                                             encrypted_xml_by_namespace: {NS: xml},
                                             key_material_b64_by_namespace: {NS: b64},
                                             errors: [{jid, device_id, namespace, error}]}
        SessionManager.encrypt: one <encrypted> per namespace in use, each for all recipient devices of that
        namespace (plus our own other devices); builds sessions from fake-PEP bundles when needed. Trust is blind
        (BTBV without the verification). namespaces is python-omemo's backend_priority_order: every device gets
        the first listed namespace it supports, devices supporting none of them are left out (so ["eu.siacs.
        conversations.axolotl"] forces legacy OMEMO); default: init's backend order. encrypted_xml/key_material
        _b64/namespace are the OMEMO 2 message when there is one, else the legacy one. Key material (test only!)
        is what each <key> carries: OMEMO 2 the 48-byte key || truncated HMAC, legacy the 16-byte AES-128-GCM key
        || 16-byte GCM tag = 32 bytes.
  encrypt_empty {to_jid, device_id, namespace?}  -> {encrypted_xml, namespace}
        An empty OMEMO message over the existing session, exactly as python-omemo sends its own (OMEMO 2: no
        <payload>, 32 zero bytes through the ratchet, kex="true" while the session is unconfirmed; legacy: no
        <payload>, a fresh random 16-byte key and an empty tag through the ratchet - so 16 bytes, not 32 - and a
        fresh <iv>, prekey="true" while unconfirmed).
  decrypt {from_jid, encrypted_xml, namespace?}
                                         -> {plaintext_b64 (null for an empty message), sender_jid,
                                             sender_device_id, namespace}
        parse (twomemo.etree.parse_message, or oldmemo.etree.parse_message for <encrypted
        xmlns="eu.siacs.conversations.axolotl">) + SessionManager.decrypt. May queue automatic messages. The
        legacy parser needs the sender device in the device list and its identity key (from a bundle) to restore
        the Ed25519 sign bit; it assigns every <key rid=our device id> to us whatever the recipient JID.
  outbox                                 -> {messages: [{to_jid, encrypted_xml, namespace}]}  and empties it
        What python-omemo sent on its own through _send_message: empty messages completing a KEX, staleness
        heartbeats (more than 53 received messages without sending), session replacement notices.
  replace_session {jid, device_id, namespace?}   -> {failed: {namespace: error}}
        Without namespace: SessionManager.replace_sessions (every namespace that has a session with the device).
        With namespace: the same steps for that namespace only (empty message over a new session from the
        fake-PEP bundle, sent, then stored). The notice lands in outbox.
  session_info {jid, device_id, namespace?}  -> {exists, namespace, initiation?, confirmed?, sending_chain_length?,
                                             receiving_chain_length?, pre_key_id?, signed_pre_key_id?}
  set_trust {jid, identity_key_b64, level}   -> {}        level: blind | trusted | undecided | distrusted
                                                          (identity key in Ed25519 form, for both namespaces)
  storage                                -> {storage: {key: JSON value}}   the whole Storage (test only!)
  shutdown                               -> {}            then the process exits with status 0

Known traps handled here: the pre-key refill threshold stays at python-omemo's default (99; python-omemo
1.0.2 hits an unbound variable on KEX decrypt when the threshold is lower), and only the backends' own
serializers write <key> elements (they write kex="true" / prekey="true" or nothing; twomemo 1.0.3 parses
kex="false" as true and oldmemo 1.0.3 parses any prekey attribute - prekey="false", prekey="0", prekey="" - as
a key exchange, because bool("false") is True). Incoming XML is passed on untouched, so a stanza with
prekey="false" reaches oldmemo as a key exchange (and is refused). The legacy bundle's <identityKey> is the
Curve25519 form; python-oldmemo puts the Ed25519 sign bit of the identity key into bit 7 of byte 63 of
<signedPreKeySignature> (and clears it again when parsing), like libsignal's old curve25519 signatures.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import json
import logging
import os
import sys
import traceback
import xml.etree.ElementTree as ET
from typing import Any, Dict, FrozenSet, List, NamedTuple, Optional, Tuple

import omemo
from omemo.session import Initiation
from omemo.storage import Just, Maybe, Nothing
import oldmemo
import oldmemo.etree
import oldmemo.oldmemo
import twomemo
import twomemo.etree
import twomemo.twomemo
from twomemo.twomemo import NAMESPACE, SessionImpl

__all__ = [
    "MemoryStorage", "FakePep", "Peer", "PeerError", "Flavour", "FLAVOURS", "BACKENDS", "NAMESPACE",
    "LEGACY_NAMESPACE", "b64e", "b64d", "xml_to_string", "serve"
]

LOG = logging.getLogger("omemo_peer")

LEGACY_NAMESPACE = oldmemo.oldmemo.NAMESPACE  # eu.siacs.conversations.axolotl

# Serialize OMEMO 2 <encrypted>, <bundle>, <devices> with a default namespace instead of ns0: prefixes (legacy
# elements get theirs from xml_to_string: ElementTree maps only one namespace to the empty prefix).
ET.register_namespace("", NAMESPACE)

UNDECIDED = "undecided"
TRUST_LEVELS = {
    "blind": omemo.TrustLevel.TRUSTED,
    "trusted": omemo.TrustLevel.TRUSTED,
    "undecided": omemo.TrustLevel.UNDECIDED,
    "distrusted": omemo.TrustLevel.DISTRUSTED,
}


class Flavour(NamedTuple):
    """What differs between the two OMEMO versions, for the code below."""

    backend_name: str          # the name in init's "backends"
    namespace: str
    backend_class: Any         # twomemo.Twomemo | oldmemo.Oldmemo
    etree: Any                 # twomemo.etree | oldmemo.etree
    session_class: Any
    devicelist_node: str

    def bundle_node(self, device_id: int) -> str:
        if self.namespace == LEGACY_NAMESPACE:
            return f"{LEGACY_NAMESPACE}.bundles:{device_id}"
        return f"{NAMESPACE}:bundles"


FLAVOURS: Dict[str, Flavour] = {
    NAMESPACE: Flavour("twomemo", NAMESPACE, twomemo.Twomemo, twomemo.etree, SessionImpl, f"{NAMESPACE}:devices"),
    LEGACY_NAMESPACE: Flavour(
        "oldmemo", LEGACY_NAMESPACE, oldmemo.Oldmemo, oldmemo.etree, oldmemo.oldmemo.SessionImpl,
        f"{LEGACY_NAMESPACE}.devicelist",
    ),
}
BACKENDS: Dict[str, Flavour] = {f.backend_name: f for f in FLAVOURS.values()}


def b64e(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64d(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _split_tag(tag: str) -> Tuple[Optional[str], str]:
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return None, tag


def xml_to_string(element: ET.Element) -> str:
    """The element as a string. OMEMO 2 elements as ElementTree writes them with the registered default
    namespace; legacy elements likewise with xmlns="eu.siacs.conversations.axolotl" on the root."""
    namespace, _ = _split_tag(element.tag)
    if namespace is None or namespace == NAMESPACE:
        return ET.tostring(element, encoding="unicode")

    def strip(e: ET.Element, root: bool) -> ET.Element:
        ns, local = _split_tag(e.tag)
        if ns is not None and ns != namespace:
            return copy.deepcopy(e)  # foreign elements keep their prefixed form
        attrib = {"xmlns": namespace, **e.attrib} if root else dict(e.attrib)
        out = ET.Element(local, attrib)
        out.text, out.tail = e.text, e.tail
        out.extend(strip(child, False) for child in e)
        return out

    return ET.tostring(strip(element, True), encoding="unicode")


def _namespace_of(xml: str) -> Optional[str]:
    """The namespace of the XML's root element if it is one of ours (None if unknown or not XML)."""
    try:
        namespace, _ = _split_tag(ET.fromstring(xml).tag)
    except ET.ParseError:
        return None
    return namespace if namespace in FLAVOURS else None


class PeerError(Exception):
    """A bad request (missing argument, unknown command, wrong state). Reported, never fatal."""


class MemoryStorage(omemo.Storage):
    """python-omemo's key/value Storage in a dict. Values are JSON-compatible; copies go in and out."""

    def __init__(self) -> None:
        super().__init__(disable_cache=True)
        self.data: Dict[str, Any] = {}

    async def _load(self, key: str) -> Maybe[omemo.JSONType]:
        if key in self.data:
            return Just(copy.deepcopy(self.data[key]))
        return Nothing()

    async def _store(self, key: str, value: omemo.JSONType) -> None:
        self.data[key] = copy.deepcopy(value)

    async def _delete(self, key: str) -> None:
        self.data.pop(key, None)

    def dump(self) -> Dict[str, Any]:
        return copy.deepcopy(self.data)


class FakePep:
    """The PEP nodes of every account this process knows about, per namespace. ``bundles`` and ``device_lists``
    are the OMEMO 2 ones (as before legacy support); ``bundles_by_namespace`` / ``device_lists_by_namespace`` hold
    both."""

    def __init__(self) -> None:
        self.bundles_by_namespace: Dict[str, Dict[Tuple[str, int], omemo.Bundle]] = {ns: {} for ns in FLAVOURS}
        self.device_lists_by_namespace: Dict[str, Dict[str, Dict[int, Optional[str]]]] = {ns: {} for ns in FLAVOURS}

    @property
    def bundles(self) -> Dict[Tuple[str, int], omemo.Bundle]:
        return self.bundles_by_namespace[NAMESPACE]

    @property
    def device_lists(self) -> Dict[str, Dict[int, Optional[str]]]:
        return self.device_lists_by_namespace[NAMESPACE]

    def bundle_node(self, namespace: str) -> Dict[Tuple[str, int], omemo.Bundle]:
        try:
            return self.bundles_by_namespace[namespace]
        except KeyError:
            raise omemo.UnknownNamespace(f"the fake PEP has no nodes for namespace {namespace}") from None

    def device_list_node(self, namespace: str) -> Dict[str, Dict[int, Optional[str]]]:
        try:
            return self.device_lists_by_namespace[namespace]
        except KeyError:
            raise omemo.UnknownNamespace(f"the fake PEP has no nodes for namespace {namespace}") from None


class _PeerSessionManager(omemo.SessionManager):
    """SessionManager whose XMPP side is the owning Peer. Subclassed per Peer (class attributes), because
    python-omemo calls these hooks from create() on an instance it constructed itself."""

    _peer: "Peer"

    async def _upload_bundle(self, bundle: omemo.Bundle) -> None:  # type: ignore[override]
        self._peer.pep.bundle_node(bundle.namespace)[(bundle.bare_jid, bundle.device_id)] = bundle

    async def _download_bundle(self, namespace: str, bare_jid: str, device_id: int) -> omemo.Bundle:  # type: ignore[override]
        try:
            return self._peer.pep.bundle_node(namespace)[(bare_jid, device_id)]
        except KeyError:
            raise omemo.BundleNotFound(
                f"no {namespace} bundle for {bare_jid}/{device_id} in the fake PEP"
            ) from None

    async def _delete_bundle(self, namespace: str, device_id: int) -> None:  # type: ignore[override]
        self._peer.pep.bundle_node(namespace).pop((self._peer.jid, device_id), None)

    async def _upload_device_list(self, namespace: str, device_list: Dict[int, Optional[str]]) -> None:  # type: ignore[override]
        self._peer.pep.device_list_node(namespace)[self._peer.jid] = dict(device_list)

    async def _download_device_list(self, namespace: str, bare_jid: str) -> Dict[int, Optional[str]]:  # type: ignore[override]
        return dict(self._peer.pep.device_list_node(namespace).get(bare_jid, {}))

    async def _evaluate_custom_trust_level(self, device: omemo.DeviceInformation) -> omemo.TrustLevel:
        try:
            return TRUST_LEVELS[device.trust_level_name]
        except KeyError:
            raise omemo.UnknownTrustLevel(f"unknown trust level {device.trust_level_name!r}") from None

    async def _make_trust_decision(
        self, undecided: FrozenSet[omemo.DeviceInformation], identifier: Optional[str]
    ) -> None:
        # Blind trust: every new identity key becomes trusted without verification.
        for device in undecided:
            await self.set_trust(device.bare_jid, device.identity_key, "blind")

    async def _send_message(self, message: omemo.Message, bare_jid: str) -> None:  # type: ignore[override]
        self._peer.outbox.append({
            "to_jid": bare_jid,
            "encrypted_xml": xml_to_string(_flavour(message.namespace).etree.serialize_message(message)),
            "namespace": message.namespace,
        })


def _flavour(namespace: str) -> Flavour:
    try:
        return FLAVOURS[namespace]
    except KeyError:
        raise omemo.UnknownNamespace(f"namespace {namespace!r} is not served by this peer") from None


class Peer:
    """One python-omemo device. Usable in-process (make_vectors.py) or through serve()."""

    def __init__(self, pep: Optional[FakePep] = None) -> None:
        self.pep = pep if pep is not None else FakePep()
        self.outbox: List[Dict[str, str]] = []
        self.storage: Optional[MemoryStorage] = None
        self.backends: Dict[str, omemo.Backend] = {}  # by namespace, in init's order
        self._manager: Optional[omemo.SessionManager] = None
        self.jid = ""
        self.device_id = 0

    @property
    def manager(self) -> omemo.SessionManager:
        if self._manager is None:
            raise PeerError("init first")
        return self._manager

    @property
    def primary_namespace(self) -> str:
        return next(iter(self.backends), NAMESPACE)

    @property
    def backend(self) -> Optional[omemo.Backend]:
        """The primary backend (twomemo unless init chose ["oldmemo"] or ["oldmemo", ...])."""
        return next(iter(self.backends.values()), None)

    def backend_for(self, namespace: Optional[str] = None) -> omemo.Backend:
        self.manager  # noqa: B018 - state check
        namespace = namespace or self.primary_namespace
        try:
            return self.backends[namespace]
        except KeyError:
            raise omemo.UnknownNamespace(
                f"no backend for {namespace} loaded (backends: {[FLAVOURS[n].backend_name for n in self.backends]})"
            ) from None

    # ---- set-up -------------------------------------------------------------------------------------

    async def init(
        self,
        jid: str,
        device_id: Optional[int] = None,
        label: Optional[str] = None,
        history_sync: bool = False,
        backends: Optional[List[str]] = None,
    ) -> Dict[str, Any]:
        if self._manager is not None:
            raise PeerError("already initialised")
        if device_id is not None and not (
            omemo.SessionManager.DEVICE_ID_MIN <= device_id <= omemo.SessionManager.DEVICE_ID_MAX
        ):
            raise PeerError(f"device_id {device_id} out of range")
        backends = ["twomemo"] if backends is None else backends
        if not backends or len(set(backends)) != len(backends) or any(b not in BACKENDS for b in backends):
            raise PeerError(f"backends must be a non-empty list of distinct names out of {sorted(BACKENDS)}")
        self.jid = jid
        attributes: Dict[str, Any] = {"_peer": self}
        if device_id is not None:
            # create() draws randbelow(MAX - MIN) + MIN: a range of one value fixes the id.
            attributes["DEVICE_ID_MIN"] = device_id
            attributes["DEVICE_ID_MAX"] = device_id + 1
        manager_class = type("PeerSessionManager", (_PeerSessionManager,), attributes)
        self.storage = MemoryStorage()
        # One storage for all backends: they share the identity key (/ikp) and prefix their own keys by namespace.
        self.backends = {
            BACKENDS[name].namespace: BACKENDS[name].backend_class(self.storage) for name in backends
        }
        # Keep python-omemo's default pre-key refill threshold (99), see the module docstring.
        self._manager = await manager_class.create(list(self.backends.values()), self.storage, jid, label, UNDECIDED)
        own, _ = await self._manager.get_own_device_information()
        self.device_id = own.device_id
        if not history_sync:
            await self._manager.after_history_sync()
        result: Dict[str, Any] = {
            "device_id": self.device_id,
            "identity_key_b64": b64e(own.identity_key),
            "fingerprint": " ".join(omemo.SessionManager.format_identity_key(own.identity_key)),
            "backends": list(backends),
            "namespaces": list(self.backends),
            "bundle_xml": await self.bundle_xml(),
            "devicelist_xml": self.devicelist_xml(jid),
        }
        if LEGACY_NAMESPACE in self.backends:
            result["legacy_bundle_xml"] = await self.bundle_xml(LEGACY_NAMESPACE)
            result["legacy_devicelist_xml"] = self.devicelist_xml(jid, LEGACY_NAMESPACE)
        return result

    async def bundle_xml(self, namespace: Optional[str] = None) -> str:
        namespace = namespace or self.primary_namespace
        backend = self.backend_for(namespace)
        bundle = await backend.get_bundle(self.jid, self.device_id)
        return xml_to_string(_flavour(namespace).etree.serialize_bundle(bundle))

    def devicelist_xml(self, jid: Optional[str] = None, namespace: Optional[str] = None) -> str:
        namespace = namespace or self.primary_namespace
        devices = self.pep.device_list_node(namespace).get(jid or self.jid, {})
        return xml_to_string(_flavour(namespace).etree.serialize_device_list(devices))

    def _xml_namespace(self, xml: str, namespace: Optional[str]) -> str:
        return namespace or _namespace_of(xml) or self.primary_namespace

    async def add_peer_bundle(self, jid: str, device_id: int, bundle_xml: str, namespace: Optional[str] = None) -> str:
        namespace = self._xml_namespace(bundle_xml, namespace)
        element = ET.fromstring(bundle_xml)
        self.pep.bundle_node(namespace)[(jid, device_id)] = _flavour(namespace).etree.parse_bundle(element, jid, device_id)
        return namespace

    async def set_devicelist(self, jid: str, devicelist_xml: str, namespace: Optional[str] = None) -> List[int]:
        namespace = self._xml_namespace(devicelist_xml, namespace)
        devices = _flavour(namespace).etree.parse_device_list(ET.fromstring(devicelist_xml))
        self.pep.device_list_node(namespace)[jid] = dict(devices)
        await self.manager.update_device_list(namespace, jid, devices)
        return sorted(devices)

    # ---- messages -----------------------------------------------------------------------------------

    async def encrypt(
        self, to_jids: List[str], plaintext: bytes, namespaces: Optional[List[str]] = None
    ) -> Dict[str, Any]:
        manager = self.manager
        messages, errors = await manager.encrypt(
            frozenset(to_jids), {namespace: plaintext for namespace in self.backends}, namespaces
        )
        by_namespace = {m.namespace: m for m in messages}
        if not by_namespace:
            raise PeerError("python-omemo produced no message (no recipient device)")
        xml_by_namespace: Dict[str, str] = {}
        key_material_by_namespace: Dict[str, str] = {}
        for namespace, message in by_namespace.items():
            key_material = messages[message]
            xml_by_namespace[namespace] = xml_to_string(_flavour(namespace).etree.serialize_message(message))
            key_material_by_namespace[namespace] = b64e(key_material.key + key_material.auth_tag)  # type: ignore[attr-defined]
        primary = NAMESPACE if NAMESPACE in by_namespace else next(iter(by_namespace))
        return {
            "encrypted_xml": xml_by_namespace[primary],
            "key_material_b64": key_material_by_namespace[primary],
            "namespace": primary,
            "encrypted_xml_by_namespace": xml_by_namespace,
            "key_material_b64_by_namespace": key_material_by_namespace,
            "errors": [
                {"jid": e.bare_jid, "device_id": e.device_id, "namespace": e.namespace,
                 "error": type(e.exception).__name__}
                for e in errors
            ],
        }

    async def encrypt_empty(self, to_jid: str, device_id: int, namespace: Optional[str] = None) -> str:
        """An empty OMEMO message over the existing session, built like python-omemo's own."""
        namespace = namespace or self.primary_namespace
        backend = self.backend_for(namespace)
        session = await backend.load_session(to_jid, device_id)
        if session is None:
            raise omemo.NoSession(f"no {namespace} session with {to_jid}/{device_id}")
        content, plain_key_material = await backend.encrypt_empty()
        encrypted_key_material = await backend.encrypt_key_material(session, plain_key_material)
        key_exchange = (
            session.key_exchange
            if session.initiation is Initiation.ACTIVE and not session.confirmed
            else None
        )
        message = omemo.Message(
            namespace, self.jid, self.device_id, content,
            frozenset({(encrypted_key_material, key_exchange)}),
        )
        await backend.store_session(session)
        return xml_to_string(_flavour(namespace).etree.serialize_message(message))

    async def decrypt(self, from_jid: str, encrypted_xml: str, namespace: Optional[str] = None) -> Dict[str, Any]:
        manager = self.manager  # fails before parsing when not initialised
        try:
            element = ET.fromstring(encrypted_xml)
        except Exception as e:  # ET.ParseError
            raise StageError("parse", e) from e
        element_namespace, _ = _split_tag(element.tag)
        namespace = namespace or (element_namespace if element_namespace in FLAVOURS else self.primary_namespace)
        self.backend_for(namespace)  # UnknownNamespace when that backend is not loaded
        try:
            if namespace == LEGACY_NAMESPACE:
                message = await oldmemo.etree.parse_message(element, from_jid, self.jid, manager)
            else:
                message = twomemo.etree.parse_message(element, from_jid)
        except omemo.OMEMOException:
            raise  # SenderNotFound from the legacy parser's device look-up: stage "omemo"
        except Exception as e:  # xmlschema, ValueError, binascii.Error
            raise StageError("parse", e) from e
        plaintext, device, _ = await manager.decrypt(message)
        return {
            "plaintext_b64": None if plaintext is None else b64e(plaintext),
            "sender_jid": device.bare_jid,
            "sender_device_id": device.device_id,
            "namespace": namespace,
        }

    def take_outbox(self) -> List[Dict[str, str]]:
        messages, self.outbox = self.outbox, []
        return messages

    async def replace_session(self, jid: str, device_id: int, namespace: Optional[str] = None) -> Dict[str, str]:
        devices = await self.manager.get_device_information(jid)
        device = next((d for d in devices if d.device_id == device_id), None)
        if device is None:
            raise PeerError(f"unknown device {jid}/{device_id}")
        if namespace is None:
            failed = await self.manager.replace_sessions(device)
            return {ns: f"{type(e).__name__}: {e}" for ns, e in failed.items()}
        # One namespace: python-omemo's replace_sessions steps for that backend only.
        backend = self.backend_for(namespace)
        if await backend.load_session(jid, device_id) is None:
            raise omemo.NoSession(f"no {namespace} session with {jid}/{device_id} to replace")
        manager = self.manager
        try:
            content, plain_key_material = await backend.encrypt_empty()
            session, encrypted_key_material = await backend.build_session_active(
                jid, device_id, await manager._download_bundle(namespace, jid, device_id), plain_key_material
            )
            await manager._send_message(omemo.Message(
                namespace, self.jid, self.device_id, content,
                frozenset({(encrypted_key_material, session.key_exchange)}),
            ), jid)
            await backend.store_session(session)
        except omemo.OMEMOException as e:
            return {namespace: f"{type(e).__name__}: {e}"}
        return {}

    async def session_info(self, jid: str, device_id: int, namespace: Optional[str] = None) -> Dict[str, Any]:
        namespace = namespace or self.primary_namespace
        backend = self.backend_for(namespace)
        session = await backend.load_session(jid, device_id)
        if session is None:
            return {"exists": False, "namespace": namespace}
        assert isinstance(session, _flavour(namespace).session_class)
        return {
            "exists": True,
            "namespace": namespace,
            "initiation": session.initiation.name,
            "confirmed": session.confirmed,
            "sending_chain_length": session.sending_chain_length,
            "receiving_chain_length": session.receiving_chain_length,
            "pre_key_id": session.key_exchange.pre_key_id,
            "signed_pre_key_id": session.key_exchange.signed_pre_key_id,
        }

    async def confirm_session(self, jid: str, device_id: int, namespace: Optional[str] = None) -> None:
        """Mark an actively built session confirmed without a reply (vector generation only): later
        messages are plain OMEMOAuthenticatedMessages in the same sending chain."""
        namespace = namespace or self.primary_namespace
        backend = self.backend_for(namespace)
        session = await backend.load_session(jid, device_id)
        if session is None:
            raise omemo.NoSession(f"no {namespace} session with {jid}/{device_id}")
        assert isinstance(session, _flavour(namespace).session_class)
        session.confirm()
        await backend.store_session(session)

    async def set_trust(self, jid: str, identity_key: bytes, level: str) -> None:
        if level not in TRUST_LEVELS:
            raise PeerError(f"unknown trust level {level!r}")
        await self.manager.set_trust(jid, identity_key, level)


class StageError(Exception):
    """Wraps an exception with the stage it happened in (parse)."""

    def __init__(self, stage: str, inner: BaseException) -> None:
        super().__init__(str(inner))
        self.stage = stage
        self.inner = inner


# ---- JSON-lines server ----------------------------------------------------------------------------------

def _arg(request: Dict[str, Any], name: str, kind: type) -> Any:
    if name not in request:
        raise PeerError(f"missing argument {name!r}")
    value = request[name]
    if kind is int and isinstance(value, bool) or not isinstance(value, kind):
        raise PeerError(f"argument {name!r} must be {kind.__name__}")
    return value


def _opt(request: Dict[str, Any], name: str, kind: type) -> Any:
    return None if request.get(name) is None else _arg(request, name, kind)


def _str_list(request: Dict[str, Any], name: str) -> Optional[List[str]]:
    value = request.get(name)
    if value is None:
        return None
    if not (isinstance(value, list) and value and all(isinstance(v, str) for v in value)):
        raise PeerError(f"argument {name!r} must be a non-empty list of strings")
    return list(value)


def _namespace(request: Dict[str, Any]) -> Optional[str]:
    namespace = _opt(request, "namespace", str)
    if namespace is not None and namespace not in FLAVOURS:
        raise PeerError(f"unknown namespace {namespace!r} (known: {sorted(FLAVOURS)})")
    return namespace


async def dispatch(peer: Peer, request: Dict[str, Any]) -> Dict[str, Any]:
    cmd = request.get("cmd")
    if cmd == "ping":
        return {
            "pong": True, "omemo": omemo.__version__["short"], "twomemo": twomemo.__version__["short"],
            "oldmemo": oldmemo.__version__["short"],
        }
    if cmd == "init":
        return await peer.init(
            _arg(request, "jid", str), _opt(request, "device_id", int), _opt(request, "label", str),
            bool(request.get("history_sync", False)), _str_list(request, "backends"),
        )
    if cmd == "bundle":
        peer.manager  # noqa: B018 - state check
        namespace = _namespace(request) or peer.primary_namespace
        return {
            "bundle_xml": await peer.bundle_xml(namespace), "namespace": namespace,
            "node": FLAVOURS[namespace].bundle_node(peer.device_id),
        }
    if cmd == "devicelist":
        peer.manager  # noqa: B018
        namespace = _namespace(request) or peer.primary_namespace
        return {
            "devicelist_xml": peer.devicelist_xml(_opt(request, "jid", str), namespace), "namespace": namespace,
            "node": FLAVOURS[namespace].devicelist_node,
        }
    if cmd == "add_peer_bundle":
        namespace = await peer.add_peer_bundle(
            _arg(request, "jid", str), _arg(request, "device_id", int), _arg(request, "bundle_xml", str),
            _namespace(request),
        )
        return {"namespace": namespace}
    if cmd == "set_devicelist":
        xml = _arg(request, "devicelist_xml", str)
        namespace = peer._xml_namespace(xml, _namespace(request))
        return {"devices": await peer.set_devicelist(_arg(request, "jid", str), xml, namespace), "namespace": namespace}
    if cmd == "encrypt":
        to_jids = _str_list(request, "to_jids")
        if to_jids is None:
            to_jids = [_arg(request, "to_jid", str)]
        namespaces = _str_list(request, "namespaces")
        for namespace in namespaces or []:
            if namespace not in FLAVOURS:
                raise PeerError(f"unknown namespace {namespace!r} (known: {sorted(FLAVOURS)})")
        return await peer.encrypt(to_jids, b64d(_arg(request, "plaintext_b64", str)), namespaces)
    if cmd == "encrypt_empty":
        namespace = _namespace(request) or peer.primary_namespace
        xml = await peer.encrypt_empty(_arg(request, "to_jid", str), _arg(request, "device_id", int), namespace)
        return {"encrypted_xml": xml, "namespace": namespace}
    if cmd == "decrypt":
        return await peer.decrypt(
            _arg(request, "from_jid", str), _arg(request, "encrypted_xml", str), _namespace(request)
        )
    if cmd == "outbox":
        return {"messages": peer.take_outbox()}
    if cmd == "replace_session":
        return {"failed": await peer.replace_session(
            _arg(request, "jid", str), _arg(request, "device_id", int), _namespace(request)
        )}
    if cmd == "session_info":
        return await peer.session_info(_arg(request, "jid", str), _arg(request, "device_id", int), _namespace(request))
    if cmd == "set_trust":
        await peer.set_trust(
            _arg(request, "jid", str), b64d(_arg(request, "identity_key_b64", str)), _arg(request, "level", str)
        )
        return {}
    if cmd == "storage":
        if peer.storage is None:
            raise PeerError("init first")
        return {"storage": peer.storage.dump()}
    if cmd == "shutdown":
        return {}
    raise PeerError(f"unknown command {cmd!r}")


def _causes(e: BaseException) -> List[str]:
    names: List[str] = []
    seen = {id(e)}
    inner = e.__cause__ or e.__context__
    while inner is not None and id(inner) not in seen:
        seen.add(id(inner))
        names.append(type(inner).__name__)
        inner = inner.__cause__ or inner.__context__
    return names


def error_response(e: BaseException) -> Dict[str, Any]:
    stage = "request" if isinstance(e, PeerError) else "omemo"
    if isinstance(e, StageError):
        stage, e = e.stage, e.inner
    return {"ok": False, "error": type(e).__name__, "message": str(e), "causes": _causes(e), "stage": stage}


async def serve(stdin: Any, stdout: Any) -> None:
    loop = asyncio.get_running_loop()
    peer = Peer()
    while True:
        line = await loop.run_in_executor(None, stdin.readline)
        if not line:
            LOG.info("stdin closed, exiting")
            break
        line = line.strip()
        if not line:
            continue
        request_id: Any = None
        cmd = None
        try:
            request = json.loads(line)
            if not isinstance(request, dict):
                raise PeerError("a request must be a JSON object")
            request_id = request.get("id")
            cmd = request.get("cmd")
            LOG.debug("request %s", cmd)
            response = {"ok": True, **await dispatch(peer, request)}
        except json.JSONDecodeError as e:
            response = {"ok": False, "error": "BadRequest", "message": f"not JSON: {e}", "causes": [], "stage": "request"}
        except Exception as e:  # every failure becomes one response line; the process keeps serving
            response = error_response(e)
            if isinstance(e, (PeerError, StageError, omemo.OMEMOException)):
                LOG.info("%s failed: %s", cmd, "".join(traceback.format_exception(e)))
            else:
                LOG.error("%s failed unexpectedly: %s", cmd, "".join(traceback.format_exception(e)))
        if request_id is not None:
            response["id"] = request_id
        stdout.write(json.dumps(response, ensure_ascii=True) + "\n")
        stdout.flush()
        if cmd == "shutdown":
            break
    # Stop python-omemo's background signed pre-key rotation loop.
    for task in asyncio.all_tasks():
        if task is not asyncio.current_task():
            task.cancel()


def main() -> int:
    logging.basicConfig(
        stream=sys.stderr,
        level=os.environ.get("OMEMO_PEER_LOG", "WARNING").upper(),
        format="omemo_peer %(levelname)s %(name)s: %(message)s",
    )
    protocol_out = sys.stdout
    sys.stdout = sys.stderr  # a stray print() must never corrupt the protocol stream
    sys.stdin.reconfigure(encoding="utf-8")  # type: ignore[attr-defined]
    asyncio.run(serve(sys.stdin, protocol_out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
