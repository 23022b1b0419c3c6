/* SPDX-License-Identifier: MIT */
#include "plan/kinds.h"

/* The host's own: a named network namespace made for a container (only
 * a.netns), and the forwarding sysctls (a.sysctl). */

/* "netns web"; the JSON's netns says it all. */
static void describe_netns(const struct nc_action *a, struct nc_description *d) {
        nc_put_string(d, NULL, "netns ", a->netns);
}

const struct nc_kind nc_kind_netns = {
        .name = "netns",
        .compare = nc_kind_compare_none,
        .describe = describe_netns,
        .namespaces = nc_kind_own_namespace,
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

/* net.ipv4.ip_forward before net.ipv6.conf.all.forwarding: IPv6's last. */
static int compare_sysctl(const struct nc_action *a, const struct nc_action *b) {
        return nc_kind_compare_u64(a->sysctl.which, b->sysctl.which);
}

/* "sysctl net.ipv4.ip_forward: 0 -> 1"; JSON name, value. */
static void describe_sysctl(const struct nc_action *a, struct nc_description *d) {
        nc_put_string(d, "name", "sysctl ", nc_sysctl_name(a->sysctl.which));
        nc_put_uint(d, "value", NULL, (unsigned) a->sysctl.want);
        nc_put_changes(d, a, NULL);
}

const struct nc_kind nc_kind_sysctl = {
        .name = "sysctl",
        .compare = compare_sysctl,
        .describe = describe_sysctl,
        .changed = sysctl_changed,
        .namespaces = nc_kind_own_namespace,
        .updatable = NC_DIFF_VALUE,
};
