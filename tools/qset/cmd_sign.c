/* wijkpeil-qset sign: a detached Ed25519 signature (SET.json.sig) of a valid question set, after
 * listing the files beside it that the set uses (clips, per-set icons) with their SHA-256 in its
 * "files", so that the signature covers them too. A FILE.conf is the centre's settings document
 * (config_load_remote): checked as a kiosk checks it, then signed as it is. */
#include "config.h"
#include "qset.h"
#include "qset_cmds.h"
#include "sign.h"
#include "signfile.h"
#include "fsio.h"
#include "stick.h"
#include "util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
    char path[QSET_MAX_FILE_PATH + 1];
    char sha256[QSET_SHA256_HEX_LEN + 1];
} sign_entry;

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const sign_entry *)a)->path, ((const sign_entry *)b)->path);
}

/* Adds rel with its SHA-256 to e (unless there already); prints why when it cannot be read. */
static int add_entry(const char *set, const char *dir, const char *rel, sign_entry *e, int *n)
{
    char err[WP_ERR_LEN];
    for (int i = 0; i < *n; i++)
        if (!strcmp(e[i].path, rel))
            return 0;
    if (*n >= QSET_MAX_FILES) {
        fprintf(stderr, "%s: too many files (at most %d)\n", set, QSET_MAX_FILES);
        return -1;
    }
    wp_strlcpy(e[*n].path, rel, sizeof e[*n].path);
    if (stick_file_sha256(dir, rel, e[*n].sha256, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", set, err);
        return -1;
    }
    (*n)++;
    return 0;
}

/* Lists the files the set uses (every clip it names, and icons/NAME.png beside it for the icons
 * of its options) with their SHA-256 in its "files", rewriting the set (indented as from-csv
 * writes it) when the list changed; *data then holds the new bytes. A set that uses no files
 * stays as it is. Returns 0, or -1 after printing each file that is missing or unreadable.
 * A set the validator refuses is left to the validator's messages (returns 0). */
static int fill_files(const char *set, const char *dir, const uistr *strings, char **data,
                      size_t *len)
{
    bool bom = *len >= 3 && !memcmp(*data, "\xEF\xBB\xBF", 3);
    json_error_t je;
    json_t *root =
        json_loadb(*data + (bom ? 3 : 0), *len - (bom ? 3 : 0), JSON_REJECT_DUPLICATES, &je);
    json_t *had = NULL, *files = NULL;
    char *bare = NULL, *text = NULL;
    qset *qs = NULL;
    qset_diag *diag = calloc(1, sizeof *diag);
    sign_entry *e = calloc(QSET_MAX_FILES, sizeof *e);
    int rc = -1, n = 0, bad = 0;
    if (!root || !json_is_object(root) || !diag || !e) {
        rc = root && json_is_object(root) ? -1 : 0;
        goto done;
    }
    /* The set without its old list names the clips it uses, and fails on a missing one. */
    had = json_incref(json_object_get(root, "files"));
    json_object_del(root, "files");
    bare = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (!bare)
        goto done;
    if (qset_load_buffer(bare, strlen(bare), set, dir, strings, &qs, diag) != 0) {
        for (int i = 0; i < diag->n; i++)
            fprintf(stderr, "%s\n", diag->msg[i]);
        fprintf(stderr, "wijkpeil-qset sign: %s cannot list its files: not signed\n", set);
        goto done;
    }
    for (int i = 0; i < qset_n_files(qs); i++)
        bad += add_entry(set, dir, qset_file_at(qs, i)->path, e, &n) != 0;
    for (int qi = 0; qi < qset_n_questions(qs); qi++) {
        const qset_question *q = qset_question_at(qs, qi);
        for (int oi = 0; oi < q->n_options; oi++) {
            char rel[QSET_MAX_FILE_PATH + 1], full[2048];
            struct stat st;
            if (!q->options[oi].icon)
                continue;
            snprintf(rel, sizeof rel, "icons/%s.png", q->options[oi].icon);
            snprintf(full, sizeof full, "%s/%s", dir, rel);
            if (lstat(full, &st) == 0) /* else the kiosk's own icon of that name is drawn */
                bad += add_entry(set, dir, rel, e, &n) != 0;
        }
    }
    if (bad) {
        fprintf(stderr, "wijkpeil-qset sign: %s: %d file%s cannot be listed: not signed\n", set,
                bad, bad == 1 ? "" : "s");
        goto done;
    }
    qsort(e, (size_t)n, sizeof *e, cmp_entry);
    files = json_object();
    for (int i = 0; files && i < n; i++)
        if (json_object_set_new(files, e[i].path, json_string(e[i].sha256)) != 0)
            goto done;
    if (!files)
        goto done;
    if (had ? json_equal(had, files) : n == 0) {
        rc = 0; /* already right: the bytes stay as they are */
        goto done;
    }
    if (n > 0 && json_object_set(root, "files", files) != 0)
        goto done;
    text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    size_t tl = text ? strlen(text) : 0;
    char *nl = text ? realloc(text, tl + 2) : NULL;
    if (!nl)
        goto done;
    text = nl;
    memcpy(text + tl, "\n", 2);
    char err[WP_ERR_LEN];
    if (fsio_write_file(NULL, FSIO_DISK, set, text, tl + 1, 0644, err, sizeof err) != 0) {
        fprintf(stderr, "wijkpeil-qset sign: %s\n", err);
        goto done;
    }
    printf("%s: \"files\" now lists %d file%s with %s SHA-256\n", set, n, n == 1 ? "" : "s",
           n == 1 ? "its" : "their");
    free(*data);
    *data = text;
    *len = tl + 1;
    text = NULL;
    rc = 0;
done:
    if (rc != 0 && !bad && !(diag && diag->n))
        fprintf(stderr, "wijkpeil-qset sign: %s: out of memory\n", set);
    json_decref(root);
    json_decref(had);
    json_decref(files);
    free(bare);
    free(text);
    qset_free(qs);
    free(diag);
    free(e);
    return rc;
}

/* Signs exactly data (the file at path) and writes path.sig. 0 or 1. */
static int write_sig(const char *path, const char *data, size_t len,
                     const unsigned char sk[SIGN_SECRET_BYTES])
{
    char err[WP_ERR_LEN], sigpath[1100], sigtext[256], id[SIGN_KEYID_LEN + 1];
    if (sign_make(data, len, sk, sigtext, sizeof sigtext, err, sizeof err) != 0 ||
        (size_t)snprintf(sigpath, sizeof sigpath, "%s.sig", path) >= sizeof sigpath ||
        fsio_write_file(NULL, FSIO_DISK, sigpath, sigtext, strlen(sigtext), 0644, err,
                        sizeof err) != 0) {
        fprintf(stderr, "wijkpeil-qset sign: %s\n", err);
        return 1;
    }
    sign_key_id(sk + 32, id, sizeof id);
    printf("wrote %s (key %s)\n", sigpath, id);
    return 0;
}

/* A settings document: refused unless a kiosk would take every line of it. 0 or 1. */
static int sign_settings(const char *path, const char *data, size_t len,
                         const unsigned char sk[SIGN_SECRET_BYTES])
{
    char err[WP_ERR_LEN];
    if (config_check_remote(data, len, path, err, sizeof err) != 0) {
        fprintf(stderr,
                "wijkpeil-qset sign: %s\nwijkpeil-qset sign: not signed: kiosks would refuse "
                "this settings document\n",
                err);
        return 1;
    }
    return write_sig(path, data, len, sk);
}

int cmd_sign(int argc, char **argv)
{
    const char *set = NULL, *key = NULL;
    char err[WP_ERR_LEN], dir[1024];
    unsigned char sk[SIGN_SECRET_BYTES];
    char *data = NULL;
    size_t len = 0;
    qset *qs = NULL;
    qset_diag *diag = NULL;
    uistr *strings = NULL;
    int rc = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--key") && i + 1 < argc)
            key = argv[++i];
        else if (argv[i][0] != '-' && !set)
            set = argv[i];
        else
            set = key = NULL;
    }
    if (!set || !key) {
        fprintf(stderr, "usage: wijkpeil-qset sign SET.json|SETTINGS.conf --key NAME.secret\n");
        return 2;
    }
    if (signfile_load_secret(key, sk, err, sizeof err) != 0) {
        fprintf(stderr, "wijkpeil-qset sign: %s\n", err);
        return 1;
    }
    /* Read once; validate and sign those same bytes. */
    if (wp_read_file(set, STICK_MAX_FILE_BYTES, &data, &len, err, sizeof err) != 0) {
        fprintf(stderr, "wijkpeil-qset sign: %s\n", err);
        goto done;
    }
    if (config_remote_name(set)) {
        rc = sign_settings(set, data, len, sk);
        goto done;
    }
    const char *slash = strrchr(set, '/');
    if (slash)
        snprintf(dir, sizeof dir, "%.*s", slash == set ? 1 : (int)(slash - set), set);
    else
        wp_strlcpy(dir, ".", sizeof dir);
    strings = qset_cmd_strings("sign");
    if (!strings || fill_files(set, dir, strings, &data, &len) != 0)
        goto done;
    diag = calloc(1, sizeof *diag);
    if (!strings || !diag)
        goto done;
    if (qset_load_buffer(data, len, set, dir, strings, &qs, diag) != 0) {
        for (int i = 0; i < diag->n; i++)
            fprintf(stderr, "%s\n", diag->msg[i]);
        fprintf(stderr, "wijkpeil-qset sign: %s is not a valid question set: not signed\n", set);
        goto done;
    }
    rc = write_sig(set, data, len, sk);
done:
    memset(sk, 0, sizeof sk);
    qset_free(qs);
    uistr_free(strings);
    free(diag);
    free(data);
    return rc;
}
