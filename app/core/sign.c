/* Ed25519 key files and detached question-set signatures on top of libsodium. */
#include "sign.h"
#include "fsio.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SIGN_PATH_MAX 4096

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

int sign_load_public(const char *path, unsigned char pk[SIGN_PUBLIC_BYTES], char *err,
                     size_t errlen)
{
    char *text = NULL;
    char msg[WP_ERR_LEN];
    int rc = -1;
    if (wp_read_file(path, SIGN_MAX_KEY_FILE, &text, NULL, err, errlen) != 0)
        goto done;
    if (strncmp(text, SIGN_SECRET_PREFIX, strlen(SIGN_SECRET_PREFIX)) == 0) {
        wp_errf(err, errlen, "%s: this is a secret key; give the .public file", path);
        goto done;
    }
    if (sign_parse_public(text, pk, msg, sizeof msg) != 0) {
        wp_errf(err, errlen, "%s: %s", path, msg);
        goto done;
    }
    rc = 0;
done:
    free(text);
    return rc;
}

int sign_load_secret(const char *path, unsigned char sk[SIGN_SECRET_BYTES], char *err,
                     size_t errlen)
{
    char *text = NULL;
    size_t len = 0;
    int rc = -1;
    unsigned char pk[SIGN_PUBLIC_BYTES], sk2[SIGN_SECRET_BYTES];
    size_t plen = strlen(SIGN_SECRET_PREFIX);
    if (sign_sodium_ready(err, errlen))
        return -1;
    if (wp_read_file(path, SIGN_MAX_KEY_FILE, &text, &len, err, errlen) != 0)
        goto done;
    if (len < plen || memcmp(text, SIGN_SECRET_PREFIX, plen) != 0 ||
        sign_b64_exact(text + plen, len - plen, sk, SIGN_SECRET_BYTES) != 0) {
        wp_errf(err, errlen, "%s: not a wijkpeil secret key (made by \"wijkpeil-qset keygen\")",
                path);
        goto done;
    }
    /* The second half is the public key: it must belong to the seed in the first half. */
    if (crypto_sign_seed_keypair(pk, sk2, sk) != 0 ||
        sodium_memcmp(sk2, sk, SIGN_SECRET_BYTES) != 0) {
        wp_errf(err, errlen, "%s: the secret key is damaged (its halves do not match)", path);
        goto done;
    }
    rc = 0;
done:
    sodium_memzero(sk2, sizeof sk2);
    if (text) {
        sodium_memzero(text, len);
        free(text);
    }
    if (rc != 0)
        sodium_memzero(sk, SIGN_SECRET_BYTES);
    return rc;
}

/* Writes all of buf to fd; returns 0 or -1 with errno set. */
static int write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, buf, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf += w;
        len -= (size_t)w;
    }
    return 0;
}

int sign_keygen(const char *name, char *err, size_t errlen)
{
    char spath[SIGN_PATH_MAX], ppath[SIGN_PATH_MAX];
    unsigned char pk[SIGN_PUBLIC_BYTES], sk[SIGN_SECRET_BYTES];
    char line[256], b64[SIGN_SECRET_BYTES * 2];
    int sfd = -1, pfd = -1, rc = -1;
    bool made_secret = false;
    if (sign_sodium_ready(err, errlen))
        return -1;
    if ((size_t)snprintf(spath, sizeof spath, "%s.secret", name) >= sizeof spath ||
        (size_t)snprintf(ppath, sizeof ppath, "%s.public", name) >= sizeof ppath) {
        wp_errf(err, errlen, "key name is too long");
        return -1;
    }
    crypto_sign_keypair(pk, sk);
    /* O_EXCL: an existing key (perhaps the one every kiosk trusts) is never overwritten. */
    sfd = open(spath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (sfd < 0) {
        wp_errf(err, errlen, "%s: %s", spath,
                errno == EEXIST ? "exists already; a key is never overwritten (choose another "
                                  "name or remove it yourself)"
                                : strerror(errno));
        goto done;
    }
    made_secret = true;
    pfd = open(ppath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (pfd < 0) {
        wp_errf(err, errlen, "%s: %s", ppath,
                errno == EEXIST ? "exists already; a key is never overwritten" : strerror(errno));
        goto done;
    }
    if (fchmod(sfd, 0600) != 0) { /* whatever the umask did */
        wp_errf(err, errlen, "%s: %s", spath, strerror(errno));
        goto done;
    }
    sodium_bin2base64(b64, sizeof b64, sk, SIGN_SECRET_BYTES, sodium_base64_VARIANT_ORIGINAL);
    snprintf(line, sizeof line, "%s%s\n", SIGN_SECRET_PREFIX, b64);
    if (write_all(sfd, line, strlen(line)) != 0 || fsync(sfd) != 0) {
        wp_errf(err, errlen, "%s: %s", spath, strerror(errno));
        goto done;
    }
    sign_public_b64(pk, b64, sizeof b64);
    snprintf(line, sizeof line, "%s\n", b64);
    if (write_all(pfd, line, strlen(line)) != 0 || fsync(pfd) != 0) {
        wp_errf(err, errlen, "%s: %s", ppath, strerror(errno));
        goto done;
    }
    rc = 0;
done:
    sodium_memzero(sk, sizeof sk);
    sodium_memzero(line, sizeof line);
    sodium_memzero(b64, sizeof b64);
    if (sfd >= 0)
        close(sfd);
    if (pfd >= 0)
        close(pfd);
    if (rc != 0 && made_secret) {
        unlink(spath);
        if (pfd >= 0)
            unlink(ppath);
    }
    return rc;
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

int sign_file(const char *path, const char *secret_path, char *err, size_t errlen)
{
    unsigned char sk[SIGN_SECRET_BYTES];
    char *data = NULL;
    size_t len = 0;
    char sigtext[256], sigpath[SIGN_PATH_MAX];
    int rc = -1;
    if (sign_load_secret(secret_path, sk, err, errlen) != 0)
        return -1;
    if ((size_t)snprintf(sigpath, sizeof sigpath, "%s.sig", path) >= sizeof sigpath) {
        wp_errf(err, errlen, "%s: path too long", path);
        goto done;
    }
    if (wp_read_file(path, SIGN_MAX_DATA_BYTES, &data, &len, err, errlen) != 0)
        goto done;
    if (sign_make(data, len, sk, sigtext, sizeof sigtext, err, errlen) != 0)
        goto done;
    if (fsio_write_file(NULL, FSIO_DISK, sigpath, sigtext, strlen(sigtext), 0644, err, errlen) != 0)
        goto done;
    rc = 0;
done:
    sodium_memzero(sk, sizeof sk);
    free(data);
    return rc;
}

int sign_verify_file(const char *path, const char *public_path, char *err, size_t errlen)
{
    unsigned char pk[SIGN_PUBLIC_BYTES];
    char *data = NULL, *sigtext = NULL;
    size_t len = 0, siglen = 0;
    char sigpath[SIGN_PATH_MAX], msg[WP_ERR_LEN];
    sign_sig sig;
    int rc = -1;
    if (sign_load_public(public_path, pk, err, errlen) != 0)
        goto done;
    if ((size_t)snprintf(sigpath, sizeof sigpath, "%s.sig", path) >= sizeof sigpath) {
        wp_errf(err, errlen, "%s: path too long", path);
        goto done;
    }
    if (wp_read_file(path, SIGN_MAX_DATA_BYTES, &data, &len, err, errlen) != 0)
        goto done;
    if (access(sigpath, F_OK) != 0 && errno == ENOENT) {
        wp_errf(err, errlen, "%s: not signed (no %s)", path, sigpath);
        rc = 1;
        goto done;
    }
    if (wp_read_file(sigpath, SIGN_MAX_SIG_FILE, &sigtext, &siglen, err, errlen) != 0)
        goto done;
    if (sign_parse_sig(sigtext, siglen, &sig, msg, sizeof msg) != 0) {
        wp_errf(err, errlen, "%s: %s", sigpath, msg);
        rc = 1;
        goto done;
    }
    if (sign_check(data, len, sig.sig, pk)) {
        rc = 0;
        goto done;
    }
    rc = 1;
    if (sig.has_signer && sodium_memcmp(sig.signer, pk, SIGN_PUBLIC_BYTES) != 0 &&
        sign_check(data, len, sig.sig, sig.signer)) {
        char id[SIGN_KEYID_LEN + 1];
        sign_key_id(sig.signer, id, sizeof id);
        wp_errf(err, errlen, "%s: signed by another key (%s), not by %s", path, id, public_path);
    } else {
        wp_errf(err, errlen, "%s: the signature does not match: the file changed after signing%s",
                path, sig.has_signer ? "" : ", or it was signed by another key");
    }
done:
    free(data);
    free(sigtext);
    return rc;
}
