/* Sleeping until input, a pushed event or a deadline where SDL cannot block (plat_wait.h). */
#include "plat_wait.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#define WAIT_PATH_LEN 512
#define WAIT_DRAIN    4096 /* bytes read from a descriptor per drain step */

typedef struct {
    int fd;
    char name[64]; /* "event3" */
} wait_dev;

struct plat_wait {
    char dir[WAIT_PATH_LEN];
    int efd; /* eventfd: an SDL event was queued (by any thread) */
    int ino; /* inotify on dir: devices plugged in later */
    wait_dev dev[PLAT_WAIT_MAX_DEVICES];
    int n_dev;
    long wakeups;
};

/* Every event added to SDL's queue, from any thread, wakes the poll (SDL calls watchers in the
 * thread that adds the event). */
static int on_event(void *ctx, SDL_Event *ev)
{
    (void)ev;
    plat_wait *w = ctx;
    uint64_t one = 1;
    ssize_t n = write(w->efd, &one, sizeof one);
    (void)n; /* EAGAIN: the counter is full, so the poll wakes anyway */
    return 1;
}

static bool known(const plat_wait *w, const char *name)
{
    for (int i = 0; i < w->n_dev; i++)
        if (!strcmp(w->dev[i].name, name))
            return true;
    return false;
}

/* Opens every event* device of the folder not opened yet. */
static void scan(plat_wait *w)
{
    DIR *d = opendir(w->dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) && w->n_dev < PLAT_WAIT_MAX_DEVICES) {
        if (strncmp(e->d_name, "event", 5) != 0 || known(w, e->d_name))
            continue;
        char path[WAIT_PATH_LEN + 80];
        snprintf(path, sizeof path, "%s/%s", w->dir, e->d_name);
        int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
            continue;
        w->dev[w->n_dev].fd = fd;
        wp_strlcpy(w->dev[w->n_dev].name, e->d_name, sizeof w->dev[w->n_dev].name);
        w->n_dev++;
    }
    closedir(d);
}

int plat_wait_open(const char *input_dir, plat_wait **out, char *err, size_t errlen)
{
    *out = NULL;
    plat_wait *w = calloc(1, sizeof *w);
    if (!w) {
        wp_errf(err, errlen, "out of memory");
        return -1;
    }
    wp_strlcpy(w->dir, input_dir && *input_dir ? input_dir : "/dev/input", sizeof w->dir);
    w->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    w->ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (w->efd < 0 || w->ino < 0) {
        wp_errf(err, errlen, "cannot wait for input: %s", strerror(errno));
        plat_wait_close(w);
        return -1;
    }
    /* A missing folder (a machine without input devices) is fine: nothing to watch there. */
    inotify_add_watch(w->ino, w->dir, IN_CREATE | IN_ATTRIB | IN_MOVED_TO);
    scan(w);
    SDL_AddEventWatch(on_event, w);
    *out = w;
    return 0;
}

void plat_wait_close(plat_wait *w)
{
    if (!w)
        return;
    if (w->efd >= 0)
        SDL_DelEventWatch(on_event, w);
    for (int i = 0; i < w->n_dev; i++)
        close(w->dev[i].fd);
    if (w->efd >= 0)
        close(w->efd);
    if (w->ino >= 0)
        close(w->ino);
    free(w);
}

/* Reads what is waiting on fd; false when the device is gone. */
static bool drain(int fd)
{
    char buf[WAIT_DRAIN];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n > 0)
            continue;
        if (n < 0 && errno == EINTR)
            continue;
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
}

static void drop_device(plat_wait *w, int i)
{
    close(w->dev[i].fd);
    w->dev[i] = w->dev[--w->n_dev];
}

bool plat_wait_event(plat_wait *w, SDL_Event *ev, int timeout_ms)
{
    int64_t until = wp_mono_ms() + timeout_ms;
    for (;;) {
        SDL_PumpEvents();
        if (SDL_PeepEvents(ev, 1, SDL_GETEVENT, SDL_FIRSTEVENT, SDL_LASTEVENT) == 1)
            return true;
        int64_t left = until - wp_mono_ms();
        if (left <= 0)
            return false;
        struct pollfd p[PLAT_WAIT_MAX_DEVICES + 2];
        int n = 0;
        p[n++] = (struct pollfd){.fd = w->efd, .events = POLLIN};
        p[n++] = (struct pollfd){.fd = w->ino, .events = POLLIN};
        for (int i = 0; i < w->n_dev; i++)
            p[n++] = (struct pollfd){.fd = w->dev[i].fd, .events = POLLIN};
        int r = poll(p, (nfds_t)n, (int)left);
        if (r <= 0)
            continue; /* timeout (checked above) or EINTR */
        w->wakeups++;
        if (p[0].revents)
            drain(w->efd);
        if (p[1].revents) {
            drain(w->ino);
            scan(w);
        }
        /* Our copy of the input is only a wake-up call: SDL reads its own. */
        for (int i = n - 1; i >= 2; i--)
            if (p[i].revents &&
                ((p[i].revents & (POLLERR | POLLHUP | POLLNVAL)) || !drain(p[i].fd)))
                drop_device(w, i - 2);
    }
}

long plat_wait_wakeups(const plat_wait *w)
{
    return w->wakeups;
}

int plat_wait_devices(const plat_wait *w)
{
    return w->n_dev;
}
