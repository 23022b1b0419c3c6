/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/route/link.h>

#include "apply/applier.h"
#include "netconverge/plan.h"
#include "util/cleanup.h"
#include "util/nlcleanup.h"
#include "util/strbuf.h"

/* Removing links in bulk. Each RTM_DELLINK of one link costs the kernel
 * an RCU synchronization (tens of milliseconds on a busy host), so a
 * thousand of them take most of a minute. One RTM_DELLINK naming a link
 * group unregisters all of its links together: one synchronization.
 *
 * Owned links are created in NC_LINK_GROUP_OWNED. When everything in that
 * group goes (destroy, or the last containers and their bridge), the
 * group is deleted as it is: one request. Moving a link to a group is an
 * attribute change the kernel announces to every listener, about a
 * millisecond each, so links are moved only when needed: an owned link
 * outside the group into it; or, when only some of the group go, those
 * to NC_LINK_GROUP_DOOMED, which is then deleted. Deleting a host veth
 * end takes its peer with it, wherever that is. */

/* A link moved to the group: its ifindex and its action. */
struct moved {
        int ifindex;
        size_t action;
};

static int compare_moved(const void *a, const void *b) {
        int x = ((const struct moved *) a)->ifindex, y = ((const struct moved *) b)->ifindex;

        return (x > y) - (x < y);
}

static int set_group(struct nc_applier *ap, struct nl_sock *sk, int ifindex, uint32_t group) {
        _cleanup_(nc_rtnl_link_putp) struct rtnl_link *orig = rtnl_link_alloc();
        _cleanup_(nc_rtnl_link_putp) struct rtnl_link *changes = rtnl_link_alloc();

        if (!orig || !changes)
                return -ENOMEM;
        rtnl_link_set_ifindex(orig, ifindex);
        rtnl_link_set_group(changes, group);
        nc_kerr_begin(ap);
        return nc_kerr_end(ap, NC_FAULT_REQUEST(ap->fault, rtnl_link_change(sk, orig, changes, 0)));
}

static int delete_link(struct nc_applier *ap, struct nl_sock *sk, int ifindex) {
        _cleanup_(nc_rtnl_link_putp) struct rtnl_link *l = rtnl_link_alloc();
        int r;

        if (!l)
                return -ENOMEM;
        rtnl_link_set_ifindex(l, ifindex);
        nc_kerr_begin(ap);
        r = nc_kerr_end(ap, NC_FAULT_REQUEST(ap->fault, rtnl_link_delete(sk, l)));
        return r == -ENODEV ? 0 : r;
}

static int delete_group(struct nc_applier *ap, struct nl_sock *sk, uint32_t group) {
        struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
        struct nl_msg *msg = nlmsg_alloc_simple(RTM_DELLINK, 0);

        if (!msg)
                return -ENOMEM;
        if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 || nla_put_u32(msg, IFLA_GROUP, group) < 0) {
                nlmsg_free(msg);
                return -ENOMEM;
        }
        return nc_nl_request(ap, sk, msg);
}

/* The links of one group in the namespace, from one dump. */
struct group_members {
        uint32_t group;
        int *ifindex;
        size_t n, cap;
        int r;
};

static int collect_member(const struct nc_linkinfo *l, void *data) {
        struct group_members *g = data;

        if (l->group != g->group)
                return 0;
        if (nc_grow(&g->ifindex, &g->cap, g->n + 1, sizeof(*g->ifindex)) < 0)
                return -ENOMEM;
        g->ifindex[g->n++] = l->ifindex;
        return 0;
}

static int compare_int(const void *a, const void *b) {
        int x = *(const int *) a, y = *(const int *) b;

        return (x > y) - (x < y);
}

static int group_members(struct nc_applier *ap, struct nl_sock *sk, uint32_t group, struct group_members *ret) {
        struct group_members g = { .group = group };
        int r = -EAGAIN;

        for (unsigned tries = 0; tries < 3 && r == -EAGAIN; tries++) {
                g.n = 0;
                r = nc_nl_dump_links(ap, sk, collect_member, &g);
        }
        if (r < 0) {
                free(g.ifindex);
                return r;
        }
        /* An empty group (the doomed one, before the first move) has no
         * array: qsort() must not be given NULL, even for no elements. */
        if (g.n > 1)
                qsort(g.ifindex, g.n, sizeof(*g.ifindex), compare_int);
        *ret = g;
        return 0;
}

static bool is_member(const struct group_members *g, int ifindex) {
        return g->n > 0 && bsearch(&ifindex, g->ifindex, g->n, sizeof(*g->ifindex), compare_int);
}

/* Is every link of the group one of moved[0..n) (sorted by ifindex)? The
 * group delete removes whatever is in the group, so it is only used when
 * the group holds nothing else: a link left there by an apply that died
 * half-way, put there by someone else, or owned and kept, is not this
 * request's to delete. */
static bool group_holds_only(const struct group_members *g, const struct moved *moved, size_t n) {
        for (size_t i = 0; i < g->n; i++) {
                struct moved key = { .ifindex = g->ifindex[i] };

                if (!bsearch(&key, moved, n, sizeof(*moved), compare_moved))
                        return false;
        }
        return true;
}

/* Moves the links of moved[0..n) that are not in group g there; a link
 * gone already is dropped from the list (its removal succeeded). Returns
 * the links left. */
static size_t move_into(struct nc_applier *ap, struct nl_sock *sk, const struct group_members *g,
                        struct moved *moved, size_t n, int *results, bool *ret_any) {
        size_t k = 0;

        *ret_any = false;
        for (size_t i = 0; i < n; i++) {
                bool member = is_member(g, moved[i].ifindex);
                int r = member ? 0 : set_group(ap, sk, moved[i].ifindex, g->group);

                *ret_any |= !member;

                /* Gone already: what the removal wanted. */
                results[moved[i].action] = r == -ENODEV ? 0 : r;
                if (r >= 0)
                        moved[k++] = moved[i];
        }
        return k;
}

/* Deletes group `group` if, after moving moved[0..n) into it, it holds
 * exactly those links. Returns true when it did. */
static bool delete_as_group(struct nc_applier *ap, struct nl_sock *sk, uint32_t group, struct moved *moved,
                            size_t *n, int *results, bool only_if_already_exclusive) {
        struct group_members g = {};
        bool ok, any;

        if (group_members(ap, sk, group, &g) < 0)
                return false;
        if (only_if_already_exclusive && !group_holds_only(&g, moved, *n)) {
                free(g.ifindex);
                return false;
        }
        *n = move_into(ap, sk, &g, moved, *n, results, &any);
        free(g.ifindex);
        if (*n == 0)
                return true;
        /* After moves, look again: the group must hold these and nothing else. */
        if (any) {
                if (group_members(ap, sk, group, &g) < 0)
                        return false;
                ok = group_holds_only(&g, moved, *n);
                free(g.ifindex);
                if (!ok)
                        return false;
        }
        return delete_group(ap, sk, group) >= 0;
}

/* The actions of one namespace: idx[0..n) into actions. */
static void remove_in_namespace(struct nc_applier *ap, const struct nc_action *const *actions, const size_t *idx,
                                size_t n, int *results) {
        _cleanup_free_ struct moved *moved = calloc(n + 1, sizeof(*moved));
        const char *netns = actions[idx[0]]->link.have->netns;
        struct nl_sock *sk;
        struct nc_ns *ns;
        size_t n_moved = 0;
        int r;

        r = !moved ? -ENOMEM : nc_ns_get(ap, netns, &ns);
        if (r >= 0)
                r = nc_ns_socket(ap, ns, &sk);
        if (r < 0) {
                for (size_t i = 0; i < n; i++)
                        results[idx[i]] = r;
                return;
        }
        for (size_t i = 0; i < n; i++) {
                const struct nc_link *l = actions[idx[i]]->link.have;
                int ifindex = l->ifindex > 0 ? l->ifindex : nc_ns_ifindex(ap, ns, l->name);

                /* Gone already: what the removal wanted. */
                results[idx[i]] = ifindex == -ENODEV ? 0 : ifindex < 0 ? ifindex : 0;
                if (ifindex > 0)
                        moved[n_moved++] = (struct moved) { .ifindex = ifindex, .action = idx[i] };
        }
        if (n_moved == 0)
                return;
        qsort(moved, n_moved, sizeof(*moved), compare_moved);
        /* Everything in the owned group goes: that group, as it is. */
        if (delete_as_group(ap, sk, NC_LINK_GROUP_OWNED, moved, &n_moved, results, true))
                return;
        /* Some: a single link needs no group; more are moved to the doomed one. */
        if (n_moved > 1 && delete_as_group(ap, sk, NC_LINK_GROUP_DOOMED, moved, &n_moved, results, false))
                return;
        /* One at a time then, each with its own result. */
        for (size_t i = 0; i < n_moved; i++)
                results[moved[i].action] = delete_link(ap, sk, moved[i].ifindex);
}

void nc_apply_remove_links(struct nc_applier *ap, const struct nc_action *const *actions, size_t n, int *results) {
        _cleanup_free_ size_t *idx = calloc(n + 1, sizeof(size_t));
        _cleanup_free_ bool *done = calloc(n + 1, sizeof(bool));

        if (!idx || !done) {
                for (size_t i = 0; i < n; i++)
                        results[i] = -ENOMEM;
                return;
        }
        /* Usually all in the host namespace; grouped per namespace since
         * a link group is per namespace. */
        for (size_t i = 0; i < n; i++) {
                size_t k = 0;

                if (done[i])
                        continue;
                for (size_t j = i; j < n; j++)
                        if (!done[j] && strcmp(actions[j]->link.have->netns, actions[i]->link.have->netns) == 0) {
                                done[j] = true;
                                idx[k++] = j;
                        }
                remove_in_namespace(ap, actions, idx, k, results);
        }
        /* Names are free again and the peers are gone. */
        nc_ns_forget_all(ap);
}
