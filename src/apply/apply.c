/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apply/applier.h"
#include "apply/batch.h"
#include "apply/conntrack.h"
#include "netconverge/apply.h"
#include "netconverge/model.h"
#include "netconverge/netns.h"
#include "netconverge/plan.h"
#include "nft/nft.h"
#include "util/cleanup.h"

/* Walks the plan in its order (the planner sorted it so that everything
 * a change needs exists before it), makes each change, and reports each
 * one. A change that fails makes the ones that need it pointless: those
 * are reported as not attempted, and the rest goes on. */

#define SKIPPED_MESSAGE "not attempted: a change it depends on failed"

/* The namespace a change happens in, and for veths the container's. */
static const char *action_netns(const struct nc_action *a) {
        switch (a->object) {
        case NC_OBJECT_ADDRESS:
                return (a->address.want ? a->address.want : a->address.have)->netns;
        case NC_OBJECT_ROUTE:
                return (a->route.want ? a->route.want : a->route.have)->netns;
        case NC_OBJECT_LOOPBACK:
                return a->link.want ? a->link.want->netns : a->netns;
        case NC_OBJECT_BRIDGE:
        case NC_OBJECT_VETH:
        case NC_OBJECT_VXLAN:
                return a->link.want ? a->link.want->netns : a->link.have->netns;
        default:
                return a->netns;
        }
}

static const char *peer_netns(const struct nc_action *a) {
        if (a->object != NC_OBJECT_VETH || a->change == NC_CHANGE_REMOVE || !a->link.want_peer)
                return NULL;
        return a->link.want_peer->netns;
}

static bool ns_unusable(struct nc_applier *ap, const char *netns) {
        struct nc_ns *ns;

        return netns && nc_ns_get(ap, netns, &ns) >= 0 && ns->error < 0;
}

static bool link_failed(struct nc_applier *ap, const char *netns, const char *name) {
        struct nc_ns *ns;

        return nc_ns_get(ap, netns, &ns) >= 0 && nc_ns_link_failed(ns, name);
}

/* Does a change this one needs have failed (or been skipped)? */
static bool depends_on_failure(struct nc_applier *ap, const struct nc_action *a) {
        /* Forwarding goes on only once the batch holding the isolation
         * rules is in (SPEC 7.7); turning it off never waits. */
        if (a->object == NC_OBJECT_SYSCTL)
                return a->sysctl.want != 0 && ap->nft_failed;
        if (a->object == NC_OBJECT_NETNS)
                return false;
        if (ns_unusable(ap, action_netns(a)) || ns_unusable(ap, peer_netns(a)))
                return true;
        if ((a->object == NC_OBJECT_VETH || a->object == NC_OBJECT_VXLAN) && a->change == NC_CHANGE_ADD &&
            a->link.want->master[0])
                return link_failed(ap, "", a->link.want->master);
        if (a->object == NC_OBJECT_FDB && a->change == NC_CHANGE_ADD)
                return link_failed(ap, a->fdb.want->netns, a->fdb.want->ifname);
        if (a->object == NC_OBJECT_ADDRESS && a->change == NC_CHANGE_ADD)
                return link_failed(ap, a->address.want->netns, a->address.want->ifname);
        if (a->object == NC_OBJECT_ROUTE && a->change != NC_CHANGE_REMOVE)
                return link_failed(ap, a->route.want->netns, a->route.want->ifname);
        return false;
}

static void mark_link_failed(struct nc_applier *ap, const char *netns, const char *name) {
        struct nc_ns *ns;

        /* Out of memory here only costs a later error instead of a skip. */
        if (nc_ns_get(ap, netns, &ns) >= 0)
                (void) nc_ns_mark_failed(ns, name);
}

/* Remembers what a failed (or skipped) change leaves missing. */
static void note_failure(struct nc_applier *ap, const struct nc_action *a, int r) {
        struct nc_ns *ns;

        if (a->change != NC_CHANGE_ADD)
                return;
        if (a->object == NC_OBJECT_NETNS) {
                if (nc_ns_get(ap, a->netns, &ns) >= 0 && ns->error == 0)
                        ns->error = r;
        } else if (a->object == NC_OBJECT_BRIDGE || a->object == NC_OBJECT_VXLAN) {
                mark_link_failed(ap, a->link.want->netns, a->link.want->name);
        } else if (a->object == NC_OBJECT_VETH) {
                mark_link_failed(ap, a->link.want->netns, a->link.want->name);
                mark_link_failed(ap, a->link.want_peer->netns, a->link.want_peer->name);
        }
}

static int wait_for(struct nc_applier *ap, const char *netns, const char *name) {
        struct nc_ns *ns;
        int r = nc_ns_get(ap, netns, &ns);

        return r < 0 ? r : nc_wait_add(ap, ns, name);
}

/* A bridge goes operationally up only once a port does, so it is waited
 * for only when it has a port that should come up. */
static bool bridge_has_port(struct nc_applier *ap, const char *bridge) {
        const struct nc_state *s = ap->plan->desired;

        for (size_t i = 0; s && i < s->n_links; i++) {
                const struct nc_link *l = &s->links[i];

                if (l->kind == NC_LINK_VETH && !l->netns[0] && strcmp(l->master, bridge) == 0 && l->up &&
                    !link_failed(ap, "", l->name))
                        return true;
        }
        return false;
}

/* Links this change created or brought up, to wait for. */
static int note_success(struct nc_applier *ap, const struct nc_action *a) {
        bool add = a->change == NC_CHANGE_ADD, modify = a->change == NC_CHANGE_MODIFY;
        int r = 0;

        if (a->object == NC_OBJECT_BRIDGE && a->link.want && a->link.want->up &&
            (add || (modify && (a->diff & NC_DIFF_UP))))
                r = wait_for(ap, a->link.want->netns, a->link.want->name);
        else if (a->object == NC_OBJECT_VETH && (add || modify)) {
                if (a->link.want->up && (add || (a->diff & NC_DIFF_UP)))
                        r = wait_for(ap, a->link.want->netns, a->link.want->name);
                if (r >= 0 && a->link.want_peer && a->link.want_peer->up && (add || (a->diff & NC_DIFF_PEER_UP)))
                        r = wait_for(ap, a->link.want_peer->netns, a->link.want_peer->name);
        }
        return r;
}

static int apply_netns(struct nc_applier *ap, const struct nc_action *a) {
        /* Only named namespaces are created; a path must already exist. */
        if (nc_netns_is_path(a->netns))
                return -ENOENT;
        return nc_netns_create(a->netns, ap->home_fd, ap->fault);
}

/* Apply's row of the table of kinds (the planner's is plan/kinds.c): how
 * each change of a kind reaches the kernel. A change with no step here
 * is one the planner never makes (-EOPNOTSUPP). */
struct apply_kind {
        int (*step[_NC_CHANGE_MAX])(struct nc_applier *ap, const struct nc_action *a);
        bool in_bulk[_NC_CHANGE_MAX];   /* removed all at once, by link group (group.c) */
        bool in_batch;                  /* in the one nftables transaction (nft.c) */
};

#define ADD(f) [NC_CHANGE_ADD] = (f)
#define MODIFY(f) [NC_CHANGE_MODIFY] = (f)
#define REMOVE(f) [NC_CHANGE_REMOVE] = (f)

static const struct apply_kind apply_kinds[_NC_OBJECT_MAX] = {
        [NC_OBJECT_NETNS] = { .step = { ADD(apply_netns) } },
        [NC_OBJECT_BRIDGE] = { .step = { ADD(nc_apply_bridge_add), MODIFY(nc_apply_bridge_modify) },
                               .in_bulk = { REMOVE(true) } },
        [NC_OBJECT_VETH] = { .step = { ADD(nc_apply_veth_add), MODIFY(nc_apply_veth_modify) },
                             .in_bulk = { REMOVE(true) } },
        [NC_OBJECT_LOOPBACK] = { .step = { MODIFY(nc_apply_loopback) } },
        [NC_OBJECT_ADDRESS] = { .step = { ADD(nc_apply_address), REMOVE(nc_apply_address) } },
        [NC_OBJECT_ROUTE] = { .step = { ADD(nc_apply_route), MODIFY(nc_apply_route), REMOVE(nc_apply_route) } },
        [NC_OBJECT_SYSCTL] = { .step = { MODIFY(nc_apply_sysctl) } },
        [NC_OBJECT_NFT_TABLE] = { .in_batch = true },
        [NC_OBJECT_NFT_CHAIN] = { .in_batch = true },
        [NC_OBJECT_NFT_RULE] = { .in_batch = true },
        [NC_OBJECT_NFT_SET] = { .in_batch = true },
        [NC_OBJECT_NFT_MAP] = { .in_batch = true },
        [NC_OBJECT_NFT_FLOWTABLE] = { .in_batch = true },
        [NC_OBJECT_NFT_STATEFUL] = { .in_batch = true },
        [NC_OBJECT_NFT_ELEMENT] = { .in_batch = true },
        /* A VXLAN link's ~ is a host link's, as a bridge's (rtnl.c). */
        [NC_OBJECT_VXLAN] = { .step = { ADD(nc_apply_vxlan_add), MODIFY(nc_apply_bridge_modify) },
                              .in_bulk = { REMOVE(true) } },
        [NC_OBJECT_FDB] = { .step = { ADD(nc_apply_fdb), REMOVE(nc_apply_fdb) } },
};

static const struct apply_kind *apply_kind_of(const struct nc_action *a) {
        static const struct apply_kind none;

        return (unsigned) a->object < _NC_OBJECT_MAX ? &apply_kinds[a->object] : &none;
}

static bool in_batch(const struct nc_action *a) {
        return apply_kind_of(a)->in_batch;
}

static bool in_bulk(const struct nc_action *a) {
        return (unsigned) a->change < _NC_CHANGE_MAX && apply_kind_of(a)->in_bulk[a->change];
}

static int apply_one(struct nc_applier *ap, const struct nc_action *a) {
        int (*step)(struct nc_applier *, const struct nc_action *) =
                (unsigned) a->change < _NC_CHANGE_MAX ? apply_kind_of(a)->step[a->change] : NULL;

        return step ? step(ap, a) : -EOPNOTSUPP;
}

static void report(const struct nc_apply_opts *opts, struct nc_apply_result *res, const struct nc_action *a, int r,
                   const char *message) {
        if (r < 0)
                res->failed++;
        else
                res->applied++;
        if (opts && opts->progress)
                opts->progress(a, r, r < 0 ? message : "", opts->userdata);
}

/* The kernel's words when the last request failed with exactly r. */
static const char *error_message(const struct nc_applier *ap, int r) {
        if (r == -ECANCELED)
                return SKIPPED_MESSAGE;
        if (ap->kerr.error == r && ap->kerr.msg[0])
                return ap->kerr.msg;
        return strerror(-r);
}

/* All link removals at once (see group.c), reported in plan order. */
static int remove_links(struct nc_applier *ap, const struct nc_apply_opts *opts, struct nc_apply_result *res,
                        bool *handled) {
        const struct nc_plan *plan = ap->plan;
        _cleanup_free_ const struct nc_action **list = calloc(plan->n_actions + 1, sizeof(*list));
        _cleanup_free_ int *results = calloc(plan->n_actions + 1, sizeof(*results));
        size_t n = 0;

        if (!list || !results)
                return -ENOMEM;
        for (size_t i = 0; i < plan->n_actions; i++)
                if (in_bulk(&plan->actions[i])) {
                        list[n++] = &plan->actions[i];
                        handled[i] = true;
                }
        nc_apply_remove_links(ap, list, n, results);
        for (size_t i = 0; i < n; i++)
                report(opts, res, list[i], results[i], strerror(-results[i]));
        return 0;
}


/* Every nftables change in one transaction (see nft.c), reported in plan
 * order: all applied, or none. */
static int apply_nft(struct nc_applier *ap, const struct nc_apply_opts *opts, struct nc_apply_result *res,
                     bool *handled) {
        const struct nc_plan *plan = ap->plan;
        _cleanup_free_ const struct nc_action **list = calloc(plan->n_actions + 1, sizeof(*list));
        _cleanup_free_ struct nc_nft_outcome *out = calloc(plan->n_actions + 1, sizeof(*out));
        size_t n = 0;

        if (!list || !out)
                return -ENOMEM;
        for (size_t i = 0; i < plan->n_actions; i++)
                if (in_batch(&plan->actions[i])) {
                        list[n++] = &plan->actions[i];
                        handled[i] = true;
                }
        nc_apply_nft(ap->fault, list, n, out);
        for (size_t i = 0; i < n; i++) {
                if (out[i].r < 0)
                        ap->nft_failed = true;
                report(opts, res, list[i], out[i].r, out[i].message);
        }
        return 0;
}

static int walk(struct nc_applier *ap, const struct nc_apply_opts *opts, struct nc_apply_result *res) {
        const struct nc_plan *plan = ap->plan;
        _cleanup_free_ bool *handled = calloc(plan->n_actions + 1, sizeof(*handled));
        int r;

        if (!handled)
                return -ENOMEM;
        for (size_t i = 0; i < plan->n_actions; i++) {
                const struct nc_action *a = &plan->actions[i];

                if (handled[i])
                        continue;
                if (in_bulk(a) || in_batch(a)) {
                        r = in_batch(a) ? apply_nft(ap, opts, res, handled) : remove_links(ap, opts, res, handled);
                        if (r < 0)
                                return r;
                        continue;
                }
                r = depends_on_failure(ap, a) ? -ECANCELED : apply_one(ap, a);
                if (r < 0)
                        note_failure(ap, a, r);
                else if (note_success(ap, a) < 0)
                        return -ENOMEM;
                report(opts, res, a, r, error_message(ap, r));
        }
        (void) nc_conntrack_flush_plan(ap, opts);
        return 0;
}

/* Bridges whose ports all failed would never come up: not waited for. */
static void drop_portless_bridges(struct nc_applier *ap) {
        size_t k = 0;

        for (size_t i = 0; i < ap->n_wait; i++) {
                struct nc_wait_link *w = &ap->wait[i];
                const struct nc_link *l = ap->plan->desired
                                                  ? nc_state_find_link(ap->plan->desired, w->ns->netns, w->name)
                                                  : NULL;

                if (l && l->kind == NC_LINK_BRIDGE && !bridge_has_port(ap, l->name))
                        continue;
                ap->wait[k++] = *w;
        }
        ap->n_wait = k;
}

int nc_apply(const struct nc_plan *plan, const struct nc_apply_opts *opts, struct nc_apply_result *result) {
        struct nc_apply_result res = {};
        struct nc_applier ap;
        int r;

        if (plan->n_conflicts > 0)
                return -EINVAL;
        r = nc_applier_init(&ap, plan);
        if (r < 0)
                return r;
        ap.fault = opts ? opts->fault : NULL;
        r = walk(&ap, opts, &res);
        if (r >= 0 && opts && opts->wait_seconds > 0) {
                drop_portless_bridges(&ap);
                res.not_up = nc_wait_run(&ap, opts->wait_seconds);
                for (size_t i = 0; opts->not_up && i < ap.n_wait; i++)
                        if (!ap.wait[i].up && !ap.wait[i].gone)
                                opts->not_up(ap.wait[i].ns->netns, ap.wait[i].name, opts->userdata);
        }
        nc_applier_done(&ap);
        if (r < 0)
                return r;
        if (result)
                *result = res;
        return res.failed > 0 ? -EIO : 0;
}
