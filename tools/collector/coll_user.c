/* Dashboard users, sessions and the sign-in throttle (see coll_user.h). */
#include "coll_user.h"

#include "util.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* An unknown user's password is hashed all the same, so that a wrong name costs as long as a
 * wrong password (no user enumeration by timing). Always 1: refused. */
static int dummy_verify(const char *password)
{
    char h[crypto_pwhash_STRBYTES];
    size_t n = strlen(password);
    if (crypto_pwhash_str(h, password, n < COLL_USER_PASS_MAX ? n : COLL_USER_PASS_MAX,
                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0)
        sodium_memzero(h, sizeof h);
    return 1;
}

static int hash_password(const char *password, char h[crypto_pwhash_STRBYTES], char *err,
                         size_t errlen)
{
    size_t n = strlen(password);
    if (n < COLL_USER_PASS_MIN || n > COLL_USER_PASS_MAX) {
        wp_errf(err, errlen, "a password must be %d to %d bytes long", COLL_USER_PASS_MIN,
                COLL_USER_PASS_MAX);
        return -1;
    }
    if (crypto_pwhash_str(h, password, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        wp_errf(err, errlen, "out of memory while hashing the password");
        return -1;
    }
    return 0;
}

static bool name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n >= COLL_USER_NAME_MAX)
        return false;
    for (const char *p = name; *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@", *p))
            return false;
    return true;
}

int coll_user_add(coll_db *db, const char *name, const char *role, const char *password, char *err,
                  size_t errlen)
{
    if (!name_ok(name)) {
        wp_errf(err, errlen, "a user name is 1 to %d characters from A-Z a-z 0-9 . _ - @",
                COLL_USER_NAME_MAX - 1);
        return -1;
    }
    if (strcmp(role, "viewer") != 0 && strcmp(role, "admin") != 0) {
        wp_errf(err, errlen, "--role is viewer or admin");
        return -1;
    }
    char h[crypto_pwhash_STRBYTES];
    if (hash_password(password, h, err, errlen) != 0)
        return -1;
    coll_param p[] = {COLL_TEXT(name), COLL_TEXT(role), COLL_TEXT(h), COLL_NUM(wp_wall_ms())};
    int rc = coll_db_query(db, "INSERT INTO users(name, role, pw_hash, created_ms) VALUES(?,?,?,?)",
                           p, 4, NULL, NULL, NULL, err, errlen);
    if (rc == COLL_SQL_CONSTRAINT)
        wp_errf(err, errlen, "a user named \"%s\" exists already", name);
    return rc == COLL_SQL_OK ? 0 : -1;
}

static int end_sessions_of(coll_db *db, const char *name, char *err, size_t errlen)
{
    coll_param p = COLL_TEXT(name);
    return coll_db_query(db, "DELETE FROM sessions WHERE username=?", &p, 1, NULL, NULL, NULL, err,
                         errlen) == COLL_SQL_OK
               ? 0
               : -1;
}

int coll_user_passwd(coll_db *db, const char *name, const char *password, char *err, size_t errlen)
{
    char h[crypto_pwhash_STRBYTES];
    if (hash_password(password, h, err, errlen) != 0)
        return -1;
    coll_param p[] = {COLL_TEXT(h), COLL_TEXT(name)};
    int64_t changed = 0;
    if (coll_db_query(db, "UPDATE users SET pw_hash=? WHERE name=?", p, 2, NULL, NULL, &changed,
                      err, errlen) != COLL_SQL_OK)
        return -1;
    if (changed == 0) {
        wp_errf(err, errlen, "no user named \"%s\"", name);
        return -1;
    }
    return end_sessions_of(db, name, err, errlen);
}

int coll_user_remove(coll_db *db, const char *name, char *err, size_t errlen)
{
    coll_param p = COLL_TEXT(name);
    int64_t changed = 0;
    if (coll_db_query(db, "DELETE FROM users WHERE name=?", &p, 1, NULL, NULL, &changed, err,
                      errlen) != COLL_SQL_OK)
        return -1;
    if (changed == 0) {
        wp_errf(err, errlen, "no user named \"%s\"", name);
        return -1;
    }
    return end_sessions_of(db, name, err, errlen);
}

static int list_row(void *ctx, int ncol, const char *const *v)
{
    (void)ncol;
    char created[32];
    wp_iso8601(coll_store_num(v[2]), created, sizeof created);
    fprintf(ctx, "%s\trole=%s\tadded=%s\n", v[0], v[1], created);
    return 0;
}

int coll_user_list(coll_db *db, FILE *out, char *err, size_t errlen)
{
    return coll_db_query(db, "SELECT name, role, created_ms FROM users ORDER BY name COLLATE \"C\"",
                         NULL, 0, list_row, out, NULL, err, errlen) == COLL_SQL_OK
               ? 0
               : -1;
}

typedef struct {
    bool found;
    char role[COLL_USER_ROLE_MAX];
    char hash[crypto_pwhash_STRBYTES];
} user_row;

static int user_found(void *ctx, int ncol, const char *const *v)
{
    (void)ncol;
    user_row *u = ctx;
    u->found = true;
    wp_strlcpy(u->role, v[0] ? v[0] : "", sizeof u->role);
    wp_strlcpy(u->hash, v[1] ? v[1] : "", sizeof u->hash);
    return 0;
}

int coll_user_verify(coll_db *db, const char *name, const char *password,
                     char role[COLL_USER_ROLE_MAX], char *err, size_t errlen)
{
    user_row u = {.found = false};
    coll_param p = COLL_TEXT(name);
    if (coll_db_query(db, "SELECT role, pw_hash FROM users WHERE name=?", &p, 1, user_found, &u,
                      NULL, err, errlen) != COLL_SQL_OK)
        return -1;
    if (!u.found || strlen(password) > COLL_USER_PASS_MAX)
        return dummy_verify(password);
    if (crypto_pwhash_str_verify(u.hash, password, strlen(password)) != 0)
        return 1;
    wp_strlcpy(role, u.role, COLL_USER_ROLE_MAX);
    return 0;
}

static void subject(char *buf, size_t len, const char *kind, const char *what)
{
    snprintf(buf, len, "%s:%s", kind, what);
}

int coll_user_throttled(coll_db *db, const char *name, const char *addr, int64_t now_ms, char *err,
                        size_t errlen)
{
    char su[COLL_USER_NAME_MAX + 8], sa[80];
    subject(su, sizeof su, "user", name);
    subject(sa, sizeof sa, "addr", addr);
    int64_t by_user = 0, by_addr = 0;
    coll_param pu[] = {COLL_TEXT(su), COLL_NUM(now_ms - COLL_USER_FAIL_WINDOW)};
    coll_param pa[] = {COLL_TEXT(sa), COLL_NUM(now_ms - COLL_USER_FAIL_WINDOW)};
    static const char *const sql =
        "SELECT COUNT(*) FROM signin_failures WHERE subject=? AND at_ms>?";
    if (coll_db_query(db, sql, pu, 2, coll_store_int_row, &by_user, NULL, err, errlen) !=
            COLL_SQL_OK ||
        coll_db_query(db, sql, pa, 2, coll_store_int_row, &by_addr, NULL, err, errlen) !=
            COLL_SQL_OK)
        return -1;
    return by_user >= COLL_USER_FAIL_USER || by_addr >= COLL_USER_FAIL_ADDR;
}

int coll_user_failed(coll_db *db, const char *name, const char *addr, int64_t now_ms, char *err,
                     size_t errlen)
{
    char su[COLL_USER_NAME_MAX + 8], sa[80];
    subject(su, sizeof su, "user", name);
    subject(sa, sizeof sa, "addr", addr);
    static const char *const sql = "INSERT INTO signin_failures(subject, at_ms) VALUES(?,?)";
    coll_param pu[] = {COLL_TEXT(su), COLL_NUM(now_ms)};
    coll_param pa[] = {COLL_TEXT(sa), COLL_NUM(now_ms)};
    coll_param old = COLL_NUM(now_ms - COLL_USER_FAIL_WINDOW);
    /* what lies outside the window is of no use any more: the table stays small */
    return coll_db_query(db, sql, pu, 2, NULL, NULL, NULL, err, errlen) == COLL_SQL_OK &&
                   coll_db_query(db, sql, pa, 2, NULL, NULL, NULL, err, errlen) == COLL_SQL_OK &&
                   coll_db_query(db, "DELETE FROM signin_failures WHERE at_ms<=?", &old, 1, NULL,
                                 NULL, NULL, err, errlen) == COLL_SQL_OK
               ? 0
               : -1;
}

void coll_user_random_token(char token[COLL_USER_TOKEN_LEN])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(token, COLL_USER_TOKEN_LEN, raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
}

int coll_user_session_new(coll_db *db, const char *name, int64_t now_ms, int64_t idle_ms,
                          char token[COLL_USER_TOKEN_LEN], char *err, size_t errlen)
{
    /* sessions left idle (never signed out) go when the next one starts: the table stays small */
    coll_param old = COLL_NUM(now_ms - idle_ms);
    if (coll_db_query(db, "DELETE FROM sessions WHERE last_ms<?", &old, 1, NULL, NULL, NULL, err,
                      errlen) != COLL_SQL_OK)
        return -1;
    char csrf[COLL_USER_TOKEN_LEN], hex[COLL_HASH_HEX];
    coll_user_random_token(token);
    coll_user_random_token(csrf);
    coll_db_token_hash(token, hex);
    coll_param p[] = {COLL_TEXT(hex), COLL_TEXT(name), COLL_TEXT(csrf), COLL_NUM(now_ms),
                      COLL_NUM(now_ms)};
    if (coll_db_query(db,
                      "INSERT INTO sessions(token_hash, username, csrf, created_ms, last_ms)"
                      " VALUES(?,?,?,?,?)",
                      p, 5, NULL, NULL, NULL, err, errlen) != COLL_SQL_OK) {
        sodium_memzero(token, COLL_USER_TOKEN_LEN);
        return -1;
    }
    return 0;
}

typedef struct {
    bool found;
    int64_t last_ms;
    coll_user_session *s;
} session_row;

static int session_found(void *ctx, int ncol, const char *const *v)
{
    (void)ncol;
    session_row *r = ctx;
    r->found = true;
    wp_strlcpy(r->s->name, v[0] ? v[0] : "", sizeof r->s->name);
    wp_strlcpy(r->s->role, v[1] ? v[1] : "", sizeof r->s->role);
    wp_strlcpy(r->s->csrf, v[2] ? v[2] : "", sizeof r->s->csrf);
    r->last_ms = coll_store_num(v[3]);
    return 0;
}

int coll_user_session_get(coll_db *db, const char *token, int64_t now_ms, int64_t idle_ms,
                          coll_user_session *s, char *err, size_t errlen)
{
    if (strlen(token) != COLL_USER_TOKEN_LEN - 1)
        return 1;
    char hex[COLL_HASH_HEX];
    coll_db_token_hash(token, hex);
    session_row r = {.found = false, .s = s};
    coll_param p = COLL_TEXT(hex);
    /* a removed user's sessions are gone with it; the join makes sure of it */
    if (coll_db_query(db,
                      "SELECT s.username, u.role, s.csrf, s.last_ms FROM sessions s"
                      " JOIN users u ON u.name = s.username WHERE s.token_hash=?",
                      &p, 1, session_found, &r, NULL, err, errlen) != COLL_SQL_OK)
        return -1;
    if (!r.found)
        return 1;
    if (now_ms - r.last_ms > idle_ms) {
        coll_db_query(db, "DELETE FROM sessions WHERE token_hash=?", &p, 1, NULL, NULL, NULL, err,
                      errlen);
        return 1;
    }
    coll_param t[] = {COLL_NUM(now_ms), COLL_TEXT(hex)};
    return coll_db_query(db, "UPDATE sessions SET last_ms=? WHERE token_hash=?", t, 2, NULL, NULL,
                         NULL, err, errlen) == COLL_SQL_OK
               ? 0
               : -1;
}

int coll_user_session_end(coll_db *db, const char *token, char *err, size_t errlen)
{
    char hex[COLL_HASH_HEX];
    coll_db_token_hash(token, hex);
    coll_param p = COLL_TEXT(hex);
    return coll_db_query(db, "DELETE FROM sessions WHERE token_hash=?", &p, 1, NULL, NULL, NULL,
                         err, errlen) == COLL_SQL_OK
               ? 0
               : -1;
}

int coll_user_read_password(FILE *f, const char *prompt, char *buf, size_t len, char *err,
                            size_t errlen)
{
    struct termios old, quiet;
    bool tty = isatty(fileno(f)) && tcgetattr(fileno(f), &old) == 0;
    if (tty) {
        fputs(prompt, stderr);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(fileno(f), TCSAFLUSH, &quiet);
    }
    char *got = fgets(buf, (int)len, f);
    if (tty) {
        tcsetattr(fileno(f), TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (!got) {
        wp_errf(err, errlen, "no password given (one line on standard input)");
        return -1;
    }
    size_t n = strcspn(buf, "\r\n");
    if (buf[n] == '\0' && n + 1 == len) {
        sodium_memzero(buf, len);
        wp_errf(err, errlen, "password too long (at most %d bytes)", COLL_USER_PASS_MAX);
        return -1;
    }
    buf[n] = '\0';
    return 0;
}
