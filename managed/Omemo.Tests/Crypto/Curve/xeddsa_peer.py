"""Peer oracle for the XEdDSA / Ed25519 / key-conversion tests (run with Debian's /usr/bin/python3).

Reads one JSON request from stdin:
  {"seed": int, "count": int, "map": [ed25519 pub hex, ...], "verify": [[ed25519 pub hex, msg hex, sig hex], ...]}
and writes one JSON object to stdout with vectors made by python-xeddsa (libxeddsa + libsodium):
  xeddsa:  curve25519 priv, message, nonce, signature = ed25519_priv_sign(priv_force_sign(priv, False), msg, nonce),
           the same with priv_force_sign(priv, True) and the sign bit carried in byte 63 (libsignal / oldmemo form),
           the curve25519 public key and the Ed25519 key that XEdDSA verifies against.
  ed25519: seed, message, libsodium public key and signature, seed_to_priv, ed25519_pub_to_curve25519_pub.
  map:     crypto_sign_ed25519_pk_to_curve25519 of each requested key (hex, or null when libsodium refuses it).
  verify:  crypto_sign_verify_detached of each requested (key, message, signature).
Exit code 3 when the xeddsa module is missing.
"""
import json
import random
import sys

try:
    import xeddsa
except ImportError:
    sys.stderr.write("python3-xeddsa is not installed\n")
    sys.exit(3)


def main():
    req = json.load(sys.stdin)
    rng = random.Random(req["seed"])
    out = {"xeddsa": [], "ed25519": [], "map": [], "verify": []}
    for i in range(req["count"]):
        priv = rng.randbytes(32)
        msg = rng.randbytes(rng.randrange(0, 200))
        nonce = rng.randbytes(64)
        sig = xeddsa.ed25519_priv_sign(xeddsa.priv_force_sign(priv, False), msg, nonce)
        sig1 = bytearray(xeddsa.ed25519_priv_sign(xeddsa.priv_force_sign(priv, True), msg, nonce))
        sig1[63] |= 0x80
        curve_pub = xeddsa.priv_to_curve25519_pub(priv)
        out["xeddsa"].append({
            "priv": priv.hex(), "msg": msg.hex(), "nonce": nonce.hex(),
            "sig": sig.hex(), "sig_libsignal_sign1": bytes(sig1).hex(),
            "curve_pub": curve_pub.hex(),
            "ed_pub": xeddsa.curve25519_pub_to_ed25519_pub(curve_pub, False).hex(),
            "ed_pub_sign1": xeddsa.curve25519_pub_to_ed25519_pub(curve_pub, True).hex(),
        })

        seed = rng.randbytes(32)
        ed_pub = xeddsa.seed_to_ed25519_pub(seed)
        out["ed25519"].append({
            "seed": seed.hex(), "msg": msg.hex(), "pub": ed_pub.hex(),
            "sig": xeddsa.ed25519_seed_sign(seed, msg).hex(),
            "curve_priv": xeddsa.seed_to_priv(seed).hex(),
            "curve_pub": xeddsa.ed25519_pub_to_curve25519_pub(ed_pub).hex(),
        })

    for pub in req.get("map", []):
        try:
            out["map"].append(xeddsa.ed25519_pub_to_curve25519_pub(bytes.fromhex(pub)).hex())
        except xeddsa.XEdDSAException:
            out["map"].append(None)

    for pub, msg, sig in req.get("verify", []):
        out["verify"].append(xeddsa.ed25519_verify(bytes.fromhex(sig), bytes.fromhex(pub), bytes.fromhex(msg)))

    json.dump(out, sys.stdout)


main()
