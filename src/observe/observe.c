/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netconverge/names.h"
#include "netconverge/netns.h"
#include "netconverge/observe.h"
#include "nft/nft.h"
#include "observe/observer.h"
#include "util/cleanup.h"
#include "util/sort.h"


int nc_observer_fail(struct nc_observer *o, int r, const char *fmt, ...) {
        size_t n;
        va_list ap;

        if (!o->err || o->errlen == 0)
                return r;
        va_start(ap, fmt);
        vsnprintf(o->err, o->errlen, fmt, ap);
        va_end(ap);
        n = strlen(o->err);
        snprintf(o->err + n, o->errlen - n, ": %s", strerror(-r));
        return r;
}

/* /proc/sys/net belongs to the namespace of whoever opens it: ours, the
 * host's (or -n's). A kernel without that family has no such file:
 * unknown. */
static int read_sysctl(struct nc_observer *o, enum nc_sysctl k) {
        char path[NC_SYSCTL_PATH_MAX];
        _cleanup_fclose_ FILE *f = NULL;
        int *value = nc_state_sysctl(o->state, k);
        int v, r;

        r = nc_sysctl_path(k, path);
        if (r < 0)
                return r;
        f = fopen(path, "re");
        if (!f && errno == ENOENT) {
                *value = -1;
                return 0;
        }
        if (!f)
                return nc_observer_fail(o, -errno, "reading %s", path);
        if (fscanf(f, "%d", &v) != 1)
                return nc_observer_fail(o, -EBADMSG, "reading %s", path);
        *value = v != 0;
        return 0;
}

/* accept_ra of the host links that use router advertisements (few:
 * uplinks), which IPv6 forwarding would make ignore them (SPEC 7.1). A
 * link renamed or gone since the dump: unknown. */
static void read_accept_ra(struct nc_observer *o) {
        for (size_t i = 0; i < o->state->n_links; i++) {
                struct nc_link *l = &o->state->links[i];
                char path[64 + NC_IFNAMSIZ];
                _cleanup_fclose_ FILE *f = NULL;
                int v;

                if (l->netns[0] || !l->uses_ra)
                        continue;
                l->accept_ra = -1;
                snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/accept_ra", l->name);
                f = fopen(path, "re");
                if (f && fscanf(f, "%d", &v) == 1)
                        l->accept_ra = v;
        }
}

static int read_sysctls(struct nc_observer *o) {
        for (enum nc_sysctl k = 0; k < _NC_SYSCTL_MAX; k++) {
                int r = read_sysctl(o, k);

                if (r < 0)
                        return r;
        }
        return 0;
}

/* Sorts v and drops repeats; returns the new length. */
static size_t sort_unique(const char **v, size_t n) {
        size_t k = 0;

        if (n > 1)
                qsort(v, n, sizeof(*v), nc_strptr_compare);
        for (size_t i = 0; i < n; i++)
                if (k == 0 || strcmp(v[k - 1], v[i]) != 0)
                        v[k++] = v[i];
        return k;
}

static bool in_sorted(const char *const *v, size_t n, const char *s) {
        return n > 0 && bsearch(&s, v, n, sizeof(*v), nc_strptr_compare) != NULL;
}

/* The namespaces the file names, sorted and distinct. The strings belong
 * to desired. */
static int desired_namespaces(const struct nc_model *desired, const char ***ret, size_t *ret_n) {
        size_t n_max = desired ? desired->n_containers : 0, n = 0;
        _cleanup_free_ const char **v = calloc(n_max ? n_max : 1, sizeof(*v));

        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < n_max; i++)
                if (desired->containers[i].netns)
                        v[n++] = desired->containers[i].netns;
        *ret_n = sort_unique(v, n);
        *ret = TAKE_PTR(v);
        return 0;
}

/* Those the host ends we own point at and the file does not name (their
 * containers may be gone from the file, and prune needs to see the other
 * end), sorted and distinct. The strings belong to the host links. */
static int owner_namespaces(const struct nc_state *s, const char *const *named, size_t n_named, const char ***ret,
                            size_t *ret_n) {
        _cleanup_free_ const char **v = calloc(s->n_links ? s->n_links : 1, sizeof(*v));
        size_t n = 0;

        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < s->n_links; i++) {
                const struct nc_link *l = &s->links[i];

                /* An alias is anyone's to write: a netns field that is no
                 * valid namespace value is not followed anywhere. */
                if (!l->netns[0] && l->role == NC_ROLE_HOST_END && !nc_netns_invalid(l->owner_netns) &&
                    !in_sorted(named, n_named, l->owner_netns))
                        v[n++] = l->owner_netns;
        }
        *ret_n = sort_unique(v, n);
        *ret = TAKE_PTR(v);
        return 0;
}

int nc_observe_container(struct nc_observer *o, const char *netns, int home_fd) {
        _cleanup_close_ int fd = nc_netns_open(netns);
        int r;

        /* A container not started yet: not an error, the plan waits. */
        if (fd == -ENOENT) {
                r = nc_state_add_namespace(o->state, netns, false);
                return r < 0 ? nc_observer_fail(o, r, "recording netns %s", netns) : 0;
        }
        if (fd < 0)
                return nc_observer_fail(o, fd, "opening netns %s", netns);
        /* An empty file where a namespace will be bound (an apply, or `ip
         * netns add`, died before binding it): not there yet. A name is
         * then finished by the plan's `+ netns`, a path waited for. */
        r = nc_netns_half_made(fd);
        if (r > 0) {
                r = nc_state_add_namespace(o->state, netns, false);
                return r < 0 ? nc_observer_fail(o, r, "recording netns %s", netns) : 0;
        }
        if (r < 0)
                return nc_observer_fail(o, r, "opening netns %s", netns);
        r = nc_state_add_namespace(o->state, netns, true);
        if (r < 0)
                return nc_observer_fail(o, r, "recording netns %s", netns);
        return nc_observe_rtnl(o, netns, fd, home_fd);
}

/* Whether a scoped observation may copy this container namespace from
 * the previous one: only one seen there, existing, and not in scope. A
 * missing namespace is looked for every time: its creation sends no event
 * anywhere the watcher listens. */
static bool reusable(const struct nc_observe_scope *scope, const char *netns) {
        const struct nc_namespace *ns;

        if (!scope || !scope->previous || nc_observe_scope_has_netns(scope, netns))
                return false;
        ns = nc_state_find_namespace(scope->previous, netns);
        /* One with a problem was not read: nothing to copy. */
        return ns && ns->exists && ns->problem == NC_NETNS_PROBLEM_NONE;
}

/* Beyond this many host links, one dump costs less than a query each. */
#define HOST_QUERY_MAX 64

/* The host namespace's links, addresses and routes: read, read in part,
 * or kept from the previous observation; and the forwarding sysctls. */
static int observe_host(struct nc_observer *o, const struct nc_observe_scope *scope, int home_fd) {
        bool fresh = !scope || !scope->previous;
        struct nc_observe_reuse keep = { .host = true };
        int r;

        if (fresh || scope->n_host_links + scope->n_host_ifindexes > HOST_QUERY_MAX)
                r = nc_observe_rtnl(o, "", -1, home_fd);
        else if (scope->host_some)
                r = nc_observe_rtnl_host_some(o, scope->previous, scope, home_fd);
        else
                r = nc_observe_reuse_rtnl(o, scope->previous, &keep);
        if (r < 0)
                return r;
        read_accept_ra(o);
        return read_sysctls(o);
}

/* The table: read (on a thread, see nft.c), or kept. Whether a read was
 * started is in j->state. */
static int start_table(struct nc_observer *o, const struct nc_model *desired, const struct nc_observe_scope *scope,
                       struct nc_nft_job *j) {
        bool fresh = !scope || !scope->previous;
        int r;

        if (!fresh && !scope->nft) {
                r = nc_observe_reuse_nft(o, scope->previous);
                return r < 0 ? nc_observer_fail(o, r, "copying the previous observation") : 0;
        }
        /* The table the file names; with no file (show), the marked one. */
        r = nc_observe_nft_start(j, desired ? desired->settings.table : NULL,
                                 fresh ? NULL : &scope->previous->nft);
        return r < 0 ? nc_observer_fail(o, r, "reading the nftables table") : 0;
}

/* Splits names (sorted) into those to read and those to copy, both
 * sorted; names stays as it is (it is searched later). */
struct split {
        const char **read, **copy;
        size_t n_read, n_copy;
};

static void split_done(struct split *x) {
        free(x->read);
        free(x->copy);
}

static int split(const struct nc_observe_scope *scope, const char *const *names, size_t n, struct split *ret) {
        struct split x = {
                .read = calloc(n ? n : 1, sizeof(*x.read)),
                .copy = calloc(n ? n : 1, sizeof(*x.copy)),
        };

        if (!x.read || !x.copy) {
                split_done(&x);
                return -ENOMEM;
        }
        for (size_t i = 0; i < n; i++) {
                if (reusable(scope, names[i]))
                        x.copy[x.n_copy++] = names[i];
                else
                        x.read[x.n_read++] = names[i];
        }
        *ret = x;
        return 0;
}

/* Takes name out of the sorted list v (if there). */
static void drop_name(const char **v, size_t *n, const char *name) {
        size_t k = 0;

        for (size_t i = 0; i < *n; i++)
                if (strcmp(v[i], name) != 0)
                        v[k++] = v[i];
        *n = k;
}

struct identified {
        const char *netns;
        struct nc_netns_identity id;
        enum nc_netns_problem problem;
        const char *same_as;
};

static int identity_compare(const void *p, const void *q) {
        const struct identified *a = p, *b = q;

        if (a->id.dev != b->id.dev)
                return a->id.dev < b->id.dev ? -1 : 1;
        if (a->id.ino != b->id.ino)
                return a->id.ino < b->id.ino ? -1 : 1;
        return strcmp(a->netns, b->netns);
}

/* What a netns value is; a path that cannot lead to anything (a loop, a
 * file as a directory) is no namespace either. */
static int identify(const char *netns, struct nc_netns_identity *ret) {
        int r = nc_netns_identify(netns, ret);

        if (r == -ELOOP || r == -ENOTDIR || r == -ENAMETOOLONG) {
                *ret = (struct nc_netns_identity) { .kind = NC_NETNS_KIND_NOT_NETNS };
                return 0;
        }
        return r;
}

/* SPEC 7.6, 7.7: a namespace the file names that is the one netconverge
 * acts in, that is no namespace, or that another of the file's names
 * reaches too (a symlink, two names bound to one namespace) is its
 * container's problem alone. It is recorded with its problem and not
 * read (nothing in it is netconverge's to change: for the host's own that
 * would be the host's links again under a container's name), and taken
 * out of x. Every name is looked at, also those a scoped observation
 * would copy: a symlink changes without an event. Names sorted, so the
 * partner a shared one names is the same every time. */
static int check_namespaces(struct nc_observer *o, const char *const *named, size_t n, int home_fd,
                            struct split *x) {
        _cleanup_free_ struct identified *v = calloc(n ? n : 1, sizeof(*v));
        struct nc_netns_identity home;
        int r;

        if (!v)
                return nc_observer_fail(o, -ENOMEM, "checking namespaces");
        r = nc_netns_identify_fd(home_fd, &home);
        if (r < 0)
                return nc_observer_fail(o, r, "identifying the current network namespace");
        for (size_t i = 0; i < n; i++) {
                v[i].netns = named[i];
                r = identify(named[i], &v[i].id);
                if (r < 0)
                        return nc_observer_fail(o, r, "opening netns %s", named[i]);
                if (v[i].id.kind == NC_NETNS_KIND_NOT_NETNS)
                        v[i].problem = NC_NETNS_PROBLEM_NOT_NETNS;
                else if (v[i].id.kind == NC_NETNS_KIND_NETNS && v[i].id.dev == home.dev && v[i].id.ino == home.ino)
                        v[i].problem = NC_NETNS_PROBLEM_HOST;
        }
        /* Equal identities are neighbours once sorted. */
        if (n > 1)
                qsort(v, n, sizeof(*v), identity_compare);
        for (size_t i = 0; i < n; i++) {
                size_t end = i + 1;

                if (v[i].id.kind != NC_NETNS_KIND_NETNS || v[i].problem != NC_NETNS_PROBLEM_NONE)
                        continue;
                while (end < n && v[end].id.kind == NC_NETNS_KIND_NETNS && v[end].id.dev == v[i].id.dev &&
                       v[end].id.ino == v[i].id.ino)
                        end++;
                if (end == i + 1)
                        continue;
                /* Each names the first other one of its group. */
                for (size_t k = i; k < end; k++) {
                        v[k].problem = NC_NETNS_PROBLEM_SHARED;
                        v[k].same_as = v[k == i ? i + 1 : i].netns;
                }
                i = end - 1;
        }
        for (size_t i = 0; i < n; i++) {
                if (v[i].problem == NC_NETNS_PROBLEM_NONE)
                        continue;
                r = nc_state_add_namespace(o->state, v[i].netns, true);
                if (r >= 0)
                        r = nc_state_set_namespace_problem(o->state, v[i].problem, v[i].same_as);
                if (r < 0)
                        return nc_observer_fail(o, r, "recording netns %s", v[i].netns);
                drop_name(x->read, &x->n_read, v[i].netns);
                drop_name(x->copy, &x->n_copy, v[i].netns);
        }
        return 0;
}

/* Container namespaces copied from the previous observation. */
static int keep_containers(struct nc_observer *o, const struct nc_observe_scope *scope, const char **a, size_t n_a,
                           const char **b, size_t n_b) {
        _cleanup_free_ const char **kept = calloc(n_a + n_b ? n_a + n_b : 1, sizeof(*kept));
        struct nc_observe_reuse keep = { .netns = kept };
        int r;

        if (!kept)
                return nc_observer_fail(o, -ENOMEM, "copying the previous observation");
        memcpy(kept, a, n_a * sizeof(*a));
        memcpy(kept + n_a, b, n_b * sizeof(*b));
        keep.n_netns = sort_unique(kept, n_a + n_b);
        for (size_t i = 0; i < keep.n_netns; i++) {
                r = nc_state_add_namespace(o->state, kept[i], true);
                if (r < 0)
                        return nc_observer_fail(o, r, "recording netns %s", kept[i]);
        }
        if (keep.n_netns == 0)
                return 0;
        r = nc_observe_reuse_rtnl(o, scope->previous, &keep);
        return r < 0 ? nc_observer_fail(o, r, "copying the previous observation") : 0;
}

/* The file's containers are read by a pool while this thread reads the
 * host; then the containers only the host's veths name. */
static int observe_all(const struct nc_model *desired, const struct nc_observe_scope *scope, struct nc_observer *o) {
        _cleanup_close_ int home_fd = nc_netns_open("");
        _cleanup_(nc_observe_pool_done) struct nc_observe_pool pool = {};
        _cleanup_(nc_observe_nft_job_done) struct nc_nft_job table = {};
        _cleanup_free_ const char **named = NULL, **owners = NULL;
        _cleanup_(split_done) struct split a = {}, b = {};
        size_t n_named = 0, n_owners = 0;
        int r;

        if (home_fd < 0)
                return nc_observer_fail(o, home_fd, "opening the current network namespace");
        r = desired_namespaces(desired, &named, &n_named);
        if (r >= 0)
                r = split(scope, named, n_named, &a);
        if (r < 0)
                return nc_observer_fail(o, r, "listing namespaces");
        r = check_namespaces(o, named, n_named, home_fd, &a);
        if (r < 0)
                return r;
        r = start_table(o, desired, scope, &table);
        if (r < 0)
                return r;
        r = nc_observe_pool_start(&pool, a.read, a.n_read, home_fd);
        if (r < 0)
                return nc_observer_fail(o, r, "observing namespaces");
        r = observe_host(o, scope, home_fd);
        if (r >= 0)
                r = nc_observe_listeners(o, desired);
        if (r < 0)
                return r;
        r = nc_observe_pool_finish(&pool, o);
        nc_observe_pool_done(&pool);
        if (r < 0)
                return r;

        r = owner_namespaces(o->state, named, n_named, &owners, &n_owners);
        if (r >= 0)
                r = split(scope, owners, n_owners, &b);
        if (r < 0)
                return nc_observer_fail(o, r, "listing namespaces");
        r = nc_observe_pool_start(&pool, b.read, b.n_read, home_fd);
        if (r < 0)
                return nc_observer_fail(o, r, "observing namespaces");
        r = nc_observe_pool_finish(&pool, o);
        if (r < 0)
                return r;

        r = keep_containers(o, scope, a.copy, a.n_copy, b.copy, b.n_copy);
        if (r < 0)
                return r;
        if (table.state) {
                r = nc_observe_nft_finish(&table, o);
                if (r < 0)
                        return r;
        }
        r = nc_observe_pair_veths(o);
        if (r < 0)
                return nc_observer_fail(o, r, "pairing veth ends");
        return 0;
}

int nc_observe_scoped(const struct nc_model *desired, const struct nc_observe_scope *scope, struct nc_state **ret,
                      char *err, size_t errlen) {
        _cleanup_(nc_state_freep) struct nc_state *s = nc_state_new();
        struct nc_observer o = { .state = s, .err = err, .errlen = errlen };
        int r;

        if (err && errlen > 0)
                err[0] = '\0';
        if (!s)
                return nc_observer_fail(&o, -ENOMEM, "observing");
        r = observe_all(desired, scope, &o);
        if (r < 0)
                return r;
        nc_state_sort(s);
        *ret = TAKE_PTR(s);
        return 0;
}

int nc_observe(const struct nc_model *desired, struct nc_state **ret, char *err, size_t errlen) {
        return nc_observe_scoped(desired, NULL, ret, err, errlen);
}
