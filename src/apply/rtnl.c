/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <netlink/addr.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/object.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/inet6.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>

#include "apply/applier.h"
#include "netconverge/addr.h"
#include "netconverge/netns.h"
#include "netconverge/plan.h"
#include "util/cleanup.h"
#include "util/nlcleanup.h"

/* Link, address and route changes over libnl-route. A change sends only
 * what its action names: an unchanged attribute is never rewritten, and a
 * modified link keeps its ifindex. */

static void addr_putp(struct rtnl_addr **a) {
        if (*a)
                rtnl_addr_put(*a);
}

static void route_putp(struct rtnl_route **r) {
        if (*r)
                rtnl_route_put(*r);
}

static void nl_addr_putp(struct nl_addr **a) {
        if (*a)
                nl_addr_put(*a);
}

static int ns_and_socket(struct nc_applier *ap, const char *netns, struct nc_ns **ret_ns, struct nl_sock **ret_sk) {
        struct nc_ns *ns;
        int r = nc_ns_get(ap, netns, &ns);

        if (r < 0)
                return r;
        r = nc_ns_socket(ap, ns, ret_sk);
        if (r < 0)
                return r;
        *ret_ns = ns;
        return 0;
}

/* The observed ifindex when there is one (it names exactly the link that
 * was looked at), else the link of that name now. */
/* The socket of netns and the ifindex of an existing link there: the one
 * observed (have, may be NULL), else looked up by name (one made since).
 * The ifindex, or a negative errno. */
static int existing_link(struct nc_applier *ap, const char *netns, const struct nc_link *have, const char *name,
                         struct nc_ns **ret_ns, struct nl_sock **ret_sk) {
        int r = ns_and_socket(ap, netns, ret_ns, ret_sk);

        if (r < 0)
                return r;
        return have && have->ifindex > 0 ? have->ifindex : nc_ns_ifindex(ap, *ret_ns, name);
}

static struct nl_addr *ipv4(uint32_t a, unsigned prefixlen) {
        uint32_t be = htonl(a);
        struct nl_addr *x = nl_addr_build(AF_INET, &be, sizeof(be));

        if (x)
                nl_addr_set_prefixlen(x, (int) prefixlen);
        return x;
}

static struct nl_addr *ipv6(const struct nc_ipv6 *a, unsigned prefixlen) {
        struct nl_addr *x = nl_addr_build(AF_INET6, a->b, sizeof(a->b));

        if (x)
                nl_addr_set_prefixlen(x, (int) prefixlen);
        return x;
}

static int set_mac(struct rtnl_link *l, const uint8_t mac[6]) {
        struct nl_addr *x = nl_addr_build(AF_LLC, mac, 6);

        if (!x)
                return -ENOMEM;
        rtnl_link_set_addr(l, x);
        nl_addr_put(x);
        return 0;
}

static void set_up(struct rtnl_link *l, bool up) {
        if (up)
                rtnl_link_set_flags(l, IFF_UP);
        else
                rtnl_link_unset_flags(l, IFF_UP);
}

/* RTM_NEWLINK on an existing link: only the attributes set in changes
 * are sent, so the link keeps its ifindex and everything else. */
static int link_change(struct nc_applier *ap, struct nl_sock *sk, int ifindex, struct rtnl_link *changes) {
        _cleanup_(nc_rtnl_link_putp) struct rtnl_link *orig = rtnl_link_alloc();

        if (!orig)
                return -ENOMEM;
        rtnl_link_set_ifindex(orig, ifindex);
        nc_kerr_begin(ap);
        return nc_kerr_end(ap, NC_FAULT_REQUEST(ap->fault, rtnl_link_change(sk, orig, changes, 0)));
}

/* The same, with IPv6 address generation off in the request (see
 * set_alias()): for a veth end whose mark is finished, since the apply
 * that made it died before the request that would have turned it off. A
 * kernel without IPv6 refuses the attribute; then again without it. */
static int link_change_no_ipv6(struct nc_applier *ap, struct nl_sock *sk, int ifindex, struct rtnl_link *changes) {
        /* A copy, so that the retry sends changes as they were. */
        _cleanup_(nc_rtnl_link_putp) struct rtnl_link *with =
                (struct rtnl_link *) nl_object_clone((struct nl_object *) changes);
        int r;

        if (!with || rtnl_link_inet6_set_addr_gen_mode(with, IN6_ADDR_GEN_MODE_NONE) < 0)
                return -ENOMEM;
        r = link_change(ap, sk, ifindex, with);
        return r == -EAFNOSUPPORT ? link_change(ap, sk, ifindex, changes) : r;
}

/* The kernel ignores IFLA_IFALIAS (and IFLA_AF_SPEC) when it creates a
 * link, so the alias half of the mark of ownership is set right after
 * (the group half came with the creation: a crash in between leaves a
 * link the next plan finishes, state.h), on the link found by
 * its name (just created, so the name is ours), with the link's going up
 * in the same request: a veth peer cannot be brought up before both ends
 * exist.
 *
 * A veth of an IPv4-only bridge also comes up without IPv6 addresses
 * (addr_gen_mode none, set before it is up), like Docker's networks
 * without --ipv6, which turn IPv6 off on container interfaces; those of
 * IPv6 bridges keep the kernel's link-local addresses (SPEC 7.1). Left on,
 * every new port's link-local address, duplicate address detection and
 * router solicitation is flooded by the bridge to every other port and
 * handled in every container: a thousand containers made the kernel
 * spend most of a cold apply on that. A kernel without IPv6 refuses the
 * attribute (EAFNOSUPPORT); the request is then made without it. */
static int set_alias(struct nc_applier *ap, struct nl_sock *sk, const char *name, const char *alias, bool up,
                     bool no_ipv6) {
        _cleanup_(nc_rtnl_link_putp) struct rtnl_link *orig = rtnl_link_alloc();
        _cleanup_(nc_rtnl_link_putp) struct rtnl_link *changes = rtnl_link_alloc();
        int r;

        if (!orig || !changes)
                return -ENOMEM;
        if (!alias && !up)
                return 0;
        rtnl_link_set_name(changes, name);
        if (alias)
                rtnl_link_set_ifalias(changes, alias);
        if (up)
                rtnl_link_set_flags(changes, IFF_UP);
        if (no_ipv6 && rtnl_link_inet6_set_addr_gen_mode(changes, IN6_ADDR_GEN_MODE_NONE) < 0)
                return -ENOMEM;
        nc_kerr_begin(ap);
        r = nc_kerr_end(ap, NC_FAULT_REQUEST(ap->fault, rtnl_link_change(sk, orig, changes, 0)));
        if (r == -EAFNOSUPPORT && no_ipv6)
                return set_alias(ap, sk, name, alias, up, false);
        return r;
}

/* Takes back a link this change created before a later step of the same
 * change failed, so that a failed change leaves nothing behind. (A crash
 * here leaves it in our group without alias: the next plan finishes it.)
 * Best effort; deleting a veth end takes its
 * peer along. */
static void undo_create(struct nc_applier *ap, struct nl_sock *sk, const char *name) {
        _cleanup_(nc_rtnl_link_putp) struct rtnl_link *l = rtnl_link_alloc();
        struct nc_kerr saved = ap->kerr;

        if (!l)
                return;
        rtnl_link_set_name(l, name);
        (void) NC_FAULT_REQUEST(ap->fault, rtnl_link_delete(sk, l));
        ap->kerr = saved;
}

/* A bridge without an address of its own takes its lowest port's, and so
 * changes MAC whenever a port comes or goes: every container's ARP entry
 * for the gateway goes stale. Like Docker, give it one at creation (the
 * kernel then keeps it): the wanted one, or a random locally
 * administered unicast address. */
static int bridge_mac(const struct nc_link *w, uint8_t mac[6]) {
        static const uint8_t zero[6];

        if (memcmp(w->mac, zero, 6) != 0) {
                memcpy(mac, w->mac, 6);
                return 0;
        }
        if (getrandom(mac, 6, 0) != 6)
                return -errno;
        mac[0] = (uint8_t) ((mac[0] & 0xfe) | 0x02);
        return 0;
}

int nc_apply_bridge_add(struct nc_applier *ap, const struct nc_action *a) {
        _cleanup_(nc_rtnl_link_putp) struct rtnl_link *l = rtnl_link_alloc();
        const struct nc_link *w = a->link.want;
        uint8_t mac[6];
        struct nl_sock *sk;
        struct nc_ns *host;
        int r;

        if (!l)
                return -ENOMEM;
        r = ns_and_socket(ap, "", &host, &sk);
        if (r < 0)
                return r;
        r = rtnl_link_set_type(l, "bridge");
        if (r < 0)
                return nc_kerr_end(ap, r);
        rtnl_link_set_name(l, w->name);
        rtnl_link_set_mtu(l, w->mtu);
        /* Made in the owned group: destroy then deletes the group as it is (group.c). */
        rtnl_link_set_group(l, NC_LINK_GROUP_OWNED);
        r = bridge_mac(w, mac);
        if (r < 0)
                return r;
        r = set_mac(l, mac);
        if (r < 0)
                return r;
        set_up(l, w->up);
        nc_kerr_begin(ap);
        r = nc_kerr_end(ap, NC_FAULT_REQUEST(ap->fault, rtnl_link_add(sk, l, NLM_F_CREATE | NLM_F_EXCL)));
        nc_ns_forget(host, w->name);
        if (r < 0)
                return r;
        r = set_alias(ap, sk, w->name, w->alias, false, false);
        if (r < 0)
                undo_create(ap, sk, w->name);
        return r;
}

/* A link of the host namespace (a bridge, a veth's host end): only the
 * attributes the diff names; the bits of one object never include
 * another's (a bridge has no master, a veth is never adopted). */
static int host_link_modify(struct nc_applier *ap, const struct nc_action *a) {
        _cleanup_(nc_rtnl_link_putp) struct rtnl_link *changes = rtnl_link_alloc();
        struct nl_sock *sk;
        struct nc_ns *host;
        int ifindex, r;

        if (!changes)
                return -ENOMEM;
        ifindex = existing_link(ap, "", a->link.have, a->link.have->name, &host, &sk);
        if (ifindex < 0)
                return ifindex;
        if (a->diff & NC_DIFF_MTU)
                rtnl_link_set_mtu(changes, a->link.want->mtu);
        if (a->diff & NC_DIFF_MASTER) {
                /* 0 = no master */
                r = a->link.want->master[0] ? nc_ns_ifindex(ap, host, a->link.want->master) : 0;
                if (r < 0)
                        return r;
                rtnl_link_set_master(changes, r);
        }
        if (a->diff & NC_DIFF_UP)
                set_up(changes, a->link.want->up);
        /* Both marks in one request: a link is never ours by one alone
         * (state.h). */
        if ((a->diff & (NC_DIFF_ADOPT | NC_DIFF_LINK_MARK)) && a->link.want->alias) {
                rtnl_link_set_ifalias(changes, a->link.want->alias);
                rtnl_link_set_group(changes, NC_LINK_GROUP_OWNED);
        }
        if ((a->diff & NC_DIFF_LINK_MARK) && a->object == NC_OBJECT_VETH && !a->link.want->ipv6)
                return link_change_no_ipv6(ap, sk, ifindex, changes);
        return link_change(ap, sk, ifindex, changes);
}

int nc_apply_bridge_modify(struct nc_applier *ap, const struct nc_action *a) {
        return host_link_modify(ap, a);
}

/* The host end with its peer, in one request: the peer is created
 * directly in the container's namespace (IFLA_NET_NS_FD inside
 * VETH_INFO_PEER), so no moment exists where it sits in the host under a
 * name that might clash. Both ends are made in our link group, the half
 * of their mark the kernel sets with the creation (state.h). The request
 * is built here, not by libnl: libnl puts IFLA_GROUP only at the top
 * level (build_link_msg()), never in the peer's attributes. Both ends go
 * up with their alias (see set_alias()), once IPv6 is off on them. */
static int veth_request(struct nc_applier *ap, struct nc_ns *host, const struct nc_action *a, int peer_ns_fd,
                        struct nl_msg **ret) {
        const struct nc_link *w = a->link.want, *p = a->link.want_peer;
        struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
        struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
        struct nlattr *info, *data, *peer;
        int master = 0;

        if (!msg)
                return -ENOMEM;
        if (w->master[0]) {
                master = nc_ns_ifindex(ap, host, w->master);
                if (master < 0) {
                        nlmsg_free(msg);
                        return master;
                }
        }
        if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 || nla_put_string(msg, IFLA_IFNAME, w->name) < 0 ||
            nla_put_u32(msg, IFLA_MTU, w->mtu) < 0 ||
            (master > 0 && nla_put_u32(msg, IFLA_MASTER, (uint32_t) master) < 0) ||
            nla_put_u32(msg, IFLA_GROUP, NC_LINK_GROUP_OWNED) < 0 || !(info = nla_nest_start(msg, IFLA_LINKINFO)) ||
            nla_put_string(msg, IFLA_INFO_KIND, "veth") < 0 || !(data = nla_nest_start(msg, IFLA_INFO_DATA)) ||
            !(peer = nla_nest_start(msg, VETH_INFO_PEER)) ||
            /* The peer's attributes follow an ifinfomsg of its own. */
            nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
            nla_put_string(msg, IFLA_IFNAME, p->name) < 0 || nla_put_u32(msg, IFLA_MTU, p->mtu) < 0 ||
            nla_put(msg, IFLA_ADDRESS, 6, p->mac) < 0 || nla_put_u32(msg, IFLA_NET_NS_FD, (uint32_t) peer_ns_fd) < 0 ||
            nla_put_u32(msg, IFLA_GROUP, NC_LINK_GROUP_OWNED) < 0) {
                nlmsg_free(msg);
                return -ENOMEM;
        }
        nla_nest_end(msg, peer);
        nla_nest_end(msg, data);
        nla_nest_end(msg, info);
        *ret = msg;
        return 0;
}

/* The bridge port's flags as w wants them: RTM_SETLINK of family
 * AF_BRIDGE with IFLA_PROTINFO { IFLA_BRPORT_MODE, IFLA_BRPORT_ISOLATED },
 * what `bridge link set dev X hairpin on isolated off` sends. The link is
 * a port already (its master is set). */
static int set_port_flags(struct nc_applier *ap, struct nl_sock *sk, struct nc_ns *host, const struct nc_link *w) {
        const char *name = w->name;
        struct ifinfomsg ifi = { .ifi_family = AF_BRIDGE };
        struct nl_msg *msg;
        struct nlattr *info;
        int ifindex = nc_ns_ifindex(ap, host, name);

        if (ifindex < 0)
                return ifindex;
        ifi.ifi_index = ifindex;
        msg = nlmsg_alloc_simple(RTM_SETLINK, 0);
        if (!msg)
                return -ENOMEM;
        if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
            !(info = nla_nest_start(msg, IFLA_PROTINFO | NLA_F_NESTED)) ||
            nla_put_u8(msg, IFLA_BRPORT_MODE, w->hairpin) < 0 || nla_put_u8(msg, IFLA_BRPORT_ISOLATED, w->port_isolated) < 0) {
                nlmsg_free(msg);
                return -ENOMEM;
        }
        nla_nest_end(msg, info);
        return nc_nl_request(ap, sk, msg);
}

int nc_apply_veth_add(struct nc_applier *ap, const struct nc_action *a) {
        _cleanup_close_ int peer_ns_fd = -1;
        struct nl_sock *sk, *peer_sk;
        struct nc_ns *host, *pns;
        struct nl_msg *msg;
        int r;

        r = ns_and_socket(ap, "", &host, &sk);
        if (r < 0)
                return r;
        r = nc_ns_get(ap, a->link.want_peer->netns, &pns);
        if (r < 0)
                return r;
        if (pns->error < 0)
                return pns->error;
        peer_ns_fd = nc_netns_open(a->link.want_peer->netns);
        if (peer_ns_fd < 0)
                return peer_ns_fd;
        r = veth_request(ap, host, a, peer_ns_fd, &msg);
        if (r < 0)
                return r;
        r = nc_nl_request(ap, sk, msg);
        nc_ns_forget(host, a->link.want->name);
        nc_ns_forget(pns, a->link.want_peer->name);
        if (r < 0)
                return r;
        r = set_alias(ap, sk, a->link.want->name, a->link.want->alias, a->link.want->up, !a->link.want->ipv6);
        if (r >= 0 && (a->link.want->hairpin || a->link.want->port_isolated) && a->link.want->master[0])
                r = set_port_flags(ap, sk, host, a->link.want);
        if (r >= 0)
                r = nc_ns_socket(ap, pns, &peer_sk);
        /* Its host end being up already, the peer would have its carrier
         * (and so a link-local address) as it came up, before the kernel
         * got to IFLA_AF_SPEC in the same request: up in a second one. */
        if (r >= 0)
                r = set_alias(ap, peer_sk, a->link.want_peer->name, a->link.want_peer->alias, false,
                              !a->link.want_peer->ipv6);
        if (r >= 0 && a->link.want_peer->up)
                r = set_alias(ap, peer_sk, a->link.want_peer->name, NULL, true, false);
        if (r < 0)
                undo_create(ap, sk, a->link.want->name);
        return r;
}


static int veth_modify_peer(struct nc_applier *ap, const struct nc_action *a) {
        _cleanup_(nc_rtnl_link_putp) struct rtnl_link *changes = rtnl_link_alloc();
        struct nl_sock *sk;
        struct nc_ns *ns;
        int ifindex, r;

        if (!changes)
                return -ENOMEM;
        if (!a->link.have_peer || !a->link.want_peer)
                return -ENODEV;
        ifindex = existing_link(ap, a->link.want_peer->netns, a->link.have_peer, a->link.have_peer->name, &ns, &sk);
        if (ifindex < 0)
                return ifindex;
        if (a->diff & NC_DIFF_MTU)
                rtnl_link_set_mtu(changes, a->link.want_peer->mtu);
        if (a->diff & NC_DIFF_MAC) {
                r = set_mac(changes, a->link.want_peer->mac);
                if (r < 0)
                        return r;
        }
        if (a->diff & NC_DIFF_PEER_UP)
                set_up(changes, a->link.want_peer->up);
        if ((a->diff & NC_DIFF_PEER_MARK) && a->link.want_peer->alias) {
                rtnl_link_set_ifalias(changes, a->link.want_peer->alias);
                rtnl_link_set_group(changes, NC_LINK_GROUP_OWNED);
                if (!a->link.want_peer->ipv6)
                        return link_change_no_ipv6(ap, sk, ifindex, changes);
        }
        return link_change(ap, sk, ifindex, changes);
}

int nc_apply_veth_modify(struct nc_applier *ap, const struct nc_action *a) {
        int r;

        if (a->diff & (NC_DIFF_MTU | NC_DIFF_MASTER | NC_DIFF_UP | NC_DIFF_LINK_MARK)) {
                r = host_link_modify(ap, a);
                if (r < 0)
                        return r;
        }
        /* After a new master: the mode is the port's, and goes with it. */
        if ((a->diff & (NC_DIFF_HAIRPIN | NC_DIFF_PORT_ISOLATED | NC_DIFF_MASTER)) && a->link.want->master[0]) {
                struct nl_sock *sk;
                struct nc_ns *host;

                r = ns_and_socket(ap, "", &host, &sk);
                if (r >= 0)
                        r = set_port_flags(ap, sk, host, a->link.want);
                if (r < 0)
                        return r;
        }
        if (a->diff & (NC_DIFF_MTU | NC_DIFF_MAC | NC_DIFF_PEER_UP | NC_DIFF_PEER_MARK))
                return veth_modify_peer(ap, a);
        return 0;
}

int nc_apply_loopback(struct nc_applier *ap, const struct nc_action *a) {
        _cleanup_(nc_rtnl_link_putp) struct rtnl_link *changes = rtnl_link_alloc();
        struct nl_sock *sk;
        struct nc_ns *ns;
        int ifindex;

        if (!changes)
                return -ENOMEM;
        /* have is NULL when the namespace is new: look lo up there. */
        ifindex = existing_link(ap, a->link.want->netns, a->link.have, "lo", &ns, &sk);
        if (ifindex < 0)
                return ifindex;
        rtnl_link_set_flags(changes, IFF_UP);
        return link_change(ap, sk, ifindex, changes);
}

/* An IPv6 address goes without duplicate address detection (IFA_F_NODAD):
 * netconverge owns the whole subnet and gives each address once, and with
 * detection the address would stay tentative, unusable, for a second or
 * more after apply returned (SPEC 6). */
static int address_build(const struct nc_address *x, int ifindex, struct rtnl_addr **ret) {
        _cleanup_(addr_putp) struct rtnl_addr *addr = rtnl_addr_alloc();
        _cleanup_(nl_addr_putp) struct nl_addr *local =
                x->v6 ? ipv6(&x->address6, x->prefixlen) : ipv4(x->address, x->prefixlen);
        _cleanup_(nl_addr_putp) struct nl_addr *brd = NULL;
        int r;

        if (!addr || !local)
                return -ENOMEM;
        rtnl_addr_set_ifindex(addr, ifindex);
        rtnl_addr_set_family(addr, x->v6 ? AF_INET6 : AF_INET);
        r = rtnl_addr_set_local(addr, local);
        if (r < 0)
                return -EINVAL;
        rtnl_addr_set_prefixlen(addr, (int) x->prefixlen);
        if (x->v6) {
                rtnl_addr_set_flags(addr, IFA_F_NODAD);
                *ret = TAKE_PTR(addr);
                return 0;
        }
        /* What `ip addr add ... brd +` sets; /31 and /32 have none. */
        if (x->prefixlen < 31) {
                brd = ipv4(nc_subnet_broadcast(x->address, x->prefixlen), 32);
                if (!brd)
                        return -ENOMEM;
                r = rtnl_addr_set_broadcast(addr, brd);
                if (r < 0)
                        return -EINVAL;
        }
        *ret = TAKE_PTR(addr);
        return 0;
}

/* The socket of netns and the ifindex of the device an address or route
 * is on: > 0, a negative errno, or 0 when removing from a device that is
 * gone already (nothing left to do). */
static int device(struct nc_applier *ap, const char *netns, const char *ifname, bool removing, struct nl_sock **ret_sk) {
        struct nc_ns *ns;
        int ifindex, r;

        r = ns_and_socket(ap, netns, &ns, ret_sk);
        if (r < 0)
                return r;
        ifindex = nc_ns_ifindex(ap, ns, ifname);
        if (ifindex == -ENODEV && removing)
                return 0;
        return ifindex;
}

int nc_apply_address(struct nc_applier *ap, const struct nc_action *a) {
        const struct nc_address *x = a->change == NC_CHANGE_REMOVE ? a->address.have : a->address.want;
        _cleanup_(addr_putp) struct rtnl_addr *addr = NULL;
        struct nl_sock *sk;
        int ifindex, r;

        /* 0: its link is gone, and the address with it. */
        ifindex = device(ap, x->netns, x->ifname, a->change == NC_CHANGE_REMOVE, &sk);
        if (ifindex <= 0)
                return ifindex;
        r = address_build(x, ifindex, &addr);
        if (r < 0)
                return r;
        nc_kerr_begin(ap);
        if (a->change == NC_CHANGE_REMOVE) {
                r = nc_kerr_end(ap, NC_FAULT_REQUEST(ap->fault, rtnl_addr_delete(sk, addr, 0)));
                return r == -EADDRNOTAVAIL ? 0 : r;
        }
        return nc_kerr_end(ap, NC_FAULT_REQUEST(ap->fault, rtnl_addr_add(sk, addr, NLM_F_EXCL)));
}

static int route_build(const struct nc_route *rt, int ifindex, bool removing, struct rtnl_route **ret) {
        _cleanup_(route_putp) struct rtnl_route *route = rtnl_route_alloc();
        _cleanup_(nl_addr_putp) struct nl_addr *dst = rt->v6 ? ipv6(&rt->dst6, rt->dst_len) : ipv4(rt->dst, rt->dst_len);
        _cleanup_(nl_addr_putp) struct nl_addr *gw = NULL;
        struct rtnl_nexthop *nh;

        if (!route || !dst)
                return -ENOMEM;
        rtnl_route_set_family(route, rt->v6 ? AF_INET6 : AF_INET);
        rtnl_route_set_table(route, RT_TABLE_MAIN);
        rtnl_route_set_protocol(route, (uint8_t) rt->protocol);
        rtnl_route_set_type(route, RTN_UNICAST);
        /* Deleting matches any scope, like `ip route del`. */
        rtnl_route_set_scope(route, removing ? RT_SCOPE_NOWHERE : RT_SCOPE_UNIVERSE);
        if (rtnl_route_set_dst(route, dst) < 0)
                return -EINVAL;
        nh = rtnl_route_nh_alloc();
        if (!nh)
                return -ENOMEM;
        rtnl_route_nh_set_ifindex(nh, ifindex);
        if (rt->v6 ? !nc_ipv6_is_zero(&rt->gateway6) : rt->gateway != 0) {
                gw = rt->v6 ? ipv6(&rt->gateway6, 128) : ipv4(rt->gateway, 32);
                if (!gw) {
                        rtnl_route_nh_free(nh);
                        return -ENOMEM;
                }
                rtnl_route_nh_set_gateway(nh, gw);
        }
        rtnl_route_add_nexthop(route, nh);
        *ret = TAKE_PTR(route);
        return 0;
}

int nc_apply_route(struct nc_applier *ap, const struct nc_action *a) {
        const struct nc_route *rt = a->change == NC_CHANGE_REMOVE ? a->route.have : a->route.want;
        _cleanup_(route_putp) struct rtnl_route *route = NULL;
        struct nl_sock *sk;
        int ifindex, r;

        /* 0: routes go with their device. */
        ifindex = device(ap, rt->netns, rt->ifname, a->change == NC_CHANGE_REMOVE, &sk);
        if (ifindex <= 0)
                return ifindex;
        r = route_build(rt, ifindex, a->change == NC_CHANGE_REMOVE, &route);
        if (r < 0)
                return r;
        nc_kerr_begin(ap);
        switch (a->change) {
        case NC_CHANGE_ADD:
                /* Create or replace: the kernel may or may not have
                 * flushed it with an address removed just before. */
                return nc_kerr_end(ap,
                                   NC_FAULT_REQUEST(ap->fault, rtnl_route_add(sk, route, NLM_F_CREATE | NLM_F_REPLACE)));
        case NC_CHANGE_MODIFY:
                /* Replaces the default route of the same metric in place. */
                return nc_kerr_end(ap, NC_FAULT_REQUEST(ap->fault, rtnl_route_add(sk, route, NLM_F_REPLACE)));
        case NC_CHANGE_REMOVE:
                r = nc_kerr_end(ap, NC_FAULT_REQUEST(ap->fault, rtnl_route_delete(sk, route, 0)));
                return r == -ESRCH ? 0 : r;
        default:
                return -EINVAL;
        }
}
