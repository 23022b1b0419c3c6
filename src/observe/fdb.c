/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/addr.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/vxlan.h>

#include "observe/observer.h"
#include "util/nlerr.h"

/* VXLAN links (SPEC 7.5): their own attributes, and the FDB entries of
 * the ones in our group, which say which remotes each floods to. */

static uint32_t ipv4_from(struct nl_addr *a) {
        uint32_t v = 0;

        if (a && nl_addr_get_family(a) == AF_INET && nl_addr_get_len(a) == sizeof(v))
                memcpy(&v, nl_addr_get_binary_addr(a), sizeof(v));
        if (a)
                nl_addr_put(a);
        return ntohl(v);
}

/* libnl gives IFLA_VXLAN_LOCAL, or else IFLA_VXLAN_LOCAL6, as one
 * address of either family. */
static void local_from(struct nl_addr *a, struct nc_link_vxlan *x) {
        if (a && nl_addr_get_family(a) == AF_INET6 && nl_addr_get_len(a) == sizeof(x->local6.b)) {
                memcpy(x->local6.b, nl_addr_get_binary_addr(a), sizeof(x->local6.b));
                nl_addr_put(a);
                return;
        }
        x->local = ipv4_from(a);
}

void nc_observe_vxlan_attrs(struct rtnl_link *rl, struct nc_link *l) {
        struct nl_addr *a = NULL;
        uint32_t v;

        if (rtnl_link_vxlan_get_id(rl, &v) == 0)
                l->vxlan.vni = v;
        if (rtnl_link_vxlan_get_port(rl, &v) == 0)
                l->vxlan.port = v;
        if (rtnl_link_vxlan_get_link(rl, &v) == 0)
                l->vxlan.dev_ifindex = (int) v;
        l->vxlan.learning = rtnl_link_vxlan_get_learning(rl) > 0;
        if (rtnl_link_vxlan_get_local(rl, &a) == 0)
                local_from(a, &l->vxlan);
        a = NULL;
        if (rtnl_link_vxlan_get_group(rl, &a) == 0)
                l->vxlan.group = ipv4_from(a);
}

struct fdb_dump {
        struct nc_state *s;
        const struct nc_link *link;
        int r;
};

/* One RTM_NEWNEIGH of the dump: the VXLAN driver's own entries (NTF_SELF)
 * with a remote; the bridge's entries for the same port (NTF_MASTER) are
 * the bridge's business. */
static int on_neigh(struct nl_msg *msg, void *data) {
        struct fdb_dump *fd = data;
        struct nlmsghdr *h = nlmsg_hdr(msg);
        struct nlattr *tb[NDA_MAX + 1];
        const struct ndmsg *ndm;
        struct nc_fdb f = { .netns = fd->link->netns };
        uint32_t dst;

        if (h->nlmsg_type != RTM_NEWNEIGH || nlmsg_parse(h, sizeof(*ndm), tb, NDA_MAX, NULL) < 0)
                return NL_OK;
        ndm = nlmsg_data(h);
        if (ndm->ndm_family != AF_BRIDGE || ndm->ndm_ifindex != fd->link->ifindex || !(ndm->ndm_flags & NTF_SELF) ||
            !tb[NDA_LLADDR] || nla_len(tb[NDA_LLADDR]) != 6 || !tb[NDA_DST] ||
            (nla_len(tb[NDA_DST]) != sizeof(dst) && nla_len(tb[NDA_DST]) != sizeof(f.dst6.b)))
                return NL_OK;
        memcpy(f.mac, nla_data(tb[NDA_LLADDR]), 6);
        /* The remote's family is NDA_DST's length: 4 or 16 bytes. */
        f.v6 = nla_len(tb[NDA_DST]) == sizeof(f.dst6.b);
        if (f.v6) {
                memcpy(f.dst6.b, nla_data(tb[NDA_DST]), sizeof(f.dst6.b));
        } else {
                memcpy(&dst, nla_data(tb[NDA_DST]), sizeof(dst));
                f.dst = ntohl(dst);
        }
        strcpy(f.ifname, fd->link->name);
        if (fd->r >= 0)
                fd->r = nc_state_add_fdb(fd->s, &f);
        return NL_OK;
}

/* The dump of one link's entries: ndm_ifindex filters by port (the
 * kernel honours it with strict checking; on_neigh() checks anyway). */
static int dump_link(struct nl_sock *sk, struct nc_state *s, const struct nc_link *l) {
        struct ndmsg ndm = { .ndm_family = AF_BRIDGE, .ndm_ifindex = l->ifindex };
        struct fdb_dump fd = { .s = s, .link = l };
        struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETNEIGH, NLM_F_DUMP);
        int r;

        if (!msg)
                return -ENOMEM;
        r = nlmsg_append(msg, &ndm, sizeof(ndm), NLMSG_ALIGNTO);
        if (r >= 0)
                r = nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_neigh, &fd);
        if (r >= 0)
                r = nl_send_auto(sk, msg);
        nlmsg_free(msg);
        if (r >= 0)
                r = nl_recvmsgs_default(sk);
        if (r < 0)
                return nc_nlerr_to_errno(r);
        return fd.r;
}

int nc_observe_fdb(struct nc_observer *o, struct nl_sock *sk, const char *netns) {
        struct nc_state *s = o->state;
        size_t n = s->n_links;

        /* Indices, not pointers: nothing appends links meanwhile, but
         * the state's arrays are its own business. */
        for (size_t i = 0; i < n; i++) {
                struct nc_link l = s->links[i];
                int r;

                if (l.kind != NC_LINK_VXLAN || !nc_link_group_ours(l.group) || strcmp(l.netns, netns) != 0 ||
                    l.ifindex <= 0)
                        continue;
                r = dump_link(sk, s, &l);
                if (r < 0)
                        return nc_observer_fail(o, r, "dumping the FDB of %s", l.name);
        }
        return 0;
}
