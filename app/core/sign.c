/* Ed25519 keys and detached question-set signatures on top of libsodium, on bytes only: the
 * files are read and written by signfile.c. */
#include "sign.h"
#include "util.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

int sign_sodium_ready(char *err, size_t errlen)
{
    if (sodium_init() < 0) {
        wp_errf(err, errlen, "libsodium could not start (no random source?)");
        return -1;
    }
    return 0;
}

/* Decodes exactly want bytes of base64 from text[0..len) (blanks around are ignored). */
int sign_b64_exact(const char *text, size_t len, unsigned char *out, size_t want)
{
    while (len > 0 && (*text == ' ' || *text == '\t' || *text == '\r' || *text == '\n')) {
        text++;
        len--;
    }
    while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t' || text[len - 1] == '\r' ||
                       text[len - 1] == '\n'))
        len--;
    size_t got = 0;
    const char *end = NULL;
    if (len == 0 || sodium_base642bin(out, want, text, len, NULL, &got, &end,
                                      sodium_base64_VARIANT_ORIGINAL) != 0)
        return -1;
    if (got != want || end != text + len)
        return -1;
    return 0;
}

int sign_parse_public(const char *b64, unsigned char pk[SIGN_PUBLIC_BYTES], char *err,
                      size_t errlen)
{
    if (sign_sodium_ready(err, errlen))
        return -1;
    if (sign_b64_exact(b64, strlen(b64), pk, SIGN_PUBLIC_BYTES) != 0) {
        wp_errf(err, errlen,
                "not an Ed25519 public key (expected %d characters of base64 from "
                "\"wijkpeil-qset keygen\")",
                SIGN_PUBLIC_B64_LEN);
        return -1;
    }
    return 0;
}

void sign_public_b64(const unsigned char pk[SIGN_PUBLIC_BYTES], char *out, size_t outlen)
{
    char buf[SIGN_PUBLIC_B64_LEN + 1];
    sodium_bin2base64(buf, sizeof buf, pk, SIGN_PUBLIC_BYTES, sodium_base64_VARIANT_ORIGINAL);
    wp_strlcpy(out, buf, outlen);
}

void sign_key_id(const unsigned char pk[SIGN_PUBLIC_BYTES], char *out, size_t outlen)
{
    char buf[SIGN_PUBLIC_B64_LEN + 1];
    sign_public_b64(pk, buf, sizeof buf);
    buf[SIGN_KEYID_LEN] = '\0';
    wp_strlcpy(out, buf, outlen);
}

int sign_parse_secret(const char *text, size_t len, unsigned char sk[SIGN_SECRET_BYTES], char *err,
                      size_t errlen)
{
    unsigned char pk[SIGN_PUBLIC_BYTES], sk2[SIGN_SECRET_BYTES];
    size_t plen = strlen(SIGN_SECRET_PREFIX);
    int rc = -1;
    if (sign_sodium_ready(err, errlen))
        return -1;
    if (len < plen || memcmp(text, SIGN_SECRET_PREFIX, plen) != 0 ||
        sign_b64_exact(text + plen, len - plen, sk, SIGN_SECRET_BYTES) != 0) {
        wp_errf(err, errlen, "not a wijkpeil secret key (made by \"wijkpeil-qset keygen\")");
        goto done;
    }
    /* The second half is the public key: it must belong to the seed in the first half. */
    if (crypto_sign_seed_keypair(pk, sk2, sk) != 0 ||
        sodium_memcmp(sk2, sk, SIGN_SECRET_BYTES) != 0) {
        wp_errf(err, errlen, "the secret key is damaged (its halves do not match)");
        goto done;
    }
    rc = 0;
done:
    sodium_memzero(sk2, sizeof sk2);
    if (rc != 0)
        sodium_memzero(sk, SIGN_SECRET_BYTES);
    return rc;
}

int sign_parse_public_text(const char *text, unsigned char pk[SIGN_PUBLIC_BYTES], char *err,
                           size_t errlen)
{
    if (strncmp(text, SIGN_SECRET_PREFIX, strlen(SIGN_SECRET_PREFIX)) == 0) {
        wp_errf(err, errlen, "this is a secret key; give the .public file");
        return -1;
    }
    return sign_parse_public(text, pk, err, errlen);
}

int sign_keypair_text(char *public_line, size_t publen, char *secret_line, size_t seclen, char *err,
                      size_t errlen)
{
    unsigned char pk[SIGN_PUBLIC_BYTES], sk[SIGN_SECRET_BYTES];
    char b64[SIGN_SECRET_BYTES * 2];
    if (sign_sodium_ready(err, errlen))
        return -1;
    crypto_sign_keypair(pk, sk);
    sodium_bin2base64(b64, sizeof b64, sk, SIGN_SECRET_BYTES, sodium_base64_VARIANT_ORIGINAL);
    size_t n = (size_t)snprintf(secret_line, seclen, "%s%s\n", SIGN_SECRET_PREFIX, b64);
    sodium_memzero(sk, sizeof sk);
    sodium_memzero(b64, sizeof b64);
    sign_public_b64(pk, b64, sizeof b64);
    if (n >= seclen || (size_t)snprintf(public_line, publen, "%s\n", b64) >= publen) {
        sodium_memzero(secret_line, seclen);
        wp_errf(err, errlen, "key buffer too small");
        return -1;
    }
    return 0;
}

int sign_make(const void *data, size_t len, const unsigned char sk[SIGN_SECRET_BYTES], char *out,
              size_t outlen, char *err, size_t errlen)
{
    unsigned char sig[SIGN_SIG_BYTES];
    char sb64[SIGN_SIG_B64_LEN + 1], pb64[SIGN_PUBLIC_B64_LEN + 1];
    if (sign_sodium_ready(err, errlen))
        return -1;
    if (crypto_sign_detached(sig, NULL, data, len, sk) != 0) {
        wp_errf(err, errlen, "signing failed");
        return -1;
    }
    sodium_bin2base64(sb64, sizeof sb64, sig, sizeof sig, sodium_base64_VARIANT_ORIGINAL);
    sign_public_b64(sk + 32, pb64, sizeof pb64); /* libsodium: seed, then public key */
    if ((size_t)snprintf(out, outlen, "%s %s\n", sb64, pb64) >= outlen) {
        wp_errf(err, errlen, "signature buffer too small");
        return -1;
    }
    return 0;
}

int sign_parse_sig(const char *text, size_t len, sign_sig *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (sign_sodium_ready(err, errlen))
        return -1;
    size_t i = 0;
    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
        i++;
    size_t s0 = i;
    while (i < len && text[i] != ' ' && text[i] != '\t' && text[i] != '\r' && text[i] != '\n')
        i++;
    if (sign_b64_exact(text + s0, i - s0, out->sig, SIGN_SIG_BYTES) != 0) {
        wp_errf(err, errlen, "not a wijkpeil signature (made by \"wijkpeil-qset sign\")");
        return -1;
    }
    while (i < len && (text[i] == ' ' || text[i] == '\t'))
        i++;
    size_t k0 = i;
    while (i < len && text[i] != ' ' && text[i] != '\t' && text[i] != '\r' && text[i] != '\n')
        i++;
    if (i > k0) {
        if (sign_b64_exact(text + k0, i - k0, out->signer, SIGN_PUBLIC_BYTES) != 0) {
            wp_errf(err, errlen, "the signature names its signer in an unreadable way");
            return -1;
        }
        out->has_signer = true;
    }
    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
        i++;
    if (i != len) {
        wp_errf(err, errlen, "unexpected text after the signature");
        return -1;
    }
    return 0;
}

bool sign_check(const void *data, size_t len, const unsigned char sig[SIGN_SIG_BYTES],
                const unsigned char pk[SIGN_PUBLIC_BYTES])
{
    if (sodium_init() < 0)
        return false;
    return crypto_sign_verify_detached(sig, data, len, pk) == 0;
}

sign_verdict sign_classify(const void *data, size_t len, const sign_sig *sig,
                           const char (*trusted)[128], int n_trusted, int *which)
{
    unsigned char pk[SIGN_PUBLIC_BYTES];
    for (int i = 0; i < n_trusted; i++) {
        if (sign_parse_public(trusted[i], pk, NULL, 0) != 0)
            continue;
        if (sign_check(data, len, sig->sig, pk)) {
            if (which)
                *which = i;
            return SIGN_OK;
        }
    }
    if (which)
        *which = -1;
    /* No trusted key verifies. The hint decides how to word it: a signature that is valid for
     * the key it names was made by someone we do not trust; one that is not valid even for
     * its own signer no longer matches the bytes. */
    if (sig->has_signer && !sign_check(data, len, sig->sig, sig->signer))
        return SIGN_TAMPERED;
    return SIGN_UNKNOWN_KEY;
}

sign_verdict sign_verify_named(const void *data, size_t len, const char *sigtext, size_t siglen,
                               const char (*trusted)[128], int n_trusted, const char *name,
                               int *which, char *reason, size_t reasonlen)
{
    if (which)
        *which = -1;
    sign_sig sig;
    char msg[WP_ERR_LEN];
    if (sign_parse_sig(sigtext, siglen, &sig, msg, sizeof msg) != 0) {
        snprintf(reason, reasonlen, "%s.sig is damaged: %s", name, msg);
        return SIGN_TAMPERED;
    }
    if (n_trusted == 0) {
        snprintf(reason, reasonlen,
                 "%s is signed, but this kiosk trusts no signing key yet (trusted_key in its "
                 "config)",
                 name);
        return SIGN_UNKNOWN_KEY;
    }
    sign_verdict v = sign_classify(data, len, &sig, trusted, n_trusted, which);
    char id[SIGN_KEYID_LEN + 1] = "";
    if (sig.has_signer)
        sign_key_id(sig.signer, id, sizeof id);
    if (v == SIGN_OK)
        reason[0] = '\0';
    else if (v == SIGN_TAMPERED)
        snprintf(reason, reasonlen,
                 "%s was changed after it was signed (by key %s): the signature no longer "
                 "matches",
                 name, id);
    else if (sig.has_signer)
        snprintf(reason, reasonlen, "%s is signed by key %s, which this kiosk does not trust", name,
                 id);
    else
        snprintf(reason, reasonlen,
                 "%s: the signature matches none of the trusted keys (signed by an unknown key, "
                 "or changed after signing)",
                 name);
    return v;
}
