/* Signature and key files: every input is read as a .sig file (and, when it parses, checked
 * against a trusted key), as the base64 text of a trusted_key, and as NAME.public and
 * NAME.secret files. None of them may crash; a .sig that parses must give a verdict. */
#include "fuzzlib.h"
#include "sign.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>

/* The public key of corpus/sign/seed.public (a throwaway key made for these seeds), trusted
 * here, and one that nobody holds. */
static const char trusted[2][128] = {"ktWXrbTyaZK3LryBeNO8RrGMsky9UWgYe81s1/bvJLw=",
                                     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="};

/* The set corpus/sign/wijk-staff-v1.json.sig signs, read once. */
static const char *signed_set(size_t *len)
{
    static char *data;
    static size_t n;
    char err[512];
    if (!data && wp_read_file(WIJKPEIL_SOURCE_DIR "/tests/staff_ui/wijk-staff-v1.json", 1 << 20,
                              &data, &n, err, sizeof err) != 0) {
        fprintf(stderr, "fuzz: %s\n", err);
        abort();
    }
    *len = n;
    return data;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512];
    sign_sig sig;
    if (sign_parse_sig((const char *)data, size, &sig, err, sizeof err) == 0) {
        int which = -1;
        size_t len;
        const char *set = signed_set(&len);
        sign_verdict v = sign_classify(set, len, &sig, trusted, 2, &which);
        if (v == SIGN_OK && (which < 0 || which > 1))
            abort();
        if (v != SIGN_OK && v != SIGN_UNKNOWN_KEY && v != SIGN_TAMPERED)
            abort();
    }
    char *text = fz_strndup(data, size);
    unsigned char pk[SIGN_PUBLIC_BYTES], sk[SIGN_SECRET_BYTES];
    if (sign_parse_public_text(text, pk, err, sizeof err) == 0) {
        char b64[SIGN_PUBLIC_B64_LEN + 1], id[SIGN_KEYID_LEN + 1];
        sign_public_b64(pk, b64, sizeof b64);
        sign_key_id(pk, id, sizeof id);
    }
    free(text);
    (void)sign_parse_secret((const char *)data, size, sk, err, sizeof err);
    return 0;
}
