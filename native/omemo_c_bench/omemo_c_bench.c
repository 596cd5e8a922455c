/*
 * omemo_c_bench: the libomemo-c (v4 sessions = OMEMO 2) side of the comparison runner (bench/Omemo.Compare).
 * It runs the same workloads as bench/python/omemo_bench.py and bench/Omemo.Compare/OurEngine.cs, in memory:
 *
 *   W1  next-message fan-out: session_cipher_encrypt of 48 bytes of key material on N established sessions
 *       (the peer has answered, so the result is a plain OMEMOAuthenticatedMessage, not a key exchange);
 *   W2  first message: bundle decode + session_builder_process_pre_key_bundle (X3DH, SPK signature check) +
 *       the first session_cipher_encrypt, for N devices;
 *   W3  decrypt follow-up: signal_message_deserialize_omemo + session_cipher_decrypt_signal_message.
 *
 * With --namespace eu.siacs.conversations.axolotl it runs the same workloads in legacy OMEMO 0.3 instead, as L1..L3:
 * session version 3 for every builder and cipher (as native/omemo_c_peer with "version":3), 32 bytes of key material,
 * a legacy bundle (Curve25519 identity, signature over 0x05 || spk), WhisperMessage/PreKeyWhisperMessage framing
 * (signal_message_deserialize, pre_key_signal_message_deserialize).
 *
 * Usage: omemo_c_bench [--w1 1,10,100] [--w2 1,10] [--w3 300] [--reps 7] [--min-ms 20]
 *                      [--namespace urn:xmpp:omemo:2|eu.siacs.conversations.axolotl]
 * Output: JSON lines on stdout, one {"meta":true,...} line, then one line per (workload, N):
 *   {"engine":"libomemo-c","workload":"W1","n":10,"inner":K,"us":[µs per recipient of each repetition]}
 * Each repetition runs the N-device pass K times (K chosen after one warm-up pass so that a repetition takes at
 * least --min-ms). Session records live in per-device arrays indexed by device id (O(1) load/store), so the
 * numbers are libomemo-c's own cost: load + deserialize the record, ratchet, serialize + store it back.
 */
#define _POSIX_C_SOURCE 200809L

#include "sg_openssl_provider.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curve.h>
#include <key_helper.h>
#include <protocol.h>
#include <session_builder.h>
#include <session_cipher.h>
#include <session_pre_key.h>
#include <signal_protocol.h>

#ifndef OMEMOC_VERSION
#define OMEMOC_VERSION "unknown"
#endif

#define SENDER_ID 0x40000000u
#define FIRST_SENDER_ID (SENDER_ID + 1)
#define KEY_MATERIAL_MAX 48
#define MAX_LIST 16

static const char RECIPIENTS[] = "r@bench.example";
static const char SENDER[] = "s@bench.example";
static const char NS_OMEMO2[] = "urn:xmpp:omemo:2";
static const char NS_LEGACY[] = "eu.siacs.conversations.axolotl";
static signal_context *g_ctx;

/* The protocol of the whole process: session version 4 (OMEMO 2, workloads W1..) or 3 (legacy OMEMO 0.3, L1..). */
static uint32_t g_version = 4;
static size_t g_key_material = 48; /* OMEMO 2: key (32) || truncated tag (16); legacy: AES-128 key (16) || tag (16) */
static char g_prefix = 'W';

static void log_to_stderr(int level, const char *message, size_t len, void *user_data)
{
    (void)user_data;
    if (level <= SG_LOG_WARNING) fprintf(stderr, "omemo_c_bench libomemo-c[%d]: %.*s\n", level, (int)len, message);
}

static void die(const char *what, int code)
{
    fprintf(stderr, "omemo_c_bench: %s failed (%d)\n", what, code);
    exit(1);
}
#define CHECK(call) do { int r_ = (call); if (r_ < 0) die(#call, r_); } while (0)

/* ---- stores: one device = records in arrays indexed by id - base ----------------------------------- */

typedef struct { uint32_t base, cap; signal_buffer **v; } slots;

typedef struct {
    uint32_t id;
    ratchet_identity_key_pair *identity;
    slots sessions, pre_keys, signed_pre_keys;
    signal_protocol_store_context *store;
    uint8_t ik[32], spk[32], pk[32], spks[64]; /* the raw bundle (receivers only): ik Ed25519 (v4) or Curve25519 (v3) */
} device;

static void slots_init(slots *s, uint32_t base, uint32_t cap)
{
    s->base = base;
    s->cap = cap;
    s->v = cap ? calloc(cap, sizeof *s->v) : NULL;
    if (cap && !s->v) die("calloc", SG_ERR_NOMEM);
}

static signal_buffer **slot_at(slots *s, uint32_t id)
{
    return id >= s->base && id - s->base < s->cap ? &s->v[id - s->base] : NULL;
}

static int slot_load(slots *s, uint32_t id, signal_buffer **record)
{
    signal_buffer **p = slot_at(s, id);
    if (!p || !*p) return 0;
    *record = signal_buffer_copy(*p);
    return *record ? 1 : SG_ERR_NOMEM;
}

static int slot_put(slots *s, uint32_t id, const uint8_t *data, size_t len)
{
    signal_buffer **p = slot_at(s, id);
    if (!p) return SG_ERR_INVAL;
    signal_buffer *b = signal_buffer_create(data, len);
    if (!b) return SG_ERR_NOMEM;
    if (*p) signal_buffer_bzero_free(*p);
    *p = b;
    return 0;
}

static int slot_drop(slots *s, uint32_t id)
{
    signal_buffer **p = slot_at(s, id);
    if (!p || !*p) return 0;
    signal_buffer_bzero_free(*p);
    *p = NULL;
    return 1;
}

static void slots_free(slots *s)
{
    for (uint32_t i = 0; i < s->cap; i++) if (s->v[i]) signal_buffer_bzero_free(s->v[i]);
    free(s->v);
}

static int ss_load(signal_buffer **r, signal_buffer **u, const signal_protocol_address *a, void *d)
{
    if (u) *u = NULL;
    return slot_load(&((device *)d)->sessions, (uint32_t)a->device_id, r);
}
static int ss_sub(signal_int_list **l, const char *n, size_t nl, void *d) { (void)n; (void)nl; (void)d; *l = signal_int_list_alloc(); return 0; }
static int ss_store(const signal_protocol_address *a, uint8_t *r, size_t n, uint8_t *u, size_t un, void *d)
{
    (void)u; (void)un;
    return slot_put(&((device *)d)->sessions, (uint32_t)a->device_id, r, n);
}
static int ss_contains(const signal_protocol_address *a, void *d)
{
    signal_buffer **p = slot_at(&((device *)d)->sessions, (uint32_t)a->device_id);
    return p && *p;
}
static int ss_delete(const signal_protocol_address *a, void *d) { return slot_drop(&((device *)d)->sessions, (uint32_t)a->device_id); }
static int ss_delete_all(const char *n, size_t nl, void *d) { (void)n; (void)nl; (void)d; return 0; }

static int key_load(slots *s, signal_buffer **r, uint32_t id) { return slot_load(s, id, r) == 1 ? SG_SUCCESS : SG_ERR_INVALID_KEY_ID; }
static int pk_load(signal_buffer **r, uint32_t id, void *d) { return key_load(&((device *)d)->pre_keys, r, id); }
static int pk_store(uint32_t id, uint8_t *r, size_t n, void *d) { return slot_put(&((device *)d)->pre_keys, id, r, n); }
static int pk_contains(uint32_t id, void *d) { signal_buffer **p = slot_at(&((device *)d)->pre_keys, id); return p && *p; }
static int pk_remove(uint32_t id, void *d) { slot_drop(&((device *)d)->pre_keys, id); return 0; }
static int spk_load(signal_buffer **r, uint32_t id, void *d) { return key_load(&((device *)d)->signed_pre_keys, r, id); }
static int spk_store(uint32_t id, uint8_t *r, size_t n, void *d) { return slot_put(&((device *)d)->signed_pre_keys, id, r, n); }
static int spk_contains(uint32_t id, void *d) { signal_buffer **p = slot_at(&((device *)d)->signed_pre_keys, id); return p && *p; }
static int spk_remove(uint32_t id, void *d) { slot_drop(&((device *)d)->signed_pre_keys, id); return 0; }

static int ids_pair(signal_buffer **pub, signal_buffer **priv, void *d)
{
    device *dev = d;
    int r = ec_public_key_serialize(pub, ratchet_identity_key_pair_get_public(dev->identity));
    return r < 0 ? r : ec_private_key_serialize(priv, ratchet_identity_key_pair_get_private(dev->identity));
}
static int ids_reg(void *d, uint32_t *id) { *id = ((device *)d)->id; return 0; }
static int ids_save(const signal_protocol_address *a, uint8_t *k, size_t n, void *d) { (void)a; (void)k; (void)n; (void)d; return 0; }
static int ids_trusted(const signal_protocol_address *a, uint8_t *k, size_t n, void *d) { (void)a; (void)k; (void)n; (void)d; return 1; }

static void copy_key(uint8_t *out, size_t len, signal_buffer *b)
{
    if (!b || signal_buffer_len(b) != len) die("key size", SG_ERR_INVALID_KEY);
    memcpy(out, signal_buffer_data(b), len);
    signal_buffer_free(b);
}

/* A device with its own store context; receivers (with_bundle) also get SPK id 1 and one pre-key, id 1. */
static device *device_new(uint32_t id, uint32_t session_base, uint32_t session_cap, int with_bundle)
{
    device *d = calloc(1, sizeof *d);
    if (!d) die("calloc", SG_ERR_NOMEM);
    d->id = id;
    slots_init(&d->sessions, session_base, session_cap);
    slots_init(&d->pre_keys, 1, with_bundle ? 1 : 0);
    slots_init(&d->signed_pre_keys, 1, with_bundle ? 1 : 0);
    CHECK(signal_protocol_store_context_create(&d->store, g_ctx));
    signal_protocol_session_store ss = {
        .load_session_func = ss_load, .get_sub_device_sessions_func = ss_sub, .store_session_func = ss_store,
        .contains_session_func = ss_contains, .delete_session_func = ss_delete,
        .delete_all_sessions_func = ss_delete_all, .user_data = d,
    };
    signal_protocol_pre_key_store pks = {
        .load_pre_key = pk_load, .store_pre_key = pk_store, .contains_pre_key = pk_contains,
        .remove_pre_key = pk_remove, .user_data = d,
    };
    signal_protocol_signed_pre_key_store spks = {
        .load_signed_pre_key = spk_load, .store_signed_pre_key = spk_store,
        .contains_signed_pre_key = spk_contains, .remove_signed_pre_key = spk_remove, .user_data = d,
    };
    signal_protocol_identity_key_store ids = {
        .get_identity_key_pair = ids_pair, .get_local_registration_id = ids_reg, .save_identity = ids_save,
        .is_trusted_identity = ids_trusted, .user_data = d,
    };
    CHECK(signal_protocol_store_context_set_session_store(d->store, &ss));
    CHECK(signal_protocol_store_context_set_pre_key_store(d->store, &pks));
    CHECK(signal_protocol_store_context_set_signed_pre_key_store(d->store, &spks));
    CHECK(signal_protocol_store_context_set_identity_key_store(d->store, &ids));
    CHECK(signal_protocol_key_helper_generate_identity_key_pair(&d->identity, g_ctx));
    if (!with_bundle) return d;

    session_signed_pre_key *spk = NULL;
    signal_protocol_key_helper_pre_key_list_node *head = NULL;
    CHECK(signal_protocol_key_helper_generate_signed_pre_key(&spk, d->identity, 1, 0, g_ctx));
    CHECK(signal_protocol_signed_pre_key_store_key(d->store, spk));
    CHECK(signal_protocol_key_helper_generate_pre_keys(&head, 1, 1, g_ctx));
    session_pre_key *pk = signal_protocol_key_helper_key_list_element(head);
    CHECK(signal_protocol_pre_key_store_key(d->store, pk));
    signal_buffer *b = NULL;
    ec_public_key *ik = ratchet_identity_key_pair_get_public(d->identity);
    if (g_version == 3) CHECK(ec_public_key_serialize_omemo(&b, ik));
    copy_key(d->ik, 32, g_version == 3 ? b : ec_public_key_get_ed(ik));
    CHECK(ec_public_key_serialize_omemo(&b, ec_key_pair_get_public(session_signed_pre_key_get_key_pair(spk))));
    copy_key(d->spk, 32, b);
    CHECK(ec_public_key_serialize_omemo(&b, ec_key_pair_get_public(session_pre_key_get_key_pair(pk))));
    copy_key(d->pk, 32, b);
    /* v4 checks the signature over the raw spk, v3 the one over 0x05 || spk. */
    size_t spks_len = g_version == 3 ? session_signed_pre_key_get_signature_len(spk) : session_signed_pre_key_get_signature_omemo_len(spk);
    if (spks_len != 64) die("spk signature size", SG_ERR_INVALID_KEY);
    memcpy(d->spks, g_version == 3 ? session_signed_pre_key_get_signature(spk) : session_signed_pre_key_get_signature_omemo(spk), 64);
    signal_protocol_key_helper_key_list_free(head);
    SIGNAL_UNREF(spk);
    return d;
}

static void device_free(device *d)
{
    signal_protocol_store_context_destroy(d->store);
    slots_free(&d->sessions);
    slots_free(&d->pre_keys);
    slots_free(&d->signed_pre_keys);
    SIGNAL_UNREF(d->identity);
    free(d);
}

/* ---- protocol steps ---------------------------------------------------------------------------------- */

static signal_protocol_address address(const char *name, uint32_t id)
{
    signal_protocol_address a = { name, strlen(name), (int32_t)id };
    return a;
}

/* libomemo-c keeps the address pointer: it must outlive the cipher. */
static session_cipher *cipher_for(device *own, const signal_protocol_address *peer)
{
    session_cipher *c = NULL;
    CHECK(session_cipher_create(&c, own->store, peer, g_ctx));
    session_cipher_set_version(c, g_version);
    return c;
}

/* Encrypts; returns a copy of the serialized message when keep is set (else NULL). */
static signal_buffer *encrypt_with(session_cipher *c, const uint8_t *km, int keep, int *kex)
{
    ciphertext_message *m = NULL;
    CHECK(session_cipher_encrypt(c, km, g_key_material, &m));
    if (kex) *kex = ciphertext_message_get_type(m) == CIPHERTEXT_PREKEY_TYPE;
    signal_buffer *out = keep ? signal_buffer_copy(ciphertext_message_get_serialized(m)) : NULL;
    SIGNAL_UNREF(m);
    return out;
}

static void decrypt_with(session_cipher *c, signal_buffer *data)
{
    signal_message *m = NULL;
    signal_buffer *plain = NULL;
    if (g_version == 3) CHECK(signal_message_deserialize(&m, signal_buffer_data(data), signal_buffer_len(data), g_ctx));
    else CHECK(signal_message_deserialize_omemo(&m, signal_buffer_data(data), signal_buffer_len(data), g_ctx));
    CHECK(session_cipher_decrypt_signal_message(c, m, NULL, &plain));
    signal_buffer_bzero_free(plain);
    SIGNAL_UNREF(m);
}

/* X3DH from the receiver's raw bundle bytes (as a client gets them from PEP) into own's store. */
static void process_bundle(device *own, const device *peer)
{
    ec_public_key *ik = NULL, *spk = NULL, *pk = NULL;
    session_pre_key_bundle *bundle = NULL;
    session_builder *builder = NULL;
    signal_protocol_address a = address(RECIPIENTS, peer->id);
    if (g_version == 3) CHECK(curve_decode_point_mont(&ik, peer->ik, 32, g_ctx));
    else CHECK(curve_decode_point_ed(&ik, peer->ik, 32, g_ctx));
    CHECK(curve_decode_point_mont(&spk, peer->spk, 32, g_ctx));
    CHECK(curve_decode_point_mont(&pk, peer->pk, 32, g_ctx));
    CHECK(session_pre_key_bundle_create(&bundle, peer->id, (int)peer->id, 1, pk, 1, spk, peer->spks, 64, ik));
    CHECK(session_builder_create(&builder, own->store, &a, g_ctx));
    session_builder_set_version(builder, g_version);
    CHECK(session_builder_process_pre_key_bundle(builder, bundle));
    session_builder_free(builder);
    SIGNAL_UNREF(bundle);
    SIGNAL_UNREF(ik);
    SIGNAL_UNREF(spk);
    SIGNAL_UNREF(pk);
}

/* Key exchange, then the receiver answers, so the sender's next message is a plain one. */
static void establish(device *sender, session_cipher *to_receiver, device *receiver, const uint8_t *km)
{
    signal_protocol_address from = address(SENDER, sender->id);
    int kex = 0;
    process_bundle(sender, receiver);
    signal_buffer *first = encrypt_with(to_receiver, km, 1, &kex);
    if (!kex) die("first message is not a key exchange", -1);
    pre_key_signal_message *m = NULL;
    signal_buffer *plain = NULL;
    session_cipher *back = cipher_for(receiver, &from);
    if (g_version == 3) CHECK(pre_key_signal_message_deserialize(&m, signal_buffer_data(first), signal_buffer_len(first), g_ctx));
    else CHECK(pre_key_signal_message_deserialize_omemo(&m, signal_buffer_data(first), signal_buffer_len(first), sender->id, g_ctx));
    CHECK(session_cipher_decrypt_pre_key_signal_message(back, m, NULL, &plain));
    signal_buffer *reply = encrypt_with(back, km, 1, NULL);
    decrypt_with(to_receiver, reply);
    encrypt_with(to_receiver, km, 0, &kex);
    if (kex) die("session not confirmed after the reply", -1);
    signal_buffer_bzero_free(plain);
    signal_buffer_free(first);
    signal_buffer_free(reply);
    SIGNAL_UNREF(m);
    session_cipher_free(back);
}

/* ---- timing ------------------------------------------------------------------------------------------- */

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

typedef struct {
    device *sender, *first_sender, **receivers;
    session_cipher **ciphers;
    signal_protocol_address *addresses; /* one per W1 cipher (libomemo-c keeps the pointer) */
    uint8_t km[KEY_MATERIAL_MAX];
    signal_buffer **messages; /* W3: prepared follow-ups, consumed in order */
    size_t next_message;
} bench;

typedef void (*pass_fn)(bench *b, int n);

static void pass_w1(bench *b, int n) { for (int i = 0; i < n; i++) encrypt_with(b->ciphers[i], b->km, 0, NULL); }

static void pass_w2(bench *b, int n)
{
    for (int i = 0; i < n; i++) {
        signal_protocol_address a = address(RECIPIENTS, b->receivers[i]->id);
        process_bundle(b->first_sender, b->receivers[i]);
        session_cipher *c = cipher_for(b->first_sender, &a);
        encrypt_with(c, b->km, 0, NULL);
        session_cipher_free(c);
    }
}

static session_cipher *g_w3_cipher;
static void pass_w3(bench *b, int n)
{
    for (int i = 0; i < n; i++) {
        signal_buffer *m = b->messages[b->next_message++];
        decrypt_with(g_w3_cipher, m);
        signal_buffer_free(m);
    }
}

/* One warm-up pass picks K (passes per repetition); prints the µs per recipient of each repetition. */
static void measure(bench *b, int workload, pass_fn pass, int n, int reps, double min_ms, int fixed_inner)
{
    double t0 = now_ns();
    pass(b, n);
    double one = now_ns() - t0;
    int inner = fixed_inner > 0 ? fixed_inner : (int)(min_ms * 1e6 / (one > 1 ? one : 1)) + 1;
    printf("{\"engine\":\"libomemo-c\",\"workload\":\"%c%d\",\"n\":%d,\"inner\":%d,\"us\":[", g_prefix, workload, n, inner);
    for (int r = 0; r < reps; r++) {
        t0 = now_ns();
        for (int k = 0; k < inner; k++) pass(b, n);
        printf("%s%.4f", r ? "," : "", (now_ns() - t0) / 1e3 / ((double)inner * n));
    }
    printf("]}\n");
    fflush(stdout);
}

static int parse_list(const char *text, int *out)
{
    int count = 0;
    for (const char *p = text; *p && count < MAX_LIST; count++) {
        char *end;
        out[count] = (int)strtol(p, &end, 10);
        if (end == p || out[count] < 1) { fprintf(stderr, "omemo_c_bench: bad list %s\n", text); exit(2); }
        p = *end == ',' ? end + 1 : end;
    }
    return count;
}

static int max_of(const int *v, int n, int floor)
{
    for (int i = 0; i < n; i++) if (v[i] > floor) floor = v[i];
    return floor;
}

int main(int argc, char **argv)
{
    int w1[MAX_LIST], w2[MAX_LIST], n1 = parse_list("1,10,100,1000", w1), n2 = parse_list("1,10,100", w2);
    int w3 = 300, reps = 7;
    double min_ms = 20;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--w1") == 0) n1 = parse_list(argv[i + 1], w1);
        else if (strcmp(argv[i], "--w2") == 0) n2 = parse_list(argv[i + 1], w2);
        else if (strcmp(argv[i], "--w3") == 0) w3 = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--reps") == 0) reps = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--min-ms") == 0) min_ms = atof(argv[i + 1]);
        else if (strcmp(argv[i], "--namespace") == 0) {
            if (strcmp(argv[i + 1], NS_LEGACY) == 0) g_version = 3;
            else if (strcmp(argv[i + 1], NS_OMEMO2) == 0) g_version = 4;
            else { fprintf(stderr, "omemo_c_bench: --namespace %s or %s\n", NS_OMEMO2, NS_LEGACY); return 2; }
        }
        else { fprintf(stderr, "omemo_c_bench: unknown option %s\n", argv[i]); return 2; }
    }
    if (reps < 1 || w3 < 1) { fprintf(stderr, "omemo_c_bench: --reps and --w3 must be >= 1\n"); return 2; }
    if (g_version == 3) { g_key_material = 32; g_prefix = 'L'; }

    CHECK(signal_context_create(&g_ctx, NULL));
    signal_context_set_log_function(g_ctx, log_to_stderr);
    if (sg_openssl_provider_install(g_ctx) < 0) die("OpenSSL provider", -1);
    if (g_version == 3)
        printf("{\"meta\":true,\"engine\":\"libomemo-c\",\"version\":\"%s\",\"session version\":\"3\"}\n", OMEMOC_VERSION);
    else
        printf("{\"meta\":true,\"engine\":\"libomemo-c\",\"version\":\"%s\"}\n", OMEMOC_VERSION);

    int max1 = max_of(w1, n1, 1), devices = max_of(w2, n2, max1);
    bench b = { 0 };
    memset(b.km, 0x5a, sizeof b.km);
    b.sender = device_new(SENDER_ID, 1, (uint32_t)max1, 0);
    b.first_sender = device_new(FIRST_SENDER_ID, 1, (uint32_t)devices, 0);
    b.receivers = calloc((size_t)devices, sizeof *b.receivers);
    b.ciphers = calloc((size_t)max1, sizeof *b.ciphers);
    for (int i = 0; i < devices; i++) b.receivers[i] = device_new((uint32_t)i + 1, SENDER_ID, 1, 1);
    b.addresses = calloc((size_t)max1, sizeof *b.addresses);
    for (int i = 0; i < max1; i++) {
        b.addresses[i] = address(RECIPIENTS, (uint32_t)i + 1);
        b.ciphers[i] = cipher_for(b.sender, &b.addresses[i]);
        establish(b.sender, b.ciphers[i], b.receivers[i], b.km);
    }

    /* W3 first (W1 then sends thousands of messages on session 1): receiver 1 decrypts follow-ups in order. */
    signal_protocol_address from = address(SENDER, SENDER_ID);
    g_w3_cipher = cipher_for(b.receivers[0], &from);
    b.messages = calloc((size_t)w3 * (size_t)(reps + 1), sizeof *b.messages);
    for (int i = 0; i < w3 * (reps + 1); i++) b.messages[i] = encrypt_with(b.ciphers[0], b.km, 1, NULL);
    measure(&b, 3, pass_w3, w3, reps, min_ms, 1);

    for (int i = 0; i < n1; i++) measure(&b, 1, pass_w1, w1[i], reps, min_ms, 0);
    for (int i = 0; i < n2; i++) measure(&b, 2, pass_w2, w2[i], reps, min_ms, 0);

    session_cipher_free(g_w3_cipher);
    free(b.messages);
    for (int i = 0; i < max1; i++) session_cipher_free(b.ciphers[i]);
    for (int i = 0; i < devices; i++) device_free(b.receivers[i]);
    device_free(b.sender);
    device_free(b.first_sender);
    free(b.ciphers);
    free(b.addresses);
    free(b.receivers);
    signal_context_destroy(g_ctx);
    sg_openssl_provider_release();
    return 0;
}
