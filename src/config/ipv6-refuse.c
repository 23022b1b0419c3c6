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
