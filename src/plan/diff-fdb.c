/* SPDX-License-Identifier: MIT */
#include <errno.h>

#include "plan/internal.h"

/* The VXLAN links' forwarding-database entries, one per remote, diffed
 * per entry: both states are sorted by (netns, link, MAC, remote), and a
 * remote added or removed is exactly one + or -. An entry's link made by
 * this plan (added, or replaced) has none yet: every wanted one is added.
 * A link removed takes its entries along: none is listed. Entries are
 * ours on a VXLAN link of ours; observation reads no others. */

static bool link_fresh(const struct nc_fdb_diff *c, const struct nc_fdb *f) {
        const struct nc_link *l = nc_state_find_link(c->want, f->netns, f->ifname);

        return l && c->fresh[l - c->want->links];
}

/* Not on a link whose bridge waits for its underlay: that link is left
 * as it is (diff.c), and so are its remotes. */
static bool link_removable(const struct nc_fdb_diff *c, const struct nc_fdb *f) {
        const struct nc_link *l = nc_state_find_link(c->have, f->netns, f->ifname);

        return l && !c->gone[l - c->have->links] && l->kind == NC_LINK_VXLAN &&
               (l->role == NC_ROLE_VXLAN || nc_link_unfinished(l)) && !nc_plan_bridge_waits(c->plan, l->owner_bridge);
}

static int push(const struct nc_fdb_diff *c, enum nc_phase phase, enum nc_change change, const struct nc_fdb *want,
                const struct nc_fdb *have) {
        struct nc_action *a = nc_plan_push(c->plan, c->cap_actions, phase, change, NC_OBJECT_FDB,
                                           (want ? want : have)->netns);

        if (!a)
                return -ENOMEM;
        a->fdb.want = want;
        a->fdb.have = have;
        return 0;
}

static int order(const void *ctx, bool a_want, size_t a, bool b_want, size_t b) {
        const struct nc_fdb_diff *c = ctx;

        return nc_fdb_key_compare(&(a_want ? c->want : c->have)->fdb[a], &(b_want ? c->want : c->have)->fdb[b]);
}

int nc_plan_diff_fdb(const struct nc_fdb_diff *c) {
        struct nc_merge m = { .n_want = c->want->n_fdb, .n_have = c->have->n_fdb, .compare = order, .ctx = c };
        struct nc_run run;
        int r = 0;

        while (r >= 0 && nc_merge_next(&m, &run)) {
                const struct nc_fdb *w = run.n_want ? &c->want->fdb[run.want] : NULL;
                const struct nc_fdb *h = run.n_have ? &c->have->fdb[run.have] : NULL;

                if (w && (!h || link_fresh(c, w)))
                        r = push(c, NC_PHASE_FDB, NC_CHANGE_ADD, w, NULL);
                else if (!w && link_removable(c, h))
                        r = push(c, NC_PHASE_REMOVE_FDB, NC_CHANGE_REMOVE, NULL, h);
        }
        return r;
}
