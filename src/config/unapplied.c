/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>

#include "config/stages.h"
#include "netconverge/config.h"
#include "util/cleanup.h"

/* Temporary (see config.h): VXLAN (SPEC 7.5) is validated, not applied
 * yet; applying the rest would give one host a bridge that reaches no
 * other. */
int nc_config_refuse_unapplied(const struct nc_model *m, struct nc_diags *d) {
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
