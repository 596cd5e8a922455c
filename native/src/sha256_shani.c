/*
 * SHA-256 compression with the x86 SHA extensions and the HMAC batch on top. See
 * include/omemo_sha256_shani.h for the contract. Only the functions marked with the target attribute use
 * SHA-NI/SSE4.1 instructions, and they run only after the CPUID check, so the rest of the shim keeps its
 * baseline ISA.
 */
#include "omemo_sha256_shani.h"

#include <cpuid.h>
#include <immintrin.h>
#include <sodium.h>
#include <string.h>

#define SHANI_TARGET __attribute__((target("sha,sse4.1,ssse3")))

static const uint32_t K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* -1 = not checked yet; the check is idempotent, so a race only repeats it. */
static volatile int32_t shani_state = -1;

int32_t omemo_sha256_shani_supported(void)
{
    unsigned int a, b, c, d;
    int32_t ok;

    if (shani_state >= 0) {
        return shani_state;
    }
    ok = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSSE3) && (c & bit_SSE4_1)
        && __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA);
    shani_state = ok ? 1 : 0;
    return shani_state;
}

/* state[0..8) = SHA-256 compression of `blocks` 64-byte blocks at data (the usual ABEF/CDGH register split). */
SHANI_TARGET static void compress(uint32_t state[8], const uint8_t *data, size_t blocks)
{
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *) &state[0]), 0xB1); /* CDAB */
    __m128i s1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *) &state[4]), 0x1B);  /* EFGH */
    __m128i s0 = _mm_alignr_epi8(tmp, s1, 8);                                            /* ABEF */
    s1 = _mm_blend_epi16(s1, tmp, 0xF0);                                                  /* CDGH */

    for (; blocks > 0; blocks--, data += 64) {
        __m128i abef = s0, cdgh = s1;
        __m128i msg[4];
        int i;

        for (i = 0; i < 4; i++) {
            msg[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *) (data + 16 * i)), bswap);
        }
#pragma GCC unroll 16
        for (i = 0; i < 16; i++) {
            __m128i wk = _mm_add_epi32(msg[i & 3], _mm_loadu_si128((const __m128i *) &K256[4 * i]));
            s1 = _mm_sha256rnds2_epu32(s1, s0, wk);
            s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(wk, 0x0E));
            if (i < 12) {
                /* W[4i+16 .. 4i+20) from the four quads W[4i .. 4i+16); replaces the quad just used. */
                __m128i x = _mm_sha256msg1_epu32(msg[i & 3], msg[(i + 1) & 3]);
                x = _mm_add_epi32(x, _mm_alignr_epi8(msg[(i + 3) & 3], msg[(i + 2) & 3], 4));
                msg[i & 3] = _mm_sha256msg2_epu32(x, msg[(i + 3) & 3]);
            }
        }
        s0 = _mm_add_epi32(s0, abef);
        s1 = _mm_add_epi32(s1, cdgh);
    }

    tmp = _mm_shuffle_epi32(s0, 0x1B);                                              /* FEBA */
    s1 = _mm_shuffle_epi32(s1, 0xB1);                                               /* DCHG */
    _mm_storeu_si128((__m128i *) &state[0], _mm_blend_epi16(tmp, s1, 0xF0));       /* DCBA */
    _mm_storeu_si128((__m128i *) &state[4], _mm_alignr_epi8(s1, tmp, 8));          /* HGFE */
}

static void store_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t) (v >> 24);
    p[1] = (uint8_t) (v >> 16);
    p[2] = (uint8_t) (v >> 8);
    p[3] = (uint8_t) v;
}

/* One lane: inner hash from the ipad state over msg with padding, outer hash from the opad state. */
static void hmac_lane(const uint32_t *key_state, const uint8_t *msg, size_t len, uint8_t *out, size_t mac_len)
{
    uint32_t h[8];
    uint8_t block[128];
    size_t full = len / 64, rem = len % 64, tail_blocks = rem + 9 <= 64 ? 1 : 2;
    uint64_t bits = ((uint64_t) len + 64) * 8;
    int j;

    memcpy(h, key_state, sizeof h);
    compress(h, msg, full);

    memset(block, 0, sizeof block);
    if (rem > 0) {
        memcpy(block, msg + 64 * full, rem);
    }
    block[rem] = 0x80;
    for (j = 0; j < 8; j++) {
        block[64 * tail_blocks - 1 - j] = (uint8_t) (bits >> (8 * j));
    }
    compress(h, block, tail_blocks);

    /* Outer block: inner digest || 0x80 || zeros || bit length 768 (0x300). */
    memset(block, 0, 64);
    for (j = 0; j < 8; j++) {
        store_be32(block + 4 * j, h[j]);
    }
    block[32] = 0x80;
    block[62] = 0x03;
    memcpy(h, key_state + 8, sizeof h);
    compress(h, block, 1);

    for (j = 0; j < 8; j++) {
        store_be32(block + 4 * j, h[j]);
    }
    memcpy(out, block, mac_len);
    sodium_memzero(block, sizeof block);
    sodium_memzero(h, sizeof h);
}

int32_t omemo_hmac_sha256_batch(const uint32_t *states, size_t state_count,
                                const uint8_t *data, size_t data_len,
                                const uint32_t *offsets, const uint32_t *lengths, size_t count,
                                uint8_t *out, size_t out_stride, size_t mac_len)
{
    size_t i;

    if (!omemo_sha256_shani_supported()) {
        return OMEMO_SHANI_UNSUPPORTED;
    }
    if (count == 0) {
        return 0;
    }
    if (states == NULL || offsets == NULL || lengths == NULL || out == NULL
        || (state_count != 1 && state_count != count) || mac_len < 1 || mac_len > 32
        || (count > 1 && out_stride < mac_len) || count > SIZE_MAX / 64) {
        return -1;
    }
    for (i = 0; i < count; i++) {
        if (offsets[i] > data_len || lengths[i] > data_len - offsets[i] || (lengths[i] != 0 && data == NULL)) {
            return -1;
        }
    }
    for (i = 0; i < count; i++) {
        const uint32_t *key_state = states + 16 * (state_count == 1 ? 0 : i);
        hmac_lane(key_state, data == NULL ? NULL : data + offsets[i], lengths[i], out + i * out_stride, mac_len);
    }
    return 0;
}
