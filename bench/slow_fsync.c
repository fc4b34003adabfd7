/* LD_PRELOAD shim for bench_master: a slow disk. Every fsync and fdatasync
 * sleeps SLOW_FSYNC_MS milliseconds (default 5, as on a busy parallel file
 * system) before the real call. Build: meson builds bench/libslow_fsync.so. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

static void pause_ms(void)
{
    const char *v = getenv("SLOW_FSYNC_MS");
    long ms = v ? atol(v) : 5;
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

int fsync(int fd)
{
    static int (*real)(int);
    if (!real) *(void **)&real = dlsym(RTLD_NEXT, "fsync");
    pause_ms();
    return real(fd);
}

int fdatasync(int fd)
{
    static int (*real)(int);
    if (!real) *(void **)&real = dlsym(RTLD_NEXT, "fdatasync");
    pause_ms();
    return real(fd);
}
