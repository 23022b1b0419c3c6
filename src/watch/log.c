/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/escape.h"
#include "util/strbuf.h"
#include "watch/watch.h"

/* The watcher's log: one line per write(2), so lines from a service never
 * interleave mid-line, and no stdio buffering to lose at exit. */

bool nc_watch_fd_is_journal(int fd, const char *journal_stream) {
        unsigned long long dev, ino;
        struct stat st;
        char tail;

        /* systemd sets JOURNAL_STREAM=DEV:INO of the stream it connected
         * stdout/stderr to; the fd is still the journal only if it matches
         * (a child may have redirected stderr elsewhere). */
        if (!journal_stream || sscanf(journal_stream, "%llu:%llu%c", &dev, &ino, &tail) != 2)
                return false;
        if (fstat(fd, &st) < 0)
                return false;
        return (unsigned long long) st.st_dev == dev && (unsigned long long) st.st_ino == ino;
}

void nc_watch_log_init(struct nc_watch_log *l, enum nc_log_level level, int fd) {
        *l = (struct nc_watch_log) {
                .level = level,
                .fd = fd,
                .journal = nc_watch_fd_is_journal(fd, getenv("JOURNAL_STREAM")),
        };
}

bool nc_watch_log_enabled(const struct nc_watch_log *l, int prio) {
        switch (l->level) {
        case NC_LOG_QUIET:
                return prio <= LOG_ERR;
        case NC_LOG_NORMAL:
                return prio <= LOG_INFO;
        default:
                return true;
        }
}

void nc_watch_format_time(char *buf, size_t size, int64_t realtime_ns, bool utc) {
        time_t sec = (time_t) (realtime_ns / 1000000000);
        long ms = (long) (realtime_ns % 1000000000 / 1000000);
        char date[32] = "", zone[8] = "";
        struct tm tm;

        if (utc)
                gmtime_r(&sec, &tm);
        else
                localtime_r(&sec, &tm);
        strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
        strftime(zone, sizeof(zone), "%z", &tm);
        /* ISO 8601 extended form all through: +0100 -> +01:00. */
        if (strlen(zone) == 5)
                snprintf(buf, size, "%s.%03ld%.3s:%s", date, ms, zone, zone + 3);
        else
                snprintf(buf, size, "%s.%03ld%s", date, ms, zone);
}

static void write_all(int fd, const char *s, size_t n) {
        while (n > 0) {
                ssize_t k = write(fd, s, n);

                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0)
                        return; /* nowhere left to say it */
                s += k;
                n -= (size_t) k;
        }
}

static void emit(const struct nc_watch_log *l, int prio, const char *msg, size_t len) {
        struct nc_strbuf b = {};
        _cleanup_free_ char *line = NULL;
        struct timespec ts;
        char when[40];

        if (l->journal)
                nc_strbuf_printf(&b, "<%d>", prio);
        else {
                clock_gettime(CLOCK_REALTIME, &ts);
                nc_watch_format_time(when, sizeof(when), (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec, false);
                nc_strbuf_printf(&b, "%s ", when);
        }
        if (prio <= LOG_ERR)
                nc_strbuf_append(&b, "error: ");
        else if (prio == LOG_WARNING)
                nc_strbuf_append(&b, "warning: ");
        /* Names from the file and the kernel, escaped: one event is one
         * line, with no terminal escapes (util/escape.h). */
        nc_escape_append(&b, msg, len);
        nc_strbuf_append(&b, "\n");
        line = nc_strbuf_steal(&b);
        if (line)
                write_all(l->fd, line, strlen(line));
        else
                write_all(l->fd, "netconverge: out of memory while logging\n", 41);
}

void nc_watch_log(const struct nc_watch_log *l, int prio, const char *fmt, ...) {
        struct nc_strbuf b = {};
        _cleanup_free_ char *msg = NULL;
        va_list ap;

        if (!nc_watch_log_enabled(l, prio))
                return;
        va_start(ap, fmt);
        nc_strbuf_vprintf(&b, fmt, ap);
        va_end(ap);
        msg = nc_strbuf_steal(&b);
        if (msg)
                emit(l, prio, msg, strlen(msg));
        else
                emit(l, LOG_ERR, "out of memory while logging", 27);
}

void nc_watch_log_lines(const struct nc_watch_log *l, int prio, const char *text) {
        const char *p = text;

        if (!text || !nc_watch_log_enabled(l, prio))
                return;
        while (*p) {
                const char *nl = strchr(p, '\n');
                size_t len = nl ? (size_t) (nl - p) : strlen(p);

                if (len > 0)
                        emit(l, prio, p, len);
                p += len + (nl ? 1 : 0);
        }
}
