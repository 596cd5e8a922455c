/* sg_openssl_provider.c: see sg_openssl_provider.h. Moved unchanged from omemo_c_peer.c. */
#include "sg_openssl_provider.h"

#include <stdint.h>
#include <stdlib.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>
static EVP_MAC *g_hmac;

static int cp_random(uint8_t *data, size_t len, void *user_data)
{
    (void)user_data;
    return RAND_bytes(data, (int)len) == 1 ? 0 : SG_ERR_UNKNOWN;
}

static int cp_hmac_init(void **context, const uint8_t *key, size_t key_len, void *user_data)
{
    (void)user_data;
    static const uint8_t empty = 0;
    EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(g_hmac);
    if (!ctx) return SG_ERR_NOMEM;
    OSSL_PARAM params[] = { OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
                            OSSL_PARAM_construct_end() };
    if (EVP_MAC_init(ctx, key ? key : &empty, key_len, params) != 1) {
        EVP_MAC_CTX_free(ctx);
        return SG_ERR_UNKNOWN;
    }
    *context = ctx;
    return 0;
}

static int cp_hmac_update(void *context, const uint8_t *data, size_t data_len, void *user_data)
{
    (void)user_data;
    return EVP_MAC_update(context, data, data_len) == 1 ? 0 : SG_ERR_UNKNOWN;
}

static int cp_hmac_final(void *context, signal_buffer **output, void *user_data)
{
    (void)user_data;
    uint8_t mac[32];
    size_t len = 0;
    if (EVP_MAC_final(context, mac, &len, sizeof mac) != 1) return SG_ERR_UNKNOWN;
    *output = signal_buffer_create(mac, len);
    return *output ? 0 : SG_ERR_NOMEM;
}

static void cp_hmac_cleanup(void *context, void *user_data)
{
    (void)user_data;
    EVP_MAC_CTX_free(context);
}

static int cp_sha512_init(void **context, void *user_data)
{
    (void)user_data;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx) return SG_ERR_NOMEM;
    if (EVP_DigestInit_ex(ctx, EVP_sha512(), NULL) != 1) {
        EVP_MD_CTX_free(ctx);
        return SG_ERR_UNKNOWN;
    }
    *context = ctx;
    return 0;
}

static int cp_sha512_update(void *context, const uint8_t *data, size_t data_len, void *user_data)
{
    (void)user_data;
    return EVP_DigestUpdate(context, data, data_len) == 1 ? 0 : SG_ERR_UNKNOWN;
}

static int cp_sha512_final(void *context, signal_buffer **output, void *user_data)
{
    (void)user_data;
    uint8_t md[64];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(context, md, &len) != 1) return SG_ERR_UNKNOWN;
    if (EVP_DigestInit_ex(context, EVP_sha512(), NULL) != 1) return SG_ERR_UNKNOWN; /* ready for reuse */
    *output = signal_buffer_create(md, len);
    return *output ? 0 : SG_ERR_NOMEM;
}

static void cp_sha512_cleanup(void *context, void *user_data)
{
    (void)user_data;
    EVP_MD_CTX_free(context);
}

static const EVP_CIPHER *aes_cipher(int mode, size_t key_len)
{
    if (mode == SG_CIPHER_AES_CBC_PKCS5) {
        switch (key_len) {
        case 16: return EVP_aes_128_cbc();
        case 24: return EVP_aes_192_cbc();
        case 32: return EVP_aes_256_cbc();
        }
    } else if (mode == SG_CIPHER_AES_CTR_NOPADDING) {
        switch (key_len) {
        case 16: return EVP_aes_128_ctr();
        case 24: return EVP_aes_192_ctr();
        case 32: return EVP_aes_256_ctr();
        }
    }
    return NULL;
}

static int aes_run(int encrypt, signal_buffer **output, int mode, const uint8_t *key, size_t key_len,
                   const uint8_t *iv, size_t iv_len, const uint8_t *input, size_t input_len)
{
    const EVP_CIPHER *cipher = aes_cipher(mode, key_len);
    if (!cipher || iv_len != 16 || input_len > (size_t)INT32_MAX - 32) return SG_ERR_INVAL;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (!ctx) return SG_ERR_NOMEM;
    int result = SG_ERR_UNKNOWN;
    uint8_t *out = malloc(input_len + 32);
    int len1 = 0, len2 = 0;
    if (!out) { result = SG_ERR_NOMEM; goto done; }
    if (EVP_CipherInit_ex(ctx, cipher, NULL, key, iv, encrypt) != 1) goto done;
    if (EVP_CIPHER_CTX_set_padding(ctx, mode == SG_CIPHER_AES_CBC_PKCS5) != 1) goto done;
    if (EVP_CipherUpdate(ctx, out, &len1, input, (int)input_len) != 1) goto done;
    if (EVP_CipherFinal_ex(ctx, out + len1, &len2) != 1) goto done; /* bad padding on decrypt */
    *output = signal_buffer_create(out, (size_t)len1 + (size_t)len2);
    result = *output ? 0 : SG_ERR_NOMEM;
done:
    if (out) { OPENSSL_cleanse(out, input_len + 32); free(out); }
    EVP_CIPHER_CTX_free(ctx);
    return result;
}

static int cp_encrypt(signal_buffer **output, int cipher, const uint8_t *key, size_t key_len, const uint8_t *iv,
                      size_t iv_len, const uint8_t *plaintext, size_t plaintext_len, void *user_data)
{
    (void)user_data;
    return aes_run(1, output, cipher, key, key_len, iv, iv_len, plaintext, plaintext_len);
}

static int cp_decrypt(signal_buffer **output, int cipher, const uint8_t *key, size_t key_len, const uint8_t *iv,
                      size_t iv_len, const uint8_t *ciphertext, size_t ciphertext_len, void *user_data)
{
    (void)user_data;
    return aes_run(0, output, cipher, key, key_len, iv, iv_len, ciphertext, ciphertext_len);
}

int sg_openssl_provider_install(signal_context *ctx)
{
    if (!g_hmac) g_hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (!g_hmac) return -1;
    signal_crypto_provider provider = {
        .random_func = cp_random,
        .hmac_sha256_init_func = cp_hmac_init,
        .hmac_sha256_update_func = cp_hmac_update,
        .hmac_sha256_final_func = cp_hmac_final,
        .hmac_sha256_cleanup_func = cp_hmac_cleanup,
        .sha512_digest_init_func = cp_sha512_init,
        .sha512_digest_update_func = cp_sha512_update,
        .sha512_digest_final_func = cp_sha512_final,
        .sha512_digest_cleanup_func = cp_sha512_cleanup,
        .encrypt_func = cp_encrypt,
        .decrypt_func = cp_decrypt,
        .user_data = NULL,
    };
    return signal_context_set_crypto_provider(ctx, &provider) < 0 ? -1 : 0;
}

void sg_openssl_provider_release(void)
{
    EVP_MAC_free(g_hmac);
    g_hmac = NULL;
}
