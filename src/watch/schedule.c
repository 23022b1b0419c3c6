/* SPDX-License-Identifier: MIT */
#include "watch/watch.h"

/* When the loop runs the pending cycle. Pure (no clock of its own), so the
 * rules are unit tested:
 *  - file and kernel events come in bursts (an editor's save, a deleted
 *    veth's half dozen messages): the cycle waits until NC_WATCH_QUIET_MS
 *    pass with nothing new (NC_WATCH_DRIFT_QUIET_MS for kernel events
 *    alone: one command's messages come within microseconds, and a
 *    repair should not wait for an editor's pace), but never longer than NC_WATCH_MAX_DELAY_MS
 *    after the first, so a steady stream cannot starve it, and a storm
 *    costs at most one cycle per NC_WATCH_MAX_DELAY_MS;
 *  - the first cycle and a SIGHUP run at once, and so do a resync or a
 *    retry on their own;
 *  - after a failed cycle, drift and resyncs wait until fail_gap_ns, so a
 *    change the kernel keeps refusing is retried, not stormed; the user's
 *    own requests (the file, SIGHUP) are never held back;
 *  - while another run holds the lock, nothing before lock_retry_ns. */

#define MS (1000 * 1000LL)

void nc_watch_sched_mark(struct nc_watch_sched *s, unsigned flags, int64_t now_ns) {
        if (!flags)
                return;
        if (!s->dirty)
                s->first_event_ns = now_ns;
        if (flags & NC_DIRTY_DEBOUNCED)
                s->last_event_ns = now_ns;
        s->dirty |= flags;
}

static int64_t max64(int64_t a, int64_t b) {
        return a > b ? a : b;
}

static int64_t min64(int64_t a, int64_t b) {
        return a < b ? a : b;
}

int64_t nc_watch_sched_due(const struct nc_watch_sched *s) {
        int64_t due;

        if (!s->dirty)
                return -1;
        if (s->dirty & (NC_DIRTY_START | NC_DIRTY_RELOAD))
                due = s->first_event_ns;
        else if (s->dirty & NC_DIRTY_DEBOUNCED) {
                int64_t quiet = (s->dirty & NC_DIRTY_FILE ? NC_WATCH_QUIET_MS : NC_WATCH_DRIFT_QUIET_MS) * MS;

                due = min64(s->last_event_ns + quiet, s->first_event_ns + NC_WATCH_MAX_DELAY_MS * MS);
        }
        else
                due = s->first_event_ns;
        due = max64(due, s->lock_retry_ns);
        if (!(s->dirty & NC_DIRTY_USER))
                due = max64(due, s->fail_gap_ns);
        return due;
}

int nc_watch_sched_timeout_ms(const struct nc_watch_sched *s, int64_t now_ns) {
        int64_t due = nc_watch_sched_due(s);

        if (due < 0)
                return -1;
        if (due <= now_ns)
                return 0;
        /* Rounded up: waking early would only spin once more. */
        return (int) ((due - now_ns + MS - 1) / MS);
}
