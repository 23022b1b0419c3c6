/* SPDX-License-Identifier: MIT */
#include "plan/kinds.h"

/* The host's own: a named network namespace made for a container (only
 * a.netns), and net.ipv4.ip_forward (a.sysctl). */

static int compare_none(const struct nc_action *a, const struct nc_action *b) {
        (void) a;
        (void) b;
        return 0;
}

static size_t own_namespace(const struct nc_action *a, const char *ns[static NC_ACTION_NETNS_MAX]) {
        ns[0] = a->netns;
        return 1;
}

/* "netns web"; the JSON's netns says it all. */
static void describe_netns(const struct nc_action *a, struct nc_description *d) {
        nc_put_string(d, NULL, "netns ", a->netns);
}

const struct nc_kind nc_kind_netns = {
        .name = "netns",
        .compare = compare_none,
        .describe = describe_netns,
        .namespaces = own_namespace,
};

static size_t sysctl_changed(const struct nc_action *a, struct nc_changed_field f[static NC_CHANGED_FIELDS_MAX]) {
        struct nc_changed_field *x;
        size_t n = 0;

        x = nc_field_add(f, &n, "value", "", NC_FIELD_INT);
        x->absent = "unknown";
        x->old.absent = a->sysctl.have < 0;
        x->old.n = a->sysctl.have;
        x->new.n = a->sysctl.want;
        return n;
}

/* "sysctl net.ipv4.ip_forward: 0 -> 1"; JSON name, value. */
static void describe_sysctl(const struct nc_action *a, struct nc_description *d) {
        nc_put_string(d, "name", "sysctl ", "net.ipv4.ip_forward");
        nc_put_uint(d, "value", NULL, (unsigned) a->sysctl.want);
        nc_put_changes(d, a, NULL);
}

const struct nc_kind nc_kind_sysctl = {
        .name = "sysctl",
        .compare = compare_none,
        .describe = describe_sysctl,
        .changed = sysctl_changed,
        .namespaces = own_namespace,
        .updatable = NC_DIFF_VALUE,
};
