/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>

#include "config/stages.h"
#include "netconverge/config.h"
#include "util/cleanup.h"

/* Temporary (see config.h): the whole of the IPv6 refusal. Every IPv6 use
 * in a valid model hangs off a bridge's subnet6 (validation refuses
 * address6 and IPv6 host_ips on bridges without one), so the bridges say
 * it all. */
const struct nc_bridge *nc_model_uses_ipv6(const struct nc_model *m) {
        for (size_t i = 0; i < m->n_bridges; i++)
                if (m->bridges[i].prefixlen6 > 0 || m->bridges[i].subnet6_at.line != 0)
                        return &m->bridges[i];
        return NULL;
}

/* The same for VXLAN (SPEC 7.5): validated, not applied yet; applying the
 * rest would give one host a bridge that reaches no other. */
static int refuse_vxlan(const struct nc_model *m, struct nc_diags *d) {
        for (size_t i = 0; i < m->n_bridges; i++) {
                const struct nc_bridge *b = &m->bridges[i];
                _cleanup_free_ char *p = NULL;

                if (!b->vxlan)
                        continue;
                p = nc_path_join(b->path, "vxlan");
                if (!p)
                        return -ENOMEM;
                nc_diags_add(d, b->vxlan->at, p,
                             "VXLAN (vxlan on bridge %s) is not applied by this version yet; 'validate' accepts the "
                             "file, 'diff', 'apply' and 'watch' refuse it rather than make a bridge that reaches no "
                             "other host", b->name);
                return -EOPNOTSUPP;
        }
        return 0;
}

int nc_config_refuse_unapplied(const struct nc_model *m, struct nc_diags *d) {
        int r = nc_config_refuse_ipv6(m, d);

        return r < 0 ? r : refuse_vxlan(m, d);
}

int nc_config_refuse_ipv6(const struct nc_model *m, struct nc_diags *d) {
        const struct nc_bridge *b = nc_model_uses_ipv6(m);
        _cleanup_free_ char *p = NULL;

        if (!b)
                return 0;
        p = nc_path_join(b->path, "subnet6");
        if (!p)
                return -ENOMEM;
        nc_diags_add(d, b->subnet6_at, p,
                     "IPv6 (subnet6 on bridge %s) is not applied by this version yet; 'validate' accepts the file, "
                     "'diff', 'apply' and 'watch' refuse it rather than apply its IPv4 part alone", b->name);
        return -EOPNOTSUPP;
}
