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
 */
#define _POSIX_C_SOURCE 200809L

#include "peer_json.h"

#include <openssl/evp.h>
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
    int total_ab = 3, total_ba = 0, round = 0;
    while (total_ab < 300 || total_ba < 300) {
        int burst = 1 + round % 7;
        peer *from = round % 2 ? &alice : &bob, *to = round % 2 ? &bob : &alice;
        const char *to_jid = round % 2 ? "bob@example.org" : "alice@example.org";
        const char *from_jid = round % 2 ? "alice@example.org" : "bob@example.org";
        int to_dev = round % 2 ? 2002 : 1001, from_dev = round % 2 ? 1001 : 2002;
        sent batch[7];
        for (int i = 0; i < burst; i++) {
            batch[i] = send_km(from, to_jid, to_dev);
            CHECK(!batch[i].kex, "round %d: no key exchange once the session is confirmed", round);
            uint8_t *d;
            size_t n;
            uint32_t counter;
            REQUIRE(pj_unhex(batch[i].hex, &d, &n) == 0, "hex");
            check_authenticated(d, n, &counter, KM);
            CHECK(counter == (uint32_t)i, "round %d: n = %u, expected %d (a DH ratchet step resets n)", round, counter, i);
            free(d);
        }
        /* A copy of the last message with one ciphertext bit flipped, before the real one arrives: bad MAC. */
        sent bad = batch[burst - 1];
        bad.hex = strdup(batch[burst - 1].hex);
        size_t h = strlen(bad.hex);
        bad.hex[h - 3] = bad.hex[h - 3] == '0' ? '1' : '0';
        CHECK(!receive_km(to, from_jid, from_dev, &bad, 0) && last_code == -1005,
              "round %d: a bad MAC must be refused with SG_ERR_INVALID_MESSAGE (%lld)", round, last_code);
        free(bad.hex);
        int reverse = round % 3 == 2;
        for (int j = 0; j < burst; j++) {
            int i = reverse ? burst - 1 - j : j;
            expect_receive(to, from_jid, from_dev, &batch[i]);
        }
        CHECK(!receive_km(to, from_jid, from_dev, &batch[0], 0) && last_code == -1001,
              "round %d: replay must be refused with SG_ERR_DUPLICATE_MESSAGE (%lld)", round, last_code);
        for (int i = 0; i < burst; i++) free(batch[i].hex);
        if (round % 2) total_ab += burst; else total_ba += burst;
        round++;
    }

    /* ---- a message held back across two DH ratchet steps still decrypts ---- */
    sent late = send_km(&alice, "bob@example.org", 2002);
    sent a2 = send_km(&alice, "bob@example.org", 2002);
    expect_receive(&bob, "alice@example.org", 1001, &a2);
    sent b1 = send_km(&bob, "alice@example.org", 1001);
    expect_receive(&alice, "bob@example.org", 2002, &b1);
    sent a3 = send_km(&alice, "bob@example.org", 2002);
    expect_receive(&bob, "alice@example.org", 1001, &a3);
    expect_receive(&bob, "alice@example.org", 1001, &late);
    free(late.hex); free(a2.hex); free(b1.hex); free(a3.hex);

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
    if (failures) {
        fprintf(stderr, "%d failure(s)\n", failures);
        return 1;
    }
    printf("omemo_c_peer: OK (%d rounds, %d messages Alice->Bob, %d Bob->Alice)\n", round, total_ab + 3, total_ba + 1);
    return 0;
}
