/*
 * sg_openssl_provider: the libomemo-c crypto provider over OpenSSL 3 (HMAC-SHA-256, SHA-512, random bytes,
 * AES-CBC/PKCS#5 and AES-CTR), shared by omemo_c_peer and omemo_c_bench.
 */
#ifndef OMEMO_SG_OPENSSL_PROVIDER_H
#define OMEMO_SG_OPENSSL_PROVIDER_H

#include <signal_protocol.h>

/* Fetches OpenSSL's HMAC once and installs the provider on ctx. 0 on success, -1 on failure. */
int sg_openssl_provider_install(signal_context *ctx);

/* Releases what sg_openssl_provider_install fetched (call after the last signal_context is destroyed). */
void sg_openssl_provider_release(void);

#endif
