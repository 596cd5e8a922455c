/*
 * omemo_native_shim: batch entry points over libsodium for Omemo.Native.
 *
 * Each function does many curve operations in one call, so that managed callers pay one P/Invoke
 * transition per batch instead of one per operation (benchmarks, fan-out to many devices, pre-key
 * generation). The results are byte-identical to the corresponding single libsodium calls; the CTest
 * program tests/test_shim_batch.c checks exactly that.
 *
 * Conventions:
 *   - all keys are raw 32-byte encodings, all signatures 64 bytes, arrays of them are contiguous;
 *   - no function allocates; every secret the shim derives lives on its stack and is wiped
 *     with sodium_memzero before returning;
 *   - pointers may be NULL only when the matching count/length is 0;
 *   - call omemo_shim_init() once before anything else (it is idempotent and thread-safe).
 */
#ifndef OMEMO_NATIVE_SHIM_H
#define OMEMO_NATIVE_SHIM_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#  define OMEMO_SHIM_API __declspec(dllexport)
#else
#  define OMEMO_SHIM_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Version of this C ABI; bumped on any incompatible change. The managed binding refuses other values. */
#define OMEMO_SHIM_ABI_VERSION 1

/* Returns OMEMO_SHIM_ABI_VERSION. */
OMEMO_SHIM_API int32_t omemo_shim_abi_version(void);

/* Initialises libsodium (sodium_init). Returns 0 on success (also when already initialised), -1 on failure. */
OMEMO_SHIM_API int32_t omemo_shim_init(void);

/*
 * X25519 fan-out: out[i] = X25519(priv, pubs[i]) for i in [0, count).
 *   priv: 32 bytes; pubs: count * 32 bytes; out: count * 32 bytes (must not overlap priv or pubs).
 * An entry whose shared secret is all zero (small-order peer key) is left all zero in out.
 * Returns the number of such rejected entries (0 when all succeeded), or -1 for invalid arguments.
 */
OMEMO_SHIM_API int64_t omemo_x25519_batch(const uint8_t *priv, const uint8_t *pubs, uint8_t *out, size_t count);

/*
 * X25519 public keys: pubs[i] = X25519(privs[i], 9) (private keys are clamped by libsodium).
 *   privs, pubs: count * 32 bytes each. Returns 0, or -1 for invalid arguments.
 */
OMEMO_SHIM_API int32_t omemo_x25519_base_batch(const uint8_t *privs, uint8_t *pubs, size_t count);

/*
 * Ed25519 (RFC 8032) signatures of count messages with one key given by its 32-byte seed.
 *   msgs: the messages back to back, msgs_total bytes in all; msg_lens[i]: length of message i;
 *   sigs: count * 64 bytes.
 * The key pair is expanded once per call. Returns 0, or -1 for invalid arguments (including lengths
 * that do not add up to msgs_total), in which case sigs is left untouched.
 */
OMEMO_SHIM_API int32_t omemo_ed25519_sign_batch(const uint8_t *seed,
                                                const uint8_t *msgs, size_t msgs_total,
                                                const uint32_t *msg_lens, size_t count,
                                                uint8_t *sigs);

/*
 * Ed25519 verification of count (public key, message, signature) triples with
 * crypto_sign_verify_detached.
 *   pks: count * 32 bytes; msgs/msgs_total/msg_lens as for omemo_ed25519_sign_batch; sigs: count * 64 bytes;
 *   results: count bytes, set to 1 (valid) or 0 (invalid).
 * Returns the number of valid signatures, or -1 for invalid arguments (results left untouched).
 */
OMEMO_SHIM_API int64_t omemo_ed25519_verify_batch(const uint8_t *pks,
                                                  const uint8_t *msgs, size_t msgs_total,
                                                  const uint32_t *msg_lens, size_t count,
                                                  const uint8_t *sigs, uint8_t *results);

#ifdef __cplusplus
}
#endif

#endif /* OMEMO_NATIVE_SHIM_H */
