/* Noticing USB sticks with inotify and the mount table (plat_usb.h). */
#include "plat_usb.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#define USB_EVENT_BUF 8192
#define USB_WATCH_MASK                                                                             \
    (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF |         \
     IN_UNMOUNT | IN_ONLYDIR)

struct plat_usb {
    config cfg; /* only the mount roots are used */
    int ino;    /* inotify */
    int mnt;    /* /proc/self/mountinfo: POLLPRI when the mount table changes */
    int ep;     /* epoll over both: the fd given to the caller */
    int wd[PLAT_USB_MAX_WATCHES];
    int n_wd;
    bool dirty;         /* watches must be rebuilt and sticks re-found */
    int followups;      /* re-checks still planned */
    int64_t next_check; /* time of the next planned re-check */
    int64_t next_fallback;
    char sticks[STICK_MAX_STICKS][STICK_PATH_LEN];
    int n_sticks;
};

static void add_watch(plat_usb *u, const char *path, bool follow)
{
    if (u->n_wd >= PLAT_USB_MAX_WATCHES)
        return;
    int wd = inotify_add_watch(u->ino, path, USB_WATCH_MASK | (follow ? 0 : IN_DONT_FOLLOW));
    if (wd < 0)
        return;
    for (int i = 0; i < u->n_wd; i++)
        if (u->wd[i] == wd)
            return;
    u->wd[u->n_wd++] = wd;
}

/* Watches dir and, down to depth 2, the plain directories below it (never through symlinks;
 * the root itself may be one). */
static void watch_tree(plat_usb *u, const char *dir, int depth)
{
    add_watch(u, dir, depth == 0);
    if (depth >= 2)
        return;
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    int seen = 0;
    while ((e = readdir(d)) != NULL && seen++ < STICK_MAX_ENTRIES &&
           u->n_wd < PLAT_USB_MAX_WATCHES) {
        if (e->d_name[0] == '.')
            continue;
        struct stat st;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode))
            continue;
        char sub[STICK_PATH_LEN];
        if ((size_t)snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name) >= sizeof sub)
            continue;
        watch_tree(u, sub, depth + 1);
    }
    closedir(d);
}

static void rewatch(plat_usb *u)
{
    for (int i = 0; i < u->n_wd; i++)
        inotify_rm_watch(u->ino, u->wd[i]);
    u->n_wd = 0;
    for (int r = 0; r < u->cfg.n_mount_roots; r++)
        watch_tree(u, u->cfg.mount_roots[r], 0);
}

/* Finds the sticks again; true when the list differs from the last one. */
static bool refind(plat_usb *u)
{
    char found[STICK_MAX_STICKS][STICK_PATH_LEN];
    int n = stick_find(&u->cfg, found, STICK_MAX_STICKS);
    bool changed = n != u->n_sticks;
    for (int i = 0; !changed && i < n; i++)
        changed = strcmp(found[i], u->sticks[i]) != 0;
    if (changed) {
        memcpy(u->sticks, found, sizeof found[0] * (size_t)n);
        u->n_sticks = n;
    }
    return changed;
}

int plat_usb_open(const config *cfg, plat_usb **out, char *err, size_t errlen)
{
    plat_usb *u = calloc(1, sizeof *u);
    if (!u) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    u->cfg = *cfg;
    u->ino = u->mnt = u->ep = -1;
    u->ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    u->ep = epoll_create1(EPOLL_CLOEXEC);
    if (u->ino < 0 || u->ep < 0) {
        wp_errf(err, errlen, "cannot watch for USB sticks: %s", strerror(errno));
        plat_usb_close(u);
        return -1;
    }
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = u->ino};
    epoll_ctl(u->ep, EPOLL_CTL_ADD, u->ino, &ev);
    /* The mount table: optional (not every system exposes it). */
    u->mnt = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
    if (u->mnt >= 0) {
        struct epoll_event mev = {.events = EPOLLPRI | EPOLLERR, .data.fd = u->mnt};
        if (epoll_ctl(u->ep, EPOLL_CTL_ADD, u->mnt, &mev) != 0) {
            close(u->mnt);
            u->mnt = -1;
        }
    }
    rewatch(u);
    refind(u);
    *out = u;
    return 0;
}

void plat_usb_close(plat_usb *u)
{
    if (!u)
        return;
    if (u->ep >= 0)
        close(u->ep);
    if (u->ino >= 0)
        close(u->ino);
    if (u->mnt >= 0)
        close(u->mnt);
    free(u);
}

int plat_usb_fd(const plat_usb *u)
{
    return u->ep;
}

/* Drains inotify and the mount-table flag; true when anything happened. */
static bool drain(plat_usb *u)
{
    bool any = false;
    struct epoll_event evs[4];
    int n = epoll_wait(u->ep, evs, 4, 0);
    for (int i = 0; i < n; i++) {
        if (evs[i].data.fd == u->mnt) {
            /* Re-arm: the flag clears once the file is read from the start. */
            char buf[4096];
            lseek(u->mnt, 0, SEEK_SET);
            while (read(u->mnt, buf, sizeof buf) > 0)
                ;
            any = true;
        }
    }
    _Alignas(struct inotify_event) char buf[USB_EVENT_BUF];
    for (;;) {
        ssize_t len = read(u->ino, buf, sizeof buf);
        if (len <= 0)
            break;
        /* IN_IGNORED only reports our own rewatch dropping a watch: counting it as a change
         * would rewatch again, forever. */
        for (ssize_t off = 0; off + (ssize_t)sizeof(struct inotify_event) <= len;) {
            const struct inotify_event *e = (const struct inotify_event *)(buf + off);
            if (!(e->mask & IN_IGNORED))
                any = true;
            off += (ssize_t)sizeof *e + e->len;
        }
    }
    return any;
}

bool plat_usb_check(plat_usb *u, int64_t now_ms)
{
    if (drain(u)) {
        u->dirty = true;
        u->followups = PLAT_USB_FOLLOWUPS;
        u->next_check = now_ms; /* look at once, then follow up as a mount settles */
    }
    bool due = (u->followups > 0 && now_ms >= u->next_check) || now_ms >= u->next_fallback;
    if (!due)
        return false;
    if (u->dirty || now_ms >= u->next_fallback)
        rewatch(u); /* new folders (and roots that appeared) get their watches */
    u->dirty = false;
    if (u->followups > 0) {
        int k = PLAT_USB_FOLLOWUPS - u->followups; /* 0, 1, 2, 3 */
        u->next_check = now_ms + ((int64_t)PLAT_USB_SETTLE_MS << k);
        u->followups--;
    }
    u->next_fallback = now_ms + PLAT_USB_FALLBACK_MS;
    return refind(u);
}

int64_t plat_usb_deadline(const plat_usb *u, int64_t now_ms)
{
    (void)now_ms;
    int64_t d = u->next_fallback;
    if (u->followups > 0 && u->next_check < d)
        d = u->next_check;
    return d;
}

int plat_usb_sticks(const plat_usb *u, char (*out)[STICK_PATH_LEN], int max)
{
    for (int i = 0; i < u->n_sticks && i < max; i++)
        wp_strlcpy(out[i], u->sticks[i], STICK_PATH_LEN);
    return u->n_sticks;
}
