/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <linux/if.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apply/applier.h"
#include "util/strbuf.h"

/* The kernel acknowledges a link going up before traffic can flow: the
 * carrier comes on, then the link watch work (rate-limited, up to a
 * second apart) makes it operationally up and attaches its qdisc. Until
 * then a veth drops what it is given. So apply polls until every link it
 * created or brought up is IF_OPER_UP, or the time is over. */

/* The first look comes at once, then every 1 ms doubling up to 10 ms:
 * a veth is usually up within a millisecond or two, and a fixed 10 ms
 * sleep was most of adding one container. */
#define POLL_MIN_NS (1000 * 1000L)
#define POLL_MAX_NS (10 * 1000 * 1000L)

/* Up to this many host links pending, one query each; more, one dump
 * (which costs as much as ~100 queries on a host with a thousand links). */
#define HOST_QUERY_MAX 32

static int64_t now_ns(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int nc_wait_add(struct nc_applier *ap, struct nc_ns *ns, const char *name) {
        struct nc_wait_link *w;

        if (nc_grow(&ap->wait, &ap->cap_wait, ap->n_wait + 1, sizeof(*ap->wait)) < 0)
                return -ENOMEM;
        w = &ap->wait[ap->n_wait++];
        *w = (struct nc_wait_link) { .ns = ns };
        strncpy(w->name, name, NC_IFNAMSIZ - 1);
        return 0;
}

static int compare_wait(const void *a, const void *b) {
        const struct nc_wait_link *x = a, *y = b;
        int r = strcmp(x->ns->netns, y->ns->netns);

        return r != 0 ? r : strcmp(x->name, y->name);
}

struct host_round {
        struct nc_wait_link *links;     /* the host namespace's, sorted by name */
        size_t n;
};

static int mark_host_link(const struct nc_linkinfo *l, void *data) {
        struct host_round *h = data;
        size_t lo = 0, hi = h->n;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int c = strcmp(h->links[mid].name, l->name);

                if (c == 0) {
                        if (l->operstate == IF_OPER_UP)
                                h->links[mid].up = true;
                        return 0;
                }
                if (c < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return 0;
}

static void poll_one(struct nc_applier *ap, struct nc_wait_link *w);

/* A few links: a query each; many: one dump answers for all of them. */
static void poll_host(struct nc_applier *ap, struct host_round *h) {
        struct nl_sock *sk;
        size_t pending = 0;

        for (size_t i = 0; i < h->n; i++)
                pending += !h->links[i].up && !h->links[i].gone;
        if (pending == 0)
                return;
        if (pending <= HOST_QUERY_MAX) {
                for (size_t i = 0; i < h->n; i++)
                        poll_one(ap, &h->links[i]);
                return;
        }
        if (nc_ns_socket(ap, h->links[0].ns, &sk) < 0)
                return;
        /* An interrupted dump is simply the next round's to redo. */
        (void) nc_nl_dump_links(ap, sk, mark_host_link, h);
}

/* One link: a query, only while it is not up. A link that went away
 * under its name (deleted or renamed by someone else meanwhile) will not
 * come up: waiting for it would only delay the verify that reports it. */
static void poll_one(struct nc_applier *ap, struct nc_wait_link *w) {
        struct nc_linkinfo l;
        struct nl_sock *sk;
        int r;

        if (w->up || w->gone || nc_ns_socket(ap, w->ns, &sk) < 0)
                return;
        r = nc_nl_get_link(ap, sk, 0, w->name, &l);
        if (r == -ENODEV)
                w->gone = true;
        else if (r >= 0 && l.operstate == IF_OPER_UP)
                w->up = true;
}

static size_t count_down(const struct nc_applier *ap) {
        size_t n = 0;

        for (size_t i = 0; i < ap->n_wait; i++)
                n += !ap->wait[i].up && !ap->wait[i].gone;
        return n;
}

size_t nc_wait_run(struct nc_applier *ap, unsigned seconds) {
        const int64_t deadline = now_ns() + (int64_t) seconds * 1000000000;
        struct host_round host = { .links = ap->wait };
        long sleep_ns = POLL_MIN_NS;

        if (ap->n_wait == 0)
                return 0;
        qsort(ap->wait, ap->n_wait, sizeof(*ap->wait), compare_wait);
        while (host.n < ap->n_wait && !ap->wait[host.n].ns->netns[0])
                host.n++;
        for (;;) {
                poll_host(ap, &host);
                for (size_t i = host.n; i < ap->n_wait && now_ns() < deadline; i++)
                        poll_one(ap, &ap->wait[i]);
                if (count_down(ap) == 0 || now_ns() >= deadline)
                        break;
                nanosleep(&(struct timespec) { .tv_nsec = sleep_ns }, NULL);
                sleep_ns = sleep_ns * 2 > POLL_MAX_NS ? POLL_MAX_NS : sleep_ns * 2;
        }
        return count_down(ap);
}
