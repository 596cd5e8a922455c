#!/usr/bin/python3
"""python-omemo (twomemo 1.0.3, OMEMO 2; oldmemo 1.0.3, legacy OMEMO 0.3) side of the comparison runner.

Run with Debian's interpreter: ``/usr/bin/python3 omemo_bench.py [options]`` (python3-omemo, python3-twomemo, and
python3-oldmemo for the legacy workloads). Driven by bench/Omemo.Compare.
In memory, no XMPP: one backend per device over a dict ``omemo.Storage`` (cache on), driven at the backend level
that ``omemo.SessionManager`` uses for each recipient device. ``--namespace`` picks the backend: ``urn:xmpp:omemo:2``
(default) runs twomemo's ``Twomemo`` as W1..W4, ``eu.siacs.conversations.axolotl`` runs oldmemo's ``Oldmemo`` as
L1..L4 (the same workloads with 32 bytes of key material, key || GCM tag, and ``oldmemo.etree``):

  W1  next-message fan-out: ``encrypt_key_material`` (48 bytes: key || truncated tag) on N established sessions
      (the peer has answered, so the session is confirmed and sends plain OMEMOAuthenticatedMessages), plus
      ``serialize()`` of each result (the bytes that go into <key>);
  W2  first message: ``build_session_active`` from the device's bundle (SPK signature check, X3DH, first ratchet
      encryption) plus serializing the OMEMOKeyExchange;
  W3  decrypt follow-up: ``EncryptedKeyMaterialImpl.parse`` + ``decrypt_key_material`` of a plain message;
  W4  encrypt to N devices including XML: ``encrypt_plaintext`` (payload) + W1 for N sessions +
      ``twomemo.etree.serialize_message`` + ``ElementTree.tostring``.

Storage round trips (``store_session``/``load_session``, which SessionManager adds per device) are not timed.

Options: --w1 1,10,100 --w2 1,10 --w3 300 --w4 1000 (0: skip) --reps 7 --min-ms 20 --max-seconds 120
         --namespace urn:xmpp:omemo:2|eu.siacs.conversations.axolotl
Output: JSON lines on stdout: {"meta": true, ...}, then per (workload, N)
  {"engine": "python-omemo", "workload": "W1", "n": 10, "inner": K, "us": [µs per recipient, per repetition]}
A workload/N whose warm-up pass shows that the repetitions would overrun --max-seconds (in total) is reported
as {"engine": ..., "workload": ..., "n": N, "skipped": "why"} instead.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import sys
import time
import xml.etree.ElementTree as ET
from types import ModuleType
from typing import Any, Awaitable, Callable, Dict, List, NamedTuple

import omemo
from omemo.message import Message
from omemo.storage import Just, Maybe, Nothing

RECIPIENTS = "r@bench.example"
SENDER = "s@bench.example"
SENDER_ID = 0x40000000


class Protocol(NamedTuple):
    """One OMEMO version: its python-omemo backend package, the workload prefix and the key material it carries."""

    package: str  # twomemo or oldmemo
    backend: str  # the Backend class in <package>.<package>
    prefix: str  # W (OMEMO 2) or L (legacy)
    key_size: int  # key length of PlainKeyMaterialImpl; the tag is 16 bytes in both

    def module(self) -> ModuleType:
        return importlib.import_module(f"{self.package}.{self.package}")

    def etree(self) -> ModuleType:
        return importlib.import_module(f"{self.package}.etree")

    def version(self) -> str:
        return str(importlib.import_module(self.package).__version__["short"])


PROTOCOLS = {
    "urn:xmpp:omemo:2": Protocol("twomemo", "Twomemo", "W", 32),
    "eu.siacs.conversations.axolotl": Protocol("oldmemo", "Oldmemo", "L", 16),
}
PROTOCOL = PROTOCOLS["urn:xmpp:omemo:2"]
# Set by main() from --namespace: the backend module (<package>.<package>), its etree module and the key material.
BACKEND: Any = None
ETREE: Any = None
KEY_MATERIAL: Any = None


class DictStorage(omemo.Storage):
    """python-omemo's key/value Storage in a plain dict (python-omemo's own cache on)."""

    def __init__(self) -> None:
        super().__init__(disable_cache=False)
        self.data: Dict[str, Any] = {}

    async def _load(self, key: str) -> Maybe[omemo.JSONType]:
        return Just(self.data[key]) if key in self.data else Nothing()

    async def _store(self, key: str, value: omemo.JSONType) -> None:
        self.data[key] = value

    async def _delete(self, key: str) -> None:
        self.data.pop(key, None)


async def new_device(pre_keys: int) -> Any:
    backend = getattr(BACKEND, PROTOCOL.backend)(DictStorage())
    if pre_keys:
        await backend.generate_pre_keys(pre_keys)
    return backend


class Bench:
    """The sender, N receivers with one pre-key each, and the sender's confirmed sessions to the first ones."""

    def __init__(self) -> None:
        self.sender: Any
        self.first_sender: Any
        self.bundles: List[Any] = []
        self.sessions: List[Any] = []
        self.receiver_session: Any = None
        self.receiver: Any
        self.messages: List[bytes] = []

    async def setup(self, devices: int, established: int) -> None:
        self.sender = await new_device(0)
        self.first_sender = await new_device(0)
        receivers = [await new_device(1) for _ in range(devices)]
        self.receiver = receivers[0]
        self.bundles = [await r.get_bundle(RECIPIENTS, i + 1) for i, r in enumerate(receivers)]
        for i in range(established):
            self.sessions.append(await self.establish(receivers[i], i + 1, i == 0))

    async def establish(self, receiver: Any, device_id: int, keep: bool) -> Any:
        session, first = await self.sender.build_session_active(
            RECIPIENTS, device_id, self.bundles[device_id - 1], KEY_MATERIAL)
        back, _ = await receiver.build_session_passive(SENDER, SENDER_ID, session.key_exchange, first)
        reply = await receiver.encrypt_key_material(back, KEY_MATERIAL)
        await self.sender.decrypt_key_material(session, reply)
        if not session.confirmed:
            raise RuntimeError("session not confirmed after the reply")
        if keep:
            self.receiver_session = back
        return session

    async def w1(self, n: int) -> None:
        for session in self.sessions[:n]:
            (await self.sender.encrypt_key_material(session, KEY_MATERIAL)).serialize()

    async def w2(self, n: int) -> None:
        for i in range(n):
            session, first = await self.first_sender.build_session_active(
                RECIPIENTS, i + 1, self.bundles[i], KEY_MATERIAL)
            session.key_exchange.serialize(first.serialize())

    async def w3(self, n: int) -> None:
        for _ in range(n):
            data = self.messages.pop()
            message = BACKEND.EncryptedKeyMaterialImpl.parse(data, SENDER, SENDER_ID)
            await self.receiver.decrypt_key_material(self.receiver_session, message)

    async def w4(self, n: int) -> None:
        content, km = await self.sender.encrypt_plaintext(b"x" * 100)
        keys = frozenset([(await self.sender.encrypt_key_material(s, km), None) for s in self.sessions[:n]])
        ET.tostring(ETREE.serialize_message(Message(BACKEND.NAMESPACE, SENDER, SENDER_ID, content, keys)),
                    encoding="unicode")


def emit(record: Dict[str, Any]) -> None:
    print(json.dumps(record), flush=True)


async def measure(number: int, run: Callable[[int], Awaitable[None]], n: int, per: int, args: argparse.Namespace,
                  fixed_inner: int = 0) -> None:
    """One warm-up pass sets K; each repetition times K passes; reports µs per recipient (per = items per pass)."""
    workload = f"{PROTOCOL.prefix}{number}"
    start = time.perf_counter_ns()
    await run(n)
    one = max(time.perf_counter_ns() - start, 1)
    inner = fixed_inner or int(args.min_ms * 1e6 / one) + 1
    if one * inner * args.reps > args.max_seconds * 1e9:
        emit({"engine": "python-omemo", "workload": workload, "n": n,
              "skipped": f"one pass took {one / 1e9:.2f} s; {args.reps} repetitions would exceed --max-seconds"})
        return
    us = []
    for _ in range(args.reps):
        start = time.perf_counter_ns()
        for _ in range(inner):
            await run(n)
        us.append(round((time.perf_counter_ns() - start) / 1e3 / (inner * per), 4))
    emit({"engine": "python-omemo", "workload": workload, "n": n, "inner": inner, "us": us})


def numbers(text: str) -> List[int]:
    return [int(x) for x in text.split(",") if x]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--w1", type=numbers, default=[1, 10, 100, 1000])
    parser.add_argument("--w2", type=numbers, default=[1, 10, 100])
    parser.add_argument("--w3", type=int, default=300)
    parser.add_argument("--w4", type=int, default=1000)
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--min-ms", type=float, default=20)
    parser.add_argument("--max-seconds", type=float, default=120)
    parser.add_argument("--namespace", choices=list(PROTOCOLS), default="urn:xmpp:omemo:2")
    args = parser.parse_args()

    global PROTOCOL, BACKEND, ETREE, KEY_MATERIAL  # pylint: disable=global-statement
    PROTOCOL = PROTOCOLS[args.namespace]
    BACKEND, ETREE = PROTOCOL.module(), PROTOCOL.etree()
    KEY_MATERIAL = BACKEND.PlainKeyMaterialImpl(b"\x5a" * PROTOCOL.key_size, b"\x5a" * 16)
    emit({"meta": True, "engine": "python-omemo", "python": sys.version.split()[0],
          "omemo": omemo.__version__["short"], PROTOCOL.package: PROTOCOL.version()})
    established = max(args.w1 + [args.w4, 1])
    bench = Bench()
    await bench.setup(max(args.w2 + [established]), established)

    # W3 first: W1 then sends thousands of messages on session 1. Prepared in order, consumed with pop().
    for _ in range(args.w3 * (args.reps + 1)):
        bench.messages.append((await bench.sender.encrypt_key_material(bench.sessions[0], KEY_MATERIAL)).serialize())
    bench.messages.reverse()
    await measure(3, bench.w3, args.w3, args.w3, args, fixed_inner=1)
    for n in args.w1:
        await measure(1, bench.w1, n, n, args)
    for n in args.w2:
        await measure(2, bench.w2, n, n, args)
    if args.w4:
        await measure(4, bench.w4, args.w4, 1, args, fixed_inner=1)


if __name__ == "__main__":
    asyncio.run(main())
