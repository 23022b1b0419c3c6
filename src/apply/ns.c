/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <netlink/socket.h>

#include "apply/applier.h"
#include "netconverge/netns.h"
#include "util/cleanup.h"
#include "util/nlerr.h"
#include "util/strbuf.h"

/* Sockets kept open at most: a quarter of the fd limit, so that a
 * thousand namespaces on a host with the common 1024 limit still work
 * (evicted sockets are reopened on the next use, a setns() pair each). */
static size_t max_open_sockets(void) {
        struct rlimit rl;

        if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
                return 256;
        if (rl.rlim_cur / 4 < 16)
                return 16;
        return rl.rlim_cur / 4 > 4096 ? 4096 : (size_t) (rl.rlim_cur / 4);
}

int nc_applier_init(struct nc_applier *ap, const struct nc_plan *plan) {
        int fd;

        *ap = (struct nc_applier) { .plan = plan, .home_fd = -1, .max_open = max_open_sockets() };
        fd = nc_netns_open("");
        if (fd < 0)
                return fd;
        ap->home_fd = fd;
        return 0;
}

static void ns_free(struct nc_ns *ns) {
        if (ns->sk)
                nl_socket_free(ns->sk);
        free(ns->netns);
        free(ns->ifindex);
        free(ns->failed);
        free(ns);
}

void nc_applier_done(struct nc_applier *ap) {
        for (size_t i = 0; i < ap->n_ns; i++)
                ns_free(ap->ns[i]);
        free(ap->ns);
        free(ap->wait);
        if (ap->home_fd >= 0)
                close(ap->home_fd);
        *ap = (struct nc_applier) { .home_fd = -1 };
}

/* Index of netns in the sorted array, or where it would go. */
static size_t ns_search(const struct nc_applier *ap, const char *netns, bool *found) {
        size_t lo = 0, hi = ap->n_ns;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int c = strcmp(ap->ns[mid]->netns, netns);

                if (c == 0) {
                        *found = true;
                        return mid;
                }
                if (c < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        *found = false;
        return lo;
}

int nc_ns_get(struct nc_applier *ap, const char *netns, struct nc_ns **ret) {
        _cleanup_free_ struct nc_ns *ns = NULL;
        bool found;
        size_t i = ns_search(ap, netns, &found);

        if (found) {
                *ret = ap->ns[i];
                return 0;
        }
        if (nc_grow(&ap->ns, &ap->cap_ns, ap->n_ns + 1, sizeof(*ap->ns)) < 0)
                return -ENOMEM;
        ns = calloc(1, sizeof(*ns));
        if (!ns)
                return -ENOMEM;
        ns->netns = strdup(netns);
        if (!ns->netns)
                return -ENOMEM;
        memmove(&ap->ns[i + 1], &ap->ns[i], (ap->n_ns - i) * sizeof(*ap->ns));
        ap->ns[i] = ns;
        ap->n_ns++;
        *ret = TAKE_PTR(ns);
        return 0;
}

/* Closes the socket used longest ago. */
static void evict_one(struct nc_applier *ap) {
        struct nc_ns *oldest = NULL;

        for (size_t i = 0; i < ap->n_ns; i++) {
                struct nc_ns *ns = ap->ns[i];

                if (ns->sk && ns->netns[0] && (!oldest || ns->last_used < oldest->last_used))
                        oldest = ns;
        }
        if (!oldest)
                return;
        nl_socket_free(oldest->sk);
        oldest->sk = NULL;
        ap->n_open--;
}

struct open_args {
        struct nc_applier *ap;
        struct nl_sock *sk;
};

/* Runs inside the namespace: a netlink socket belongs to the namespace it
 * was created in, whatever namespace its user is in later. */
static int open_socket_here(void *data) {
        struct open_args *args = data;
        struct nl_sock *sk = nl_socket_alloc();
        int r;

        if (!sk)
                return -ENOMEM;
        r = nl_connect(sk, NETLINK_ROUTE);
        if (r < 0) {
                nl_socket_free(sk);
                return nc_nlerr_to_errno(r);
        }
        r = nc_nl_setup_socket(args->ap, sk);
        if (r < 0) {
                nl_socket_free(sk);
                return r;
        }
        args->sk = sk;
        return 0;
}

static int open_socket(struct nc_applier *ap, struct nc_ns *ns) {
        struct open_args args = { .ap = ap };
        int fd, r;

        if (!ns->netns[0])
                r = open_socket_here(&args);
        else {
                fd = nc_netns_open(ns->netns);
                if (fd < 0)
                        return fd;
                r = nc_netns_run_in(fd, ap->home_fd, open_socket_here, &args);
                close(fd);
        }
        if (r < 0)
                return r;
        ns->sk = args.sk;
        return 0;
}

int nc_ns_socket(struct nc_applier *ap, struct nc_ns *ns, struct nl_sock **ret) {
        int r;

        if (ns->error < 0)
                return ns->error;
        if (!ns->sk) {
                if (ap->n_open >= ap->max_open)
                        evict_one(ap);
                r = open_socket(ap, ns);
                if (r < 0) {
                        ns->error = r;
                        return r;
                }
                ap->n_open++;
        }
        ns->last_used = ++ap->clock;
        *ret = ns->sk;
        return 0;
}

int nc_ns_ifindex(struct nc_applier *ap, struct nc_ns *ns, const char *name) {
        struct nc_linkinfo l;
        struct nl_sock *sk;
        int r;

        for (size_t i = 0; i < ns->n_ifindex; i++)
                if (strcmp(ns->ifindex[i].name, name) == 0)
                        return ns->ifindex[i].ifindex;
        r = nc_ns_socket(ap, ns, &sk);
        if (r < 0)
                return r;
        r = nc_nl_get_link(ap, sk, 0, name, &l);
        if (r < 0)
                return r;
        if (nc_grow(&ns->ifindex, &ns->cap_ifindex, ns->n_ifindex + 1, sizeof(*ns->ifindex)) < 0)
                return -ENOMEM;
        ns->ifindex[ns->n_ifindex] = (struct nc_ifindex_entry) { .ifindex = l.ifindex };
        strncpy(ns->ifindex[ns->n_ifindex].name, name, NC_IFNAMSIZ - 1);
        ns->n_ifindex++;
        return l.ifindex;
}

void nc_ns_forget(struct nc_ns *ns, const char *name) {
        for (size_t i = 0; i < ns->n_ifindex; i++)
                if (strcmp(ns->ifindex[i].name, name) == 0) {
                        ns->ifindex[i] = ns->ifindex[--ns->n_ifindex];
                        return;
                }
}

void nc_ns_forget_all(struct nc_applier *ap) {
        for (size_t i = 0; i < ap->n_ns; i++)
                ap->ns[i]->n_ifindex = 0;
}

int nc_ns_mark_failed(struct nc_ns *ns, const char *name) {
        if (nc_ns_link_failed(ns, name))
                return 0;
        if (nc_grow(&ns->failed, &ns->cap_failed, ns->n_failed + 1, sizeof(*ns->failed)) < 0)
                return -ENOMEM;
        memset(ns->failed[ns->n_failed], 0, NC_IFNAMSIZ);
        strncpy(ns->failed[ns->n_failed], name, NC_IFNAMSIZ - 1);
        ns->n_failed++;
        return 0;
}

bool nc_ns_link_failed(const struct nc_ns *ns, const char *name) {
        for (size_t i = 0; i < ns->n_failed; i++)
                if (strcmp(ns->failed[i], name) == 0)
                        return true;
        return false;
}
