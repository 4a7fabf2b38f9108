/* plat_wait: an idle loop sleeps in poll() until input, a pushed SDL event, a new device or its
 * deadline; it does not wake in between. Devices are stood in for by FIFOs in a temp folder. */
#include "plat_wait.h"
#include "testlib.h"
#include "util.h"

#include <SDL.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *dir;

static int fifo(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (mkfifo(path, 0600) != 0)
        return -1;
    /* Opened for writing after plat_wait (or SDL) has it open for reading: O_RDWR never
     * blocks on a FIFO and keeps a writer, so the reader never sees a hang-up. */
    return open(path, O_RDWR | O_NONBLOCK);
}

static int pusher(void *arg)
{
    (void)arg;
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_USEREVENT;
    SDL_PushEvent(&e);
    return 0;
}

static void test_idle_sleeps_until_deadline(void)
{
    plat_wait *w = NULL;
    char err[256];
    int wr = fifo("event0");
    CHECK(wr >= 0);
    CHECKF(plat_wait_open(dir, &w, err, sizeof err) == 0, "%s", err);
    if (!w)
        return;
    CHECK(plat_wait_devices(w) == 1);
    SDL_Event ev;
    int64_t t0 = wp_mono_ms();
    CHECK(!plat_wait_event(w, &ev, 300));
    int64_t took = wp_mono_ms() - t0;
    CHECKF(took >= 300, "returned after %lld ms, before its deadline", (long long)took);
    /* Polling every 10 ms would have woken 30 times. */
    CHECKF(plat_wait_wakeups(w) == 0, "%ld wake-ups while idle", plat_wait_wakeups(w));

    /* Input on a device wakes it (and is drained: no busy loop afterwards). */
    CHECK(write(wr, "x", 1) == 1);
    CHECK(!plat_wait_event(w, &ev, 50));
    CHECKF(plat_wait_wakeups(w) == 1, "%ld wake-ups after one input", plat_wait_wakeups(w));

    /* An event pushed by another thread wakes it and is returned. */
    SDL_Thread *th = SDL_CreateThread(pusher, "pusher", NULL);
    CHECK(plat_wait_event(w, &ev, 30000));
    CHECK(ev.type == SDL_USEREVENT);
    SDL_WaitThread(th, NULL);

    /* A device plugged in later is watched too. */
    int wr2 = fifo("event1");
    CHECK(!plat_wait_event(w, &ev, 50)); /* the inotify wake-up scans the folder */
    CHECK(plat_wait_devices(w) == 2);
    long before = plat_wait_wakeups(w);
    CHECK(write(wr2, "y", 1) == 1);
    CHECK(!plat_wait_event(w, &ev, 50));
    CHECK(plat_wait_wakeups(w) == before + 1);
    plat_wait_close(w);
    close(wr);
    close(wr2);
}

int main(void)
{
    SDL_SetHint(SDL_HINT_VIDEODRIVER, "dummy");
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
        fprintf(stderr, "SDL_Init: %s\n", SDL_GetError());
        return 1;
    }
    dir = test_tmpdir("plat-wait");
    RUN(test_idle_sleeps_until_deadline);
    char path[1024];
    snprintf(path, sizeof path, "%s/event0", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/event1", dir);
    unlink(path);
    rmdir(dir);
    free(dir);
    SDL_Quit();
    return test_main();
}
