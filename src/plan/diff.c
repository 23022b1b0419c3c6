/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE     /* qsort_r() */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netconverge/addr.h"
#include "netconverge/names.h"
#include "plan/internal.h"
#include "util/cleanup.h"
#include "util/strbuf.h"

/* The comparison of desired and observed kernel objects. Both states are
 * sorted by key, and each kind is one sort-merge of the two arrays
 * (merge.c, wireguard's syncconf): a run of equal keys on both sides is
 * an object to keep or change, on one side an add or a remove. What one
 * object says about another (a veth's other end, the link an address is
 * on, whether a namespace exists) is looked up in the hash index
 * (index.c), about one comparison each. Links are compared first; a link
 * that is created anew (added, replaced, or in a namespace being created)
 * takes its addresses and routes with it, and a link being removed takes
 * its own away, so those are not listed again. */

struct differ {
        const struct nc_state *have;
        const struct nc_state *want;
        const struct nc_state_index *have_ix;
        struct nc_state_index want_ix;
        struct nc_plan *plan;
        size_t cap_actions, cap_conflicts;
        bool *fresh;            /* per want link: created by this plan */
        bool *gone;             /* per have link: removed by this plan */
        bool *matched;          /* per have link: some want link claims it */
        bool *loses_address;    /* per have link: this plan removes an address from it */
        const struct nc_netns_ids *ids;
        bool *left_alone;       /* by namespace id: a container's left as it is (SPEC 7.7) */
        size_t n_left_alone;
        int r;                  /* first error (ENOMEM) */
};

/* SPEC 7.7: nothing of a container with a conflict of its own is changed
 * or removed: not in its namespace, and not its host ends (ours, naming
 * it or its namespace), which prune would otherwise take away since the
 * desired state leaves the container out. */
static int note_left_alone(struct differ *d) {
        const struct nc_netns_ids *ids = d->ids;
        const struct nc_plan *p = d->plan;

        if (p->n_container_conflicts == 0)
                return 0;
        d->n_left_alone = ids->n;
        d->left_alone = calloc(ids->n + 1, sizeof(*d->left_alone));
        if (!d->left_alone)
                return -ENOMEM;
        for (size_t i = 0; i < p->n_container_conflicts; i++) {
                uint32_t id = nc_netns_ids_find(ids, p->container_conflicts[i].netns);

                if (id != NC_NETNS_NONE && id != NC_NETNS_HOST && id < ids->n)
                        d->left_alone[id] = true;
        }
        return 0;
}

static bool netns_left_alone(const struct differ *d, uint32_t netns) {
        return d->left_alone && netns < d->n_left_alone && d->left_alone[netns];
}

static bool link_left_alone(const struct differ *d, const struct nc_link *h) {
        const struct nc_plan *p = d->plan;

        if (!d->left_alone || h->role != NC_ROLE_HOST_END)
                return false;
        if (h->owner_netns && netns_left_alone(d, nc_netns_ids_find(d->ids, h->owner_netns)))
                return true;
        for (size_t i = 0; h->owner_container && i < p->n_container_conflicts; i++)
                if (strcmp(p->container_conflicts[i].container, h->owner_container) == 0)
                        return true;
        return false;
}

static size_t want_index(const struct differ *d, const struct nc_link *l) {
        return (size_t) (l - d->want->links);
}

static size_t have_index(const struct differ *d, const struct nc_link *l) {
        return (size_t) (l - d->have->links);
}

static struct nc_action *action_add(struct differ *d, enum nc_phase phase, enum nc_change change, enum nc_object object,
                                    const char *netns) {
        struct nc_action *a;

        if (d->r < 0)
                return NULL;
        a = nc_plan_push(d->plan, &d->cap_actions, phase, change, object, netns);
        if (!a)
                d->r = -ENOMEM;
        return a;
}

__attribute__((format(printf, 2, 3)))
static void conflict(struct differ *d, const char *fmt, ...) {
        struct nc_strbuf b = {};
        va_list ap;

        if (d->r < 0)
                return;
        va_start(ap, fmt);
        nc_strbuf_vprintf(&b, fmt, ap);
        va_end(ap);
        if (b.oom || !b.s)
                d->r = -ENOMEM;
        else
                d->r = nc_plan_conflict(d->plan, &d->cap_conflicts, "%s", b.s);
        nc_strbuf_done(&b);
}

static bool namespace_is_new(const struct differ *d, uint32_t netns) {
        const struct nc_namespace *ns;

        if (netns == NC_NETNS_HOST)
                return false;
        ns = nc_state_index_namespace(d->have_ix, netns);
        return !ns || !ns->exists;
}

static void diff_namespaces(struct differ *d) {
        for (size_t i = 0; i < d->want->n_namespaces; i++) {
                const struct nc_namespace *w = &d->want->namespaces[i];

                if (namespace_is_new(d, d->want_ix.namespace_ns[i]))
                        action_add(d, NC_PHASE_NETNS, NC_CHANGE_ADD, NC_OBJECT_NETNS, w->netns);
        }
}

/* The kind of change a link is, by its kind: a VXLAN link's own row, a
 * bridge's, and anything else of ours removed is a veth's. */
static enum nc_object link_object(const struct nc_link *l) {
        return l->kind == NC_LINK_BRIDGE ? NC_OBJECT_BRIDGE : l->kind == NC_LINK_VXLAN ? NC_OBJECT_VXLAN : NC_OBJECT_VETH;
}

static enum nc_phase link_phase(const struct nc_link *l) {
        return l->kind == NC_LINK_BRIDGE ? NC_PHASE_BRIDGE : l->kind == NC_LINK_VXLAN ? NC_PHASE_VXLAN : NC_PHASE_VETH;
}

static void remove_link(struct differ *d, const struct nc_link *have) {
        enum nc_object object = link_object(have);
        struct nc_action *a;

        if (d->gone[have_index(d, have)])
                return;
        d->gone[have_index(d, have)] = true;
        a = action_add(d, NC_PHASE_REMOVE_LINK, NC_CHANGE_REMOVE, object, have->netns);
        if (!a)
                return;
        a->link.have = have;
        if (have->kind == NC_LINK_VETH && have->peer_netns) {
                a->link.have_peer = nc_state_index_link(d->have_ix, d->have_ix->link_peer_ns[have_index(d, have)],
                                                   have->peer_name);
                /* Its other end goes with it. */
                if (a->link.have_peer)
                        d->gone[have_index(d, a->link.have_peer)] = true;
        }
}

static void add_link(struct differ *d, const struct nc_link *want, const struct nc_link *want_peer) {
        struct nc_action *a;

        a = action_add(d, link_phase(want), NC_CHANGE_ADD, link_object(want), want->netns);
        if (!a)
                return;
        a->link.want = want;
        a->link.want_peer = want_peer;
        d->fresh[want_index(d, want)] = true;
        if (want_peer)
                d->fresh[want_index(d, want_peer)] = true;
}

static bool same_str(const char *a, const char *b) {
        return strcmp(a ? a : "", b ? b : "") == 0;
}

/* What differs between a bridge of ours and the one wanted. */
static uint32_t bridge_diff(const struct nc_link *want, const struct nc_link *have) {
        /* Ours, but something else: an owned role implies its kind
         * (nc_link_check_marks()). */
        if (have->role != NC_ROLE_NONE && have->role != NC_ROLE_BRIDGE)
                return NC_DIFF_REPLACE;
        return (have->mtu != want->mtu ? NC_DIFF_MTU : 0) | (!have->up ? NC_DIFF_UP : 0);
}

static void diff_bridge(struct differ *d, const struct nc_link *want, const struct nc_link *have) {
        struct nc_action *a;
        uint32_t diff = 0;

        if (!have) {
                add_link(d, want, NULL);
                return;
        }
        if (have->role == NC_ROLE_NONE && nc_link_unfinished(have) && have->kind == NC_LINK_BRIDGE) {
                /* Made by an apply that died before marking it: finished. */
                diff |= NC_DIFF_LINK_MARK;
        } else if (have->role == NC_ROLE_NONE) {
                if (!want->adopt) {
                        conflict(d, "link %s exists and is not managed by netconverge; set adopt: true on bridge %s "
                                    "to take it over", have->name, want->name);
                        return;
                }
                if (have->kind != NC_LINK_BRIDGE) {
                        conflict(d, "link %s is a %s, not a bridge: it cannot be adopted", have->name,
                                 nc_link_kind_to_string(have->kind));
                        return;
                }
                diff |= NC_DIFF_ADOPT;
        }
        /* Claimed: its addresses become ours to manage, and it is not pruned. */
        d->matched[have_index(d, have)] = true;
        diff |= bridge_diff(want, have);
        if (diff & ~nc_object_updatable(NC_OBJECT_BRIDGE)) {
                remove_link(d, have);
                add_link(d, want, NULL);
                return;
        }
        if (!diff)
                return;
        a = action_add(d, NC_PHASE_BRIDGE, NC_CHANGE_MODIFY, NC_OBJECT_BRIDGE, "");
        if (!a)
                return;
        a->diff = diff;
        a->link.want = want;
        a->link.have = have;
}

/* A link netconverge may treat as its own: owned, or ours-unfinished
 * (nc_link_unfinished(): in our group, of our kinds, its alias missing). */
static bool ours(const struct nc_link *l) {
        return l->role != NC_ROLE_NONE || nc_link_unfinished(l);
}

/* The pair as observed is the pair wanted: same ends, same marks, or ends
 * whose mark an interrupted apply left unset (set by this plan). */
static bool veth_pair_matches(const struct nc_link *want, const struct nc_link *want_peer, const struct nc_link *have,
                              const struct nc_link *have_peer) {
        bool host_ok = have->role == NC_ROLE_HOST_END ? same_str(have->alias, want->alias)
                                                      : nc_link_unfinished(have);
        bool peer_ok = have_peer && (have_peer->role == NC_ROLE_PEER_END ? same_str(have_peer->alias, want_peer->alias)
                                                                         : have_peer->role == NC_ROLE_NONE);

        return have->kind == NC_LINK_VETH && host_ok && peer_ok && have_peer->kind == NC_LINK_VETH &&
               same_str(have_peer->peer_name, want->name);
}

/* What differs between the pair observed and the pair wanted: marks an
 * interrupted apply left unset, MTU, up, master, MAC; NC_DIFF_REPLACE when
 * it is another pair (kind, marks, ends). */
static uint32_t veth_diff(const struct nc_link *want, const struct nc_link *want_peer, const struct nc_link *have,
                          const struct nc_link *have_peer) {
        uint32_t diff = 0;

        if (!veth_pair_matches(want, want_peer, have, have_peer))
                return NC_DIFF_REPLACE;
        /* IPv6 on a link that is up does not make its link-local address
         * (the kernel does that as the link comes up), so a veth whose
         * bridge gains IPv6 is made again. The other way round the link is
         * left as it is: a veth made by hand, or before IPv6 was turned off
         * on new ones, would otherwise be made again for an address nobody
         * uses (docs/plan.md). */
        if ((want->ipv6 && !have->ipv6) || (want_peer->ipv6 && !have_peer->ipv6))
                return NC_DIFF_REPLACE;
        if (have->role == NC_ROLE_NONE)
                diff |= NC_DIFF_LINK_MARK;
        if (have_peer->role == NC_ROLE_NONE)
                diff |= NC_DIFF_PEER_MARK;
        if (have->mtu != want->mtu || have_peer->mtu != want_peer->mtu)
                diff |= NC_DIFF_MTU;
        if (!have->up)
                diff |= NC_DIFF_UP;
        if (!have_peer->up)
                diff |= NC_DIFF_PEER_UP;
        if (strcmp(have->master, want->master) != 0)
                diff |= NC_DIFF_MASTER;
        else {
                if (want->hairpin && !have->hairpin)
                        diff |= NC_DIFF_HAIRPIN;
                if (want->port_isolated != have->port_isolated)
                        diff |= NC_DIFF_PORT_ISOLATED;
        }
        if (memcmp(have_peer->mac, want_peer->mac, 6) != 0)
                diff |= NC_DIFF_MAC;
        return diff;
}

static void diff_veth(struct differ *d, const struct nc_link *want, const struct nc_link *have) {
        uint32_t peer_ns = d->want_ix.link_peer_ns[want_index(d, want)];
        const struct nc_link *want_peer = nc_state_index_link(&d->want_ix, peer_ns, want->peer_name);
        const struct nc_link *slot = nc_state_index_link(d->have_ix, peer_ns, want->peer_name);
        const struct nc_link *have_peer = NULL;
        struct nc_action *a;
        uint32_t diff = 0;

        if (have)
                d->matched[have_index(d, have)] = true;
        if (have && !ours(have)) {
                conflict(d, "link %s exists and is not managed by netconverge", have->name);
                return;
        }
        if (have && peer_ns != NC_NETNS_NONE && d->have_ix->link_peer_ns[have_index(d, have)] == peer_ns &&
            strcmp(have->peer_name, want->peer_name) == 0)
                have_peer = slot;
        /* The other end of a host end of ours is ours whatever its marks
         * say: the kernel made both ends in one request (an earlier
         * netconverge left container ends in group 0). */
        if (slot && !ours(slot) && !(slot == have_peer && slot->kind == NC_LINK_VETH)) {
                conflict(d, "link %s in netns %s exists and is not managed by netconverge", slot->name,
                         want->peer_netns);
                return;
        }
        if (!have) {
                add_link(d, want, want_peer);
                return;
        }
        diff = veth_diff(want, want_peer, have, have_peer);
        if (diff & ~nc_object_updatable(NC_OBJECT_VETH)) {
                remove_link(d, have);
                add_link(d, want, want_peer);
                return;
        }
        d->matched[have_index(d, have_peer)] = true;
        if (!diff)
                return;
        a = action_add(d, NC_PHASE_VETH, NC_CHANGE_MODIFY, NC_OBJECT_VETH, "");
        if (!a)
                return;
        a->diff = diff;
        a->link.want = want;
        a->link.want_peer = want_peer;
        a->link.have = have;
        a->link.have_peer = have_peer;
}

/* What differs between a VXLAN link of ours and the one wanted: its
 * identity (vni, port, local, underlay, learning, a multicast group, the
 * bridge its alias names) is - then +; MTU, master and up change in
 * place. A link enslaved to a bridge this plan makes anew is enslaved
 * again. */
static uint32_t vxlan_diff(const struct differ *d, const struct nc_link *want, const struct nc_link *have) {
        const struct nc_link_vxlan *w = &want->vxlan, *h = &have->vxlan;
        const struct nc_link *bridge = nc_state_index_link(&d->want_ix, NC_NETNS_HOST, want->master);
        uint32_t diff = 0;

        if (have->kind != NC_LINK_VXLAN || (have->role != NC_ROLE_NONE && have->role != NC_ROLE_VXLAN) ||
            (have->role == NC_ROLE_VXLAN && strcmp(have->owner_bridge, want->master) != 0) || w->vni != h->vni ||
            w->port != h->port || w->local != h->local || !nc_ipv6_equal(&w->local6, &h->local6) || strcmp(w->dev, h->dev) != 0 || w->learning != h->learning ||
            w->group != h->group)
                return NC_DIFF_REPLACE;
        if (have->role == NC_ROLE_NONE)
                diff |= NC_DIFF_LINK_MARK;
        if (have->mtu != want->mtu)
                diff |= NC_DIFF_MTU;
        if (strcmp(have->master, want->master) != 0 || (bridge && d->fresh[want_index(d, bridge)]))
                diff |= NC_DIFF_MASTER;
        if (!have->up)
                diff |= NC_DIFF_UP;
        return diff;
}

static void diff_vxlan(struct differ *d, const struct nc_link *want, const struct nc_link *have) {
        struct nc_action *a;
        uint32_t diff;

        if (!have) {
                add_link(d, want, NULL);
                return;
        }
        d->matched[have_index(d, have)] = true;
        if (!ours(have)) {
                conflict(d, "link %s exists and is not managed by netconverge", have->name);
                return;
        }
        diff = vxlan_diff(d, want, have);
        if (diff & ~nc_object_updatable(NC_OBJECT_VXLAN)) {
                remove_link(d, have);
                add_link(d, want, NULL);
                return;
        }
        if (!diff)
                return;
        a = action_add(d, NC_PHASE_VXLAN, NC_CHANGE_MODIFY, NC_OBJECT_VXLAN, "");
        if (!a)
                return;
        a->diff = diff;
        a->link.want = want;
        a->link.have = have;
}

/* A VXLAN link of ours whose bridge waits for its underlay: left as it
 * is, like everything else waiting (the kernel removes a VXLAN link with
 * its underlay anyway); its FDB entries too (diff-fdb.c). */
static bool vxlan_waits(const struct differ *d, const struct nc_link *h) {
        return nc_plan_bridge_waits(d->plan, h->owner_bridge);
}

static void diff_loopback(struct differ *d, const struct nc_link *want, const struct nc_link *have) {
        uint32_t netns = nc_state_index_link_ns(&d->want_ix, want_index(d, want));
        struct nc_action *a;

        if (namespace_is_new(d, netns))
                have = NULL;

        if (have && have->up)
                return;
        a = action_add(d, NC_PHASE_LOOPBACK, NC_CHANGE_MODIFY, NC_OBJECT_LOOPBACK, want->netns);
        if (!a)
                return;
        a->diff = NC_DIFF_UP;
        a->link.want = want;
        a->link.have = have;
}

/* An unmarked bridge of our group that nobody wants: made by an apply
 * that died before its alias (the kernel set the group in the creating
 * request; nobody else uses 0x6e63), then the file changed. It goes only
 * while it holds no port but links of ours, so that nothing someone else
 * enslaved to it since is taken down with it. */
static bool unfinished_bridge_prunable(const struct differ *d, const struct nc_link *h) {
        for (size_t k = 0; k < d->have->n_links; k++) {
                const struct nc_link *p = &d->have->links[k];

                if (nc_state_index_link_ns(d->have_ix, k) == NC_NETNS_HOST && strcmp(p->master, h->name) == 0 &&
                    !ours(p))
                        return false;
        }
        return true;
}

/* An unmarked host veth end of our group that nobody wants: removed when
 * it is certainly one netconverge made, its name one it derives or its
 * other end a container end of ours; a bridge, see
 * unfinished_bridge_prunable(). */
static bool unfinished_prunable(const struct differ *d, size_t i) {
        const struct nc_link *h = &d->have->links[i];
        const struct nc_link *peer;

        if (nc_link_unfinished(h) && h->kind == NC_LINK_BRIDGE)
                return unfinished_bridge_prunable(d, h);
        if (!nc_link_unfinished(h) || h->kind != NC_LINK_VETH)
                return false;
        if (nc_host_interface_is_derived(h->name))
                return true;
        peer = h->peer_netns ? nc_state_index_link(d->have_ix, d->have_ix->link_peer_ns[i], h->peer_name) : NULL;
        return peer && peer->kind == NC_LINK_VETH &&
               (peer->role == NC_ROLE_PEER_END || nc_link_group_ours(peer->group));
}

/* A wanted link and the observed one of its (namespace, name), if any. */
static void diff_link(struct differ *d, size_t i, const struct nc_link *have) {
        const struct nc_link *w = &d->want->links[i];

        if (w->kind == NC_LINK_BRIDGE)
                diff_bridge(d, w, have);
        else if (w->kind == NC_LINK_VETH && nc_state_index_link_ns(&d->want_ix, i) == NC_NETNS_HOST)
                diff_veth(d, w, have);
        else if (w->kind == NC_LINK_LOOPBACK)
                diff_loopback(d, w, have);
        /* Container ends are handled with their host end; VXLAN links
         * once every bridge is (diff_links()). */
}

static int link_order(const void *ctx, bool a_want, size_t a, bool b_want, size_t b) {
        const struct differ *d = ctx;

        return nc_link_key_compare(&(a_want ? d->want : d->have)->links[a], &(b_want ? d->want : d->have)->links[b]);
}

static void diff_links(struct differ *d) {
        struct nc_merge m = { .n_want = d->want->n_links, .n_have = d->have->n_links, .compare = link_order,
                              .ctx = d };
        struct nc_run run;

        while (nc_merge_next(&m, &run))
                for (size_t k = 0; k < run.n_want; k++)
                        diff_link(d, run.want + k, run.n_have ? &d->have->links[run.have] : NULL);
        /* After the bridges: whether a VXLAN link's bridge is made anew
         * is known, whatever the order of their names. */
        for (size_t i = 0; i < d->want->n_links; i++)
                if (d->want->links[i].kind == NC_LINK_VXLAN)
                        diff_vxlan(d, &d->want->links[i],
                                   nc_state_index_link(d->have_ix, NC_NETNS_HOST, d->want->links[i].name));
        /* Prune: links of ours in the host namespace nobody wants. */
        for (size_t i = 0; i < d->have->n_links; i++) {
                const struct nc_link *h = &d->have->links[i];

                if (nc_state_index_link_ns(d->have_ix, i) != NC_NETNS_HOST || d->matched[i] || d->gone[i] ||
                    link_left_alone(d, h))
                        continue;
                if (h->role == NC_ROLE_VXLAN || (nc_link_unfinished(h) && h->kind == NC_LINK_VXLAN)) {
                        if (!vxlan_waits(d, h))
                                remove_link(d, h);
                } else if (h->role == NC_ROLE_BRIDGE || h->role == NC_ROLE_HOST_END || unfinished_prunable(d, i)) {
                        remove_link(d, h);
                }
        }
}

/* Is the link (netns, name) ours to manage addresses and routes on, now or
 * after this plan (an adopted bridge)? And is it still there? */
static bool link_managed(const struct differ *d, uint32_t netns, const char *name) {
        const struct nc_link *h = nc_state_index_link(d->have_ix, netns, name);
        const struct nc_link *w;

        if (!h || d->gone[have_index(d, h)])
                return false;
        if (h->role != NC_ROLE_NONE)
                return true;
        /* Claimed by this plan: an adopted bridge, a link of ours whose
         * mark it finishes, the other end of a pair of ours (a container
         * end is claimed only then). */
        w = nc_state_index_link(&d->want_ix, netns, name);
        return w && d->matched[have_index(d, h)] && (w->kind == NC_LINK_BRIDGE || ours(h) || netns != NC_NETNS_HOST);
}

static bool link_fresh(const struct differ *d, uint32_t netns, const char *name) {
        const struct nc_link *w = nc_state_index_link(&d->want_ix, netns, name);

        return namespace_is_new(d, netns) || (w && d->fresh[want_index(d, w)]);
}

static int address_order(const void *ctx, bool a_want, size_t a, bool b_want, size_t b) {
        const struct differ *d = ctx;

        return nc_address_key_compare(&(a_want ? d->want : d->have)->addresses[a],
                                      &(b_want ? d->want : d->have)->addresses[b]);
}

/* A wanted address is added unless it is there, on a link that stays. */
static void add_address(struct differ *d, size_t i, bool observed) {
        const struct nc_address *w = &d->want->addresses[i];
        uint32_t netns = nc_state_index_address_ns(&d->want_ix, i);
        struct nc_action *a;

        if (observed && !link_fresh(d, netns, w->ifname))
                return;
        a = action_add(d, netns != NC_NETNS_HOST ? NC_PHASE_ADDRESS : NC_PHASE_HOST_ADDRESS, NC_CHANGE_ADD,
                       NC_OBJECT_ADDRESS, w->netns);
        if (a)
                a->address.want = w;
}

/* An observed address nobody wants goes, if it is on a link of ours that
 * stays and not in a container left as it is. */
static void remove_address(struct differ *d, size_t i) {
        const struct nc_address *h = &d->have->addresses[i];
        uint32_t netns = nc_state_index_address_ns(d->have_ix, i);
        struct nc_action *a;

        if (!link_managed(d, netns, h->ifname) || netns_left_alone(d, netns))
                return;
        a = action_add(d, NC_PHASE_REMOVE_ADDRESS, NC_CHANGE_REMOVE, NC_OBJECT_ADDRESS, h->netns);
        if (!a)
                return;
        a->address.have = h;
        /* link_managed(): the link is there. */
        d->loses_address[have_index(d, nc_state_index_link(d->have_ix, netns, h->ifname))] = true;
}

static void diff_addresses(struct differ *d) {
        struct nc_merge m = { .n_want = d->want->n_addresses, .n_have = d->have->n_addresses,
                              .compare = address_order, .ctx = d };
        struct nc_run run;

        while (nc_merge_next(&m, &run)) {
                for (size_t k = 0; k < run.n_want; k++)
                        add_address(d, run.want + k, run.n_have > 0);
                for (size_t k = 0; run.n_want == 0 && k < run.n_have; k++)
                        remove_address(d, run.have + k);
        }
}

/* The first default route of a family in a run of routes. */
static const struct nc_route *first_default(const struct nc_route *r, size_t n, bool v6) {
        for (size_t i = 0; i < n; i++)
                if (r[i].dst_len == 0 && r[i].v6 == v6)
                        return &r[i];
        return NULL;
}

static bool same_gateway(const struct nc_route *x, const struct nc_route *y) {
        return x->v6 ? nc_ipv6_equal(&x->gateway6, &y->gateway6) : x->gateway == y->gateway;
}

static const char *gateway_format(const struct nc_route *r, char buf[static NC_IPV6_STRLEN]) {
        return r->v6 ? nc_ipv6_format(&r->gateway6, buf) : nc_ipv4_format(r->gateway, buf);
}

/* Does this plan remove an address from (netns, ifname)? The kernel then
 * flushes the routes whose gateway that address made reachable, so the
 * default route must be added again after the new address. Marked by
 * diff_addresses() (a scan of the actions here, once per route, was
 * quadratic). */
static bool loses_address(const struct differ *d, uint32_t netns, const char *ifname) {
        const struct nc_link *h = nc_state_index_link(d->have_ix, netns, ifname);

        return h && d->loses_address[have_index(d, h)];
}

/* The wanted route of a namespace against its observed ones (have, n). */
static void diff_route(struct differ *d, size_t i, const struct nc_route *have, size_t n) {
        const struct nc_route *w = &d->want->routes[i];
        uint32_t netns = d->want_ix.route_ns[i];
        const struct nc_route *h = link_fresh(d, netns, w->ifname) || loses_address(d, netns, w->ifname)
                                           ? NULL
                                           : first_default(have, n, w->v6);
        char ip[NC_IPV6_STRLEN];
        struct nc_action *a;

        if (h && same_gateway(h, w) && strcmp(h->ifname, w->ifname) == 0)
                return;
        /* h is in the same namespace as w. */
        if (h && !link_managed(d, netns, h->ifname) && h->protocol != NC_RTPROT) {
                conflict(d, "netns %s already has a%s default route via %s dev %s that netconverge does not manage",
                         w->netns, w->v6 ? "n IPv6" : "", gateway_format(h, ip), h->ifname);
                return;
        }
        a = action_add(d, NC_PHASE_ROUTE, h ? NC_CHANGE_MODIFY : NC_CHANGE_ADD, NC_OBJECT_ROUTE, w->netns);
        if (!a)
                return;
        a->route.want = w;
        a->route.have = h;
        a->diff = h ? NC_DIFF_GATEWAY : 0;
}

/* A route we added that nobody wants any more, where its link stays;
 * want_default[v6]: the namespace's wanted default route of each family,
 * if any. */
static void remove_route(struct differ *d, size_t i, const struct nc_route *const want_default[static 2]) {
        const struct nc_route *h = &d->have->routes[i];
        uint32_t netns = d->have_ix->route_ns[i];
        struct nc_action *a;

        if (h->protocol != NC_RTPROT || !link_managed(d, netns, h->ifname) ||
            (h->dst_len == 0 && want_default[h->v6]) ||
            netns_left_alone(d, netns))
                return;
        a = action_add(d, NC_PHASE_REMOVE_ROUTE, NC_CHANGE_REMOVE, NC_OBJECT_ROUTE, h->netns);
        if (a)
                a->route.have = h;
}

static int route_netns_order(const void *ctx, bool a_want, size_t a, bool b_want, size_t b) {
        const struct differ *d = ctx;

        return nc_route_netns_compare(&(a_want ? d->want : d->have)->routes[a],
                                      &(b_want ? d->want : d->have)->routes[b]);
}

/* Routes, one namespace at a time: the merge is by namespace. */
static void diff_routes(struct differ *d) {
        struct nc_merge m = { .n_want = d->want->n_routes, .n_have = d->have->n_routes, .compare = route_netns_order,
                              .ctx = d };
        struct nc_run run;

        while (nc_merge_next(&m, &run)) {
                const struct nc_route *have = run.n_have ? &d->have->routes[run.have] : NULL;
                const struct nc_route *want = run.n_want ? &d->want->routes[run.want] : NULL;
                const struct nc_route *want_default[2] = {
                        want ? first_default(want, run.n_want, false) : NULL,
                        want ? first_default(want, run.n_want, true) : NULL,
                };

                for (size_t k = 0; k < run.n_want; k++)
                        diff_route(d, run.want + k, have, run.n_have);
                for (size_t k = 0; k < run.n_have; k++)
                        remove_route(d, run.have + k, want_default);
        }
}

/* Forwarding is only ever turned on (never off: other software on the
 * host may rely on it). */
static void diff_sysctl(struct differ *d, enum nc_sysctl k) {
        struct nc_action *a;

        if (nc_state_sysctl_value(d->want, k) != 1 || nc_state_sysctl_value(d->have, k) == 1)
                return;
        a = action_add(d, NC_PHASE_SYSCTL, NC_CHANGE_MODIFY, NC_OBJECT_SYSCTL, "");
        if (!a)
                return;
        a->diff = NC_DIFF_VALUE;
        a->sysctl.which = k;
        a->sysctl.want = 1;
        a->sysctl.have = nc_state_sysctl_value(d->have, k);
}

static int order_compare(const void *p, const void *q, void *arg) {
        const struct nc_action *actions = arg;
        uint32_t a = *(const uint32_t *) p, b = *(const uint32_t *) q;
        int r = nc_action_compare(&actions[a], &actions[b]);

        return r != 0 ? r : (a > b) - (a < b);       /* stable */
}

/* The actions in nc_action_compare() order, as a stable sort puts them: split
 * by phase (keeping their order), then each phase sorted unless it is in
 * order already. The differ walks sorted states, so within a phase they
 * mostly are: a fresh host's 60,000 actions took n log n comparisons, each
 * two strcmp()s through pointers, where a check takes n. Indices are
 * sorted, and the actions permuted in place once: a copy of the actions
 * was megabytes of fresh pages. */
static int sort_actions(struct nc_plan *p) {
        size_t start[_NC_PHASE_MAX + 1] = {}, at[_NC_PHASE_MAX];
        _cleanup_free_ uint32_t *order = NULL;
        struct nc_action *v = p->actions;

        if (p->n_actions < 2)
                return 0;
        if (p->n_actions >= UINT32_MAX)
                return -ENOMEM;
        order = malloc(p->n_actions * sizeof(*order));
        if (!order)
                return -ENOMEM;
        for (size_t i = 0; i < p->n_actions; i++)
                start[v[i].phase + 1]++;
        for (size_t k = 0; k < _NC_PHASE_MAX; k++) {
                start[k + 1] += start[k];
                at[k] = start[k];
        }
        for (size_t i = 0; i < p->n_actions; i++)
                order[at[v[i].phase]++] = (uint32_t) i;
        for (size_t k = 0; k < _NC_PHASE_MAX; k++)
                for (size_t i = start[k] + 1; i < start[k + 1]; i++)
                        if (nc_action_compare(&v[order[i - 1]], &v[order[i]]) > 0) {
                                qsort_r(order + start[k], start[k + 1] - start[k], sizeof(*order), order_compare, v);
                                break;
                        }
        /* Place i takes the action at order[i], a cycle at a time; a done
         * place points to itself. */
        for (size_t i = 0; i < p->n_actions; i++) {
                struct nc_action first;
                size_t j = i;

                if (order[i] == i)
                        continue;
                first = v[i];
                while (order[j] != i) {
                        size_t from = order[j];

                        v[j] = v[from];
                        order[j] = (uint32_t) j;
                        j = from;
                }
                v[j] = first;
                order[j] = (uint32_t) j;
        }
        return 0;
}

int nc_plan_diff(const struct nc_state_index *observed, struct nc_netns_ids *ids, struct nc_plan *plan) {
        struct differ d = { .have = observed->s, .have_ix = observed, .want = plan->desired, .plan = plan,
                            .ids = ids };

        d.fresh = calloc(d.want->n_links + 1, sizeof(*d.fresh));
        d.gone = calloc(d.have->n_links + 1, sizeof(*d.gone));
        d.matched = calloc(d.have->n_links + 1, sizeof(*d.matched));
        d.loses_address = calloc(d.have->n_links + 1, sizeof(*d.loses_address));
        /* Before indexing the desired state: the namespaces left alone
         * are observed ones, and already have their ids. */
        if (!d.fresh || !d.gone || !d.matched || !d.loses_address || note_left_alone(&d) < 0 ||
            nc_state_index_init(&d.want_ix, d.want, ids) < 0) {
                d.r = -ENOMEM;
                goto out;
        }
        diff_namespaces(&d);
        diff_links(&d);
        diff_addresses(&d);
        diff_routes(&d);
        for (enum nc_sysctl k = 0; k < _NC_SYSCTL_MAX; k++)
                diff_sysctl(&d, k);
        if (d.r >= 0)
                d.r = nc_plan_diff_fdb(&(struct nc_fdb_diff) { .want = d.want, .have = d.have, .fresh = d.fresh,
                                                               .gone = d.gone, .plan = plan,
                                                               .cap_actions = &d.cap_actions });
        if (d.r >= 0)
                d.r = nc_plan_preflight(d.have, plan, &d.cap_conflicts);
        if (d.r >= 0)
                d.r = nc_plan_preflight_vxlan(d.have, plan, &d.cap_conflicts);
        if (d.r >= 0)
                d.r = nc_plan_diff_nft(d.have, plan, &d.cap_actions, &d.cap_conflicts);
        if (d.r >= 0)
                d.r = sort_actions(plan);
        nc_state_index_done(&d.want_ix);
out:
        free(d.left_alone);
        free(d.loses_address);
        free(d.fresh);
        free(d.gone);
        free(d.matched);
        return d.r;
}
