/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "apply/applier.h"
#include "netconverge/addr.h"
#include "netconverge/plan.h"

/* A bridge's VXLAN link and its FDB entries (SPEC 7.5), as raw
 * rtnetlink requests: like a veth pair's, the link is made in our group
 * in its creating request (state.h), which libnl's vxlan helpers would
 * do too, but its IFLA_VXLAN_LEARNING and the FDB's NTF_SELF entries are
 * plainer written out. */

static int host_socket(struct nc_applier *ap, struct nc_ns **ret_ns, struct nl_sock **ret_sk) {
        int r = nc_ns_get(ap, "", ret_ns);

        return r < 0 ? r : nc_ns_socket(ap, *ret_ns, ret_sk);
}

/* IFLA_VXLAN_LOCAL, or IFLA_VXLAN_LOCAL6 for IPv6 remotes: the family
 * of the local address is the one the kernel sends the remotes in. */
static int put_local(struct nl_msg *msg, const struct nc_link_vxlan *x) {
        uint32_t v4 = htonl(x->local);

        if (!nc_ipv6_is_zero(&x->local6))
                return nla_put(msg, IFLA_VXLAN_LOCAL6, sizeof(x->local6.b), x->local6.b);
        return nla_put_u32(msg, IFLA_VXLAN_LOCAL, v4);
}

/* RTM_NEWLINK kind vxlan: name, MTU, master, the owned group, and its
 * identity: VNI, underlay, local address, UDP port, learning off. No
 * group and no remote: flooding goes by the FDB entries alone (head-end
 * replication), never by multicast. Down: it comes up with its alias. */
static int vxlan_request(struct nc_applier *ap, struct nc_ns *host, const struct nc_link *w, struct nl_msg **ret) {
        struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
        struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
        struct nlattr *info, *data;
        int master, dev;

        if (!msg)
                return -ENOMEM;
        master = nc_ns_ifindex(ap, host, w->master);
        dev = master < 0 ? master : nc_ns_ifindex(ap, host, w->vxlan.dev);
        if (master < 0 || dev < 0) {
                nlmsg_free(msg);
                return master < 0 ? master : dev;
        }
        if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 || nla_put_string(msg, IFLA_IFNAME, w->name) < 0 ||
            nla_put_u32(msg, IFLA_MTU, w->mtu) < 0 || nla_put_u32(msg, IFLA_MASTER, (uint32_t) master) < 0 ||
            nla_put_u32(msg, IFLA_GROUP, NC_LINK_GROUP_OWNED) < 0 || !(info = nla_nest_start(msg, IFLA_LINKINFO)) ||
            nla_put_string(msg, IFLA_INFO_KIND, "vxlan") < 0 || !(data = nla_nest_start(msg, IFLA_INFO_DATA)) ||
            nla_put_u32(msg, IFLA_VXLAN_ID, w->vxlan.vni) < 0 || nla_put_u32(msg, IFLA_VXLAN_LINK, (uint32_t) dev) < 0 ||
            put_local(msg, &w->vxlan) < 0 || nla_put_u16(msg, IFLA_VXLAN_PORT, htons((uint16_t) w->vxlan.port)) < 0 ||
            nla_put_u8(msg, IFLA_VXLAN_LEARNING, w->vxlan.learning) < 0) {
                nlmsg_free(msg);
                return -ENOMEM;
        }
        nla_nest_end(msg, data);
        nla_nest_end(msg, info);
        *ret = msg;
        return 0;
}

/* The alias (the kernel ignores it at creation) and up, in one request. */
static int mark_and_up(struct nc_applier *ap, struct nl_sock *sk, const struct nc_link *w) {
        struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_flags = w->up ? IFF_UP : 0, .ifi_change = IFF_UP };
        struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWLINK, 0);

        if (!msg)
                return -ENOMEM;
        if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 || nla_put_string(msg, IFLA_IFNAME, w->name) < 0 ||
            nla_put_string(msg, IFLA_IFALIAS, w->alias) < 0) {
                nlmsg_free(msg);
                return -ENOMEM;
        }
        return nc_nl_request(ap, sk, msg);
}

/* Takes back the link when marking it failed, so that a failed change
 * leaves nothing (a crash in between leaves it in our group without its
 * alias: the next plan finishes it). */
static void undo(struct nc_applier *ap, struct nl_sock *sk, const char *name) {
        struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
        struct nl_msg *msg = nlmsg_alloc_simple(RTM_DELLINK, 0);
        struct nc_kerr saved = ap->kerr;

        if (!msg)
                return;
        if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 || nla_put_string(msg, IFLA_IFNAME, name) < 0) {
                nlmsg_free(msg);
                return;
        }
        (void) nc_nl_request(ap, sk, msg);
        ap->kerr = saved;
}

int nc_apply_vxlan_add(struct nc_applier *ap, const struct nc_action *a) {
        const struct nc_link *w = a->link.want;
        struct nl_msg *msg = NULL;
        struct nl_sock *sk;
        struct nc_ns *host;
        int r;

        r = host_socket(ap, &host, &sk);
        if (r < 0)
                return r;
        r = vxlan_request(ap, host, w, &msg);
        if (r < 0)
                return r;
        r = nc_nl_request(ap, sk, msg);
        nc_ns_forget(host, w->name);
        if (r < 0)
                return r;
        r = mark_and_up(ap, sk, w);
        if (r < 0)
                undo(ap, sk, w->name);
        return r;
}

/* RTM_NEWNEIGH / RTM_DELNEIGH, AF_BRIDGE, NTF_SELF: the VXLAN driver's own
 * table, not the bridge's. Appended: the all-zeros MAC holds one entry per
 * remote, and NLM_F_REPLACE would leave one. */
int nc_apply_fdb(struct nc_applier *ap, const struct nc_action *a) {
        const struct nc_fdb *f = a->fdb.want ? a->fdb.want : a->fdb.have;
        bool add = a->change == NC_CHANGE_ADD;
        struct ndmsg ndm = { .ndm_family = AF_BRIDGE, .ndm_state = NUD_PERMANENT, .ndm_flags = NTF_SELF };
        uint32_t dst4 = htonl(f->dst);
        const void *dst = f->v6 ? (const void *) f->dst6.b : &dst4;
        int dst_len = f->v6 ? (int) sizeof(f->dst6.b) : (int) sizeof(dst4);
        struct nl_msg *msg;
        struct nl_sock *sk;
        struct nc_ns *host;
        int r;

        r = host_socket(ap, &host, &sk);
        if (r < 0)
                return r;
        r = nc_ns_ifindex(ap, host, f->ifname);
        if (r < 0)
                return r;
        ndm.ndm_ifindex = r;
        msg = nlmsg_alloc_simple(add ? RTM_NEWNEIGH : RTM_DELNEIGH, add ? NLM_F_CREATE | NLM_F_APPEND : 0);
        if (!msg)
                return -ENOMEM;
        if (nlmsg_append(msg, &ndm, sizeof(ndm), NLMSG_ALIGNTO) < 0 || nla_put(msg, NDA_LLADDR, 6, f->mac) < 0 ||
            nla_put(msg, NDA_DST, dst_len, dst) < 0) {
                nlmsg_free(msg);
                return -ENOMEM;
        }
        r = nc_nl_request(ap, sk, msg);
        /* Already there (an apply that died before it said so) or already
         * gone: what the plan wanted. */
        return (add && r == -EEXIST) || (!add && r == -ENOENT) ? 0 : r;
}
