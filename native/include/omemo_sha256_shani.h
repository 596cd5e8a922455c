/*
 * SHA-NI HMAC-SHA-256 batch for Omemo.Native (part of libomemo_native_shim.so).
 *
 * Mirrors the managed HmacSha256Batch API: HMAC key states are precomputed by the caller (managed side) as
 * 16 native-endian uint32 words each, the SHA-256 chaining value after the ipad block (8 words) followed by
 * the one after the opad block (8 words): the layout of Omemo.Crypto.HmacSha256KeyState. One call computes a
 * whole batch, so managed callers pay one P/Invoke transition per batch.
 */
#ifndef OMEMO_SHA256_SHANI_H
#define OMEMO_SHA256_SHANI_H

#include "omemo_native_shim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Returned when the CPU lacks SHA-NI (CPUID.7.0:EBX[29]) or SSE4.1/SSSE3. */
#define OMEMO_SHANI_UNSUPPORTED (-2)

/* 1 when this CPU runs the SHA-NI code below, 0 otherwise (CPUID, checked once). */
OMEMO_SHIM_API int32_t omemo_sha256_shani_supported(void);

/*
 * For each lane i in [0, count): the first mac_len bytes of HMAC-SHA-256 with key state
 * states[16 * (state_count == 1 ? 0 : i) ..] over data[offsets[i] .. offsets[i] + lengths[i]) go to
 * out[i * out_stride ..].
 *   state_count: 1 (one key for all lanes) or count; mac_len: 1..32; out_stride >= mac_len when count > 1;
 *   every lane's range must lie in data[0, data_len); out must not overlap the inputs.
 * Returns 0; -1 for invalid arguments (nothing written); OMEMO_SHANI_UNSUPPORTED when the CPU lacks SHA-NI.
 * Temporaries are wiped before returning.
 */
OMEMO_SHIM_API int32_t omemo_hmac_sha256_batch(const uint32_t *states, size_t state_count,
                                               const uint8_t *data, size_t data_len,
                                               const uint32_t *offsets, const uint32_t *lengths, size_t count,
                                               uint8_t *out, size_t out_stride, size_t mac_len);

#ifdef __cplusplus
}
#endif

#endif /* OMEMO_SHA256_SHANI_H */
