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

#define NC_IP_FORWARD_PATH "/proc/sys/net/ipv4/ip_forward"

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

static void closep(int *fd) {
        if (*fd >= 0)
                close(*fd);
}

/* /proc/sys/net belongs to the namespace of whoever opens it: ours, the
 * host's (or -n's). A kernel without IPv4 has no such file: unknown. */
static int read_ip_forward(struct nc_observer *o) {
        _cleanup_fclose_ FILE *f = fopen(NC_IP_FORWARD_PATH, "re");
        int v;

        if (!f && errno == ENOENT) {
                o->state->ip_forward = -1;
                return 0;
        }
        if (!f)
                return nc_observer_fail(o, -errno, "reading " NC_IP_FORWARD_PATH);
        if (fscanf(f, "%d", &v) != 1)
                return nc_observer_fail(o, -EBADMSG, "reading " NC_IP_FORWARD_PATH);
        o->state->ip_forward = v != 0;
        return 0;
}

static int strptr_compare(const void *a, const void *b) {
        return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* The namespaces to look into, sorted and distinct: the file's, and those
 * the host ends we own point at (their containers may be gone from the
 * file, and prune needs to see the other end). The strings belong to
 * desired and to the host links, which outlive the list. */
static int list_namespaces(const struct nc_model *desired, const struct nc_state *s, const char ***ret,
                           size_t *ret_n) {
        size_t n_max = s->n_links + (desired ? desired->n_containers : 0), n = 0, k = 0;
        _cleanup_free_ const char **v = calloc(n_max ? n_max : 1, sizeof(*v));

        if (!v)
                return -ENOMEM;
        for (size_t i = 0; desired && i < desired->n_containers; i++)
                if (desired->containers[i].netns)
                        v[n++] = desired->containers[i].netns;
        for (size_t i = 0; i < s->n_links; i++) {
                const struct nc_link *l = &s->links[i];

                /* An alias is anyone's to write: a netns field that is no
                 * valid namespace value is not followed anywhere. */
                if (!l->netns[0] && l->role == NC_ROLE_HOST_END && !nc_netns_invalid(l->owner_netns))
                        v[n++] = l->owner_netns;
        }
        if (n > 1)
                qsort(v, n, sizeof(*v), strptr_compare);
        for (size_t i = 0; i < n; i++)
                if (k == 0 || strcmp(v[k - 1], v[i]) != 0)
                        v[k++] = v[i];
        *ret = TAKE_PTR(v);
        *ret_n = k;
        return 0;
}

static int observe_container_netns(struct nc_observer *o, const char *netns, int home_fd) {
        _cleanup_(closep) int fd = nc_netns_open(netns);
        int r;

        /* A container not started yet: not an error, the plan waits. */
        if (fd == -ENOENT) {
                r = nc_state_add_namespace(o->state, netns, false);
                return r < 0 ? nc_observer_fail(o, r, "recording netns %s", netns) : 0;
        }
        if (fd < 0)
                return nc_observer_fail(o, fd, "opening netns %s", netns);
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
        return ns && ns->exists;
}

/* The host namespace: read, or kept from the previous observation. */
static int observe_host(struct nc_observer *o, const struct nc_model *desired, const struct nc_observe_scope *scope,
                        int home_fd) {
        bool fresh = !scope || !scope->previous;
        struct nc_observe_reuse keep = { .host = true };
        int r;

        if (fresh || scope->host)
                r = nc_observe_rtnl(o, "", -1, home_fd);
        else
                r = nc_observe_reuse_rtnl(o, scope->previous, &keep);
        if (r < 0)
                return r;
        r = read_ip_forward(o);
        if (r < 0)
                return r;
        if (!fresh && !scope->nft)
                return nc_observe_reuse_nft(o, scope->previous);
        /* The table the file names; with no file (destroy, show), the default. */
        return nc_observe_nft(o, desired ? desired->settings.table : "netconverge");
}

static int observe_containers(struct nc_observer *o, const struct nc_model *desired,
                              const struct nc_observe_scope *scope, int home_fd) {
        _cleanup_free_ const char **names = NULL, **kept = NULL;
        struct nc_observe_reuse keep = {};
        size_t n = 0;
        int r;

        r = list_namespaces(desired, o->state, &names, &n);
        if (r < 0)
                return nc_observer_fail(o, r, "listing namespaces");
        kept = calloc(n ? n : 1, sizeof(*kept));
        if (!kept)
                return nc_observer_fail(o, -ENOMEM, "listing namespaces");
        keep.netns = kept;
        for (size_t i = 0; i < n; i++) {
                if (reusable(scope, names[i])) {
                        r = nc_state_add_namespace(o->state, names[i], true);
                        if (r < 0)
                                return nc_observer_fail(o, r, "recording netns %s", names[i]);
                        /* names is sorted, so kept is too. */
                        kept[keep.n_netns++] = names[i];
                        continue;
                }
                r = observe_container_netns(o, names[i], home_fd);
                if (r < 0)
                        return r;
        }
        if (keep.n_netns == 0)
                return 0;
        r = nc_observe_reuse_rtnl(o, scope->previous, &keep);
        return r < 0 ? nc_observer_fail(o, r, "copying the previous observation") : 0;
}

static int observe_all(const struct nc_model *desired, const struct nc_observe_scope *scope, struct nc_observer *o) {
        _cleanup_(closep) int home_fd = nc_netns_open("");
        int r;

        if (home_fd < 0)
                return nc_observer_fail(o, home_fd, "opening the current network namespace");
        r = observe_host(o, desired, scope, home_fd);
        if (r < 0)
                return r;
        r = observe_containers(o, desired, scope, home_fd);
        if (r < 0)
                return r;
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
