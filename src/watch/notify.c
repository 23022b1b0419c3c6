/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "watch/watch.h"

#ifdef NC_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

/* Readiness and status for Type=notify units. sd_notify() itself does
 * nothing when $NOTIFY_SOCKET is unset, so a watcher run by hand pays
 * nothing. Built without libsystemd, there is no notification at all (the
 * unit then needs Type=simple). */
void nc_watch_notify(const char *fmt, ...) {
#ifdef NC_HAVE_SYSTEMD
        char buf[1024];
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        if (n < 0)
                return;
        /* A status too long for the buffer is cut, not dropped. */
        (void) sd_notify(0, buf);
#else
        (void) fmt;
#endif
}

/* How often the loop must say WATCHDOG=1: half of WatchdogSec=, so that a
 * late ping still arrives in time (what sd_watchdog_enabled(3) advises).
 * 0: no watchdog (not asked for, not this process, or no libsystemd). */
int64_t nc_watch_watchdog_interval_ns(void) {
#ifdef NC_HAVE_SYSTEMD
        uint64_t usec = 0;

        if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0)
                return (int64_t) (usec / 2) * 1000;
#endif
        return 0;
}
