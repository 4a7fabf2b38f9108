/* Published sets on the kiosk's side (fleet.h). */
#include "fleet.h"

#include "fsio.h"
#include "sign.h"
#include "stick.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FLEET_REASON_KEPT 200 /* characters of a reason kept in the store */

bool fleet_name_ok(const char *n)
{
    size_t len = strlen(n);
    if (len == 0 || len >= FLEET_NAME_LEN)
        return false;
    bool part_start = true;
    for (const char *p = n; *p; p++) {
        char c = *p;
        if (c == '/') {
            if (part_start)
                return false;
            part_start = true;
            continue;
        }
        if (part_start && c == '.')
            return false;
        part_start = false;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return false;
    }
    return !part_start;
}

static bool hex64(const char *s)
{
    if (!s || strlen(s) != 64)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

void fleet_assignment_free(fleet_assignment *a)
{
    for (int i = 0; i < a->n; i++)
        free(a->pubs[i].files);
    a->n = 0;
}

static int parse_pub(json_t *jp, fleet_pub *p, char *err, size_t errlen)
{
    const char *id = json_string_value(json_object_get(jp, "id"));
    const char *set_id = json_string_value(json_object_get(jp, "set_id"));
    const char *set_file = json_string_value(json_object_get(jp, "set_file"));
    json_t *files = json_object_get(jp, "files");
    if (!id || strlen(id) >= FLEET_ID_LEN || !fleet_name_ok(id) || !set_id ||
        strlen(set_id) >= 128 || !set_file || !fleet_name_ok(set_file) || strchr(set_file, '/') ||
        !json_is_integer(json_object_get(jp, "set_version")) || !json_is_array(files) ||
        json_array_size(files) > FLEET_MAX_FILES) {
        wp_errf(err, errlen,
                "the assignment names a publication without a usable id, set or files");
        return -1;
    }
    const char *kind = json_string_value(json_object_get(jp, "kind"));
    if (kind && strcmp(kind, FLEET_KIND_SET) != 0 && strcmp(kind, FLEET_KIND_SETTINGS) != 0) {
        wp_errf(err, errlen, "publication %s is of a kind this kiosk does not know (%.31s)", id,
                kind);
        return -1;
    }
    wp_strlcpy(p->kind, kind ? kind : FLEET_KIND_SET, sizeof p->kind);
    wp_strlcpy(p->id, id, sizeof p->id);
    wp_strlcpy(p->set_id, set_id, sizeof p->set_id);
    wp_strlcpy(p->set_file, set_file, sizeof p->set_file);
    p->set_version = (int)json_integer_value(json_object_get(jp, "set_version"));
    p->from_ms = json_integer_value(json_object_get(jp, "from_ms"));
    p->until_ms = json_integer_value(json_object_get(jp, "until_ms"));
    p->files = calloc(json_array_size(files) + 1, sizeof *p->files);
    if (!p->files) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    bool has_set = false, has_sig = false;
    long long total = 0;
    size_t i;
    json_t *jf;
    json_array_foreach(files, i, jf)
    {
        fleet_file *f = &p->files[p->n_files];
        const char *name = json_string_value(json_object_get(jf, "name"));
        const char *sha = json_string_value(json_object_get(jf, "sha256"));
        json_int_t size = json_integer_value(json_object_get(jf, "size"));
        bool is_set = name && !strcmp(name, set_file);
        char sig[FLEET_NAME_LEN + 4];
        snprintf(sig, sizeof sig, "%s.sig", set_file);
        bool is_sig = name && !strcmp(name, sig);
        long long cap = is_set   ? STICK_MAX_FILE_BYTES
                        : is_sig ? SIGN_MAX_SIG_FILE
                                 : STICK_MAX_SET_FILE_BYTES;
        if (!name || !fleet_name_ok(name) || !hex64(sha) || size < 0 || size > cap) {
            wp_errf(err, errlen, "publication %s: file %s is refused (name, size or hash)", id,
                    name ? name : "?");
            return -1;
        }
        total += size;
        has_set |= is_set;
        has_sig |= is_sig;
        wp_strlcpy(f->name, name, sizeof f->name);
        wp_strlcpy(f->sha256, sha, sizeof f->sha256);
        f->size = size;
        p->n_files++;
    }
    if (total > STICK_MAX_SET_FILES_BYTES + STICK_MAX_FILE_BYTES + SIGN_MAX_SIG_FILE) {
        wp_errf(err, errlen, "publication %s is over the size a set may have", id);
        return -1;
    }
    if (!has_set || !has_sig) {
        wp_errf(err, errlen, "publication %s: %s", id,
                has_set ? "no signature among its files" : "its set is not among its files");
        return -1;
    }
    return 0;
}

int fleet_parse(const char *body, size_t len, const char *device_id, fleet_assignment *a, char *err,
                size_t errlen)
{
    memset(a, 0, sizeof *a);
    json_error_t jerr;
    json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    const char *dev = json_string_value(json_object_get(root, "device"));
    json_t *pubs = json_object_get(root, "publications");
    int rc = -1;
    if (!root || !dev || !json_is_array(pubs)) {
        wp_errf(err, errlen, "the collector's assignment is not readable");
        goto done;
    }
    if (strcmp(dev, device_id) != 0) {
        wp_errf(err, errlen, "the collector sent the assignment of another device (%.63s)", dev);
        goto done;
    }
    wp_strlcpy(a->device, dev, sizeof a->device);
    a->now_ms = json_integer_value(json_object_get(root, "now_ms"));
    size_t i;
    json_t *jp;
    json_array_foreach(pubs, i, jp)
    {
        if (a->n == FLEET_MAX_PUBS)
            break;
        if (parse_pub(jp, &a->pubs[a->n], err, errlen) != 0) {
            a->n++; /* its files are freed below */
            fleet_assignment_free(a);
            goto done;
        }
        a->n++;
    }
    rc = 0;
done:
    json_decref(root);
    return rc;
}

/* Makes every folder of path (below data_dir) up to its last part. */
static int make_parents(char *path, size_t from, char *err, size_t errlen)
{
    for (char *p = path + from; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int rc = mkdir(path, 0755);
        int e = errno;
        *p = '/';
        if (rc != 0 && e != EEXIST) {
            wp_errf(err, errlen, "%s: %s", path, strerror(e));
            return -1;
        }
    }
    return 0;
}

int fleet_download_path(const char *data_dir, const char *id, const char *name, char *path,
                        size_t len, char *err, size_t errlen)
{
    if (!fleet_name_ok(id) || !fleet_name_ok(name) ||
        (size_t)snprintf(path, len, "%s/%s/%s/%s/questionsets/%s", data_dir, FLEET_INCOMING, id,
                         STICK_DIR, name) >= len) {
        wp_errf(err, errlen, "%s: refused as a file name", name);
        return -1;
    }
    return make_parents(path, strlen(data_dir), err, errlen);
}

/* Removes DATA_DIR/incoming/ID and everything below it. */
static void remove_download(const char *data_dir, const char *id)
{
    char dir[CONFIG_PATH_LEN + 16];
    snprintf(dir, sizeof dir, "%s/%s", data_dir, FLEET_INCOMING);
    stick_remove_dir(dir, id);
}

/* ---- what the kiosk knows ----------------------------------------------------------------- */

/* {"offset_ms": centre minus kiosk clock, "pubs": [...]}: a new one when nothing is kept. */
static json_t *load_state(store *st)
{
    char buf[STORE_META_MAX], err[WP_ERR_LEN];
    json_t *s = NULL;
    if (st && store_meta_get(st, FLEET_META_STATE, buf, sizeof buf, err, sizeof err) == 0)
        s = json_loads(buf, 0, NULL);
    if (!json_is_object(s) || !json_is_array(json_object_get(s, "pubs"))) {
        json_decref(s);
        s = json_pack("{s:I, s:[]}", "offset_ms", (json_int_t)0, "pubs");
    }
    return s;
}

/* Keeps the state, dropping the oldest records while it is over what the store holds. */
static int save_state(store *st, json_t *s, char *err, size_t errlen)
{
    json_t *pubs = json_object_get(s, "pubs");
    for (;;) {
        char *text = json_dumps(s, JSON_COMPACT);
        if (!text) {
            wp_errf(err, errlen, "out of memory");
            return -1;
        }
        if (strlen(text) < STORE_META_MAX || json_array_size(pubs) == 0) {
            int rc = store_meta_set(st, FLEET_META_STATE, text, err, errlen);
            free(text);
            return rc;
        }
        free(text);
        json_array_remove(pubs, 0);
    }
}

/* One hash over every file of a publication as the assignment lists it: a publication is
 * fetched again only when this changes. */
static void pub_digest(const fleet_pub *p, char hex[65])
{
    crypto_generichash_state h;
    unsigned char d[32];
    crypto_generichash_init(&h, NULL, 0, sizeof d);
    for (int i = 0; i < p->n_files; i++) {
        crypto_generichash_update(&h, (const unsigned char *)p->files[i].name,
                                  strlen(p->files[i].name) + 1);
        crypto_generichash_update(&h, (const unsigned char *)p->files[i].sha256, 64);
    }
    crypto_generichash_final(&h, d, sizeof d);
    sodium_bin2hex(hex, 65, d, sizeof d);
}

static json_t *find_record(json_t *s, const char *id, size_t *at)
{
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(s, "pubs"), i, r)
    {
        const char *rid = json_string_value(json_object_get(r, "id"));
        if (rid && !strcmp(rid, id)) {
            if (at)
                *at = i;
            return r;
        }
    }
    return NULL;
}

bool fleet_known(store *st, const fleet_pub *p)
{
    json_t *s = load_state(st);
    char hex[65];
    pub_digest(p, hex);
    json_t *r = find_record(s, p->id, NULL);
    const char *had = json_string_value(json_object_get(r, "digest"));
    bool known = had && !strcmp(had, hex);
    json_decref(s);
    return known;
}

/* The word for a stick scan's verdict on a set (FLEET_WHY_*). */
static const char *why_of_status(stick_set_status st)
{
    switch (st) {
    case STICK_SET_UNSIGNED:
        return FLEET_WHY_UNSIGNED;
    case STICK_SET_UNKNOWN_KEY:
        return FLEET_WHY_UNKNOWN_KEY;
    case STICK_SET_TAMPERED:
        return FLEET_WHY_TAMPERED;
    case STICK_SET_TOO_LARGE:
        return FLEET_WHY_TOO_LARGE;
    case STICK_SET_UNSAFE:
        return FLEET_WHY_UNSAFE;
    case STICK_SET_UNREADABLE:
        return FLEET_WHY_UNREADABLE;
    case STICK_SET_OK:
    case STICK_SET_INVALID:
        break;
    }
    return FLEET_WHY_INVALID;
}

/* Records p: installed at path, or refused (reason in English, why a FLEET_WHY_* word). */
static int record(store *st, const fleet_pub *p, const char *set_id, int version, const char *path,
                  const char *source, const char *reason, const char *why_word, char *err,
                  size_t errlen)
{
    json_t *s = load_state(st);
    char hex[65], why[FLEET_REASON_KEPT + 1];
    pub_digest(p, hex);
    wp_strlcpy(why, reason ? reason : "", sizeof why);
    size_t at = 0;
    if (find_record(s, p->id, &at))
        json_array_remove(json_object_get(s, "pubs"), at);
    json_t *r = json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:I, s:I, s:s, s:s, s:s}", "id", p->id,
                          "kind", p->kind, "set_id", set_id, "version", version, "digest", hex,
                          "path", path ? path : "", "from_ms", (json_int_t)p->from_ms, "until_ms",
                          (json_int_t)p->until_ms, "state", reason ? "failed" : "installed",
                          "reason", why, "source", source);
    int rc = -1;
    if (r && reason) {
        json_object_set_new(r, "why", json_string(why_word ? why_word : ""));
        json_object_set_new(r, "file", json_string(p->set_file));
    }
    /* When it came, on the centre's clock: a staff choice made later wins over it. */
    if (r)
        json_object_set_new(
            r, "installed_ms",
            json_integer(wp_wall_ms() + json_integer_value(json_object_get(s, "offset_ms"))));
    if (r && json_array_append_new(json_object_get(s, "pubs"), r) == 0)
        rc = save_state(st, s, err, errlen);
    else
        wp_errf(err, errlen, "out of memory");
    json_decref(s);
    return rc;
}

/* The word for the verdict on a settings document (stick_settings_verify), and its English
 * prefix: "refused: hours.conf:2: ...", "tampered: ...". */
static const char *why_of_settings(stick_set_status v, const char **prefix)
{
    *prefix = v == STICK_SET_INVALID ? "refused" : stick_status_name(v);
    return v == STICK_SET_INVALID ? FLEET_WHY_SETTINGS : why_of_status(v);
}

/* Keeps a verified settings document as DATA_DIR/settings/ID.conf (its path into kept). 0, or -1
 * with why in reason. */
static int keep_settings(const char *data_dir, const char *id, const char *doc, size_t len,
                         char *kept, size_t keptlen, char *reason, size_t reasonlen)
{
    char why[WP_ERR_LEN];
    snprintf(kept, keptlen, "%s/%s", data_dir, FLEET_SETTINGS_DIR);
    if (mkdir(kept, 0755) != 0 && errno != EEXIST) {
        snprintf(reason, reasonlen, "not kept: %s: %s", kept, strerror(errno));
        return -1;
    }
    if (!fleet_name_ok(id) || (size_t)snprintf(kept, keptlen, "%s/%s/%s.conf", data_dir,
                                               FLEET_SETTINGS_DIR, id) >= keptlen) {
        snprintf(reason, reasonlen, "not kept: %s is refused as a name", id);
        return -1;
    }
    if (fsio_write_file(NULL, FSIO_DISK, kept, doc, len, 0644, why, sizeof why) != 0) {
        snprintf(reason, reasonlen, "not kept: %s", why);
        return -1;
    }
    return 0;
}

/* A settings document downloaded to qdir: stick_settings_verify (as a stick's), kept in
 * DATA_DIR/settings/ID.conf when it passes, and the verdict recorded. 0 or -1. */
static int install_settings(const fleet_pub *p, const config *cfg, const char *qdir,
                            const char *data_dir, store *st, char *err, size_t errlen)
{
    char path[CONFIG_PATH_LEN + 2 * FLEET_NAME_LEN], reason[FLEET_REASON_LEN] = "",
                                                     kept[CONFIG_PATH_LEN + 64] = "";
    const char *why_word = FLEET_WHY_UNREADABLE;
    char *doc = NULL, *sig = NULL;
    size_t len = 0, siglen = 0;
    snprintf(path, sizeof path, "%s/%s", qdir, p->set_file);
    if (wp_read_file(path, STICK_MAX_FILE_BYTES, &doc, &len, reason, sizeof reason) == 0) {
        snprintf(path, sizeof path, "%s/%s.sig", qdir, p->set_file);
        if (wp_read_file(path, SIGN_MAX_SIG_FILE, &sig, &siglen, reason, sizeof reason) == 0) {
            char why[FLEET_REASON_LEN];
            const char *prefix = "";
            stick_set_status v = stick_settings_verify(doc, len, sig, siglen, p->set_file, cfg,
                                                       NULL, why, sizeof why);
            why_word = why_of_settings(v, &prefix);
            if (v != STICK_SET_OK)
                snprintf(reason, sizeof reason, "%s: %s", prefix, why);
        }
    }
    if (!reason[0]) {
        why_word = FLEET_WHY_NOT_KEPT;
        if (keep_settings(data_dir, p->id, doc, len, kept, sizeof kept, reason, sizeof reason) != 0)
            kept[0] = '\0';
    }
    free(doc);
    free(sig);
    return record(st, p, p->set_id, p->set_version, reason[0] ? "" : kept, "network",
                  reason[0] ? reason : NULL, why_word, err, errlen);
}

int fleet_install(const fleet_pub *p, const config *cfg, const uistr *strings, const char *data_dir,
                  store *st, char *err, size_t errlen)
{
    char path[CONFIG_PATH_LEN + 2 * FLEET_NAME_LEN], qdir[CONFIG_PATH_LEN + 64],
        root[CONFIG_PATH_LEN + 64];
    snprintf(root, sizeof root, "%s/%s/%s", data_dir, FLEET_INCOMING, p->id);
    snprintf(qdir, sizeof qdir, "%s/%s/questionsets", root, STICK_DIR);
    /* The download is what the collector said it sent? Else fetch that file again. */
    for (int i = 0; i < p->n_files; i++) {
        const fleet_file *f = &p->files[i];
        char hex[QSET_SHA256_HEX_LEN + 1], herr[WP_ERR_LEN];
        if (fleet_download_path(data_dir, p->id, f->name, path, sizeof path, err, errlen) != 0)
            return -1;
        struct stat sb;
        if (lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size != f->size ||
            stick_file_sha256(qdir, f->name, hex, herr, sizeof herr) != 0 ||
            strcmp(hex, f->sha256) != 0) {
            unlink(path);
            wp_errf(err, errlen, "%s: the download is incomplete or damaged: fetched again",
                    f->name);
            return 1;
        }
    }
    if (!strcmp(p->kind, FLEET_KIND_SETTINGS)) {
        int rc = install_settings(p, cfg, qdir, data_dir, st, err, errlen);
        remove_download(data_dir, p->id); /* verified and kept, or refused: never kept here */
        return rc;
    }
    /* Exactly what a stick import does: nothing here trusts the collector. */
    stick_scan *scan = NULL;
    char serr[WP_ERR_LEN], reason[STICK_REASON_LEN + 64] = "";
    const char *why_word = NULL;
    const stick_set *set = NULL;
    if (stick_scan_open(root, cfg, strings, &scan, serr, sizeof serr) != 0) {
        snprintf(reason, sizeof reason, "not readable: %s", serr);
        why_word = FLEET_WHY_UNREADABLE;
    } else {
        for (int i = 0; i < scan->n_sets; i++)
            if (!strcmp(scan->sets[i].file, p->set_file))
                set = &scan->sets[i];
        if (!set) {
            snprintf(reason, sizeof reason, "%s was not among the files read", p->set_file);
            why_word = FLEET_WHY_MISSING;
        } else if (set->status != STICK_SET_OK) {
            snprintf(reason, sizeof reason, "%s: %s", stick_status_name(set->status), set->reason);
            why_word = why_of_status(set->status);
        }
    }
    char installed[STICK_PATH_LEN] = "";
    if (!reason[0] &&
        stick_install(set, data_dir, installed, sizeof installed, serr, sizeof serr) != 0) {
        snprintf(reason, sizeof reason, "not installed: %s", serr);
        why_word = FLEET_WHY_NOT_INSTALLED;
    }
    int rc = record(st, p, set && !reason[0] ? set->id : p->set_id,
                    set && !reason[0] ? set->version : p->set_version, installed, "network",
                    reason[0] ? reason : NULL, why_word, err, errlen);
    stick_scan_free(scan);
    remove_download(data_dir, p->id); /* verified and installed, or refused: never kept */
    return rc;
}

int fleet_record_stick(store *st, const stick_set *set, const char *path, char *err, size_t errlen)
{
    fleet_pub p;
    memset(&p, 0, sizeof p);
    wp_strlcpy(p.id, set->pub_id, sizeof p.id);
    wp_strlcpy(p.kind, FLEET_KIND_SET, sizeof p.kind);
    wp_strlcpy(p.set_id, set->id, sizeof p.set_id);
    wp_strlcpy(p.set_file, set->file, sizeof p.set_file);
    p.set_version = set->version;
    p.from_ms = set->from_ms;
    p.until_ms = set->until_ms;
    return record(st, &p, set->id, set->version, path, "stick", NULL, NULL, err, errlen);
}

int fleet_record_stick_settings(store *st, const stick_settings *d, const char *data_dir,
                                char *path, size_t pathlen, char *err, size_t errlen)
{
    if (d->status != STICK_SET_OK || !d->data) {
        wp_errf(err, errlen, "%s was not accepted", d->file);
        return -1;
    }
    fleet_pub p;
    memset(&p, 0, sizeof p);
    wp_strlcpy(p.id, d->pub_id, sizeof p.id);
    wp_strlcpy(p.kind, FLEET_KIND_SETTINGS, sizeof p.kind);
    wp_strlcpy(p.set_id, d->file, sizeof p.set_id); /* as the collector names it */
    wp_strlcpy(p.set_file, d->file, sizeof p.set_file);
    p.from_ms = d->from_ms;
    p.until_ms = d->until_ms;
    char kept[CONFIG_PATH_LEN + 64];
    if (keep_settings(data_dir, p.id, d->data, d->len, kept, sizeof kept, err, errlen) != 0)
        return -1;
    if (path)
        wp_strlcpy(path, kept, pathlen);
    return record(st, &p, p.set_id, 0, kept, "stick", NULL, NULL, err, errlen);
}

int fleet_reconcile(const fleet_assignment *a, int64_t local_ms, store *st, char *err,
                    size_t errlen)
{
    json_t *s = load_state(st);
    if (a->now_ms > 0)
        json_object_set_new(s, "offset_ms", json_integer(a->now_ms - local_ms));
    json_t *pubs = json_object_get(s, "pubs");
    for (size_t i = json_array_size(pubs); i-- > 0;) {
        json_t *r = json_array_get(pubs, i);
        const char *id = json_string_value(json_object_get(r, "id"));
        const char *source = json_string_value(json_object_get(r, "source"));
        bool named = source && !strcmp(source, "stick"); /* imported by staff: not the centre's */
        for (int k = 0; k < a->n && id; k++)
            named |= !strcmp(a->pubs[k].id, id);
        if (!named)
            json_array_remove(pubs, i); /* withdrawn at the centre */
    }
    int rc = save_state(st, s, err, errlen);
    json_decref(s);
    return rc;
}

/* The kind of record r: "set" when it says none (recorded before settings documents). */
static const char *kind_of(json_t *r)
{
    const char *k = json_string_value(json_object_get(r, "kind"));
    return k ? k : FLEET_KIND_SET;
}

static const char *state_at(json_t *r, int64_t now)
{
    const char *state = json_string_value(json_object_get(r, "state"));
    if (!state || strcmp(state, "installed") != 0)
        return "failed";
    int64_t from = json_integer_value(json_object_get(r, "from_ms"));
    int64_t until = json_integer_value(json_object_get(r, "until_ms"));
    if (from && now < from)
        return "waiting";
    if (until && now >= until)
        return "ended";
    return "due";
}

char *fleet_report_json(store *st, int64_t local_ms)
{
    json_t *s = load_state(st);
    int64_t now = local_ms + json_integer_value(json_object_get(s, "offset_ms"));
    json_t *out = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(s, "pubs"), i, r)
    {
        json_t *o = json_pack(
            "{s:O, s:s, s:O, s:O, s:O, s:s, s:O, s:O, s:O}", "id", json_object_get(r, "id"), "kind",
            kind_of(r), "set_id", json_object_get(r, "set_id"), "version",
            json_object_get(r, "version"), "source", json_object_get(r, "source"), "state",
            state_at(r, now), "from_ms", json_object_get(r, "from_ms"), "until_ms",
            json_object_get(r, "until_ms"), "reason", json_object_get(r, "reason"));
        if (o)
            json_array_append_new(out, o);
    }
    char *text = json_array_size(out) ? json_dumps(out, JSON_COMPACT) : NULL;
    json_decref(out);
    json_decref(s);
    return text;
}

int fleet_report_items(store *st, int64_t local_ms, fleet_item *out, int max)
{
    json_t *s = load_state(st);
    int64_t offset = json_integer_value(json_object_get(s, "offset_ms")), now = local_ms + offset;
    int n = 0;
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(s, "pubs"), i, r)
    {
        if (n == max)
            break;
        fleet_item *it = &out[n++];
        memset(it, 0, sizeof *it);
        const char *state = state_at(r, now);
        const char *source = json_string_value(json_object_get(r, "source"));
        const char *set_id = json_string_value(json_object_get(r, "set_id"));
        const char *reason = json_string_value(json_object_get(r, "reason"));
        wp_strlcpy(it->set_id, set_id ? set_id : "?", sizeof it->set_id);
        it->version = (int)json_integer_value(json_object_get(r, "version"));
        it->settings = !strcmp(kind_of(r), FLEET_KIND_SETTINGS);
        wp_strlcpy(it->source, source ? source : "network", sizeof it->source);
        wp_strlcpy(it->state, state, sizeof it->state);
        wp_strlcpy(it->reason, reason ? reason : "", sizeof it->reason);
        const char *why = json_string_value(json_object_get(r, "why"));
        const char *file = json_string_value(json_object_get(r, "file"));
        wp_strlcpy(it->why, why ? why : "", sizeof it->why);
        wp_strlcpy(it->file, file ? file : "", sizeof it->file);
        int64_t at = json_integer_value(
            json_object_get(r, !strcmp(state, "waiting") ? "from_ms" : "until_ms"));
        if (at && strcmp(state, "failed") != 0 && strcmp(state, "ended") != 0)
            it->at_ms = at - offset; /* on this kiosk's clock */
    }
    json_decref(s);
    return n;
}

/* fleet_due for the publications of one kind. */
static void due_of(store *st, const char *kind, int64_t wall_ms, int64_t chosen_ms, char *path,
                   size_t len, int64_t *next_ms)
{
    json_t *s = load_state(st);
    int64_t offset = json_integer_value(json_object_get(s, "offset_ms"));
    int64_t now = wall_ms + offset, best_from = -1;
    path[0] = '\0';
    *next_ms = INT64_MAX;
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(s, "pubs"), i, r)
    {
        const char *state = json_string_value(json_object_get(r, "state"));
        const char *p = json_string_value(json_object_get(r, "path"));
        if (!state || strcmp(state, "installed") != 0 || !p || !p[0] ||
            strcmp(kind_of(r), kind) != 0)
            continue;
        int64_t from = json_integer_value(json_object_get(r, "from_ms"));
        int64_t until = json_integer_value(json_object_get(r, "until_ms"));
        /* The next start or end, on this kiosk's clock. */
        if (from > now && from - offset < *next_ms)
            *next_ms = from - offset;
        if (until > now && until - offset < *next_ms)
            *next_ms = until - offset;
        if ((from && now < from) || (until && now >= until))
            continue;
        int64_t came = json_integer_value(json_object_get(r, "installed_ms"));
        if (chosen_ms && chosen_ms + offset > (from > came ? from : came))
            continue;            /* staff chose a set after this one started: the newest wins */
        if (from >= best_from) { /* the newest start wins; later records win ties */
            best_from = from;
            wp_strlcpy(path, p, len);
        }
    }
    json_decref(s);
}

void fleet_due(store *st, int64_t wall_ms, int64_t chosen_ms, char *path, size_t len,
               int64_t *next_ms)
{
    due_of(st, FLEET_KIND_SET, wall_ms, chosen_ms, path, len, next_ms);
}

int fleet_settings(store *st, int64_t wall_ms, const config *base, const char *local_path,
                   config *out, char *path, size_t len, int64_t *next_ms, char *err, size_t errlen)
{
    *out = *base;
    due_of(st, FLEET_KIND_SETTINGS, wall_ms, 0, path, len, next_ms);
    if (!path[0])
        return 0;
    char *doc = NULL;
    size_t n = 0;
    if (wp_read_file(path, STICK_MAX_FILE_BYTES, &doc, &n, err, errlen) != 0 ||
        config_load_remote(out, doc, n, path, err, errlen) != 0) {
        free(doc);
        *out = *base;
        path[0] = '\0';
        return -1;
    }
    free(doc);
    /* What staff saved on the kiosk itself from a stick (local.conf) wins over the centre. */
    struct stat sb;
    char warn[WP_ERR_LEN];
    if (local_path && stat(local_path, &sb) == 0 &&
        config_load_local(out, local_path, warn, sizeof warn, err, errlen) != 0) {
        *out = *base;
        path[0] = '\0';
        return -1;
    }
    return 0;
}
