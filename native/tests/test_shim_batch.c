/*
 * CTest: every batch entry point of omemo_native_shim must produce exactly what the corresponding single
 * libsodium call produces, reject what it rejects, and refuse inconsistent arguments.
 */
#include "omemo_native_shim.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define COUNT 64
#define MAX_MSG 300

static int failures = 0;

#define CHECK(cond, what)                                                          \
    do {                                                                           \
        if (!(cond)) {                                                             \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, (what));       \
            failures++;                                                            \
        }                                                                          \
    } while (0)

/* u = 1 is a point of order 4 on Curve25519, so X25519 of any clamped scalar with it is all zero. */
static const uint8_t small_order_u1[32] = { 1 };

static void test_x25519_batch(void)
{
    uint8_t priv[32];
    uint8_t pubs[COUNT * 32];
    uint8_t batch[COUNT * 32];
    uint8_t single[32];
    int64_t rejected;
    size_t i;

    randombytes_buf(priv, sizeof priv);
    randombytes_buf(pubs, sizeof pubs);
    memset(pubs + 5 * 32, 0, 32);                 /* u = 0: small order */
    memcpy(pubs + 9 * 32, small_order_u1, 32);    /* u = 1: small order */

    rejected = omemo_x25519_batch(priv, pubs, batch, COUNT);
    CHECK(rejected == 2, "x25519_batch rejects exactly the two small-order points");
    for (i = 0; i < COUNT; i++) {
        memset(single, 0xAA, sizeof single);
        if (crypto_scalarmult_curve25519(single, priv, pubs + i * 32) != 0) {
            memset(single, 0, sizeof single);
            CHECK(i == 5 || i == 9, "only the planted entries are rejected");
        }
        CHECK(memcmp(single, batch + i * 32, 32) == 0, "x25519_batch entry equals the single call");
    }
    CHECK(omemo_x25519_batch(priv, pubs, batch, 0) == 0, "empty batch");
    CHECK(omemo_x25519_batch(NULL, pubs, batch, 1) == -1, "NULL priv refused");
    CHECK(omemo_x25519_batch(priv, NULL, batch, 1) == -1, "NULL pubs refused");
    CHECK(omemo_x25519_batch(priv, pubs, batch, SIZE_MAX) == -1, "overflowing count refused");
}

static void test_x25519_base_batch(void)
{
    uint8_t privs[COUNT * 32];
    uint8_t batch[COUNT * 32];
    uint8_t single[32];
    size_t i;

    randombytes_buf(privs, sizeof privs);
    CHECK(omemo_x25519_base_batch(privs, batch, COUNT) == 0, "x25519_base_batch succeeds");
    for (i = 0; i < COUNT; i++) {
        CHECK(crypto_scalarmult_curve25519_base(single, privs + i * 32) == 0, "single base mult succeeds");
        CHECK(memcmp(single, batch + i * 32, 32) == 0, "x25519_base_batch entry equals the single call");
    }
    CHECK(omemo_x25519_base_batch(NULL, batch, 1) == -1, "NULL privs refused");
}

static void test_ed25519_batches(void)
{
    uint8_t seed[32];
    uint8_t pk[32];
    uint8_t sk[64];
    uint8_t msgs[COUNT * (MAX_MSG + 1)];
    uint32_t lens[COUNT];
    uint8_t sigs[COUNT * 64];
    uint8_t single[64];
    uint8_t pks[COUNT * 32];
    uint8_t results[COUNT];
    size_t total = 0;
    size_t offset = 0;
    size_t i;

    randombytes_buf(seed, sizeof seed);
    crypto_sign_seed_keypair(pk, sk, seed);
    for (i = 0; i < COUNT; i++) {
        lens[i] = (i == 3) ? 0u : 1u + randombytes_uniform(MAX_MSG); /* one empty message, the others not */
        total += lens[i];
    }
    randombytes_buf(msgs, total);

    CHECK(omemo_ed25519_sign_batch(seed, msgs, total, lens, COUNT, sigs) == 0, "sign_batch succeeds");
    for (i = 0; i < COUNT; i++) {
        crypto_sign_detached(single, NULL, msgs + offset, lens[i], sk);
        CHECK(memcmp(single, sigs + i * 64, 64) == 0, "sign_batch entry equals crypto_sign_detached");
        memcpy(pks + i * 32, pk, 32);
        offset += lens[i];
    }

    /* Corrupt two entries: a bit of signature 7 and a bit of message 0 (which is not empty). */
    sigs[7 * 64 + 40] ^= 0x01;
    msgs[0] ^= 0x80;
    {
        int64_t valid = omemo_ed25519_verify_batch(pks, msgs, total, lens, COUNT, sigs, results);
        int64_t expected = 0;
        offset = 0;
        for (i = 0; i < COUNT; i++) {
            int ok = crypto_sign_verify_detached(sigs + i * 64, msgs + offset, lens[i], pks + i * 32) == 0;
            CHECK(results[i] == (uint8_t) ok, "verify_batch entry equals crypto_sign_verify_detached");
            expected += ok;
            offset += lens[i];
        }
        CHECK(valid == expected, "verify_batch count equals the single calls");
        CHECK(results[7] == 0, "flipped signature bit rejected");
        CHECK(results[0] == 0, "flipped message bit rejected");
    }

    CHECK(omemo_ed25519_sign_batch(seed, msgs, total + 1, lens, COUNT, sigs) == -1, "length mismatch refused");
    CHECK(omemo_ed25519_sign_batch(seed, msgs, total - 1, lens, COUNT, sigs) == -1, "length shortfall refused");
    CHECK(omemo_ed25519_verify_batch(pks, msgs, total + 1, lens, COUNT, sigs, results) == -1,
          "verify length mismatch refused");
    CHECK(omemo_ed25519_sign_batch(seed, NULL, 0, NULL, 0, NULL) == 0, "empty sign batch");
    CHECK(omemo_ed25519_verify_batch(NULL, NULL, 0, NULL, 0, NULL, NULL) == 0, "empty verify batch");
    sodium_memzero(sk, sizeof sk);
}

int main(void)
{
    if (omemo_shim_init() != 0) {
        fprintf(stderr, "sodium_init failed\n");
        return 1;
    }
    CHECK(omemo_shim_abi_version() == OMEMO_SHIM_ABI_VERSION, "ABI version");
    test_x25519_batch();
    test_x25519_base_batch();
    test_ed25519_batches();
    if (failures != 0) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("omemo_native_shim: all batch results equal the single libsodium calls\n");
    return 0;
}
