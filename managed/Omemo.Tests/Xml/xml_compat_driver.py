"""The request/answer loop shared by the XML compatibility peers (twomemo_xml.py, oldmemo_xml.py).

Reads one JSON request on stdin: the documents we wrote ("encrypted", "bundles", "devices") are parsed with the
peer's readers, and the peer writes its own documents from a seeded random generator; the answer goes to stdout.
"""

import json
import random
import sys


def run(read_message, read_bundle, read_devices, make_message, make_bundle, make_devices):
    """read_message(entry, request) receives each "encrypted" entry and the whole request (for sender keys)."""
    request = json.load(sys.stdin)
    rng = random.Random(request["seed"])
    out = {
        "parsed": {
            "encrypted": [read_message(entry, request) for entry in request.get("encrypted", [])],
            "bundles": [read_bundle(x) for x in request.get("bundles", [])],
            "devices": [read_devices(x) for x in request.get("devices", [])],
        },
        "generated": {
            "encrypted": [make_message(rng, empty=(i == 0)) for i in range(6)],
            "bundles": [make_bundle(rng) for _ in range(3)],
            "devices": [make_devices(rng) for _ in range(6)],
        },
    }
    json.dump(out, sys.stdout)
