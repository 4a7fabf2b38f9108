/* Sealed answers on top of libsodium's crypto_box_seal; key files like sign.c's. */
#include "seal.h"
#include "fsio.h"
#include "sign.h"

#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SEAL_PATH_MAX 4096

int seal_parse_public(const char *b64, unsigned char pk[SEAL_PUBLIC_BYTES], char *err,
                      size_t errlen)
{
    if (sign_sodium_ready(err, errlen))
        return -1;
    if (strncmp(b64, SEAL_SECRET_PREFIX, strlen(SEAL_SECRET_PREFIX)) == 0) {
        wp_errf(err, errlen,
                "this is a secret key: give the NAME.seal.public text; the secret "
                "key never goes on a kiosk");
        return -1;
    }
    if (sign_b64_exact(b64, strlen(b64), pk, SEAL_PUBLIC_BYTES) != 0) {
        wp_errf(
            err, errlen,
            "not a sealing public key (expected the %d characters of base64 of NAME.seal.public "
            "from \"wijkpeil-qset keygen --seal\")",
            SEAL_PUBLIC_B64_LEN);
        return -1;
    }
    return 0;
}

int seal_keygen(const char *name, char *err, size_t errlen)
{
    char spath[SEAL_PATH_MAX], ppath[SEAL_PATH_MAX];
    unsigned char pk[SEAL_PUBLIC_BYTES], sk[SEAL_SECRET_BYTES];
    char b64[SEAL_SECRET_BYTES * 2], line[256];
    if (sign_sodium_ready(err, errlen))
        return -1;
    if ((size_t)snprintf(spath, sizeof spath, "%s.seal.secret", name) >= sizeof spath ||
        (size_t)snprintf(ppath, sizeof ppath, "%s.seal.public", name) >= sizeof ppath) {
        wp_errf(err, errlen, "key name is too long");
        return -1;
    }
    struct stat sb;
    if (lstat(ppath, &sb) == 0) { /* checked first so that no secret is left without its half */
        wp_errf(
            err, errlen,
            "%s exists already and is never replaced (choose another name or remove it yourself)",
            ppath);
        return -1;
    }
    crypto_box_keypair(pk, sk);
    sodium_bin2base64(b64, sizeof b64, sk, sizeof sk, sodium_base64_VARIANT_ORIGINAL);
    snprintf(line, sizeof line, "%s%s\n", SEAL_SECRET_PREFIX, b64);
    int rc = fsio_create_file(NULL, FSIO_DISK, spath, line, strlen(line), 0600, err, errlen);
    if (rc == 0) {
        sodium_bin2base64(b64, sizeof b64, pk, sizeof pk, sodium_base64_VARIANT_ORIGINAL);
        snprintf(line, sizeof line, "%s\n", b64);
        rc = fsio_create_file(NULL, FSIO_DISK, ppath, line, strlen(line), 0644, err, errlen);
        if (rc != 0)
            unlink(spath);
    }
    sodium_memzero(sk, sizeof sk);
    sodium_memzero(b64, sizeof b64);
    sodium_memzero(line, sizeof line);
    return rc;
}

int seal_load_secret(const char *path, seal_keypair *out, char *err, size_t errlen)
{
    char text[SEAL_MAX_KEY_FILE + 1];
    size_t plen = strlen(SEAL_SECRET_PREFIX);
    int rc = -1;
    ssize_t n = 0;
    memset(out, 0, sizeof *out);
    if (sign_sodium_ready(err, errlen))
        return -1;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        wp_errf(err, errlen, "%s: %s", path, strerror(errno));
        goto done;
    }
    if (!S_ISREG(sb.st_mode)) {
        wp_errf(err, errlen, "%s: not a plain file", path);
        goto done;
    }
    if ((sb.st_mode & 077) != 0) {
        wp_errf(err, errlen,
                "%s: the secret key may be read by others (mode %03o); it must be mode 0600: "
                "chmod 600 %s",
                path, (unsigned)(sb.st_mode & 0777), path);
        goto done;
    }
    size_t len = 0;
    while (len < sizeof text - 1 && (n = read(fd, text + len, sizeof text - 1 - len)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            wp_errf(err, errlen, "%s: %s", path, strerror(errno));
            goto done;
        }
        len += (size_t)n;
    }
    text[len] = '\0';
    if (len < plen || memcmp(text, SEAL_SECRET_PREFIX, plen) != 0 ||
        sign_b64_exact(text + plen, len - plen, out->sk, SEAL_SECRET_BYTES) != 0) {
        wp_errf(err, errlen,
                "%s: not a sealing secret key (NAME.seal.secret from \"wijkpeil-qset keygen "
                "--seal\")",
                path);
        goto done;
    }
    crypto_scalarmult_base(out->pk, out->sk);
    rc = 0;
done:
    if (fd >= 0)
        close(fd);
    sodium_memzero(text, sizeof text);
    if (rc != 0)
        seal_forget(out);
    return rc;
}

void seal_forget(seal_keypair *kp)
{
    sodium_memzero(kp, sizeof *kp);
}

char *seal_text(const unsigned char pk[SEAL_PUBLIC_BYTES], const char *text, size_t len, char *err,
                size_t errlen)
{
    if (sign_sodium_ready(err, errlen))
        return NULL;
    size_t clen = len + crypto_box_SEALBYTES;
    size_t blen = sodium_base64_ENCODED_LEN(clen, sodium_base64_VARIANT_ORIGINAL);
    unsigned char *c = malloc(clen);
    char *b = malloc(blen);
    if (!c || !b || crypto_box_seal(c, (const unsigned char *)text, len, pk) != 0) {
        wp_errf(err, errlen, "cannot seal the answers (%s)", c && b ? "bad key" : "out of memory");
        free(c);
        free(b);
        return NULL;
    }
    sodium_bin2base64(b, blen, c, clen, sodium_base64_VARIANT_ORIGINAL);
    free(c);
    return b;
}

int seal_open(const seal_keypair *kp, const char *sealed_b64, char **out, char *err, size_t errlen)
{
    *out = NULL;
    if (sign_sodium_ready(err, errlen))
        return -2;
    size_t blen = strlen(sealed_b64);
    size_t cmax = blen / 4 * 3 + 3;
    unsigned char *c = malloc(cmax);
    if (!c) {
        wp_errf(err, errlen, "out of memory");
        return -2;
    }
    size_t clen = 0;
    const char *end = NULL;
    if (sodium_base642bin(c, cmax, sealed_b64, blen, NULL, &clen, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != sealed_b64 + blen || clen < crypto_box_SEALBYTES) {
        free(c);
        wp_errf(err, errlen, "\"sealed\" is not sealed text (base64 of crypto_box_seal)");
        return -2;
    }
    size_t mlen = clen - crypto_box_SEALBYTES;
    char *m = malloc(mlen + 1);
    if (!m) {
        free(c);
        wp_errf(err, errlen, "out of memory");
        return -2;
    }
    if (crypto_box_seal_open((unsigned char *)m, c, clen, kp->pk, kp->sk) != 0) {
        free(c);
        free(m);
        wp_errf(err, errlen,
                "the sealed answers do not open with this secret key (sealed to another key: "
                "the wrong key file? or damaged)");
        return -1;
    }
    free(c);
    m[mlen] = '\0';
    if (strlen(m) != mlen) { /* answers are JSON text: no NUL inside */
        free(m);
        wp_errf(err, errlen, "the sealed answers hold a NUL byte");
        return -2;
    }
    *out = m;
    return 0;
}
