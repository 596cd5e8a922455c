/*
 * CTest for omemo_c_peer: starts two peer processes (Alice 1001, Bob 2002) and drives them over the line protocol.
 *
 *  1. Bundle facts, checked with OpenSSL (independently of libomemo-c): "ik" is an Ed25519 key, "spks" verifies as
 *     plain Ed25519 under it over the raw 32-byte spk, "spks_legacy" over 0x05 || spk.
 *  2. A bundle made outside libomemo-c (OpenSSL Ed25519 identity, both signs of the Ed25519 point; X25519 keys) is
 *     accepted, and one with a bad signature is refused.
 *  3. Alice initiates with Bob's bundle: OMEMOKeyExchange framing (protobuf field numbers, key sizes, ik equal to
 *     Alice's published Ed25519 ik, pk_id/spk_id), several key exchanges before the first reply, then replies,
 *     DH ratchet steps, out-of-order delivery, 300 messages each way of 48 random bytes, all decrypting to what
 *     was sent. A bad MAC (SG_ERR_INVALID_MESSAGE), a replay (SG_ERR_DUPLICATE_MESSAGE) and a wrong kex flag are
 *     refused and leave the session usable.
 *  4. The same peer in session version 3 (OMEMO 0.3), see v3_tests(): bundle facts and python-oldmemo style
 *     signatures, the PreKeyWhisperMessage / WhisperMessage layouts, KDFs and MAC order checked against a responder
 *     computed here with OpenSSL alone, and a v3 <-> v3 conversation with the same checks as v4.
 */
#define _POSIX_C_SOURCE 200809L

#include "peer_json.h"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include <errno.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures = 0;

#define CHECK(cond, ...)                                                            \
    do {                                                                            \
        if (!(cond)) {                                                              \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                    \
            fprintf(stderr, __VA_ARGS__);                                           \
            fputc('\n', stderr);                                                    \
            failures++;                                                             \
        }                                                                           \
    } while (0)

#define REQUIRE(cond, ...)                                                          \
    do {                                                                            \
        if (!(cond)) {                                                              \
            CHECK(cond, __VA_ARGS__);                                               \
            fprintf(stderr, "aborting after %d failure(s)\n", failures);            \
            exit(1);                                                                \
        }                                                                           \
    } while (0)

typedef struct {
    const char *name;
    pid_t pid;
    FILE *in;   /* to the peer */
    FILE *out;  /* from the peer */
    char *line;
    size_t cap;
} peer;

static void peer_start(peer *p, const char *exe, const char *name)
{
    int to[2], from[2];
    REQUIRE(pipe(to) == 0 && pipe(from) == 0, "pipe: %s", strerror(errno));
    p->name = name;
    p->pid = fork();
    REQUIRE(p->pid >= 0, "fork: %s", strerror(errno));
    if (p->pid == 0) {
        dup2(to[0], 0);
        dup2(from[1], 1);
        close(to[0]); close(to[1]); close(from[0]); close(from[1]);
        execl(exe, exe, (char *)NULL);
        fprintf(stderr, "exec %s: %s\n", exe, strerror(errno));
        _exit(127);
    }
    close(to[0]);
    close(from[1]);
    p->in = fdopen(to[1], "w");
    p->out = fdopen(from[0], "r");
    p->line = NULL;
    p->cap = 0;
}

/* Sends one request line and parses the one reply line into o. */
static void call(peer *p, pj_object *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(p->in, fmt, ap);
    va_end(ap);
    fputc('\n', p->in);
    fflush(p->in);
    ssize_t n = getline(&p->line, &p->cap, p->out);
    REQUIRE(n > 0, "%s: no reply (peer died?)", p->name);
    REQUIRE(pj_parse(p->line, o) == 0, "%s: unparsable reply: %s", p->name, p->line);
}

static int is_ok(const pj_object *o)
{
    const pj_field *f = pj_get(o, "ok");
    return f && f->kind == PJ_TRUE;
}

static void peer_stop(peer *p)
{
    pj_object o;
    call(p, &o, "{\"cmd\":\"quit\"}");
    CHECK(is_ok(&o), "%s: quit", p->name);
    pj_free(&o);
    fclose(p->in);
    fclose(p->out);
    int status = 0;
    waitpid(p->pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: exit status %d", p->name, status);
    free(p->line);
}

static char *to_hex(const uint8_t *d, size_t n)
{
    char *s = malloc(2 * n + 1);
    for (size_t i = 0; i < n; i++) sprintf(s + 2 * i, "%02x", d[i]);
    s[2 * n] = 0;
    return s;
}

/* ---- OpenSSL checks ---- */

static int ed25519_verify(const uint8_t pub[32], const uint8_t *msg, size_t len, const uint8_t sig[64])
{
    EVP_PKEY *key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, 32);
    if (!key) return 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key) == 1 && EVP_DigestVerify(ctx, sig, 64, msg, len) == 1;
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);
    return ok;
}

static void ed25519_keygen_with_sign(uint8_t pub[32], EVP_PKEY **out, int sign)
{
    for (;;) {
        EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
        size_t len = 32;
        REQUIRE(key && EVP_PKEY_get_raw_public_key(key, pub, &len) == 1, "Ed25519 keygen");
        if ((pub[31] >> 7) == sign) { *out = key; return; }
        EVP_PKEY_free(key);
    }
}

static void ed25519_sign(EVP_PKEY *key, const uint8_t *msg, size_t len, uint8_t sig[64])
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    size_t siglen = 64;
    REQUIRE(EVP_DigestSignInit(ctx, NULL, NULL, NULL, key) == 1 && EVP_DigestSign(ctx, sig, &siglen, msg, len) == 1,
            "Ed25519 sign");
    EVP_MD_CTX_free(ctx);
}

static void x25519_public(uint8_t pub[32])
{
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
    size_t len = 32;
    REQUIRE(key && EVP_PKEY_get_raw_public_key(key, pub, &len) == 1, "X25519 keygen");
    EVP_PKEY_free(key);
}

/* ---- v3 (OMEMO 0.3) helpers, all OpenSSL: key conversion, X25519, HKDF, HMAC, AES-CBC ---- */

/* Ed25519 form of a Curve25519 key: y = (u - 1) / (u + 1) mod 2^255 - 19, sign bit given (libsignal's conversion). */
static void mont_to_ed(const uint8_t u[32], int sign, uint8_t ed[32])
{
    BN_CTX *bc = BN_CTX_new();
    BIGNUM *p = BN_new(), *x = BN_lebin2bn(u, 32, NULL), *num = BN_new(), *den = BN_new(), *y = BN_new();
    REQUIRE(bc && p && x && num && den && y, "BN alloc");
    BN_set_bit(p, 255);
    BN_sub_word(p, 19);
    BN_mask_bits(x, 255);
    REQUIRE(BN_mod_sub(num, x, BN_value_one(), p, bc) && BN_mod_add(den, x, BN_value_one(), p, bc)
            && BN_mod_inverse(den, den, p, bc) && BN_mod_mul(y, num, den, p, bc) && BN_bn2lebinpad(y, ed, 32) == 32,
            "Curve25519 -> Ed25519");
    ed[31] |= (uint8_t)(sign << 7);
    BN_free(p); BN_free(x); BN_free(num); BN_free(den); BN_free(y);
    BN_CTX_free(bc);
}

static void x25519_public_of(const uint8_t priv[32], uint8_t pub[32])
{
    EVP_PKEY *key = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv, 32);
    size_t len = 32;
    REQUIRE(key && EVP_PKEY_get_raw_public_key(key, pub, &len) == 1, "X25519 public");
    EVP_PKEY_free(key);
}

static void x25519_pair(uint8_t priv[32], uint8_t pub[32])
{
    RAND_bytes(priv, 32);
    x25519_public_of(priv, pub);
}

static void x25519_dh(const uint8_t priv[32], const uint8_t pub[32], uint8_t out[32])
{
    EVP_PKEY *mine = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv, 32);
    EVP_PKEY *theirs = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, pub, 32);
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(mine, NULL);
    size_t len = 32;
    REQUIRE(c && EVP_PKEY_derive_init(c) == 1 && EVP_PKEY_derive_set_peer(c, theirs) == 1
            && EVP_PKEY_derive(c, out, &len) == 1 && len == 32, "X25519");
    EVP_PKEY_CTX_free(c);
    EVP_PKEY_free(mine);
    EVP_PKEY_free(theirs);
}

/* The X25519 private scalar of an Ed25519 key: the first half of SHA-512(seed) (X25519 clamps it). */
static void ed25519_to_x25519_private(EVP_PKEY *ed, uint8_t priv[32])
{
    uint8_t seed[32], h[64];
    size_t len = 32;
    REQUIRE(EVP_PKEY_get_raw_private_key(ed, seed, &len) == 1 && EVP_Digest(seed, 32, h, NULL, EVP_sha512(), NULL) == 1,
            "Ed25519 seed");
    memcpy(priv, h, 32);
}

static void hkdf(const uint8_t salt[32], const uint8_t *ikm, size_t ikm_len, const char *info, uint8_t *out, size_t out_len)
{
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
    REQUIRE(c && EVP_PKEY_derive_init(c) == 1 && EVP_PKEY_CTX_set_hkdf_md(c, EVP_sha256()) == 1
            && EVP_PKEY_CTX_set1_hkdf_salt(c, salt, 32) == 1 && EVP_PKEY_CTX_set1_hkdf_key(c, ikm, (int)ikm_len) == 1
            && EVP_PKEY_CTX_add1_hkdf_info(c, (const unsigned char *)info, (int)strlen(info)) == 1
            && EVP_PKEY_derive(c, out, &out_len) == 1, "HKDF");
    EVP_PKEY_CTX_free(c);
}

/* A DH ratchet step: (rk, ck) = HKDF(salt = rk, DH, "WhisperRatchet"). */
static void ratchet_step(uint8_t rk[32], const uint8_t priv[32], const uint8_t pub[32], uint8_t ck[32])
{
    uint8_t dh[32], okm[64];
    x25519_dh(priv, pub, dh);
    hkdf(rk, dh, 32, "WhisperRatchet", okm, 64);
    memcpy(rk, okm, 32);
    memcpy(ck, okm + 32, 32);
}

typedef struct { uint8_t cipher[32], mac[32], iv[16]; } msg_keys;

/* Keys of the first message of a chain: HKDF(HMAC(ck, 0x01), "WhisperMessageKeys") = cipher || mac || iv. */
static void first_message_keys(const uint8_t ck[32], msg_keys *k)
{
    static const uint8_t zero[32], one = 1;
    uint8_t seed[32], okm[80];
    unsigned len = 32;
    REQUIRE(HMAC(EVP_sha256(), ck, 32, &one, 1, seed, &len), "HMAC");
    hkdf(zero, seed, 32, "WhisperMessageKeys", okm, 80);
    memcpy(k->cipher, okm, 32);
    memcpy(k->mac, okm + 32, 32);
    memcpy(k->iv, okm + 64, 16);
}

/* The 8-byte v3 MAC: HMAC-SHA-256(mac key, first_ik33 || second_ik33 || message), truncated. */
static void v3_mac(const msg_keys *k, const uint8_t first[33], const uint8_t second[33], const uint8_t *m, size_t n,
                   uint8_t out[8])
{
    uint8_t *buf = malloc(66 + n), full[32];
    unsigned len = 32;
    memcpy(buf, first, 33);
    memcpy(buf + 33, second, 33);
    memcpy(buf + 66, m, n);
    REQUIRE(HMAC(EVP_sha256(), k->mac, 32, buf, 66 + n, full, &len), "HMAC");
    memcpy(out, full, 8);
    free(buf);
}

/* AES-256-CBC with PKCS#7; returns the output length, or -1 (bad padding). */
static int aes_cbc(int enc, const msg_keys *k, const uint8_t *in, int n, uint8_t *out)
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int a = 0, b = 0;
    int ok = EVP_CipherInit_ex(c, EVP_aes_256_cbc(), NULL, k->cipher, k->iv, enc) == 1
             && EVP_CipherUpdate(c, out, &a, in, n) == 1 && EVP_CipherFinal_ex(c, out + a, &b) == 1;
    EVP_CIPHER_CTX_free(c);
    return ok ? a + b : -1;
}

/* ---- minimal protobuf reader ---- */

typedef struct {
    int present;
    int wire;
    uint64_t varint;
    const uint8_t *data;
    size_t len;
} pb_field;

static int pb_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    *v = 0;
    for (int shift = 0; shift < 64 && *p < end; shift += 7) {
        uint8_t b = *(*p)++;
        *v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) return 0;
    }
    return -1;
}

/* Parses fields 1..15 (each at most once; anything else is an error). Returns 0 or -1. */
static int pb_parse(const uint8_t *d, size_t n, pb_field f[16])
{
    const uint8_t *p = d, *end = d + n;
    memset(f, 0, sizeof(pb_field) * 16);
    while (p < end) {
        uint64_t tag, v;
        if (pb_varint(&p, end, &tag) < 0) return -1;
        unsigned num = (unsigned)(tag >> 3), wire = (unsigned)(tag & 7);
        if (num == 0 || num > 15 || f[num].present) return -1;
        f[num].present = 1;
        f[num].wire = (int)wire;
        if (wire == 0) {
            if (pb_varint(&p, end, &f[num].varint) < 0) return -1;
        } else if (wire == 2) {
            if (pb_varint(&p, end, &v) < 0 || v > (uint64_t)(end - p)) return -1;
            f[num].data = p;
            f[num].len = (size_t)v;
            p += v;
        } else {
            return -1;
        }
    }
    return 0;
}

/* Checks OMEMOAuthenticatedMessage {1 mac(16), 2 OMEMOMessage {1 n, 2 pn, 3 dh_pub(32), 4 ciphertext}}. */
static void check_authenticated(const uint8_t *d, size_t n, uint32_t *counter, size_t plain_len)
{
    pb_field a[16], m[16];
    REQUIRE(pb_parse(d, n, a) == 0, "OMEMOAuthenticatedMessage does not parse");
    CHECK(a[1].present && a[1].wire == 2 && a[1].len == 16, "mac must be field 1, 16 bytes");
    REQUIRE(a[2].present && a[2].wire == 2, "message must be field 2");
    for (int i = 3; i < 16; i++) CHECK(!a[i].present, "unexpected field %d in OMEMOAuthenticatedMessage", i);
    REQUIRE(pb_parse(a[2].data, a[2].len, m) == 0, "OMEMOMessage does not parse");
    CHECK(m[1].present && m[1].wire == 0, "n must be field 1 (varint)");
    CHECK(m[2].present && m[2].wire == 0, "pn must be field 2 (varint)");
    CHECK(m[3].present && m[3].wire == 2 && m[3].len == 32, "dh_pub must be field 3, 32 raw bytes (got %zu)", m[3].len);
    CHECK(m[4].present && m[4].wire == 2 && m[4].len == (plain_len / 16 + 1) * 16,
          "ciphertext must be field 4, AES-CBC/PKCS#7 sized (got %zu)", m[4].len);
    for (int i = 5; i < 16; i++) CHECK(!m[i].present, "unexpected field %d in OMEMOMessage", i);
    *counter = (uint32_t)m[1].varint;
}

/* Checks WhisperMessage 0x33 || {1 ratchet_key(33), 2 counter, 3 previous_counter, 4 ciphertext} || mac(8). */
static void check_whisper(const uint8_t *d, size_t n, uint32_t *counter, size_t plain_len)
{
    pb_field m[16];
    REQUIRE(n > 9 && d[0] == 0x33, "WhisperMessage must start with version byte 0x33");
    REQUIRE(pb_parse(d + 1, n - 9, m) == 0, "WhisperMessage protobuf (between the version byte and an 8-byte MAC) does not parse");
    CHECK(m[1].present && m[1].wire == 2 && m[1].len == 33 && m[1].data[0] == 0x05, "ratchet key must be field 1, 0x05||32");
    CHECK(m[2].present && m[2].wire == 0, "counter must be field 2 (varint)");
    CHECK(m[3].present && m[3].wire == 0, "previous counter must be field 3 (varint)");
    CHECK(m[4].present && m[4].wire == 2 && m[4].len == (plain_len / 16 + 1) * 16,
          "ciphertext must be field 4, AES-CBC/PKCS#7 sized (got %zu)", m[4].len);
    for (int i = 5; i < 16; i++) CHECK(!m[i].present, "unexpected field %d in WhisperMessage", i);
    *counter = (uint32_t)m[2].varint;
}

/* ---- session traffic ---- */

#define KM 48

typedef struct {
    int kex;
    char *hex;          /* message */
    uint8_t plain[KM];
} sent;

static sent send_km(peer *from, const char *to_jid, int to_device)
{
    sent s;
    pj_object o;
    RAND_bytes(s.plain, KM);
    char *ph = to_hex(s.plain, KM);
    call(from, &o, "{\"cmd\":\"encrypt\",\"jid\":\"%s\",\"device\":%d,\"plaintext_hex\":\"%s\"}", to_jid, to_device, ph);
    free(ph);
    REQUIRE(is_ok(&o), "%s: encrypt: %s", from->name, from->line);
    int kex = 0;
    REQUIRE(pj_bool(&o, "kex", &kex) == 0 && pj_str(&o, "message_hex"), "%s: encrypt reply fields", from->name);
    s.kex = kex;
    s.hex = strdup(pj_str(&o, "message_hex"));
    pj_free(&o);
    return s;
}

static long long last_code; /* "code" of the last refused decrypt */

/* Returns 1 if decrypted to the expected plaintext, 0 if refused; mismatching plaintext is a failure. */
static int receive_km(peer *to, const char *from_jid, int from_device, const sent *s, int kex_flag)
{
    pj_object o;
    call(to, &o, "{\"cmd\":\"decrypt\",\"jid\":\"%s\",\"device\":%d,\"kex\":%s,\"message_hex\":\"%s\"}", from_jid,
         from_device, kex_flag ? "true" : "false", s->hex);
    int ok = is_ok(&o);
    last_code = 0;
    if (!ok) pj_num(&o, "code", &last_code);
    if (ok) {
        uint8_t *p;
        size_t n;
        REQUIRE(pj_str(&o, "plaintext_hex") && pj_unhex(pj_str(&o, "plaintext_hex"), &p, &n) == 0, "plaintext_hex");
        CHECK(n == KM && memcmp(p, s->plain, KM) == 0, "%s: decrypted plaintext differs", to->name);
        free(p);
    }
    pj_free(&o);
    return ok;
}

static void expect_receive(peer *to, const char *from_jid, int from_device, const sent *s)
{
    if (!receive_km(to, from_jid, from_device, s, s->kex)) {
        CHECK(0, "%s: decrypt refused: %s", to->name, to->line);
    }
}

/* OMEMOAuthenticatedMessage (v4) or WhisperMessage (v3) framing of a ratchet message; returns its counter. */
static uint32_t check_message(int version, const char *hex)
{
    uint8_t *d;
    size_t n;
    uint32_t counter = 0;
    REQUIRE(pj_unhex(hex, &d, &n) == 0, "hex");
    if (version == 3) check_whisper(d, n, &counter, KM);
    else check_authenticated(d, n, &counter, KM);
    free(d);
    return counter;
}

/*
 * Alice (alice@example.org/1001) and Bob (bob@example.org/2002), session confirmed: rounds of 1..7 messages in
 * alternating directions until each side sent `want`, some rounds delivered in reverse. Before each round's real
 * delivery a copy with one ciphertext bit flipped is refused (bad MAC); after it, a replay is refused.
 */
static int converse(peer *alice, peer *bob, int version, int want, int *total_ab, int *total_ba)
{
    int round = 0;
    while (*total_ab < want || *total_ba < want) {
        int burst = 1 + round % 7;
        peer *from = round % 2 ? alice : bob, *to = round % 2 ? bob : alice;
        const char *to_jid = round % 2 ? "bob@example.org" : "alice@example.org";
        const char *from_jid = round % 2 ? "alice@example.org" : "bob@example.org";
        int to_dev = round % 2 ? 2002 : 1001, from_dev = round % 2 ? 1001 : 2002;
        sent batch[7];
        for (int i = 0; i < burst; i++) {
            batch[i] = send_km(from, to_jid, to_dev);
            CHECK(!batch[i].kex, "v%d round %d: no key exchange once the session is confirmed", version, round);
            uint32_t counter = check_message(version, batch[i].hex);
            CHECK(counter == (uint32_t)i, "v%d round %d: n = %u, expected %d (a DH ratchet step resets n)", version, round,
                  counter, i);
        }
        /* v4 ends with the ciphertext; v3 ends with the 8-byte MAC, so go 8 bytes further back. */
        sent bad = batch[burst - 1];
        bad.hex = strdup(batch[burst - 1].hex);
        size_t h = strlen(bad.hex) - (version == 3 ? 16 : 0);
        bad.hex[h - 3] = bad.hex[h - 3] == '0' ? '1' : '0';
        CHECK(!receive_km(to, from_jid, from_dev, &bad, 0) && last_code == -1005,
              "v%d round %d: a bad MAC must be refused with SG_ERR_INVALID_MESSAGE (%lld)", version, round, last_code);
        free(bad.hex);
        int reverse = round % 3 == 2;
        for (int j = 0; j < burst; j++) {
            int i = reverse ? burst - 1 - j : j;
            expect_receive(to, from_jid, from_dev, &batch[i]);
        }
        CHECK(!receive_km(to, from_jid, from_dev, &batch[0], 0) && last_code == -1001,
              "v%d round %d: replay must be refused with SG_ERR_DUPLICATE_MESSAGE (%lld)", version, round, last_code);
        for (int i = 0; i < burst; i++) free(batch[i].hex);
        if (round % 2) *total_ab += burst; else *total_ba += burst;
        round++;
    }
    return round;
}

/* A message held back across two DH ratchet steps still decrypts. */
static void held_back(peer *alice, peer *bob)
{
    sent late = send_km(alice, "bob@example.org", 2002);
    sent a2 = send_km(alice, "bob@example.org", 2002);
    expect_receive(bob, "alice@example.org", 1001, &a2);
    sent b1 = send_km(bob, "alice@example.org", 1001);
    expect_receive(alice, "bob@example.org", 2002, &b1);
    sent a3 = send_km(alice, "bob@example.org", 2002);
    expect_receive(bob, "alice@example.org", 1001, &a3);
    expect_receive(bob, "alice@example.org", 1001, &late);
    free(late.hex); free(a2.hex); free(b1.hex); free(a3.hex);
}

static int fetch_hex(const pj_object *o, const char *key, uint8_t *out, size_t want)
{
    uint8_t *b;
    size_t n;
    const char *h = pj_str(o, key);
    if (!h || pj_unhex(h, &b, &n) < 0) return -1;
    int ok = n == want;
    if (ok) memcpy(out, b, n);
    free(b);
    return ok ? 0 : -1;
}

/* ---- session version 3 (OMEMO 0.3) ---- */

/* Sends a v3 bundle (spk_id 3, pk_id 9) to p; returns whether it was accepted. */
static int v3_bundle(peer *p, const char *jid, int device, const uint8_t *ik, size_t ik_len, const uint8_t *spk,
                     size_t spk_len, const uint8_t sig[64], const uint8_t *pk, size_t pk_len)
{
    pj_object o;
    char *ikh = to_hex(ik, ik_len), *spkh = to_hex(spk, spk_len), *sigh = to_hex(sig, 64), *pkh = to_hex(pk, pk_len);
    call(p, &o, "{\"cmd\":\"process_bundle\",\"jid\":\"%s\",\"device\":%d,\"ik\":\"%s\",\"spk_id\":3,\"spk\":\"%s\","
         "\"spks\":\"%s\",\"pk_id\":9,\"pk\":\"%s\"}", jid, device, ikh, spkh, sigh, pkh);
    int ok = is_ok(&o);
    pj_free(&o);
    free(ikh); free(spkh); free(sigh); free(pkh);
    return ok;
}

/*
 * Two v3 peers (alice3, bob3) and a third party, Carol, computed here from OpenSSL primitives only:
 *  1. init: ik = 0x05||Curve25519, ik_ed = its Ed25519 form, spks = XEdDSA over 0x05||spk (plain Ed25519 under ik_ed).
 *  2. Foreign bundles with an OpenSSL Ed25519 identity of either sign, given as 0x05||u or raw u: the signature over
 *     0x05||spk is accepted when the identity's sign bit sits in the top bit of signature byte 63 (python-oldmemo).
 *  3. Carol as responder: PreKeyWhisperMessage / WhisperMessage layouts, X3DH ("WhisperText"), ratchet
 *     ("WhisperRatchet"), message keys ("WhisperMessageKeys") and the MAC input order, in both directions.
 *  4. alice3 <-> bob3: key exchanges, then the same conversation checks as v4 (bad MAC, replay, reordering).
 */
static void v3_tests(const char *exe)
{
    static const uint8_t zero[32];
    peer alice, bob;
    pj_object o;
    long long v = 0;
    peer_start(&alice, exe, "alice3");
    peer_start(&bob, exe, "bob3");

    /* ---- init and bundle facts ---- */
    uint8_t a_ik[33], b_ik[33], b_ik_curve[33], b_ik_ed[32], b_spk[32], b_spks[64], b_spks_legacy[64], b_pk[32];
    call(&alice, &o, "{\"cmd\":\"init\",\"device_id\":1001,\"prekeys\":5,\"version\":3}");
    REQUIRE(is_ok(&o) && fetch_hex(&o, "ik", a_ik, 33) == 0, "alice3 init: %s", alice.line);
    CHECK(pj_num(&o, "version", &v) == 0 && v == 3, "alice3 reports version 3");
    pj_free(&o);
    call(&bob, &o, "{\"cmd\":\"init\",\"device_id\":2002,\"prekeys\":10,\"spk_id\":7,\"pk_start\":100,\"version\":3}");
    REQUIRE(is_ok(&o) && fetch_hex(&o, "ik", b_ik, 33) == 0 && fetch_hex(&o, "ik_curve", b_ik_curve, 33) == 0
            && fetch_hex(&o, "ik_ed", b_ik_ed, 32) == 0 && fetch_hex(&o, "spk", b_spk, 32) == 0
            && fetch_hex(&o, "spks", b_spks, 64) == 0 && fetch_hex(&o, "spks_legacy", b_spks_legacy, 64) == 0,
            "bob3 bundle fields: %s", bob.line);
    const char *pks = pj_str(&o, "pks");
    REQUIRE(pks && strncmp(pks, "100:", 4) == 0 && strlen(pks) >= 4 + 64, "bob3 pks starts with 100:hex");
    {
        char first[65];
        uint8_t *pk0;
        size_t pk0_len;
        memcpy(first, pks + 4, 64);
        first[64] = 0;
        REQUIRE(pj_unhex(first, &pk0, &pk0_len) == 0 && pk0_len == 32, "bob3 first pre-key");
        memcpy(b_pk, pk0, 32);
        free(pk0);
    }
    pj_free(&o);

    uint8_t ed[32], sig[64], spk33[33] = { 0x05 };
    CHECK(b_ik[0] == 0x05 && memcmp(b_ik, b_ik_curve, 33) == 0, "v3: ik = ik_curve = 0x05||Curve25519");
    CHECK(memcmp(b_spks, b_spks_legacy, 64) == 0, "v3: spks is the legacy signature");
    CHECK((b_spks[63] & 0x80) == 0, "libomemo-c's own signature carries sign bit 0 in byte 63");
    mont_to_ed(b_ik + 1, 0, ed);
    CHECK(memcmp(ed, b_ik_ed, 32) == 0, "ik_ed must be the Ed25519 form (sign 0) of ik");
    memcpy(spk33 + 1, b_spk, 32);
    memcpy(sig, b_spks, 64);
    sig[63] &= 0x7f;
    CHECK(ed25519_verify(ed, spk33, 33, sig), "v3 spks must verify as Ed25519 under the converted ik over 0x05||spk");
    CHECK(!ed25519_verify(ed, b_spk, 32, sig), "v3 spks is not over the raw 32-byte spk");

    /* ---- foreign bundles: OpenSSL Ed25519 identity of either sign, as 0x05||u or as raw u ---- */
    for (int sign = 0; sign <= 1; sign++) {
        uint8_t ik_ed[32], ik33[33] = { 0x05 }, xpriv[32], spk[33] = { 0x05 }, pk[33] = { 0x05 }, good[64], bad[64];
        EVP_PKEY *idk;
        ed25519_keygen_with_sign(ik_ed, &idk, sign);
        ed25519_to_x25519_private(idk, xpriv);
        x25519_public_of(xpriv, ik33 + 1);
        mont_to_ed(ik33 + 1, sign, ed);
        REQUIRE(memcmp(ed, ik_ed, 32) == 0, "Ed25519 -> X25519 -> Ed25519 must round-trip (sign %d)", sign);
        x25519_public(spk + 1);
        x25519_public(pk + 1);
        ed25519_sign(idk, spk, 33, good);
        good[63] |= (uint8_t)(sign << 7); /* the identity's Ed25519 sign bit, as python-oldmemo sends it */
        int dev = 30 + 10 * sign;
        CHECK(v3_bundle(&alice, "foreign@example.org", dev++, ik33, 33, spk, 33, good, pk, 33),
              "v3: 0x05||u identity (sign %d) with the sign bit in the signature must be accepted: %s", sign, alice.line);
        CHECK(v3_bundle(&alice, "foreign@example.org", dev++, ik33 + 1, 32, spk + 1, 32, good, pk + 1, 32),
              "v3: raw 32-byte u identity and keys (sign %d) must be accepted: %s", sign, alice.line);
        memcpy(bad, good, 64);
        bad[63] &= 0x7f;
        CHECK(v3_bundle(&alice, "foreign@example.org", dev++, ik33, 33, spk, 33, bad, pk, 33) == !sign,
              "v3: without the sign bit in byte 63 only a sign-0 identity verifies (sign %d)", sign);
        memcpy(bad, good, 64);
        bad[5] ^= 1;
        CHECK(!v3_bundle(&alice, "foreign@example.org", dev++, ik33, 33, spk, 33, bad, pk, 33),
              "v3: a bad SPK signature must be refused (sign %d)", sign);
        ed25519_sign(idk, spk + 1, 32, bad);
        bad[63] |= (uint8_t)(sign << 7);
        CHECK(!v3_bundle(&alice, "foreign@example.org", dev++, ik33, 33, spk, 33, bad, pk, 33),
              "v3: an OMEMO 2 signature (over the raw spk) must be refused (sign %d)", sign);
        EVP_PKEY_free(idk);
    }

    /* ---- Carol: a v3 responder computed here (sign-1 identity) ---- */
    EVP_PKEY *c_idk;
    uint8_t c_ik_ed[32], c_ik[33] = { 0x05 }, c_ix[32], c_spk_priv[32], c_spk[33] = { 0x05 }, c_pk_priv[32],
            c_pk[33] = { 0x05 }, c_sig[64];
    ed25519_keygen_with_sign(c_ik_ed, &c_idk, 1);
    ed25519_to_x25519_private(c_idk, c_ix);
    x25519_public_of(c_ix, c_ik + 1);
    x25519_pair(c_spk_priv, c_spk + 1);
    x25519_pair(c_pk_priv, c_pk + 1);
    ed25519_sign(c_idk, c_spk, 33, c_sig);
    c_sig[63] |= 0x80;
    EVP_PKEY_free(c_idk);
    REQUIRE(v3_bundle(&alice, "carol@example.org", 3003, c_ik, 33, c_spk, 33, c_sig, c_pk, 33), "alice3 takes Carol's bundle");

    sent k1 = send_km(&alice, "carol@example.org", 3003);
    CHECK(k1.kex, "alice3's first message to Carol must be a key exchange");
    uint8_t *d, mac[8], plain[KM + 16];
    size_t n;
    uint32_t counter;
    pb_field f[16], w[16];
    REQUIRE(pj_unhex(k1.hex, &d, &n) == 0 && n > 1, "hex");
    REQUIRE(d[0] == 0x33, "PreKeyWhisperMessage must start with version byte 0x33 (got %02x)", d[0]);
    REQUIRE(pb_parse(d + 1, n - 1, f) == 0, "PreKeyWhisperMessage protobuf does not parse");
    CHECK(f[1].present && f[1].wire == 0 && f[1].varint == 9, "pre-key id must be field 1 = 9");
    REQUIRE(f[2].present && f[2].wire == 2 && f[2].len == 33 && f[2].data[0] == 0x05, "base key must be field 2, 0x05||32");
    CHECK(f[3].present && f[3].wire == 2 && f[3].len == 33 && memcmp(f[3].data, a_ik, 33) == 0,
          "identity must be field 3 = alice3's 0x05||Curve25519 ik");
    REQUIRE(f[4].present && f[4].wire == 2, "message must be field 4");
    CHECK(f[5].present && f[5].wire == 0 && f[5].varint == 1001, "registration id must be field 5 = the sender's device id");
    CHECK(f[6].present && f[6].wire == 0 && f[6].varint == 3, "signed pre-key id must be field 6 = 3");
    for (int i = 7; i < 16; i++) CHECK(!f[i].present, "unexpected field %d in PreKeyWhisperMessage", i);
    check_whisper(f[4].data, f[4].len, &counter, KM);
    CHECK(counter == 0, "first message counter = 0");
    REQUIRE(pb_parse(f[4].data + 1, f[4].len - 9, w) == 0 && w[1].len == 33 && w[4].present, "inner WhisperMessage");

    /* X3DH as the responder: 0xFF*32 || DH(spk, IK_A) || DH(IK_C, EK_A) || DH(spk, EK_A) || DH(pk, EK_A). */
    uint8_t master[160], okm[64], rk[32], ck[32], a_ratchet[32];
    memset(master, 0xff, 32);
    x25519_dh(c_spk_priv, a_ik + 1, master + 32);
    x25519_dh(c_ix, f[2].data + 1, master + 64);
    x25519_dh(c_spk_priv, f[2].data + 1, master + 96);
    x25519_dh(c_pk_priv, f[2].data + 1, master + 128);
    hkdf(zero, master, sizeof master, "WhisperText", okm, 64);
    memcpy(rk, okm, 32);
    /* alice3 already stepped her ratchet against Carol's spk. */
    memcpy(a_ratchet, w[1].data + 1, 32);
    ratchet_step(rk, c_spk_priv, a_ratchet, ck);
    msg_keys k;
    first_message_keys(ck, &k);
    v3_mac(&k, a_ik, c_ik, f[4].data, f[4].len - 8, mac);
    CHECK(memcmp(mac, f[4].data + f[4].len - 8, 8) == 0,
          "v3 MAC = HMAC-SHA-256(mac key, sender ik33 || receiver ik33 || 0x33||protobuf) truncated to 8 bytes");
    CHECK(aes_cbc(0, &k, w[4].data, (int)w[4].len, plain) == KM && memcmp(plain, k1.plain, KM) == 0,
          "Carol decrypts alice3's key exchange (AES-256-CBC)");
    free(d);
    free(k1.hex);

    /* Carol replies with a fresh ratchet key; the MAC puts the sender (Carol, the responder) first. */
    uint8_t c_r_priv[32], c_r[32], m[1 + 35 + 2 + 2 + 2 + KM + 16 + 8];
    size_t ml = 0;
    x25519_pair(c_r_priv, c_r);
    ratchet_step(rk, c_r_priv, a_ratchet, ck);
    first_message_keys(ck, &k);
    sent reply = { .kex = 0 };
    RAND_bytes(reply.plain, KM);
    m[ml++] = 0x33;
    m[ml++] = 0x0a; m[ml++] = 33; m[ml++] = 0x05;
    memcpy(m + ml, c_r, 32); ml += 32;
    m[ml++] = 0x10; m[ml++] = 0;
    m[ml++] = 0x18; m[ml++] = 0;
    m[ml++] = 0x22; m[ml++] = KM + 16;
    REQUIRE(aes_cbc(1, &k, reply.plain, KM, m + ml) == KM + 16, "AES-CBC");
    ml += KM + 16;
    v3_mac(&k, a_ik, c_ik, m, ml, m + ml);
    reply.hex = to_hex(m, ml + 8);
    CHECK(!receive_km(&alice, "carol@example.org", 3003, &reply, 0),
          "a reply MACed as initiator || responder (receiver first) must be refused");
    free(reply.hex);
    v3_mac(&k, c_ik, a_ik, m, ml, m + ml);
    reply.hex = to_hex(m, ml + 8);
    expect_receive(&alice, "carol@example.org", 3003, &reply);
    free(reply.hex);

    /* alice3's next message: a WhisperMessage on a new ratchet key, sender first in the MAC again. */
    sent k2 = send_km(&alice, "carol@example.org", 3003);
    CHECK(!k2.kex, "after Carol's reply alice3 sends WhisperMessages");
    REQUIRE(pj_unhex(k2.hex, &d, &n) == 0, "hex");
    check_whisper(d, n, &counter, KM);
    REQUIRE(pb_parse(d + 1, n - 9, w) == 0 && w[1].len == 33 && w[4].present, "WhisperMessage");
    ratchet_step(rk, c_r_priv, w[1].data + 1, ck);
    first_message_keys(ck, &k);
    v3_mac(&k, a_ik, c_ik, d, n - 8, mac);
    CHECK(memcmp(mac, d + n - 8, 8) == 0, "alice3's second message: MAC input sender ik33 || receiver ik33 || message");
    CHECK(aes_cbc(0, &k, w[4].data, (int)w[4].len, plain) == KM && memcmp(plain, k2.plain, KM) == 0,
          "Carol decrypts alice3's second message");
    free(d);
    free(k2.hex);

    /* ---- alice3 <-> bob3 ---- */
    {
        char *ikh = to_hex(b_ik, 33), *spkh = to_hex(b_spk, 32), *sigh = to_hex(b_spks, 64), *pkh = to_hex(b_pk, 32);
        call(&alice, &o, "{\"cmd\":\"process_bundle\",\"jid\":\"bob@example.org\",\"device\":2002,\"ik\":\"%s\",\"spk_id\":7,"
             "\"spk\":\"%s\",\"spks\":\"%s\",\"pk_id\":100,\"pk\":\"%s\"}", ikh, spkh, sigh, pkh);
        REQUIRE(is_ok(&o), "alice3 process_bundle: %s", alice.line);
        pj_free(&o);
        free(ikh); free(spkh); free(sigh); free(pkh);
    }
    sent kx[2];
    for (int i = 0; i < 2; i++) {
        kx[i] = send_km(&alice, "bob@example.org", 2002);
        CHECK(kx[i].kex && strncmp(kx[i].hex, "33", 2) == 0, "v3 message %d before any reply: PreKeyWhisperMessage (0x33...)", i);
    }
    CHECK(!receive_km(&bob, "alice@example.org", 1001, &kx[0], 0), "v3: a key exchange sent with kex=false must be refused");
    expect_receive(&bob, "alice@example.org", 1001, &kx[1]);
    expect_receive(&bob, "alice@example.org", 1001, &kx[0]);
    CHECK(!receive_km(&bob, "alice@example.org", 1001, &kx[1], 1), "v3: a replayed key exchange must be refused");
    call(&bob, &o, "{\"cmd\":\"prekey_count\"}");
    long long left = -1;
    CHECK(is_ok(&o) && pj_num(&o, "count", &left) == 0 && left == 9, "bob3 used and removed pre-key 100 (left %lld)", left);
    pj_free(&o);
    free(kx[0].hex);
    free(kx[1].hex);

    int total_ab = 2, total_ba = 0;
    int rounds = converse(&alice, &bob, 3, 100, &total_ab, &total_ba);
    held_back(&alice, &bob);
    peer_stop(&alice);
    peer_stop(&bob);
    printf("omemo_c_peer v3: %d rounds, %d messages alice3->bob3, %d bob3->alice3\n", rounds, total_ab + 3, total_ba + 1);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s /path/to/omemo_c_peer\n", argv[0]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    peer alice, bob;
    pj_object o;
    peer_start(&alice, argv[1], "alice");
    peer_start(&bob, argv[1], "bob");

    /* ---- init and bundle facts ---- */
    uint8_t a_ik[32], b_ik[32], b_ik_curve[33], b_spk[32], b_spks[64], b_spks_legacy[64], b_pk[32];
    call(&alice, &o, "{\"cmd\":\"init\",\"device_id\":1001,\"prekeys\":5}");
    REQUIRE(is_ok(&o) && fetch_hex(&o, "ik", a_ik, 32) == 0, "alice init: %s", alice.line);
    {
        long long v = 0;
        uint8_t ed[32];
        CHECK(pj_num(&o, "version", &v) == 0 && v == 4, "default version is 4");
        CHECK(fetch_hex(&o, "ik_ed", ed, 32) == 0 && memcmp(ed, a_ik, 32) == 0, "v4: ik_ed = ik");
    }
    pj_free(&o);
    call(&bob, &o, "{\"cmd\":\"init\",\"device_id\":2002,\"prekeys\":100,\"spk_id\":7,\"pk_start\":100}");
    REQUIRE(is_ok(&o), "bob init: %s", bob.line);
    REQUIRE(fetch_hex(&o, "ik", b_ik, 32) == 0 && fetch_hex(&o, "ik_curve", b_ik_curve, 33) == 0
            && fetch_hex(&o, "spk", b_spk, 32) == 0 && fetch_hex(&o, "spks", b_spks, 64) == 0
            && fetch_hex(&o, "spks_legacy", b_spks_legacy, 64) == 0, "bob bundle fields: %s", bob.line);
    long long count = 0, spk_id = 0;
    CHECK(pj_num(&o, "pk_count", &count) == 0 && count == 100, "pk_count");
    CHECK(pj_num(&o, "spk_id", &spk_id) == 0 && spk_id == 7, "spk_id");
    const char *pks = pj_str(&o, "pks");
    REQUIRE(pks && strncmp(pks, "100:", 4) == 0 && strlen(pks) >= 4 + 64, "pks starts with 100:hex");
    uint8_t *pk0;
    size_t pk0_len;
    char first[65];
    memcpy(first, pks + 4, 64);
    first[64] = 0;
    REQUIRE(pj_unhex(first, &pk0, &pk0_len) == 0 && pk0_len == 32, "first pre-key");
    memcpy(b_pk, pk0, 32);
    free(pk0);
    char *bundle_pks = strdup(pks);
    pj_free(&o);

    CHECK(b_ik_curve[0] == 0x05, "ik_curve starts with 0x05");
    CHECK((b_ik[31] & 0x80) == 0, "libomemo-c's own Ed25519 identity has sign bit 0 (XEdDSA)");
    CHECK(ed25519_verify(b_ik, b_spk, 32, b_spks), "spks must verify as Ed25519 under ik over the raw 32-byte spk");
    uint8_t spk33[33] = { 0x05 };
    memcpy(spk33 + 1, b_spk, 32);
    CHECK(ed25519_verify(b_ik, spk33, 33, b_spks_legacy), "spks_legacy must verify under ik over 0x05||spk");
    CHECK(!ed25519_verify(b_ik, spk33, 33, b_spks), "spks is not over 0x05||spk");
    /* the Ed25519 ik maps to the Curve25519 key in ik_curve (u = (1+y)/(1-y)) : checked by the peer accepting
       both forms for the same identity below. */
    free(bundle_pks);

    /* ---- foreign bundles: OpenSSL Ed25519 identity (both signs), X25519 keys ---- */
    for (int sign = 0; sign <= 1; sign++) {
        uint8_t ik[32], spk[32], pk[32], sig[64];
        EVP_PKEY *idk;
        ed25519_keygen_with_sign(ik, &idk, sign);
        x25519_public(spk);
        x25519_public(pk);
        ed25519_sign(idk, spk, 32, sig);
        char *ikh = to_hex(ik, 32), *spkh = to_hex(spk, 32), *pkh = to_hex(pk, 32), *sigh = to_hex(sig, 64);
        call(&alice, &o, "{\"cmd\":\"process_bundle\",\"jid\":\"foreign@example.org\",\"device\":%d,\"ik\":\"%s\",\"spk_id\":3,"
             "\"spk\":\"%s\",\"spks\":\"%s\",\"pk_id\":9,\"pk\":\"%s\"}", 10 + sign, ikh, spkh, sigh, pkh);
        CHECK(is_ok(&o), "Ed25519 identity with sign bit %d and a plain Ed25519 SPK signature must be accepted: %s", sign, alice.line);
        pj_free(&o);
        sig[5] ^= 1;
        free(sigh);
        sigh = to_hex(sig, 64);
        call(&alice, &o, "{\"cmd\":\"process_bundle\",\"jid\":\"foreign@example.org\",\"device\":%d,\"ik\":\"%s\",\"spk_id\":3,"
             "\"spk\":\"%s\",\"spks\":\"%s\",\"pk_id\":9,\"pk\":\"%s\"}", 20 + sign, ikh, spkh, sigh, pkh);
        CHECK(!is_ok(&o), "a bad SPK signature must be refused (sign bit %d)", sign);
        pj_free(&o);
        if (sign == 1) {
            /* A sent message carries the foreign identity's ... no: it carries ours. Encrypt works towards it. */
            call(&alice, &o, "{\"cmd\":\"encrypt\",\"jid\":\"foreign@example.org\",\"device\":11,\"plaintext_hex\":\"00112233\"}");
            CHECK(is_ok(&o), "encrypt towards a foreign bundle: %s", alice.line);
            pj_free(&o);
        }
        free(ikh); free(spkh); free(pkh); free(sigh);
        EVP_PKEY_free(idk);
    }

    /* ---- Alice initiates with Bob's bundle (pre-key 100) ---- */
    char *ikh = to_hex(b_ik, 32), *spkh = to_hex(b_spk, 32), *sigh = to_hex(b_spks, 64), *pkh = to_hex(b_pk, 32);
    call(&alice, &o, "{\"cmd\":\"process_bundle\",\"jid\":\"bob@example.org\",\"device\":2002,\"ik\":\"%s\",\"spk_id\":7,"
         "\"spk\":\"%s\",\"spks\":\"%s\",\"pk_id\":100,\"pk\":\"%s\"}", ikh, spkh, sigh, pkh);
    REQUIRE(is_ok(&o), "alice process_bundle: %s", alice.line);
    pj_free(&o);
    free(ikh); free(spkh); free(sigh); free(pkh);

    /* Three key exchanges before Bob answers; the second arrives first. */
    sent kx[3];
    for (int i = 0; i < 3; i++) {
        kx[i] = send_km(&alice, "bob@example.org", 2002);
        CHECK(kx[i].kex, "message %d before any reply must be an OMEMOKeyExchange", i);
    }
    {
        uint8_t *d;
        size_t n;
        pb_field k[16];
        REQUIRE(pj_unhex(kx[0].hex, &d, &n) == 0 && pb_parse(d, n, k) == 0, "OMEMOKeyExchange does not parse");
        CHECK(k[1].present && k[1].wire == 0 && k[1].varint == 100, "pk_id must be field 1 = 100");
        CHECK(k[2].present && k[2].wire == 0 && k[2].varint == 7, "spk_id must be field 2 = 7");
        CHECK(k[3].present && k[3].wire == 2 && k[3].len == 32 && memcmp(k[3].data, a_ik, 32) == 0,
              "ik must be field 3 = Alice's 32-byte Ed25519 ik");
        CHECK(k[4].present && k[4].wire == 2 && k[4].len == 32, "ek must be field 4, 32 raw bytes");
        REQUIRE(k[5].present && k[5].wire == 2, "message must be field 5");
        for (int i = 6; i < 16; i++) CHECK(!k[i].present, "unexpected field %d in OMEMOKeyExchange", i);
        uint32_t counter;
        check_authenticated(k[5].data, k[5].len, &counter, KM);
        CHECK(counter == 0, "first message n = 0");
        free(d);
    }
    CHECK(!receive_km(&bob, "alice@example.org", 1001, &kx[0], 0), "a key exchange sent with kex=false must be refused");
    expect_receive(&bob, "alice@example.org", 1001, &kx[1]);
    expect_receive(&bob, "alice@example.org", 1001, &kx[0]);
    expect_receive(&bob, "alice@example.org", 1001, &kx[2]);
    CHECK(!receive_km(&bob, "alice@example.org", 1001, &kx[2], 1), "a replayed key exchange must be refused");
    call(&bob, &o, "{\"cmd\":\"prekey_count\"}");
    long long left = -1;
    CHECK(is_ok(&o) && pj_num(&o, "count", &left) == 0 && left == 99, "Bob used and removed pre-key 100 (left %lld)", left);
    pj_free(&o);
    for (int i = 0; i < 3; i++) free(kx[i].hex);

    /* ---- conversation: 300 each way; rounds of 1..7 messages, some rounds delivered in reverse ---- */
    int total_ab = 3, total_ba = 0;
    int round = converse(&alice, &bob, 4, 300, &total_ab, &total_ba);
    held_back(&alice, &bob);

    /* ---- protocol robustness ---- */
    call(&bob, &o, "{\"cmd\":\"decrypt\",\"jid\":\"nobody@example.org\",\"device\":5,\"kex\":false,\"message_hex\":\"0a00\"}");
    CHECK(!is_ok(&o) && pj_str(&o, "error"), "garbage must give ok:false with an error");
    pj_free(&o);
    call(&bob, &o, "{\"cmd\":\"decrypt\",\"device\":5,\"kex\":true,\"message_hex\":\"zz\"}");
    CHECK(!is_ok(&o), "bad hex must give ok:false");
    pj_free(&o);
    call(&bob, &o, "not json");
    CHECK(!is_ok(&o), "a malformed line must give ok:false");
    pj_free(&o);

    peer_stop(&alice);
    peer_stop(&bob);

    v3_tests(argv[1]);
    if (failures) {
        fprintf(stderr, "%d failure(s)\n", failures);
        return 1;
    }
    printf("omemo_c_peer: OK (%d rounds, %d messages Alice->Bob, %d Bob->Alice)\n", round, total_ab + 3, total_ba + 1);
    return 0;
}
