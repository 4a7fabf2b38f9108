/* Question-set signatures: key files, sign/verify of exact bytes, and how a bad signature is
 * worded (tampered, wrong key, missing). */
#include "sign.h"
#include "signfile.h"
#include "testlib.h"
#include "util.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs(text, f);
    fclose(f);
}

static char *read_text(const char *path)
{
    char *out = NULL;
    if (wp_read_file(path, 1 << 20, &out, NULL, NULL, 0) != 0)
        return NULL;
    return out;
}

static const char set_text[] = "{\"format\": \"wijkpeil/1\", \"id\": \"s\", \"version\": 1}\n";

static void test_keygen_files(void)
{
    char *dir = test_tmpdir("sign");
    char *name = path_in(dir, "staff");
    char *sec = path_in(dir, "staff.secret"), *pub = path_in(dir, "staff.public");
    char err[WP_ERR_LEN] = "";
    mode_t old = umask(0); /* even with a careless umask the secret is 0600 */
    CHECKF(signfile_keygen(name, err, sizeof err) == 0, "keygen: %s", err);
    umask(old);
    struct stat st;
    CHECK(stat(sec, &st) == 0 && (st.st_mode & 0777) == 0600);
    char *p = read_text(pub);
    CHECK(p && strlen(p) == SIGN_PUBLIC_B64_LEN + 1 && p[SIGN_PUBLIC_B64_LEN] == '\n');
    unsigned char pk[SIGN_PUBLIC_BYTES], sk[SIGN_SECRET_BYTES];
    CHECK(signfile_load_public(pub, pk, err, sizeof err) == 0);
    CHECK(signfile_load_secret(sec, sk, err, sizeof err) == 0);
    CHECK(memcmp(sk + 32, pk, 32) == 0);
    /* The public key text is what goes into the kiosk config. */
    unsigned char pk2[SIGN_PUBLIC_BYTES];
    CHECK(p && sign_parse_public(p, pk2, err, sizeof err) == 0 && memcmp(pk, pk2, 32) == 0);
    /* A secret key is not accepted where a public one is expected. */
    CHECK(signfile_load_public(sec, pk2, err, sizeof err) != 0 && strstr(err, "secret"));

    /* Never overwrite: the second keygen fails and both files are unchanged. */
    char *s1 = read_text(sec);
    err[0] = '\0';
    CHECK(signfile_keygen(name, err, sizeof err) != 0);
    CHECKF(strstr(err, "exists already") != NULL, "message: %s", err);
    char *s2 = read_text(sec), *p2 = read_text(pub);
    CHECK(s1 && s2 && !strcmp(s1, s2));
    CHECK(p && p2 && !strcmp(p, p2));

    /* Only the .public exists: refused, and no stray .secret is left behind. */
    char *name2 = path_in(dir, "other");
    char *pub2 = path_in(dir, "other.public"), *sec2 = path_in(dir, "other.secret");
    write_text(pub2, "x\n");
    CHECK(signfile_keygen(name2, err, sizeof err) != 0);
    CHECK(access(sec2, F_OK) != 0);

    /* A damaged secret key is refused. */
    write_text(sec2, "wijkpeil-ed25519-secret AAAA\n");
    CHECK(signfile_load_secret(sec2, sk, err, sizeof err) != 0);
    free(s1), free(s2), free(p), free(p2), free(name2), free(pub2), free(sec2);
    free(dir), free(name), free(sec), free(pub);
}

static void test_sign_verify_file(void)
{
    char *dir = test_tmpdir("sign");
    char *k1 = path_in(dir, "k1"), *k2 = path_in(dir, "k2");
    char *k1s = path_in(dir, "k1.secret"), *k1p = path_in(dir, "k1.public");
    char *k2p = path_in(dir, "k2.public");
    char *set = path_in(dir, "set.json"), *sig = path_in(dir, "set.json.sig");
    char err[WP_ERR_LEN] = "";
    CHECK(signfile_keygen(k1, err, sizeof err) == 0);
    CHECK(signfile_keygen(k2, err, sizeof err) == 0);
    write_text(set, set_text);
    CHECKF(signfile_sign(set, k1s, err, sizeof err) == 0, "sign: %s", err);
    CHECKF(signfile_verify(set, k1p, err, sizeof err) == 0, "verify: %s", err);
    /* Signed with k1, checked against k2: another key. */
    err[0] = '\0';
    CHECK(signfile_verify(set, k2p, err, sizeof err) == 1);
    CHECKF(strstr(err, "another key") != NULL, "message: %s", err);
    /* One changed byte: tampered. */
    char changed[sizeof set_text];
    memcpy(changed, set_text, sizeof set_text);
    changed[strlen(changed) - 3] = '2';
    write_text(set, changed);
    err[0] = '\0';
    CHECK(signfile_verify(set, k1p, err, sizeof err) == 1);
    CHECKF(strstr(err, "changed after signing") != NULL, "message: %s", err);
    /* Back to the signed bytes: valid again. */
    write_text(set, set_text);
    CHECK(signfile_verify(set, k1p, err, sizeof err) == 0);
    /* No signature. */
    unlink(sig);
    err[0] = '\0';
    CHECK(signfile_verify(set, k1p, err, sizeof err) == 1);
    CHECKF(strstr(err, "not signed") != NULL, "message: %s", err);
    /* A signature file that is not one. */
    write_text(sig, "hello\n");
    CHECK(signfile_verify(set, k1p, err, sizeof err) == 1);
    free(k1), free(k2), free(k1s), free(k1p), free(k2p), free(set), free(sig), free(dir);
}

static void test_classify(void)
{
    char *dir = test_tmpdir("sign");
    char *k1 = path_in(dir, "k1"), *k2 = path_in(dir, "k2");
    char *k1s = path_in(dir, "k1.secret"), *k2s = path_in(dir, "k2.secret");
    char *k1p = path_in(dir, "k1.public"), *k2p = path_in(dir, "k2.public");
    char err[WP_ERR_LEN] = "";
    unsigned char sk1[64], sk2[64], pk1[32], pk2[32];
    CHECK(signfile_keygen(k1, err, sizeof err) == 0 && signfile_keygen(k2, err, sizeof err) == 0);
    CHECK(signfile_load_secret(k1s, sk1, err, sizeof err) == 0);
    CHECK(signfile_load_secret(k2s, sk2, err, sizeof err) == 0);
    CHECK(signfile_load_public(k1p, pk1, err, sizeof err) == 0);
    CHECK(signfile_load_public(k2p, pk2, err, sizeof err) == 0);
    char trusted[2][128];
    sign_public_b64(pk1, trusted[0], sizeof trusted[0]);
    sign_public_b64(pk2, trusted[1], sizeof trusted[1]);

    const char *data = set_text;
    size_t len = strlen(data);
    char text[256];
    sign_sig sig;
    int which = -2;
    CHECK(sign_make(data, len, sk2, text, sizeof text, err, sizeof err) == 0);
    CHECK(sign_parse_sig(text, strlen(text), &sig, err, sizeof err) == 0 && sig.has_signer);
    /* Trusted k1 and k2: OK, and it says which one. */
    CHECK(sign_classify(data, len, &sig, (const char(*)[128])trusted, 2, &which) == SIGN_OK);
    CHECK(which == 1);
    /* Only k1 trusted: unknown key (the signature is good for the key it names). */
    CHECK(sign_classify(data, len, &sig, (const char(*)[128])trusted, 1, &which) ==
          SIGN_UNKNOWN_KEY);
    CHECK(which == -1);
    /* Changed bytes: tampered, whoever is trusted. */
    CHECK(sign_classify(data, len - 1, &sig, (const char(*)[128])trusted, 2, NULL) ==
          SIGN_TAMPERED);
    CHECK(sign_classify(data, len - 1, &sig, (const char(*)[128])trusted, 1, NULL) ==
          SIGN_TAMPERED);
    /* A signer hint cannot make a bad signature pass: claim k1 on k2's signature. */
    memcpy(sig.signer, pk1, 32);
    CHECK(sign_classify(data, len, &sig, (const char(*)[128])trusted, 1, NULL) == SIGN_TAMPERED);
    /* A bare signature without the hint still verifies. */
    char bare[100];
    snprintf(bare, sizeof bare, "%.88s\n", text);
    CHECK(sign_parse_sig(bare, strlen(bare), &sig, err, sizeof err) == 0 && !sig.has_signer);
    CHECK(sign_classify(data, len, &sig, (const char(*)[128])trusted, 2, NULL) == SIGN_OK);
    CHECK(sign_classify(data, len, &sig, (const char(*)[128])trusted, 1, NULL) == SIGN_UNKNOWN_KEY);
    /* Garbage after the signature is refused. */
    CHECK(sign_parse_sig("abc def ghi", 11, &sig, err, sizeof err) != 0);
    char key_id[16];
    sign_key_id(pk1, key_id, sizeof key_id);
    CHECK(strlen(key_id) == SIGN_KEYID_LEN && !strncmp(key_id, trusted[0], SIGN_KEYID_LEN));
    free(k1), free(k2), free(k1s), free(k2s), free(k1p), free(k2p), free(dir);
}

/* sign.c on bytes alone: a key pair's file texts parse back, a secret key's text is refused
 * as a public key, and a secret whose halves do not belong together is called damaged. */
static void test_bytes_only(void)
{
    char pub[128], sec[256], err[WP_ERR_LEN] = "";
    unsigned char pk[SIGN_PUBLIC_BYTES], sk[SIGN_SECRET_BYTES];
    CHECKF(sign_keypair_text(pub, sizeof pub, sec, sizeof sec, err, sizeof err) == 0, "%s", err);
    CHECK(strlen(pub) == SIGN_PUBLIC_B64_LEN + 1 && pub[SIGN_PUBLIC_B64_LEN] == '\n');
    CHECK(strncmp(sec, SIGN_SECRET_PREFIX, strlen(SIGN_SECRET_PREFIX)) == 0);
    CHECKF(sign_parse_public_text(pub, pk, err, sizeof err) == 0, "%s", err);
    CHECKF(sign_parse_secret(sec, strlen(sec), sk, err, sizeof err) == 0, "%s", err);
    CHECK(memcmp(sk + 32, pk, SIGN_PUBLIC_BYTES) == 0); /* seed, then the public key */
    char line[256];
    CHECK(sign_make("abc", 3, sk, line, sizeof line, err, sizeof err) == 0);
    sign_sig sig;
    CHECK(sign_parse_sig(line, strlen(line), &sig, err, sizeof err) == 0);
    CHECK(sign_check("abc", 3, sig.sig, pk) && !sign_check("abd", 3, sig.sig, pk));
    CHECK(sign_parse_public_text(sec, pk, err, sizeof err) == -1);
    CHECKF(strstr(err, "this is a secret key") != NULL, "%s", err);
    CHECK(sign_parse_secret(pub, strlen(pub), sk, err, sizeof err) == -1);
    CHECKF(strstr(err, "not a wijkpeil secret key") != NULL, "%s", err);
    /* Another pair's public half after this seed: damaged. */
    char pub2[128], sec2[256];
    CHECK(sign_keypair_text(pub2, sizeof pub2, sec2, sizeof sec2, err, sizeof err) == 0);
    size_t plen = strlen(SIGN_SECRET_PREFIX);
    unsigned char sk2[SIGN_SECRET_BYTES], mixed[SIGN_SECRET_BYTES];
    CHECK(sign_parse_secret(sec2, strlen(sec2), sk2, err, sizeof err) == 0);
    memcpy(mixed, sk, 32);
    memcpy(mixed + 32, sk2 + 32, 32);
    char b64[128];
    sodium_bin2base64(b64, sizeof b64, mixed, sizeof mixed, sodium_base64_VARIANT_ORIGINAL);
    snprintf(sec2 + plen, sizeof sec2 - plen, "%s\n", b64);
    CHECK(sign_parse_secret(sec2, strlen(sec2), sk2, err, sizeof err) == -1);
    CHECKF(strstr(err, "damaged") != NULL, "%s", err);
}

int main(void)
{
    RUN(test_keygen_files);
    RUN(test_sign_verify_file);
    RUN(test_classify);
    RUN(test_bytes_only);
    return test_main();
}
