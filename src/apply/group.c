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

/* Removing links in bulk. Each RTM_DELLINK of one link costs the kernel
 * an RCU synchronization (tens of milliseconds on a busy host), so a
 * thousand of them take most of a minute. Instead every link to remove is
 * first moved to the link group NC_LINK_GROUP_DOOMED (a cheap attribute
 * change), then one RTM_DELLINK naming the group unregisters them all
 * together: one synchronization. Deleting a host veth end takes its peer
 * with it, wherever that is. */

static void link_putp(struct rtnl_link **l) {
        if (*l)
                rtnl_link_put(*l);
}

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
        _cleanup_(link_putp) struct rtnl_link *orig = rtnl_link_alloc();
        _cleanup_(link_putp) struct rtnl_link *changes = rtnl_link_alloc();

        if (!orig || !changes)
                return -ENOMEM;
        rtnl_link_set_ifindex(orig, ifindex);
        rtnl_link_set_group(changes, group);
        nc_kerr_begin(ap);
        return nc_kerr_end(ap, rtnl_link_change(sk, orig, changes, 0));
}

static int delete_link(struct nc_applier *ap, struct nl_sock *sk, int ifindex) {
        _cleanup_(link_putp) struct rtnl_link *l = rtnl_link_alloc();
        int r;

        if (!l)
                return -ENOMEM;
        rtnl_link_set_ifindex(l, ifindex);
        nc_kerr_begin(ap);
        r = nc_kerr_end(ap, rtnl_link_delete(sk, l));
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

struct group_check {
        const struct moved *moved;      /* sorted by ifindex */
        size_t n_moved;
        size_t strangers;               /* in the group, not moved there by us */
};

static int check_link(const struct nc_linkinfo *l, void *data) {
        struct group_check *c = data;
        struct moved key = { .ifindex = l->ifindex };

        if (l->group == NC_LINK_GROUP_DOOMED &&
            !bsearch(&key, c->moved, c->n_moved, sizeof(*c->moved), compare_moved))
                c->strangers++;
        return 0;
}

/* The group delete removes whatever is in the group, so it is only used
 * when the group holds exactly what this apply put there: a link left
 * there by an apply that died half-way, or put there by someone else, is
 * not ours to delete. */
static bool group_is_ours(struct nc_applier *ap, struct nl_sock *sk, const struct moved *moved, size_t n_moved) {
        struct group_check c = { .moved = moved, .n_moved = n_moved };
        int r;

        for (unsigned tries = 0; tries < 3; tries++) {
                c.strangers = 0;
                r = nc_nl_dump_links(ap, sk, check_link, &c);
                if (r != -EAGAIN)
                        break;
        }
        return r >= 0 && c.strangers == 0;
}

/* The actions of one namespace: idx[0..n) into actions. */
static void remove_in_namespace(struct nc_applier *ap, const struct nc_action *const *actions, const size_t *idx,
                                size_t n, int *results) {
        _cleanup_free_ struct moved *moved = calloc(n + 1, sizeof(*moved));
        const char *netns = actions[idx[0]]->have->netns;
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
                const struct nc_link *l = actions[idx[i]]->have;
                int ifindex = l->ifindex > 0 ? l->ifindex : nc_ns_ifindex(ap, ns, l->name);

                r = ifindex < 0 ? ifindex : set_group(ap, sk, ifindex, NC_LINK_GROUP_DOOMED);
                /* Gone already: what the removal wanted. */
                results[idx[i]] = r == -ENODEV ? 0 : r;
                if (r >= 0)
                        moved[n_moved++] = (struct moved) { .ifindex = ifindex, .action = idx[i] };
        }
        if (n_moved == 0)
                return;
        qsort(moved, n_moved, sizeof(*moved), compare_moved);
        if (group_is_ours(ap, sk, moved, n_moved) && delete_group(ap, sk, NC_LINK_GROUP_DOOMED) >= 0)
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
                        if (!done[j] && strcmp(actions[j]->have->netns, actions[i]->have->netns) == 0) {
                                done[j] = true;
                                idx[k++] = j;
                        }
                remove_in_namespace(ap, actions, idx, k, results);
        }
        /* Names are free again and the peers are gone. */
        nc_ns_forget_all(ap);
}
