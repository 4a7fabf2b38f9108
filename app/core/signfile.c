/* Key files and .sig files for sign.c, which works on bytes only: read here with wp_read_file,
 * written through fsio (a .sig atomically) or created exclusively (keys). */
#include "signfile.h"
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

#define SIGNFILE_PATH_MAX 4096

int signfile_load_public(const char *path, unsigned char pk[SIGN_PUBLIC_BYTES], char *err,
                         size_t errlen)
{
    char *text = NULL;
    char msg[WP_ERR_LEN];
    int rc = -1;
    if (wp_read_file(path, SIGN_MAX_KEY_FILE, &text, NULL, err, errlen) != 0)
        goto done;
    if (sign_parse_public_text(text, pk, msg, sizeof msg) != 0) {
        wp_errf(err, errlen, "%s: %s", path, msg);
        goto done;
    }
    rc = 0;
done:
    free(text);
    return rc;
}

int signfile_load_secret(const char *path, unsigned char sk[SIGN_SECRET_BYTES], char *err,
                         size_t errlen)
{
    char *text = NULL;
    size_t len = 0;
    char msg[WP_ERR_LEN];
    if (wp_read_file(path, SIGN_MAX_KEY_FILE, &text, &len, err, errlen) != 0)
        return -1;
    int rc = sign_parse_secret(text, len, sk, msg, sizeof msg);
    if (rc != 0)
        wp_errf(err, errlen, "%s: %s", path, msg);
    sodium_memzero(text, len);
    free(text);
    return rc;
}

int signfile_keygen(const char *name, char *err, size_t errlen)
{
    char spath[SIGNFILE_PATH_MAX], ppath[SIGNFILE_PATH_MAX];
    char pub[128], sec[256];
    if ((size_t)snprintf(spath, sizeof spath, "%s.secret", name) >= sizeof spath ||
        (size_t)snprintf(ppath, sizeof ppath, "%s.public", name) >= sizeof ppath) {
        wp_errf(err, errlen, "key name is too long");
        return -1;
    }
    if (sign_keypair_text(pub, sizeof pub, sec, sizeof sec, err, errlen) != 0)
        return -1;
    /* fsio_create_file: an existing key (perhaps the one every kiosk trusts) is never overwritten.
     */
    int rc = fsio_create_file(NULL, FSIO_DISK, spath, sec, strlen(sec), 0600, err, errlen);
    sodium_memzero(sec, sizeof sec);
    if (rc == 0 &&
        (rc = fsio_create_file(NULL, FSIO_DISK, ppath, pub, strlen(pub), 0644, err, errlen)) != 0)
        unlink(spath);
    return rc;
}

int signfile_sign(const char *path, const char *secret_path, char *err, size_t errlen)
{
    unsigned char sk[SIGN_SECRET_BYTES];
    char *data = NULL;
    size_t len = 0;
    char sigtext[256], sigpath[SIGNFILE_PATH_MAX];
    int rc = -1;
    if (signfile_load_secret(secret_path, sk, err, errlen) != 0)
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

int signfile_verify(const char *path, const char *public_path, char *err, size_t errlen)
{
    unsigned char pk[SIGN_PUBLIC_BYTES];
    char *data = NULL, *sigtext = NULL;
    size_t len = 0, siglen = 0;
    char sigpath[SIGNFILE_PATH_MAX], msg[WP_ERR_LEN];
    sign_sig sig;
    int rc = -1;
    if (signfile_load_public(public_path, pk, err, errlen) != 0)
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
