#!/usr/bin/python3
"""A live python-omemo (twomemo, OMEMO 2) peer for the interop tests, speaking JSON lines.

Run with Debian's interpreter: ``/usr/bin/python3 omemo_peer.py`` (needs python3-omemo, python3-twomemo,
python3-xmlschema). One process hosts one OMEMO device: a real ``omemo.SessionManager`` with the twomemo
backend, an in-memory ``omemo.Storage`` and an in-process fake PEP service that the harness fills through
requests (there is no XMPP server).

Protocol: one JSON object per line on stdin, exactly one JSON object per line on stdout, in order. stdout
carries nothing else; logs and tracebacks go to stderr (level from OMEMO_PEER_LOG, default WARNING).
Every request is ``{"cmd": NAME, "id": optional, ...arguments}``; the response echoes ``id`` when given.
Success: ``{"id": .., "ok": true, ...results}``. Failure: ``{"id": .., "ok": false, "error": TYPE,
"message": TEXT, "causes": [TYPE, ...], "stage": "parse"|"decrypt"|...}`` where TYPE is the Python exception
class name (e.g. DecryptionFailed, KeyExchangeFailed, NoSession, XMLSchemaChildrenValidationError) and
``causes`` lists the chained exceptions (``__cause__``/``__context__``), innermost last.

Byte strings are standard base64 with padding; XML is the serialized element as a string.

Commands
  ping                                   -> {pong: true, omemo, twomemo}           (versions)
  init {jid, device_id?, label?, history_sync?: false}
                                         -> {device_id, identity_key_b64, fingerprint, bundle_xml,
                                             devicelist_xml}
        Creates the SessionManager (first run: identity, signed pre-key, 100 pre-keys, bundle and device
        list "published" to the fake PEP). device_id fixes the id (1..2^31-1), otherwise python-omemo picks
        one. Unless history_sync is true, after_history_sync() is called at once, so automatic messages are
        sent right away (into the outbox) and used pre-keys are deleted, not hidden.
  bundle                                 -> {bundle_xml}         our current bundle (changes after a KEX)
  devicelist {jid?}                      -> {devicelist_xml}     as held by the fake PEP (default: own JID)
  add_peer_bundle {jid, device_id, bundle_xml}   -> {}           publish a remote bundle in the fake PEP
  set_devicelist {jid, devicelist_xml}   -> {devices: [ids]}     publish a device list in the fake PEP and
                                                                 feed it to update_device_list (PEP push)
  encrypt {to_jid | to_jids, plaintext_b64}
                                         -> {encrypted_xml, key_material_b64, errors: [{jid, device_id, error}]}
        SessionManager.encrypt: one <encrypted> for all recipient devices (plus our own other devices);
        builds sessions from fake-PEP bundles when needed. Trust is blind (BTBV without the verification).
        key_material_b64 is the 48-byte key || truncated HMAC that each <key> carries (test only!).
  encrypt_empty {to_jid, device_id}      -> {encrypted_xml}
        An empty OMEMO message (no <payload>, 32 zero bytes through the ratchet) over the existing session,
        exactly as python-omemo sends its own (kex="true" while the session is unconfirmed).
  decrypt {from_jid, encrypted_xml}      -> {plaintext_b64 (null for an empty message), sender_jid,
                                             sender_device_id}
        parse (twomemo.etree.parse_message) + SessionManager.decrypt. May queue automatic messages.
  outbox                                 -> {messages: [{to_jid, encrypted_xml}]}  and empties it
        What python-omemo sent on its own through _send_message: empty messages completing a KEX, staleness
        heartbeats (more than 53 received messages without sending), session replacement notices.
  replace_session {jid, device_id}       -> {failed: {namespace: error}}
        SessionManager.replace_sessions: new session from the (fake-PEP) bundle; the notice lands in outbox.
  session_info {jid, device_id}          -> {exists, initiation?, confirmed?, sending_chain_length?,
                                             receiving_chain_length?, pre_key_id?, signed_pre_key_id?}
  set_trust {jid, identity_key_b64, level}   -> {}        level: blind | trusted | undecided | distrusted
  storage                                -> {storage: {key: JSON value}}   the whole Storage (test only!)
  shutdown                               -> {}            then the process exits with status 0

Known traps handled here: the pre-key refill threshold stays at python-omemo's default (99; python-omemo
1.0.2 hits an unbound variable on KEX decrypt when the threshold is lower), and only twomemo's own
serializer writes <key> elements (it writes kex="true" or nothing; twomemo 1.0.3 parses kex="false" as
true, because bool("false") is True).
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
from typing import Any, Dict, FrozenSet, List, Optional, Tuple

import omemo
from omemo.session import Initiation
from omemo.storage import Just, Maybe, Nothing
import twomemo
import twomemo.etree
from twomemo.twomemo import NAMESPACE, BundleImpl, PlainKeyMaterialImpl, SessionImpl

__all__ = [
    "MemoryStorage", "FakePep", "Peer", "PeerError", "b64e", "b64d", "xml_to_string", "serve"
]

LOG = logging.getLogger("omemo_peer")

# Serialize <encrypted>, <bundle>, <devices> with a default namespace instead of ns0: prefixes.
ET.register_namespace("", NAMESPACE)

UNDECIDED = "undecided"
TRUST_LEVELS = {
    "blind": omemo.TrustLevel.TRUSTED,
    "trusted": omemo.TrustLevel.TRUSTED,
    "undecided": omemo.TrustLevel.UNDECIDED,
    "distrusted": omemo.TrustLevel.DISTRUSTED,
}


def b64e(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64d(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def xml_to_string(element: ET.Element) -> str:
    return ET.tostring(element, encoding="unicode")


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
    """The PEP nodes of every account this process knows about (twomemo namespace only)."""

    def __init__(self) -> None:
        self.bundles: Dict[Tuple[str, int], BundleImpl] = {}
        self.device_lists: Dict[str, Dict[int, Optional[str]]] = {}


class _PeerSessionManager(omemo.SessionManager):
    """SessionManager whose XMPP side is the owning Peer. Subclassed per Peer (class attributes), because
    python-omemo calls these hooks from create() on an instance it constructed itself."""

    _peer: "Peer"

    async def _upload_bundle(self, bundle: omemo.Bundle) -> None:  # type: ignore[override]
        if not isinstance(bundle, BundleImpl):
            raise omemo.UnknownNamespace(f"unsupported bundle type {type(bundle)}")
        self._peer.pep.bundles[(bundle.bare_jid, bundle.device_id)] = bundle

    async def _download_bundle(self, namespace: str, bare_jid: str, device_id: int) -> omemo.Bundle:  # type: ignore[override]
        _check_namespace(namespace)
        try:
            return self._peer.pep.bundles[(bare_jid, device_id)]
        except KeyError:
            raise omemo.BundleNotFound(f"no bundle for {bare_jid}/{device_id} in the fake PEP") from None

    async def _delete_bundle(self, namespace: str, device_id: int) -> None:  # type: ignore[override]
        _check_namespace(namespace)
        self._peer.pep.bundles.pop((self._peer.jid, device_id), None)

    async def _upload_device_list(self, namespace: str, device_list: Dict[int, Optional[str]]) -> None:  # type: ignore[override]
        _check_namespace(namespace)
        self._peer.pep.device_lists[self._peer.jid] = dict(device_list)

    async def _download_device_list(self, namespace: str, bare_jid: str) -> Dict[int, Optional[str]]:  # type: ignore[override]
        _check_namespace(namespace)
        return dict(self._peer.pep.device_lists.get(bare_jid, {}))

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
            "encrypted_xml": xml_to_string(twomemo.etree.serialize_message(message)),
        })


def _check_namespace(namespace: str) -> None:
    if namespace != NAMESPACE:
        raise omemo.UnknownNamespace(f"only {NAMESPACE} is served by this peer, not {namespace}")


class Peer:
    """One python-omemo device. Usable in-process (make_vectors.py) or through serve()."""

    def __init__(self, pep: Optional[FakePep] = None) -> None:
        self.pep = pep if pep is not None else FakePep()
        self.outbox: List[Dict[str, str]] = []
        self.storage: Optional[MemoryStorage] = None
        self.backend: Optional[twomemo.Twomemo] = None
        self._manager: Optional[omemo.SessionManager] = None
        self.jid = ""
        self.device_id = 0

    @property
    def manager(self) -> omemo.SessionManager:
        if self._manager is None:
            raise PeerError("init first")
        return self._manager

    # ---- set-up -------------------------------------------------------------------------------------

    async def init(
        self,
        jid: str,
        device_id: Optional[int] = None,
        label: Optional[str] = None,
        history_sync: bool = False,
    ) -> Dict[str, Any]:
        if self._manager is not None:
            raise PeerError("already initialised")
        if device_id is not None and not (
            omemo.SessionManager.DEVICE_ID_MIN <= device_id <= omemo.SessionManager.DEVICE_ID_MAX
        ):
            raise PeerError(f"device_id {device_id} out of range")
        self.jid = jid
        attributes: Dict[str, Any] = {"_peer": self}
        if device_id is not None:
            # create() draws randbelow(MAX - MIN) + MIN: a range of one value fixes the id.
            attributes["DEVICE_ID_MIN"] = device_id
            attributes["DEVICE_ID_MAX"] = device_id + 1
        manager_class = type("PeerSessionManager", (_PeerSessionManager,), attributes)
        self.storage = MemoryStorage()
        self.backend = twomemo.Twomemo(self.storage)
        # Keep python-omemo's default pre-key refill threshold (99), see the module docstring.
        self._manager = await manager_class.create([self.backend], self.storage, jid, label, UNDECIDED)
        own, _ = await self._manager.get_own_device_information()
        self.device_id = own.device_id
        if not history_sync:
            await self._manager.after_history_sync()
        return {
            "device_id": self.device_id,
            "identity_key_b64": b64e(own.identity_key),
            "fingerprint": " ".join(omemo.SessionManager.format_identity_key(own.identity_key)),
            "bundle_xml": await self.bundle_xml(),
            "devicelist_xml": self.devicelist_xml(jid),
        }

    async def bundle_xml(self) -> str:
        assert self.backend is not None
        bundle = await self.backend.get_bundle(self.jid, self.device_id)
        return xml_to_string(twomemo.etree.serialize_bundle(bundle))

    def devicelist_xml(self, jid: Optional[str] = None) -> str:
        devices = self.pep.device_lists.get(jid or self.jid, {})
        return xml_to_string(twomemo.etree.serialize_device_list(devices))

    async def add_peer_bundle(self, jid: str, device_id: int, bundle_xml: str) -> None:
        element = ET.fromstring(bundle_xml)
        self.pep.bundles[(jid, device_id)] = twomemo.etree.parse_bundle(element, jid, device_id)

    async def set_devicelist(self, jid: str, devicelist_xml: str) -> List[int]:
        devices = twomemo.etree.parse_device_list(ET.fromstring(devicelist_xml))
        self.pep.device_lists[jid] = dict(devices)
        await self.manager.update_device_list(NAMESPACE, jid, devices)
        return sorted(devices)

    # ---- messages -----------------------------------------------------------------------------------

    async def encrypt(self, to_jids: List[str], plaintext: bytes) -> Dict[str, Any]:
        messages, errors = await self.manager.encrypt(frozenset(to_jids), {NAMESPACE: plaintext})
        message = next(m for m in messages if m.namespace == NAMESPACE)
        key_material = messages[message]
        assert isinstance(key_material, PlainKeyMaterialImpl)
        return {
            "encrypted_xml": xml_to_string(twomemo.etree.serialize_message(message)),
            "key_material_b64": b64e(key_material.key + key_material.auth_tag),
            "errors": [
                {"jid": e.bare_jid, "device_id": e.device_id, "error": type(e.exception).__name__}
                for e in errors
            ],
        }

    async def encrypt_empty(self, to_jid: str, device_id: int) -> str:
        """An empty OMEMO message over the existing session, built like python-omemo's own."""
        assert self.backend is not None
        session = await self.backend.load_session(to_jid, device_id)
        if session is None:
            raise omemo.NoSession(f"no session with {to_jid}/{device_id}")
        content, plain_key_material = await self.backend.encrypt_empty()
        encrypted_key_material = await self.backend.encrypt_key_material(session, plain_key_material)
        key_exchange = (
            session.key_exchange
            if session.initiation is Initiation.ACTIVE and not session.confirmed
            else None
        )
        message = omemo.Message(
            NAMESPACE, self.jid, self.device_id, content,
            frozenset({(encrypted_key_material, key_exchange)}),
        )
        await self.backend.store_session(session)
        return xml_to_string(twomemo.etree.serialize_message(message))

    async def decrypt(self, from_jid: str, encrypted_xml: str) -> Dict[str, Any]:
        manager = self.manager  # fails before parsing when not initialised
        try:
            message = twomemo.etree.parse_message(ET.fromstring(encrypted_xml), from_jid)
        except Exception as e:  # xmlschema, ValueError, binascii.Error, ET.ParseError
            raise StageError("parse", e) from e
        plaintext, device, _ = await manager.decrypt(message)
        return {
            "plaintext_b64": None if plaintext is None else b64e(plaintext),
            "sender_jid": device.bare_jid,
            "sender_device_id": device.device_id,
        }

    def take_outbox(self) -> List[Dict[str, str]]:
        messages, self.outbox = self.outbox, []
        return messages

    async def replace_session(self, jid: str, device_id: int) -> Dict[str, str]:
        devices = await self.manager.get_device_information(jid)
        device = next((d for d in devices if d.device_id == device_id), None)
        if device is None:
            raise PeerError(f"unknown device {jid}/{device_id}")
        failed = await self.manager.replace_sessions(device)
        return {namespace: f"{type(e).__name__}: {e}" for namespace, e in failed.items()}

    async def session_info(self, jid: str, device_id: int) -> Dict[str, Any]:
        assert self.backend is not None
        session = await self.backend.load_session(jid, device_id)
        if session is None:
            return {"exists": False}
        assert isinstance(session, SessionImpl)
        return {
            "exists": True,
            "initiation": session.initiation.name,
            "confirmed": session.confirmed,
            "sending_chain_length": session.sending_chain_length,
            "receiving_chain_length": session.receiving_chain_length,
            "pre_key_id": session.key_exchange.pre_key_id,
            "signed_pre_key_id": session.key_exchange.signed_pre_key_id,
        }

    async def confirm_session(self, jid: str, device_id: int) -> None:
        """Mark an actively built session confirmed without a reply (vector generation only): later
        messages are plain OMEMOAuthenticatedMessages in the same sending chain."""
        assert self.backend is not None
        session = await self.backend.load_session(jid, device_id)
        if session is None:
            raise omemo.NoSession(f"no session with {jid}/{device_id}")
        assert isinstance(session, SessionImpl)
        session.confirm()
        await self.backend.store_session(session)

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


async def dispatch(peer: Peer, request: Dict[str, Any]) -> Dict[str, Any]:
    cmd = request.get("cmd")
    if cmd == "ping":
        return {"pong": True, "omemo": omemo.__version__["short"], "twomemo": twomemo.__version__["short"]}
    if cmd == "init":
        return await peer.init(
            _arg(request, "jid", str), _opt(request, "device_id", int), _opt(request, "label", str),
            bool(request.get("history_sync", False)),
        )
    if cmd == "bundle":
        peer.manager  # noqa: B018 - state check
        return {"bundle_xml": await peer.bundle_xml()}
    if cmd == "devicelist":
        peer.manager  # noqa: B018
        return {"devicelist_xml": peer.devicelist_xml(_opt(request, "jid", str))}
    if cmd == "add_peer_bundle":
        await peer.add_peer_bundle(
            _arg(request, "jid", str), _arg(request, "device_id", int), _arg(request, "bundle_xml", str)
        )
        return {}
    if cmd == "set_devicelist":
        return {"devices": await peer.set_devicelist(_arg(request, "jid", str), _arg(request, "devicelist_xml", str))}
    if cmd == "encrypt":
        to_jids = request.get("to_jids")
        if to_jids is None:
            to_jids = [_arg(request, "to_jid", str)]
        elif not (isinstance(to_jids, list) and to_jids and all(isinstance(j, str) for j in to_jids)):
            raise PeerError("argument 'to_jids' must be a non-empty list of strings")
        return await peer.encrypt(to_jids, b64d(_arg(request, "plaintext_b64", str)))
    if cmd == "encrypt_empty":
        return {"encrypted_xml": await peer.encrypt_empty(_arg(request, "to_jid", str), _arg(request, "device_id", int))}
    if cmd == "decrypt":
        return await peer.decrypt(_arg(request, "from_jid", str), _arg(request, "encrypted_xml", str))
    if cmd == "outbox":
        return {"messages": peer.take_outbox()}
    if cmd == "replace_session":
        return {"failed": await peer.replace_session(_arg(request, "jid", str), _arg(request, "device_id", int))}
    if cmd == "session_info":
        return await peer.session_info(_arg(request, "jid", str), _arg(request, "device_id", int))
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
