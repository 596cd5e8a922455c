/*
 * omemo_c_peer: an OMEMO 2 (XEP-0384, urn:xmpp:omemo:2) X3DH + Double Ratchet peer driven over stdin/stdout,
 * backed by libomemo-c (Dino's fork of libsignal-protocol-c) in session version 4, with an OpenSSL crypto
 * provider and in-memory stores. With "version":3 in init it speaks legacy OMEMO 0.3 instead
 * (eu.siacs.conversations.axolotl, libsignal session version 3) for the whole process. It exists to cross-check
 * the managed engine against an independent implementation: the engine's key exchanges and messages must
 * decrypt here and vice versa. No XML, no payload encryption: the plaintext of every ratchet message is
 * whatever the driver sends (OMEMO puts the key material there: 48 bytes in OMEMO 2, 32 in OMEMO 0.3).
 *
 * ---------------------------------------------------------------------------------------------------------
 * Line protocol: one flat JSON object per line in, exactly one per line out (see peer_json.h for the grammar).
 * Binary values are hex strings. Every reply has "ok": true, or "ok": false with "error" (text) and "code"
 * (a libomemo-c SG_ERR_* value when one applies, else -1). Optional "jid" fields default to "peer@example.org".
 *
 *   {"cmd":"init","device_id":N[,"prekeys":100][,"pk_start":1][,"spk_id":1][,"version":4]}
 *     -> {"ok":true,"version":3|4,"device_id":N,"ik":hex,"ik_curve":hex33,"ik_ed":hex32,"spk_id":N,"spk":hex32,
 *         "spks":hex64,"spks_legacy":hex64,"pk_count":K,"pks":"id:hex32,id:hex32,..."}
 *     version (3 or 4, default 4) fixes the session version of every session and cipher of this process.
 *     ik = the bundle's <ik>: v4 the 32-byte Ed25519 form, v3 the 33-byte 0x05 || Curve25519 form.
 *     ik_curve = 0x05 || Curve25519 (libsignal's serialization), ik_ed = Ed25519 form (sign bit 0), both versions.
 *     spk / pks = raw 32-byte Curve25519 (the bundle's <spk>/<pk>; a v3 bundle carries 0x05 || these).
 *     spks = the signature the version checks: v4 over the raw 32 spk bytes, v3 over 0x05 || spk;
 *     spks_legacy = the one over 0x05 || spk, both versions.
 *   {"cmd":"process_bundle","jid":s,"device":N,"ik":hex,"spk_id":N,"spk":hex,"spks":hex64,"pk_id":N,"pk":hex}
 *     -> {"ok":true}   builds a session towards (jid, device). ik: 33 bytes 0x05||Curve25519, or 32 bytes =
 *        v4: Ed25519 (XEP form), v3: raw Curve25519; spk/pk: 32 raw bytes or 33 with the 0x05 prefix.
 *        v3 spks: over 0x05||spk, with the identity's Ed25519 sign bit in the top bit of byte 63 (see below).
 *   {"cmd":"encrypt","jid":s,"device":N,"plaintext_hex":hex}
 *     -> {"ok":true,"kex":bool,"message_hex":hex}   kex=true: OMEMOKeyExchange (v3: PreKeyWhisperMessage) bytes;
 *        false: OMEMOAuthenticatedMessage (v3: WhisperMessage).
 *   {"cmd":"decrypt","jid":s,"device":N,"kex":bool,"message_hex":hex}
 *     -> {"ok":true,"plaintext_hex":hex}  or  {"ok":false,"error":...,"code":...}  (state unchanged on failure)
 *   {"cmd":"has_session","jid":s,"device":N}  -> {"ok":true,"session":bool}
 *   {"cmd":"prekey_count"}                     -> {"ok":true,"count":K}   (one-time pre-keys still stored)
 *   {"cmd":"quit"}                             -> {"ok":true}, then exit 0 (EOF on stdin also exits 0)
 *
 * OMEMO_C_PEER_VERBOSE=1 copies libomemo-c's log to stderr.
 *
 * ---------------------------------------------------------------------------------------------------------
 * libomemo-c 0.5.0, session version 4, as established by this peer and its CTest (test_omemo_c_peer.c checks
 * each point below against OpenSSL, independently of libomemo-c):
 *
 *  * Keys. Every ec_public_key is a Curve25519 (Montgomery) key internally. ec_public_key_serialize() gives
 *    33 bytes 0x05||u (libsignal form); ec_public_key_serialize_omemo() gives the raw 32-byte u (the XEP's
 *    <spk>/<pk> encoding); ec_public_key_get_ed() gives the 32-byte Ed25519 form (for a key made by libomemo-c
 *    the sign bit is 0, as XEdDSA defines). curve_decode_point_ed() accepts an Ed25519 key and keeps its sign
 *    bit, so identities with a negative Ed25519 point (the engine's, python-omemo's) work.
 *  * Bundle. <ik> is the Ed25519 form. The signed pre-key signature that v4 checks (and that
 *    session_signed_pre_key_get_signature_omemo() returns) is an XEdDSA signature over the raw 32-byte
 *    Curve25519 spk, which verifies as plain Ed25519 under <ik>; the legacy signature (over 0x05||spk) is not
 *    what v4 uses.
 *  * OMEMOKeyExchange (what session_cipher_encrypt returns as CIPHERTEXT_PREKEY_TYPE while the initiator has not
 *    yet received a reply): protobuf {1 pk_id, 2 spk_id, 3 ik, 4 ek, 5 message}, no version byte, where
 *    ik = 32-byte Ed25519 identity, ek = raw 32-byte Curve25519 base key, message = OMEMOAuthenticatedMessage.
 *    The registration id of libsignal is not on the wire (pre_key_signal_message_deserialize_omemo takes it as
 *    an argument; this peer passes the sender's device id).
 *  * OMEMOAuthenticatedMessage: protobuf {1 mac (16 bytes = HMAC-SHA-256 truncated), 2 message}, message =
 *    OMEMOMessage {1 n, 2 pn, 3 dh_pub (raw 32-byte Curve25519), 4 ciphertext (AES-256-CBC/PKCS#7)}.
 *    No version byte in front (libsignal v3 puts 0x33 there).
 *  * Errors: a bad MAC comes back as SG_ERR_INVALID_MESSAGE (-1005, "Message mac not verified"), not
 *    SG_ERR_INVALID_MAC; a replayed or already-skipped message as SG_ERR_DUPLICATE_MESSAGE (-1001); a bad
 *    signed pre-key signature in process_bundle as SG_ERR_INVALID_KEY (-1002). A failed decrypt leaves the
 *    session unchanged. A successful OMEMOKeyExchange removes the one-time pre-key it used from the store.
 *  * Established by the interop tests against the managed engine (interop-tests/.../LibOmemoC), which pass for
 *    identities of both Ed25519 signs: the v4 MAC input is Ed25519(initiator ik) || Ed25519(responder ik) ||
 *    OMEMOMessage bytes (the same order in both directions), and the KDF infos are XEP-0384's "OMEMO X3DH",
 *    "OMEMO Root Chain", "OMEMO Message Key Material" (the engine uses exactly these).
 *  * The crypto provider is asked for HMAC-SHA-256, SHA-512 (XEdDSA), random bytes and AES-CBC with PKCS#5
 *    padding (SG_CIPHER_AES_CBC_PKCS5); CTR is implemented too for completeness.
 *
 * libomemo-c 0.5.0, session version 3 (OMEMO 0.3 = libsignal v3 framing). The CTest checks each point with OpenSSL
 * alone, partly by acting as a v3 responder computed from scratch ("Carol"):
 *
 *  * Bundle. <ik> and every key on the wire is 33 bytes 0x05||u; the peer also takes raw 32-byte u. The signed
 *    pre-key signature (session_signed_pre_key_get_signature) is XEdDSA over the 33-byte 0x05||spk; it verifies as
 *    plain Ed25519 under the Ed25519 form of ik (y = (u-1)/(u+1)) with the sign bit taken from the top bit of
 *    signature byte 63, which is then cleared (libsignal's curve25519_verify). libomemo-c's own signatures have that
 *    bit 0. A foreign identity whose Ed25519 point is negative (python-oldmemo's convention: its sign bit stuffed
 *    into byte 63) verifies; without the stuffed bit it is refused (SG_ERR_INVALID_KEY), as is an OMEMO 2
 *    signature over the raw spk.
 *  * PreKeyWhisperMessage: 0x33 || protobuf {1 preKeyId, 2 baseKey (33), 3 identityKey (33), 4 message
 *    (the WhisperMessage), 5 registrationId, 6 signedPreKeyId} (libomemo-c writes them in this order).
 *    The registration id is on the wire: libomemo-c sends its local registration id (this peer: its device id),
 *    and pre_key_signal_message_deserialize reads it from there.
 *  * WhisperMessage: 0x33 || protobuf {1 ratchetKey (33), 2 counter, 3 previousCounter, 4 ciphertext
 *    (AES-256-CBC/PKCS#7)} || 8-byte MAC. MAC = HMAC-SHA-256(mac key, sender ik33 || receiver ik33 || 0x33 ||
 *    protobuf) truncated to 8 bytes: the sender goes first in both directions (unlike v4's initiator || responder);
 *    a responder reply MACed receiver-first is refused.
 *  * KDFs: X3DH secret = 0xFF*32 || DH(spk_B, IK_A) || DH(IK_B, EK_A) || DH(spk_B, EK_A) || DH(pk_B, EK_A),
 *    HKDF-SHA-256(salt 0*32, info "WhisperText") -> root key || chain key; ratchet step HKDF(salt = root key,
 *    DH, "WhisperRatchet"); message keys HKDF(salt 0*32, HMAC(chain key, 0x01), "WhisperMessageKeys") = cipher
 *    key(32) || mac key(32) || iv(16). The initiator's first message already uses a ratchet key of its own.
 *  * Errors are the same as v4: bad MAC SG_ERR_INVALID_MESSAGE (-1005), replay SG_ERR_DUPLICATE_MESSAGE (-1001).
 * ---------------------------------------------------------------------------------------------------------
 */
#define _POSIX_C_SOURCE 200809L

#include "peer_json.h"
#include "sg_openssl_provider.h"

#include <openssl/crypto.h>

#include <signal_protocol.h>
#include <curve.h>
#include <key_helper.h>
#include <protocol.h>
#include <session_builder.h>
#include <session_cipher.h>
#include <session_pre_key.h>

#define DEFAULT_JID "peer@example.org"

/* ------------------------------------------------------------------------------------------------------ */
/* In-memory stores                                                                                        */

typedef struct session_entry {
    struct session_entry *next;
    char *name;
    size_t name_len;
    int32_t device_id;
    signal_buffer *record;
    signal_buffer *user_record;
} session_entry;

typedef struct key_entry {
    struct key_entry *next;
    uint32_t id;
    signal_buffer *record;
} key_entry;

static session_entry *g_sessions;
static key_entry *g_pre_keys;
static key_entry *g_signed_pre_keys;
static ratchet_identity_key_pair *g_identity;
static uint32_t g_registration_id;
static uint32_t g_version = 4; /* session version for every builder and cipher: 3 = OMEMO 0.3, 4 = OMEMO 2 */

static session_entry *session_find(const signal_protocol_address *a)
{
    for (session_entry *e = g_sessions; e; e = e->next)
        if (e->device_id == a->device_id && e->name_len == a->name_len && memcmp(e->name, a->name, a->name_len) == 0)
            return e;
    return NULL;
}

static void session_entry_free(session_entry *e)
{
    free(e->name);
    signal_buffer_bzero_free(e->record);
    if (e->user_record) signal_buffer_bzero_free(e->user_record);
    free(e);
}

static int ss_load(signal_buffer **record, signal_buffer **user_record, const signal_protocol_address *address,
                   void *user_data)
{
    (void)user_data;
    session_entry *e = session_find(address);
    if (!e) return 0;
    *record = signal_buffer_copy(e->record);
    if (!*record) return SG_ERR_NOMEM;
    if (user_record) *user_record = e->user_record ? signal_buffer_copy(e->user_record) : NULL;
    return 1;
}

static int ss_sub_devices(signal_int_list **sessions, const char *name, size_t name_len, void *user_data)
{
    (void)user_data;
    signal_int_list *list = signal_int_list_alloc();
    if (!list) return SG_ERR_NOMEM;
    for (session_entry *e = g_sessions; e; e = e->next)
        if (e->name_len == name_len && memcmp(e->name, name, name_len) == 0) signal_int_list_push_back(list, e->device_id);
    *sessions = list;
    return (int)signal_int_list_size(list);
}

static int ss_store(const signal_protocol_address *address, uint8_t *record, size_t record_len, uint8_t *user_record,
                    size_t user_record_len, void *user_data)
{
    (void)user_data;
    signal_buffer *r = signal_buffer_create(record, record_len);
    signal_buffer *u = user_record && user_record_len ? signal_buffer_create(user_record, user_record_len) : NULL;
    if (!r) return SG_ERR_NOMEM;
    session_entry *e = session_find(address);
    if (!e) {
        e = calloc(1, sizeof *e);
        if (!e) { signal_buffer_free(r); return SG_ERR_NOMEM; }
        e->name = malloc(address->name_len + 1);
        if (!e->name) { free(e); signal_buffer_free(r); return SG_ERR_NOMEM; }
        memcpy(e->name, address->name, address->name_len);
        e->name[address->name_len] = 0;
        e->name_len = address->name_len;
        e->device_id = address->device_id;
        e->next = g_sessions;
        g_sessions = e;
    } else {
        signal_buffer_bzero_free(e->record);
        if (e->user_record) signal_buffer_bzero_free(e->user_record);
    }
    e->record = r;
    e->user_record = u;
    return 0;
}

static int ss_contains(const signal_protocol_address *address, void *user_data)
{
    (void)user_data;
    return session_find(address) != NULL;
}

static int ss_delete(const signal_protocol_address *address, void *user_data)
{
    (void)user_data;
    for (session_entry **p = &g_sessions; *p; p = &(*p)->next) {
        session_entry *e = *p;
        if (e->device_id == address->device_id && e->name_len == address->name_len
            && memcmp(e->name, address->name, address->name_len) == 0) {
            *p = e->next;
            session_entry_free(e);
            return 1;
        }
    }
    return 0;
}

static int ss_delete_all(const char *name, size_t name_len, void *user_data)
{
    (void)user_data;
    int n = 0;
    for (session_entry **p = &g_sessions; *p;) {
        session_entry *e = *p;
        if (e->name_len == name_len && memcmp(e->name, name, name_len) == 0) {
            *p = e->next;
            session_entry_free(e);
            n++;
        } else {
            p = &e->next;
        }
    }
    return n;
}

static key_entry **key_find(key_entry **head, uint32_t id)
{
    for (key_entry **p = head; *p; p = &(*p)->next)
        if ((*p)->id == id) return p;
    return NULL;
}

static int keys_load(key_entry **head, signal_buffer **record, uint32_t id)
{
    key_entry **p = key_find(head, id);
    if (!p) return SG_ERR_INVALID_KEY_ID;
    *record = signal_buffer_copy((*p)->record);
    return *record ? SG_SUCCESS : SG_ERR_NOMEM;
}

static int keys_store(key_entry **head, uint32_t id, const uint8_t *record, size_t record_len)
{
    signal_buffer *r = signal_buffer_create(record, record_len);
    if (!r) return SG_ERR_NOMEM;
    key_entry **p = key_find(head, id);
    if (p) {
        signal_buffer_bzero_free((*p)->record);
        (*p)->record = r;
        return 0;
    }
    key_entry *e = calloc(1, sizeof *e);
    if (!e) { signal_buffer_free(r); return SG_ERR_NOMEM; }
    e->id = id;
    e->record = r;
    e->next = *head;
    *head = e;
    return 0;
}

static int keys_remove(key_entry **head, uint32_t id)
{
    key_entry **p = key_find(head, id);
    if (p) {
        key_entry *e = *p;
        *p = e->next;
        signal_buffer_bzero_free(e->record);
        free(e);
    }
    return 0;
}

static int pk_load(signal_buffer **record, uint32_t id, void *u) { (void)u; return keys_load(&g_pre_keys, record, id); }
static int pk_store(uint32_t id, uint8_t *r, size_t n, void *u) { (void)u; return keys_store(&g_pre_keys, id, r, n); }
static int pk_contains(uint32_t id, void *u) { (void)u; return key_find(&g_pre_keys, id) != NULL; }
static int pk_remove(uint32_t id, void *u) { (void)u; return keys_remove(&g_pre_keys, id); }
static int spk_load(signal_buffer **record, uint32_t id, void *u) { (void)u; return keys_load(&g_signed_pre_keys, record, id); }
static int spk_store(uint32_t id, uint8_t *r, size_t n, void *u) { (void)u; return keys_store(&g_signed_pre_keys, id, r, n); }
static int spk_contains(uint32_t id, void *u) { (void)u; return key_find(&g_signed_pre_keys, id) != NULL; }
static int spk_remove(uint32_t id, void *u) { (void)u; return keys_remove(&g_signed_pre_keys, id); }

static int ids_get_key_pair(signal_buffer **public_data, signal_buffer **private_data, void *user_data)
{
    (void)user_data;
    if (!g_identity) return SG_ERR_INVAL;
    int r = ec_public_key_serialize(public_data, ratchet_identity_key_pair_get_public(g_identity));
    if (r < 0) return r;
    r = ec_private_key_serialize(private_data, ratchet_identity_key_pair_get_private(g_identity));
    if (r < 0) { signal_buffer_free(*public_data); *public_data = NULL; }
    return r;
}

static int ids_get_registration_id(void *user_data, uint32_t *registration_id)
{
    (void)user_data;
    *registration_id = g_registration_id;
    return 0;
}

/* Trust on first use is the driver's business; this peer trusts every identity (it is a test oracle). */
static int ids_save(const signal_protocol_address *a, uint8_t *k, size_t n, void *u) { (void)a; (void)k; (void)n; (void)u; return 0; }
static int ids_trusted(const signal_protocol_address *a, uint8_t *k, size_t n, void *u) { (void)a; (void)k; (void)n; (void)u; return 1; }

/* ------------------------------------------------------------------------------------------------------ */
/* Peer                                                                                                    */

static signal_context *g_ctx;
static signal_protocol_store_context *g_store;
static int g_initialized;
static pj_writer g_out;

static void log_to_stderr(int level, const char *message, size_t len, void *user_data)
{
    (void)user_data;
    /* Errors reach the driver as {"ok":false,...}; the library's own log only with OMEMO_C_PEER_VERBOSE=1. */
    if (getenv("OMEMO_C_PEER_VERBOSE"))
        fprintf(stderr, "omemo_c_peer libomemo-c[%d]: %.*s\n", level, (int)len, message);
}

static int reply_error(const char *error, int code)
{
    pj_w_begin(&g_out);
    pj_w_bool(&g_out, "ok", 0);
    pj_w_str(&g_out, "error", error);
    pj_w_num(&g_out, "code", code);
    pj_w_end(&g_out);
    return -1;
}

static const char *sg_error_name(int code)
{
    switch (code) {
    case SG_ERR_NOMEM: return "SG_ERR_NOMEM";
    case SG_ERR_INVAL: return "SG_ERR_INVAL";
    case SG_ERR_UNKNOWN: return "SG_ERR_UNKNOWN";
    case SG_ERR_DUPLICATE_MESSAGE: return "SG_ERR_DUPLICATE_MESSAGE";
    case SG_ERR_INVALID_KEY: return "SG_ERR_INVALID_KEY";
    case SG_ERR_INVALID_KEY_ID: return "SG_ERR_INVALID_KEY_ID";
    case SG_ERR_INVALID_MAC: return "SG_ERR_INVALID_MAC";
    case SG_ERR_INVALID_MESSAGE: return "SG_ERR_INVALID_MESSAGE";
    case SG_ERR_INVALID_VERSION: return "SG_ERR_INVALID_VERSION";
    case SG_ERR_LEGACY_MESSAGE: return "SG_ERR_LEGACY_MESSAGE";
    case SG_ERR_NO_SESSION: return "SG_ERR_NO_SESSION";
    case SG_ERR_STALE_KEY_EXCHANGE: return "SG_ERR_STALE_KEY_EXCHANGE";
    case SG_ERR_UNTRUSTED_IDENTITY: return "SG_ERR_UNTRUSTED_IDENTITY";
    case SG_ERR_VRF_SIG_VERIF_FAILED: return "SG_ERR_VRF_SIG_VERIF_FAILED";
    case SG_ERR_INVALID_PROTO_BUF: return "SG_ERR_INVALID_PROTO_BUF";
    default: return "libomemo-c error";
    }
}

static int reply_sg(const char *what, int code)
{
    char text[160];
    snprintf(text, sizeof text, "%s failed: %s (%d)", what, sg_error_name(code), code);
    return reply_error(text, code);
}

/* Fills addr from "jid" (default) and "device"; the name stays owned by o. */
static int get_address(const pj_object *o, signal_protocol_address *addr)
{
    long long device;
    const char *jid = pj_str(o, "jid");
    if (!jid) jid = DEFAULT_JID;
    if (pj_num(o, "device", &device) < 0 || device < 0 || device > INT32_MAX) return reply_error("missing or bad \"device\"", -1);
    addr->name = jid;
    addr->name_len = strlen(jid);
    addr->device_id = (int32_t)device;
    return 0;
}

static int get_hex(const pj_object *o, const char *key, uint8_t **data, size_t *len)
{
    const char *hex = pj_str(o, key);
    char text[96];
    if (!hex || pj_unhex(hex, data, len) < 0) {
        snprintf(text, sizeof text, "missing or bad hex field \"%s\"", key);
        return reply_error(text, -1);
    }
    return 0;
}

/* A Curve25519 public key: 32 raw bytes or 0x05 || 32 bytes. */
static int decode_curve(const uint8_t *data, size_t len, ec_public_key **key)
{
    if (len == 32) return curve_decode_point_mont(key, data, len, g_ctx);
    if (len == 33) return curve_decode_point(key, data, len, g_ctx);
    return SG_ERR_INVALID_KEY;
}

/* An identity key: 33 bytes = 0x05 || Curve25519; 32 bytes = Ed25519 under v4 (XEP form), raw Curve25519 under v3. */
static int decode_identity(const uint8_t *data, size_t len, ec_public_key **key)
{
    if (len == 32 && g_version == 3) return curve_decode_point_mont(key, data, len, g_ctx);
    if (len == 32) return curve_decode_point_ed(key, data, len, g_ctx);
    if (len == 33) return curve_decode_point(key, data, len, g_ctx);
    return SG_ERR_INVALID_KEY;
}

static void w_key_omemo(pj_writer *w, const char *name, const ec_public_key *key)
{
    signal_buffer *b = NULL;
    if (ec_public_key_serialize_omemo(&b, key) >= 0 && b) pj_w_hex(w, name, signal_buffer_data(b), signal_buffer_len(b));
    signal_buffer_free(b);
}

static int cmd_init(const pj_object *o)
{
    long long device, prekeys = 100, pk_start = 1, spk_id = 1, version = 4;
    int r;
    if (g_initialized) return reply_error("already initialized", -1);
    if (pj_get(o, "version") && (pj_num(o, "version", &version) < 0 || (version != 3 && version != 4)))
        return reply_error("bad \"version\" (3 or 4)", -1);
    if (pj_num(o, "device_id", &device) < 0 || device < 1 || device > INT32_MAX) return reply_error("missing or bad \"device_id\"", -1);
    if (pj_get(o, "prekeys") && (pj_num(o, "prekeys", &prekeys) < 0 || prekeys < 0 || prekeys > 1000))
        return reply_error("bad \"prekeys\" (0..1000)", -1);
    if (pj_get(o, "pk_start") && (pj_num(o, "pk_start", &pk_start) < 0 || pk_start < 1 || pk_start > 0xFFFFFF - 1000))
        return reply_error("bad \"pk_start\"", -1);
    if (pj_get(o, "spk_id") && (pj_num(o, "spk_id", &spk_id) < 0 || spk_id < 0 || spk_id > UINT32_MAX))
        return reply_error("bad \"spk_id\"", -1);

    g_version = (uint32_t)version;
    g_registration_id = (uint32_t)device;
    r = signal_protocol_key_helper_generate_identity_key_pair(&g_identity, g_ctx);
    if (r < 0) return reply_sg("generate identity", r);

    session_signed_pre_key *spk = NULL;
    r = signal_protocol_key_helper_generate_signed_pre_key(&spk, g_identity, (uint32_t)spk_id, 0, g_ctx);
    if (r < 0) return reply_sg("generate signed pre-key", r);
    r = signal_protocol_signed_pre_key_store_key(g_store, spk);
    if (r < 0) { SIGNAL_UNREF(spk); return reply_sg("store signed pre-key", r); }

    signal_protocol_key_helper_pre_key_list_node *head = NULL;
    if (prekeys > 0) {
        r = signal_protocol_key_helper_generate_pre_keys(&head, (unsigned)pk_start, (unsigned)prekeys, g_ctx);
        if (r < 0) { SIGNAL_UNREF(spk); return reply_sg("generate pre-keys", r); }
    }

    pj_writer pks = { 0 };
    int count = 0;
    for (signal_protocol_key_helper_pre_key_list_node *n = head; n; n = signal_protocol_key_helper_key_list_next(n)) {
        session_pre_key *pk = signal_protocol_key_helper_key_list_element(n);
        r = signal_protocol_pre_key_store_key(g_store, pk);
        if (r < 0) break;
        signal_buffer *b = NULL;
        if (ec_public_key_serialize_omemo(&b, ec_key_pair_get_public(session_pre_key_get_key_pair(pk))) < 0 || !b) { r = SG_ERR_NOMEM; break; }
        char id[24];
        int idn = snprintf(id, sizeof id, "%s%u:", count ? "," : "", session_pre_key_get_id(pk));
        pj_w_raw(&pks, id, (size_t)idn);
        for (size_t i = 0; i < signal_buffer_len(b); i++) {
            char two[3];
            snprintf(two, sizeof two, "%02x", signal_buffer_data(b)[i]);
            pj_w_raw(&pks, two, 2);
        }
        signal_buffer_free(b);
        count++;
    }
    if (head) signal_protocol_key_helper_key_list_free(head);
    if (r < 0) { free(pks.buf); SIGNAL_UNREF(spk); return reply_sg("store pre-keys", r); }

    ec_public_key *ik = ratchet_identity_key_pair_get_public(g_identity);
    signal_buffer *ik_ed = ec_public_key_get_ed(ik);
    signal_buffer *ik_curve = NULL;
    ec_public_key_serialize(&ik_curve, ik);

    pj_w_begin(&g_out);
    pj_w_bool(&g_out, "ok", 1);
    pj_w_num(&g_out, "version", version);
    pj_w_num(&g_out, "device_id", device);
    /* The bundle's <ik>: Ed25519 for OMEMO 2, libsignal's 0x05 || Curve25519 for OMEMO 0.3. */
    signal_buffer *ik_wire = g_version == 3 ? ik_curve : ik_ed;
    if (ik_wire) pj_w_hex(&g_out, "ik", signal_buffer_data(ik_wire), signal_buffer_len(ik_wire));
    if (ik_curve) pj_w_hex(&g_out, "ik_curve", signal_buffer_data(ik_curve), signal_buffer_len(ik_curve));
    if (ik_ed) pj_w_hex(&g_out, "ik_ed", signal_buffer_data(ik_ed), signal_buffer_len(ik_ed));
    pj_w_num(&g_out, "spk_id", session_signed_pre_key_get_id(spk));
    w_key_omemo(&g_out, "spk", ec_key_pair_get_public(session_signed_pre_key_get_key_pair(spk)));
    if (g_version == 3)
        pj_w_hex(&g_out, "spks", session_signed_pre_key_get_signature(spk), session_signed_pre_key_get_signature_len(spk));
    else
        pj_w_hex(&g_out, "spks", session_signed_pre_key_get_signature_omemo(spk), session_signed_pre_key_get_signature_omemo_len(spk));
    pj_w_hex(&g_out, "spks_legacy", session_signed_pre_key_get_signature(spk), session_signed_pre_key_get_signature_len(spk));
    pj_w_num(&g_out, "pk_count", count);
    pj_w_str(&g_out, "pks", pks.buf ? pks.buf : "");
    pj_w_end(&g_out);

    free(pks.buf);
    signal_buffer_free(ik_ed);
    signal_buffer_free(ik_curve);
    SIGNAL_UNREF(spk);
    g_initialized = 1;
    return 0;
}

static int cmd_process_bundle(const pj_object *o)
{
    signal_protocol_address addr;
    uint8_t *ik = NULL, *spk = NULL, *spks = NULL, *pk = NULL;
    size_t ik_len, spk_len, spks_len, pk_len = 0;
    long long spk_id, pk_id = 0;
    ec_public_key *ik_key = NULL, *spk_key = NULL, *pk_key = NULL;
    session_pre_key_bundle *bundle = NULL;
    session_builder *builder = NULL;
    int r = -1;

    if (get_address(o, &addr) < 0) return -1;
    if (get_hex(o, "ik", &ik, &ik_len) < 0 || get_hex(o, "spk", &spk, &spk_len) < 0 || get_hex(o, "spks", &spks, &spks_len) < 0)
        goto done;
    if (pj_num(o, "spk_id", &spk_id) < 0 || spk_id < 0 || spk_id > UINT32_MAX) { reply_error("missing or bad \"spk_id\"", -1); goto done; }
    if (pj_str(o, "pk")) {
        if (get_hex(o, "pk", &pk, &pk_len) < 0) goto done;
        if (pj_num(o, "pk_id", &pk_id) < 0 || pk_id < 0 || pk_id > UINT32_MAX) { reply_error("missing or bad \"pk_id\"", -1); goto done; }
    }
    if ((r = decode_identity(ik, ik_len, &ik_key)) < 0) { reply_sg("decode ik", r); goto done; }
    if ((r = decode_curve(spk, spk_len, &spk_key)) < 0) { reply_sg("decode spk", r); goto done; }
    if (pk && (r = decode_curve(pk, pk_len, &pk_key)) < 0) { reply_sg("decode pk", r); goto done; }

    r = session_pre_key_bundle_create(&bundle, (uint32_t)addr.device_id, addr.device_id, (uint32_t)pk_id, pk_key,
                                      (uint32_t)spk_id, spk_key, spks, spks_len, ik_key);
    if (r < 0) { reply_sg("bundle create", r); goto done; }
    r = session_builder_create(&builder, g_store, &addr, g_ctx);
    if (r < 0) { reply_sg("session_builder_create", r); goto done; }
    session_builder_set_version(builder, g_version);
    r = session_builder_process_pre_key_bundle(builder, bundle);
    if (r < 0) { reply_sg("process_pre_key_bundle", r); goto done; }

    pj_w_begin(&g_out);
    pj_w_bool(&g_out, "ok", 1);
    pj_w_end(&g_out);
    r = 0;
done:
    free(ik); free(spk); free(spks); free(pk);
    if (builder) session_builder_free(builder);
    if (bundle) SIGNAL_UNREF(bundle);
    if (ik_key) SIGNAL_UNREF(ik_key);
    if (spk_key) SIGNAL_UNREF(spk_key);
    if (pk_key) SIGNAL_UNREF(pk_key);
    return r;
}

static int cmd_encrypt(const pj_object *o)
{
    signal_protocol_address addr;
    uint8_t *plain = NULL;
    size_t plain_len;
    session_cipher *cipher = NULL;
    ciphertext_message *msg = NULL;
    int r = -1;

    if (get_address(o, &addr) < 0) return -1;
    if (get_hex(o, "plaintext_hex", &plain, &plain_len) < 0) return -1;
    if (!signal_protocol_session_contains_session(g_store, &addr)) { reply_sg("encrypt", SG_ERR_NO_SESSION); goto done; }
    r = session_cipher_create(&cipher, g_store, &addr, g_ctx);
    if (r < 0) { reply_sg("session_cipher_create", r); goto done; }
    session_cipher_set_version(cipher, g_version);
    r = session_cipher_encrypt(cipher, plain, plain_len, &msg);
    if (r < 0) { reply_sg("encrypt", r); goto done; }
    signal_buffer *ser = ciphertext_message_get_serialized(msg);
    pj_w_begin(&g_out);
    pj_w_bool(&g_out, "ok", 1);
    pj_w_bool(&g_out, "kex", ciphertext_message_get_type(msg) == CIPHERTEXT_PREKEY_TYPE);
    pj_w_hex(&g_out, "message_hex", signal_buffer_data(ser), signal_buffer_len(ser));
    pj_w_end(&g_out);
    r = 0;
done:
    if (plain) { OPENSSL_cleanse(plain, plain_len); free(plain); }
    if (msg) SIGNAL_UNREF(msg);
    if (cipher) session_cipher_free(cipher);
    return r;
}

static int cmd_decrypt(const pj_object *o)
{
    signal_protocol_address addr;
    uint8_t *data = NULL;
    size_t len;
    int kex;
    session_cipher *cipher = NULL;
    pre_key_signal_message *kex_msg = NULL;
    signal_message *msg = NULL;
    signal_buffer *plain = NULL;
    int r = -1;

    if (get_address(o, &addr) < 0) return -1;
    if (pj_bool(o, "kex", &kex) < 0) return reply_error("missing or bad \"kex\"", -1);
    if (get_hex(o, "message_hex", &data, &len) < 0) return -1;
    r = session_cipher_create(&cipher, g_store, &addr, g_ctx);
    if (r < 0) { reply_sg("session_cipher_create", r); goto done; }
    session_cipher_set_version(cipher, g_version);
    if (kex && g_version == 3) {
        /* The v3 PreKeyWhisperMessage carries the sender's registration id itself. */
        r = pre_key_signal_message_deserialize(&kex_msg, data, len, g_ctx);
        if (r < 0) { reply_sg("deserialize PreKeyWhisperMessage", r); goto done; }
    } else if (kex) {
        r = pre_key_signal_message_deserialize_omemo(&kex_msg, data, len, (uint32_t)addr.device_id, g_ctx);
        if (r < 0) { reply_sg("deserialize OMEMOKeyExchange", r); goto done; }
    } else if (g_version == 3) {
        r = signal_message_deserialize(&msg, data, len, g_ctx);
        if (r < 0) { reply_sg("deserialize WhisperMessage", r); goto done; }
    } else {
        r = signal_message_deserialize_omemo(&msg, data, len, g_ctx);
        if (r < 0) { reply_sg("deserialize OMEMOAuthenticatedMessage", r); goto done; }
    }
    if (kex) r = session_cipher_decrypt_pre_key_signal_message(cipher, kex_msg, NULL, &plain);
    else r = session_cipher_decrypt_signal_message(cipher, msg, NULL, &plain);
    if (r < 0) { reply_sg("decrypt", r); goto done; }
    pj_w_begin(&g_out);
    pj_w_bool(&g_out, "ok", 1);
    pj_w_hex(&g_out, "plaintext_hex", signal_buffer_data(plain), signal_buffer_len(plain));
    pj_w_end(&g_out);
    r = 0;
done:
    free(data);
    if (plain) signal_buffer_bzero_free(plain);
    if (kex_msg) SIGNAL_UNREF(kex_msg);
    if (msg) SIGNAL_UNREF(msg);
    if (cipher) session_cipher_free(cipher);
    return r;
}

static int cmd_has_session(const pj_object *o)
{
    signal_protocol_address addr;
    if (get_address(o, &addr) < 0) return -1;
    pj_w_begin(&g_out);
    pj_w_bool(&g_out, "ok", 1);
    pj_w_bool(&g_out, "session", signal_protocol_session_contains_session(g_store, &addr) == 1);
    pj_w_end(&g_out);
    return 0;
}

static int cmd_prekey_count(void)
{
    int n = 0;
    for (key_entry *e = g_pre_keys; e; e = e->next) n++;
    pj_w_begin(&g_out);
    pj_w_bool(&g_out, "ok", 1);
    pj_w_num(&g_out, "count", n);
    pj_w_end(&g_out);
    return 0;
}

static int setup(void)
{
    if (signal_context_create(&g_ctx, NULL) < 0) return -1;
    signal_context_set_log_function(g_ctx, log_to_stderr);
    if (sg_openssl_provider_install(g_ctx) < 0) return -1;
    if (signal_protocol_store_context_create(&g_store, g_ctx) < 0) return -1;
    signal_protocol_session_store ss = {
        .load_session_func = ss_load,
        .get_sub_device_sessions_func = ss_sub_devices,
        .store_session_func = ss_store,
        .contains_session_func = ss_contains,
        .delete_session_func = ss_delete,
        .delete_all_sessions_func = ss_delete_all,
    };
    signal_protocol_pre_key_store pks = {
        .load_pre_key = pk_load, .store_pre_key = pk_store, .contains_pre_key = pk_contains, .remove_pre_key = pk_remove,
    };
    signal_protocol_signed_pre_key_store spks = {
        .load_signed_pre_key = spk_load, .store_signed_pre_key = spk_store,
        .contains_signed_pre_key = spk_contains, .remove_signed_pre_key = spk_remove,
    };
    signal_protocol_identity_key_store ids = {
        .get_identity_key_pair = ids_get_key_pair, .get_local_registration_id = ids_get_registration_id,
        .save_identity = ids_save, .is_trusted_identity = ids_trusted,
    };
    if (signal_protocol_store_context_set_session_store(g_store, &ss) < 0
        || signal_protocol_store_context_set_pre_key_store(g_store, &pks) < 0
        || signal_protocol_store_context_set_signed_pre_key_store(g_store, &spks) < 0
        || signal_protocol_store_context_set_identity_key_store(g_store, &ids) < 0)
        return -1;
    return 0;
}

static void teardown(void)
{
    if (g_store) signal_protocol_store_context_destroy(g_store);
    while (g_sessions) { session_entry *e = g_sessions; g_sessions = e->next; session_entry_free(e); }
    while (g_pre_keys) keys_remove(&g_pre_keys, g_pre_keys->id);
    while (g_signed_pre_keys) keys_remove(&g_signed_pre_keys, g_signed_pre_keys->id);
    if (g_identity) SIGNAL_UNREF(g_identity);
    if (g_ctx) signal_context_destroy(g_ctx);
    sg_openssl_provider_release();
    free(g_out.buf);
}

int main(void)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int quit = 0;

    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    if (setup() < 0) {
        fprintf(stderr, "omemo_c_peer: cannot set up libomemo-c / OpenSSL\n");
        return 2;
    }
    while (!quit && (n = getline(&line, &cap, stdin)) >= 0) {
        pj_object o;
        if (n == 0 || strspn(line, " \t\r\n") == (size_t)n) continue;
        if (pj_parse(line, &o) < 0) {
            reply_error("malformed line: expected one flat JSON object", -1);
        } else {
            const char *cmd = pj_str(&o, "cmd");
            if (!cmd) reply_error("missing \"cmd\"", -1);
            else if (strcmp(cmd, "quit") == 0) { pj_w_begin(&g_out); pj_w_bool(&g_out, "ok", 1); pj_w_end(&g_out); quit = 1; }
            else if (strcmp(cmd, "init") == 0) cmd_init(&o);
            else if (!g_initialized) reply_error("send init first", -1);
            else if (strcmp(cmd, "process_bundle") == 0) cmd_process_bundle(&o);
            else if (strcmp(cmd, "encrypt") == 0) cmd_encrypt(&o);
            else if (strcmp(cmd, "decrypt") == 0) cmd_decrypt(&o);
            else if (strcmp(cmd, "has_session") == 0) cmd_has_session(&o);
            else if (strcmp(cmd, "prekey_count") == 0) cmd_prekey_count();
            else reply_error("unknown cmd", -1);
            pj_free(&o);
        }
        fwrite(g_out.buf, 1, g_out.len, stdout);
        fputc('\n', stdout);
        fflush(stdout);
    }
    free(line);
    teardown();
    return 0;
}
