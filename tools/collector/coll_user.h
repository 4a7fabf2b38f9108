/* The dashboard's users, sessions and sign-in throttle, kept in the collector's database.
 * Passwords are stored as argon2id hashes (libsodium crypto_pwhash_str); a session is a random
 * 256-bit token of which only a BLAKE2b hash is stored, with its own random CSRF token and the
 * time of its last use (idle expiry). */
#ifndef COLL_USER_H
#define COLL_USER_H

#include "coll_db.h"

#include <stdbool.h>
#include <stdio.h>

#define COLL_USER_NAME_MAX    64  /* bytes of a user name, with NUL */
#define COLL_USER_ROLE_MAX    8   /* "viewer" or "admin", with NUL */
#define COLL_USER_PASS_MIN    10  /* bytes of a password at least */
#define COLL_USER_PASS_MAX    256 /* bytes of a password at most */
#define COLL_USER_TOKEN_LEN   65  /* session and CSRF tokens: 64 hex characters + NUL */
#define COLL_USER_FAIL_USER   5   /* failed sign-ins per user ... */
#define COLL_USER_FAIL_ADDR   20  /* ... and per address ... */
#define COLL_USER_FAIL_WINDOW (15 * 60 * 1000) /* ... within this many ms before refusing */

typedef struct {
    char name[COLL_USER_NAME_MAX];
    char role[COLL_USER_ROLE_MAX];
    char csrf[COLL_USER_TOKEN_LEN];
} coll_user_session;

/* user add / passwd / remove / list. role is "viewer" or "admin". passwd and remove end the
 * user's sessions. 0, or -1 with err. */
int coll_user_add(coll_db *db, const char *name, const char *role, const char *password, char *err,
                  size_t errlen);
int coll_user_passwd(coll_db *db, const char *name, const char *password, char *err, size_t errlen);
int coll_user_remove(coll_db *db, const char *name, char *err, size_t errlen);
int coll_user_list(coll_db *db, FILE *out, char *err, size_t errlen);

/* Checks a password (slow on purpose: argon2id, about as slow for an unknown user): 0 and the
 * role when right, 1 when the user is unknown or the password wrong, -1 on error. */
int coll_user_verify(coll_db *db, const char *name, const char *password,
                     char role[COLL_USER_ROLE_MAX], char *err, size_t errlen);

/* Sign-in throttle: 1 when name or addr had too many failed sign-ins in the last window (then
 * the password is not even checked), 0 when not, -1 on error. coll_user_failed records one. */
int coll_user_throttled(coll_db *db, const char *name, const char *addr, int64_t now_ms, char *err,
                        size_t errlen);
int coll_user_failed(coll_db *db, const char *name, const char *addr, int64_t now_ms, char *err,
                     size_t errlen);

/* Sessions: a new one for name (token is the cookie value; sessions idle longer than idle_ms
 * are deleted on the way), the one of a cookie (0 and *s, and its last use set to now; 1 when
 * unknown or idle longer than idle_ms: then it is deleted), and signing out. */
int coll_user_session_new(coll_db *db, const char *name, int64_t now_ms, int64_t idle_ms,
                          char token[COLL_USER_TOKEN_LEN], char *err, size_t errlen);
int coll_user_session_get(coll_db *db, const char *token, int64_t now_ms, int64_t idle_ms,
                          coll_user_session *s, char *err, size_t errlen);
int coll_user_session_end(coll_db *db, const char *token, char *err, size_t errlen);

/* A random token as 64 hex characters (sessions, CSRF). */
void coll_user_random_token(char token[COLL_USER_TOKEN_LEN]);

/* Reads a password from f: one line, without echo when f is a terminal (prompt then goes to
 * stderr). 0, or -1 with err. */
int coll_user_read_password(FILE *f, const char *prompt, char *buf, size_t len, char *err,
                            size_t errlen);

#endif
