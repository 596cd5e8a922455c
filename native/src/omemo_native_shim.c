/*
 * omemo_native_shim: batch wrappers over libsodium. See include/omemo_native_shim.h for the contract.
 */
#include "omemo_native_shim.h"

#include <sodium.h>

#define KEY_BYTES 32u
#define SIG_BYTES 64u

/* Refuses counts whose byte sizes would overflow size_t (64 bytes per entry covers every array here). */
static int count_ok(size_t count)
{
    return count <= SIZE_MAX / SIG_BYTES;
}

/* Message i of a batch; NULL only when the whole batch is empty (no arithmetic on a null pointer). */
static const uint8_t *message_at(const uint8_t *msgs, size_t offset)
{
    return msgs == NULL ? NULL : msgs + offset;
}

/* Checks that msg_lens[0..count) add up to exactly msgs_total without overflowing. */
static int lengths_ok(const uint8_t *msgs, size_t msgs_total, const uint32_t *msg_lens, size_t count)
{
    size_t sum = 0;
    size_t i;

    if (msgs_total != 0 && msgs == NULL) {
        return 0;
    }
    if (count != 0 && msg_lens == NULL) {
        return 0;
    }
    for (i = 0; i < count; i++) {
        if ((size_t) msg_lens[i] > msgs_total - sum) {
            return 0;
        }
        sum += msg_lens[i];
    }
    return sum == msgs_total;
}

int32_t omemo_shim_abi_version(void)
{
    return OMEMO_SHIM_ABI_VERSION;
}

int32_t omemo_shim_init(void)
{
    return sodium_init() < 0 ? -1 : 0;
}

int64_t omemo_x25519_batch(const uint8_t *priv, const uint8_t *pubs, uint8_t *out, size_t count)
{
    int64_t rejected = 0;
    size_t i;

    if (!count_ok(count) || priv == NULL || (count != 0 && (pubs == NULL || out == NULL))) {
        return -1;
    }
    for (i = 0; i < count; i++) {
        uint8_t *shared = out + i * KEY_BYTES;
        /* crypto_scalarmult_curve25519 clamps priv and returns -1 for an all-zero result. */
        if (crypto_scalarmult_curve25519(shared, priv, pubs + i * KEY_BYTES) != 0) {
            sodium_memzero(shared, KEY_BYTES);
            rejected++;
        }
    }
    return rejected;
}

int32_t omemo_x25519_base_batch(const uint8_t *privs, uint8_t *pubs, size_t count)
{
    size_t i;

    if (!count_ok(count) || (count != 0 && (privs == NULL || pubs == NULL))) {
        return -1;
    }
    for (i = 0; i < count; i++) {
        /* Cannot fail for a clamped scalar; the return value carries no information here. */
        (void) crypto_scalarmult_curve25519_base(pubs + i * KEY_BYTES, privs + i * KEY_BYTES);
    }
    return 0;
}

int32_t omemo_ed25519_sign_batch(const uint8_t *seed,
                                 const uint8_t *msgs, size_t msgs_total,
                                 const uint32_t *msg_lens, size_t count,
                                 uint8_t *sigs)
{
    uint8_t pk[crypto_sign_PUBLICKEYBYTES];
    uint8_t sk[crypto_sign_SECRETKEYBYTES]; /* seed || pk: secret, wiped below */
    size_t offset = 0;
    size_t i;

    if (!count_ok(count) || seed == NULL || (count != 0 && sigs == NULL)
        || !lengths_ok(msgs, msgs_total, msg_lens, count)) {
        return -1;
    }
    if (count == 0) {
        return 0;
    }
    crypto_sign_seed_keypair(pk, sk, seed);
    for (i = 0; i < count; i++) {
        crypto_sign_detached(sigs + i * SIG_BYTES, NULL, message_at(msgs, offset), msg_lens[i], sk);
        offset += msg_lens[i];
    }
    sodium_memzero(sk, sizeof sk);
    return 0;
}

int64_t omemo_ed25519_verify_batch(const uint8_t *pks,
                                   const uint8_t *msgs, size_t msgs_total,
                                   const uint32_t *msg_lens, size_t count,
                                   const uint8_t *sigs, uint8_t *results)
{
    size_t offset = 0;
    int64_t valid = 0;
    size_t i;

    if (!count_ok(count) || (count != 0 && (pks == NULL || sigs == NULL || results == NULL))
        || !lengths_ok(msgs, msgs_total, msg_lens, count)) {
        return -1;
    }
    for (i = 0; i < count; i++) {
        int ok = crypto_sign_verify_detached(sigs + i * SIG_BYTES, message_at(msgs, offset), msg_lens[i],
                                             pks + i * KEY_BYTES) == 0;
        results[i] = (uint8_t) ok;
        valid += ok;
        offset += msg_lens[i];
    }
    return valid;
}
