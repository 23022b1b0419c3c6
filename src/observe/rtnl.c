/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/cache.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/inet6.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "netconverge/netns.h"
#include "observe/observer.h"
#include "util/cleanup.h"
#include "util/nlcleanup.h"
#include "util/nlerr.h"
#include "util/strbuf.h"

/* A dump the kernel marks NLM_F_DUMP_INTR (the table changed while it was
 * being walked) is inconsistent; ask again, but not forever: a namespace
 * that never stops changing is reported, not waited on. */
#define NC_DUMP_RETRIES 5

/* Above the kernel's largest dump message (32 KiB, netlink_dump()). */
#define NC_DUMP_BUFSIZE 65536

static void nl_sock_freep(struct nl_sock **sk) {
        if (*sk)
                nl_socket_free(*sk);
}

/* What one dump returned: libnl-route objects (links, addresses or
 * routes), one reference each. Not a libnl cache: a cache allocates and
 * clears a hash table, which was most of the user time of observing a
 * namespace that holds two links. */
struct port_flags {
        int ifindex;
        bool hairpin, isolated;
};

struct objects {
        struct nl_object **v;
        size_t n, cap;
        int r;                          /* the first failure while parsing */
        /* Links: the bridge ports' flags, which libnl does not parse
         * (IFLA_INFO_SLAVE_DATA); only ports with one of them on. */
        struct port_flags *hairpin;
        size_t n_hairpin, cap_hairpin;
};

static void objects_clear(struct objects *o) {
        for (size_t i = 0; i < o->n; i++)
                nl_object_put(o->v[i]);
        o->n = 0;
        o->r = 0;
        o->n_hairpin = 0;
}

static void objects_done(struct objects *o) {
        objects_clear(o);
        free(o->v);
        o->v = NULL;
        o->cap = 0;
        free(o->hairpin);
        o->hairpin = NULL;
        o->cap_hairpin = 0;
}

static void keep_object(struct nl_object *obj, void *data) {
        struct objects *o = data;

        if (o->r < 0)
                return;
        if (nc_grow(&o->v, &o->cap, o->n + 1, sizeof(*o->v)) < 0) {
                o->r = -NLE_NOMEM;
                return;
        }
        nl_object_get(obj);
        o->v[o->n++] = obj;
}

static bool port_flag(struct nlattr *port[static IFLA_BRPORT_MAX + 1], int type) {
        return port[type] && nla_len(port[type]) >= 1 && nla_get_u8(port[type]) != 0;
}

/* A bridge port's IFLA_BRPORT_MODE (hairpin) and IFLA_BRPORT_ISOLATED, in
 * the link message's IFLA_LINKINFO { IFLA_INFO_SLAVE_KIND "bridge",
 * IFLA_INFO_SLAVE_DATA }. */
static struct port_flags flags_of(struct nlmsghdr *h) {
        struct nlattr *info[IFLA_INFO_MAX + 1], *port[IFLA_BRPORT_MAX + 1];
        struct nlattr *li = nlmsg_find_attr(h, sizeof(struct ifinfomsg), IFLA_LINKINFO);
        struct port_flags f = { .ifindex = ((struct ifinfomsg *) nlmsg_data(h))->ifi_index };

        if (!li || nla_parse_nested(info, IFLA_INFO_MAX, li, NULL) < 0 || !info[IFLA_INFO_SLAVE_KIND] ||
            !info[IFLA_INFO_SLAVE_DATA] || nla_strcmp(info[IFLA_INFO_SLAVE_KIND], "bridge") != 0 ||
            nla_parse_nested(port, IFLA_BRPORT_MAX, info[IFLA_INFO_SLAVE_DATA], NULL) < 0)
                return f;
        f.hairpin = port_flag(port, IFLA_BRPORT_MODE);
        f.isolated = port_flag(port, IFLA_BRPORT_ISOLATED);
        return f;
}

static void keep_flags(struct objects *o, struct port_flags f) {
        if (!f.hairpin && !f.isolated)
                return;
        if (nc_grow(&o->hairpin, &o->cap_hairpin, o->n_hairpin + 1, sizeof(*o->hairpin)) < 0) {
                o->r = -NLE_NOMEM;
                return;
        }
        o->hairpin[o->n_hairpin++] = f;
}

static void note_hairpin(struct objects *o, struct nlmsghdr *h) {
        if (h->nlmsg_type != RTM_NEWLINK || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
                return;
        keep_flags(o, flags_of(h));
}

static struct port_flags flags_for(const struct objects *o, int ifindex) {
        for (size_t i = 0; i < o->n_hairpin; i++)
                if (o->hairpin[i].ifindex == ifindex)
                        return o->hairpin[i];
        return (struct port_flags) { .ifindex = ifindex };
}

static int on_valid(struct nl_msg *msg, void *data) {
        struct objects *o = data;
        int r = nl_msg_parse(msg, keep_object, o);

        note_hairpin(o, nlmsg_hdr(msg));
        /* A message libnl has no parser for is not ours to read. */
        if (r < 0 && r != -NLE_MSGTYPE_NOSUPPORT && r != -NLE_OPNOTSUPP && o->r >= 0)
                o->r = r;
        return NL_OK;
}

/* " in netns web", or "" for the host namespace: for messages. */
static const char *in_netns(const char *netns, char buf[static 192]) {
        if (!netns[0])
                return "";
        snprintf(buf, 192, " in netns %s", netns);
        return buf;
}

struct connect_args {
        struct nl_sock *sk;
        int r;
};

static int connect_here(void *data) {
        struct connect_args *a = data;

        a->r = nc_nlerr_to_errno(nl_connect(a->sk, NETLINK_ROUTE));
        return 0;
}

/* A netlink socket belongs to the namespace it was created in, whichever
 * namespace the process is in when it later talks through it. So only the
 * socket() call needs to happen inside; every dump then runs from home. */
static int rtnl_open(struct nc_observer *o, const char *netns, int netns_fd, int home_fd,
                     struct nl_sock **ret) {
        _cleanup_(nl_sock_freep) struct nl_sock *sk = nl_socket_alloc();
        struct connect_args a = { .sk = sk };
        char buf[192];
        int r;

        if (!sk)
                return nc_observer_fail(o, -ENOMEM, "opening a netlink socket%s", in_netns(netns, buf));
        if (netns_fd < 0)
                connect_here(&a);
        else {
                r = nc_netns_run_in(netns_fd, home_fd, connect_here, &a);
                if (r < 0)
                        return nc_observer_fail(o, r, "entering netns %s", netns);
        }
        if (a.r < 0)
                return nc_observer_fail(o, a.r, "opening a netlink socket%s", in_netns(netns, buf));
        /* The kernel fills a dump message up to the reader's buffer, at
         * most 32 KiB: with room for that, one recvmsg() per message and
         * no MSG_PEEK to size each one first. */
        r = nc_nlerr_to_errno(nl_socket_set_msg_buf_size(sk, NC_DUMP_BUFSIZE));
        if (r < 0)
                return nc_observer_fail(o, r, "opening a netlink socket%s", in_netns(netns, buf));
        nl_socket_disable_msg_peek(sk);
        /* Strict checking makes the kernel honour a dump request's filters:
         * the route dump then walks the main table alone, not the local
         * table's half dozen routes per namespace that would be dropped here
         * anyway (route_wanted()). A kernel without it (before 4.20) dumps
         * everything, which is only slower. */
        (void) setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_GET_STRICT_CHK, &(int) { 1 }, sizeof(int));
        *ret = TAKE_PTR(sk);
        return 0;
}

/* The request: our own header, so that addresses and routes come for
 * IPv4 only; links without their counters (RTEXT_FILTER_SKIP_STATS): the
 * statistics are most of a link's message and nobody here reads them, and
 * a host with a thousand veths dumps a thousand of them. */
static int send_dump(struct nl_sock *sk, int msgtype, void *hdr, size_t hdrlen) {
        struct nl_msg *msg = nlmsg_alloc_simple(msgtype, NLM_F_DUMP);
        int r;

        if (!msg)
                return -NLE_NOMEM;
        r = nlmsg_append(msg, hdr, hdrlen, NLMSG_ALIGNTO);
        if (r >= 0 && msgtype == RTM_GETLINK)
                r = nla_put_u32(msg, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
        if (r >= 0)
                r = nl_send_auto(sk, msg);
        nlmsg_free(msg);
        return r;
}

/* One dump request (see send_dump()), its answer parsed by libnl-route
 * into ret (cleared first). */
static int dump(struct nl_sock *sk, int msgtype, void *hdr, size_t hdrlen, struct objects *ret) {
        int r;

        r = nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_valid, ret);
        if (r < 0)
                return nc_nlerr_to_errno(r);
        for (unsigned attempt = 0;; attempt++) {
                objects_clear(ret);
                r = send_dump(sk, msgtype, hdr, hdrlen);
                if (r >= 0)
                        r = nl_recvmsgs_default(sk);
                if (r >= 0)
                        r = ret->r;
                /* libnl read the interrupted dump to its end; start over. */
                if (r != -NLE_DUMP_INTR || attempt == NC_DUMP_RETRIES)
                        break;
        }
        return r < 0 ? nc_nlerr_to_errno(r) : 0;
}

/* A namespace's link names by ifindex, to name masters, address and
 * route devices without asking the kernel again (rtnl_link_get() is a list
 * walk: quadratic on a host with a thousand veths). */
struct ifname_entry {
        int ifindex;
        char name[NC_IFNAMSIZ];
};

struct ifindex_map {
        struct ifname_entry *v;
        size_t n, cap;
};

static void ifindex_map_done(struct ifindex_map *m) {
        free(m->v);
}

static int ifindex_map_add(struct ifindex_map *m, int ifindex, const char *name) {
        if (nc_grow(&m->v, &m->cap, m->n + 1, sizeof(*m->v)) < 0)
                return -ENOMEM;
        m->v[m->n].ifindex = ifindex;
        snprintf(m->v[m->n].name, sizeof(m->v[m->n].name), "%s", name ? name : "");
        m->n++;
        return 0;
}

static int by_ifindex(const void *a, const void *b) {
        int x = ((const struct ifname_entry *) a)->ifindex, y = ((const struct ifname_entry *) b)->ifindex;

        return (x > y) - (x < y);
}

static void ifindex_map_sort(struct ifindex_map *m) {
        if (m->n > 1)
                qsort(m->v, m->n, sizeof(*m->v), by_ifindex);
}

/* The links of a dump named in the map. */
static int name_links(const struct objects *links, struct ifindex_map *m) {
        for (size_t i = 0; i < links->n; i++) {
                struct rtnl_link *l = (struct rtnl_link *) links->v[i];

                if (ifindex_map_add(m, rtnl_link_get_ifindex(l), rtnl_link_get_name(l)) < 0)
                        return -ENOMEM;
        }
        ifindex_map_sort(m);
        return 0;
}

/* The name of ifindex in this namespace, NULL when unknown (a link that
 * appeared between two dumps: the next observation will see it). */
static const char *ifindex_map_name(const struct ifindex_map *m, int ifindex) {
        struct ifname_entry key = { .ifindex = ifindex };
        const struct ifname_entry *e = m->n > 0 ? bsearch(&key, m->v, m->n, sizeof(*m->v), by_ifindex) : NULL;

        return e ? e->name : NULL;
}

static enum nc_link_kind link_kind(struct rtnl_link *rl) {
        const char *type = rtnl_link_get_type(rl);

        if (type && strcmp(type, "bridge") == 0)
                return NC_LINK_BRIDGE;
        if (type && strcmp(type, "veth") == 0)
                return NC_LINK_VETH;
        if (type && strcmp(type, "vxlan") == 0)
                return NC_LINK_VXLAN;
        if (rtnl_link_get_flags(rl) & IFF_LOOPBACK)
                return NC_LINK_LOOPBACK;
        return NC_LINK_OTHER;
}

static void copy_ifname(char dst[static NC_IFNAMSIZ], const char *src) {
        snprintf(dst, NC_IFNAMSIZ, "%s", src ? src : "");
}

/* Whether the kernel gives the link IPv6 link-local addresses: its
 * IFLA_INET6_ADDR_GEN_MODE is not none. A kernel without IPv6 sends no
 * such attribute: no. */
static bool makes_link_local(struct rtnl_link *rl) {
        uint8_t mode;

        return rtnl_link_inet6_get_addr_gen_mode(rl, &mode) == 0 && mode != IN6_ADDR_GEN_MODE_NONE;
}

static void link_from_rtnl(struct rtnl_link *rl, const char *netns, const struct ifindex_map *m,
                           struct nc_link *l) {
        struct nl_addr *mac = rtnl_link_get_addr(rl);
        uint8_t operstate = rtnl_link_get_operstate(rl);
        int master = rtnl_link_get_master(rl);

        *l = (struct nc_link) {
                .netns = (char *) netns,
                .kind = link_kind(rl),
                .mtu = rtnl_link_get_mtu(rl),
                .up = rtnl_link_get_flags(rl) & IFF_UP,
                .alias = (char *) rtnl_link_get_ifalias(rl),
                .group = rtnl_link_get_group(rl),
                .ifindex = rtnl_link_get_ifindex(rl),
                .peer_ifindex = rtnl_link_get_link(rl),
        };
        copy_ifname(l->name, rtnl_link_get_name(rl));
        if (mac && nl_addr_get_len(mac) == sizeof(l->mac))
                memcpy(l->mac, nl_addr_get_binary_addr(mac), sizeof(l->mac));
        /* lo never leaves "unknown": it has no carrier to report. */
        l->oper_up = operstate == IF_OPER_UP || (l->kind == NC_LINK_LOOPBACK && operstate == IF_OPER_UNKNOWN);
        if (master > 0)
                copy_ifname(l->master, ifindex_map_name(m, master));
        l->ipv6 = l->kind == NC_LINK_VETH && makes_link_local(rl);
        if (l->kind == NC_LINK_VXLAN) {
                nc_observe_vxlan_attrs(rl, l);
                if (l->vxlan.dev_ifindex > 0)
                        copy_ifname(l->vxlan.dev, ifindex_map_name(m, l->vxlan.dev_ifindex));
        }
}

static int add_link(struct nc_state *s, struct rtnl_link *rl, const char *netns, const struct ifindex_map *m,
                    const struct objects *hairpin) {
        struct nc_link l;
        int32_t nsid;

        link_from_rtnl(rl, netns, m, &l);
        l.peer_elsewhere = rtnl_link_get_link_netnsid(rl, &nsid) == 0;
        l.hairpin = flags_for(hairpin, l.ifindex).hairpin;
        l.port_isolated = flags_for(hairpin, l.ifindex).isolated;
        return nc_state_add_link(s, &l);
}

static int add_links(struct nc_observer *o, const char *netns, const struct objects *links,
                     const struct ifindex_map *m) {
        for (size_t i = 0; i < links->n; i++) {
                int r = add_link(o->state, (struct rtnl_link *) links->v[i], netns, m, links);

                if (r < 0)
                        return r;
        }
        return 0;
}

static uint32_t ipv4_of(struct nl_addr *a) {
        uint32_t v;

        if (!a || nl_addr_get_family(a) != AF_INET || nl_addr_get_len(a) != sizeof(v))
                return 0;
        memcpy(&v, nl_addr_get_binary_addr(a), sizeof(v));
        return ntohl(v);
}

static struct nc_ipv6 ipv6_of(struct nl_addr *a) {
        struct nc_ipv6 v = {};

        if (a && nl_addr_get_family(a) == AF_INET6 && nl_addr_get_len(a) == sizeof(v.b))
                memcpy(v.b, nl_addr_get_binary_addr(a), sizeof(v.b));
        return v;
}

/* IPv6 addresses someone added: not the kernel's link-local ones, not
 * those it made from router advertisements (never permanent). */
static bool address_wanted(struct rtnl_addr *ra) {
        if (rtnl_addr_get_family(ra) == AF_INET)
                return true;
        return rtnl_addr_get_family(ra) == AF_INET6 && rtnl_addr_get_scope(ra) != RT_SCOPE_LINK &&
               (rtnl_addr_get_flags(ra) & IFA_F_PERMANENT);
}

/* A host link that an RA-made address or route is on: marked (a scan of
 * this observation's links: such objects are few). */
static void mark_uses_ra(struct nc_state *s, const char *netns, const char *dev) {
        if (netns[0] || !dev)
                return;
        for (size_t i = 0; i < s->n_links; i++)
                if (!s->links[i].netns[0] && strcmp(s->links[i].name, dev) == 0)
                        s->links[i].uses_ra = true;
}

static bool address_from_ra(struct rtnl_addr *ra) {
        return rtnl_addr_get_family(ra) == AF_INET6 && rtnl_addr_get_scope(ra) != RT_SCOPE_LINK &&
               !(rtnl_addr_get_flags(ra) & IFA_F_PERMANENT);
}

static int add_addresses(struct nc_state *s, const char *netns, const struct objects *addrs,
                         const struct ifindex_map *m) {
        for (size_t i = 0; i < addrs->n; i++) {
                struct rtnl_addr *ra = (struct rtnl_addr *) addrs->v[i];
                const char *dev = ifindex_map_name(m, rtnl_addr_get_ifindex(ra));
                struct nc_address a = { .netns = (char *) netns };
                int r;

                if (address_from_ra(ra))
                        mark_uses_ra(s, netns, dev);
                if (!address_wanted(ra) || !dev)
                        continue;
                a.v6 = rtnl_addr_get_family(ra) == AF_INET6;
                if (a.v6)
                        a.address6 = ipv6_of(rtnl_addr_get_local(ra));
                else
                        a.address = ipv4_of(rtnl_addr_get_local(ra));
                a.prefixlen = (unsigned) rtnl_addr_get_prefixlen(ra);
                copy_ifname(a.ifname, dev);
                r = nc_state_add_address(s, &a);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* What the planner reads: unicast routes of the main table that someone
 * added (protocol kernel = the prefix routes addresses bring, and IPv6's
 * link-local ones; protocol ra = those router advertisements made). */
static bool route_wanted(struct rtnl_route *rr) {
        int family = rtnl_route_get_family(rr);

        return (family == AF_INET || family == AF_INET6) && rtnl_route_get_table(rr) == RT_TABLE_MAIN &&
               rtnl_route_get_type(rr) == RTN_UNICAST && rtnl_route_get_protocol(rr) != RTPROT_KERNEL &&
               rtnl_route_get_protocol(rr) != RTPROT_RA;
}

static int add_routes(struct nc_state *s, const char *netns, const struct objects *routes,
                      const struct ifindex_map *m) {
        for (size_t i = 0; i < routes->n; i++) {
                struct rtnl_route *rr = (struct rtnl_route *) routes->v[i];
                struct nc_route rt = { .netns = (char *) netns };
                struct rtnl_nexthop *nh;
                struct nl_addr *dst;
                int r;

                if (rtnl_route_get_family(rr) == AF_INET6 && rtnl_route_get_protocol(rr) == RTPROT_RA &&
                    rtnl_route_get_nnexthops(rr) > 0)
                        mark_uses_ra(s, netns, ifindex_map_name(m, rtnl_route_nh_get_ifindex(
                                                                           rtnl_route_nexthop_n(rr, 0))));
                if (!route_wanted(rr))
                        continue;
                dst = rtnl_route_get_dst(rr);
                rt.v6 = rtnl_route_get_family(rr) == AF_INET6;
                if (rt.v6)
                        rt.dst6 = ipv6_of(dst);
                else
                        rt.dst = ipv4_of(dst);
                rt.dst_len = dst ? nl_addr_get_prefixlen(dst) : 0;
                rt.protocol = rtnl_route_get_protocol(rr);
                /* The model has one next hop per route (ours never have
                 * more); a multipath route is described by its first. */
                nh = rtnl_route_get_nnexthops(rr) > 0 ? rtnl_route_nexthop_n(rr, 0) : NULL;
                if (nh) {
                        const char *dev = ifindex_map_name(m, rtnl_route_nh_get_ifindex(nh));

                        if (rt.v6)
                                rt.gateway6 = ipv6_of(rtnl_route_nh_get_gateway(nh));
                        else
                                rt.gateway = ipv4_of(rtnl_route_nh_get_gateway(nh));
                        copy_ifname(rt.ifname, dev);
                }
                r = nc_state_add_route(s, &rt);
                if (r < 0)
                        return r;
        }
        return 0;
}

int nc_observe_rtnl(struct nc_observer *o, const char *netns, int netns_fd, int home_fd) {
        _cleanup_(nl_sock_freep) struct nl_sock *sk = NULL;
        _cleanup_(objects_done) struct objects links = {}, addrs = {}, routes = {};
        _cleanup_(ifindex_map_done) struct ifindex_map m = {};
        struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
        struct ifaddrmsg ifa = { .ifa_family = AF_UNSPEC };
        struct rtmsg rtm = { .rtm_family = AF_UNSPEC, .rtm_table = RT_TABLE_MAIN };
        char buf[192];
        int r;

        r = rtnl_open(o, netns, netns_fd, home_fd, &sk);
        if (r < 0)
                return r;
        r = dump(sk, RTM_GETLINK, &ifi, sizeof(ifi), &links);
        if (r < 0)
                return nc_observer_fail(o, r, "dumping links%s", in_netns(netns, buf));
        r = dump(sk, RTM_GETADDR, &ifa, sizeof(ifa), &addrs);
        if (r < 0)
                return nc_observer_fail(o, r, "dumping addresses%s", in_netns(netns, buf));
        r = dump(sk, RTM_GETROUTE, &rtm, sizeof(rtm), &routes);
        if (r < 0)
                return nc_observer_fail(o, r, "dumping routes%s", in_netns(netns, buf));

        r = name_links(&links, &m);
        if (r >= 0)
                r = add_links(o, netns, &links, &m);
        if (r >= 0)
                r = add_addresses(o->state, netns, &addrs, &m);
        if (r >= 0)
                r = add_routes(o->state, netns, &routes, &m);
        if (r < 0)
                return nc_observer_fail(o, r, "recording the state%s", in_netns(netns, buf));
        /* VXLAN links are the host's (SPEC 7.5). */
        return netns[0] ? 0 : nc_observe_fdb(o, sk, netns);
}

static struct rtnl_link *link_at(const struct objects *links, size_t i) {
        return (struct rtnl_link *) links->v[i];
}

static bool has_ifindex(const struct objects *links, int ifindex) {
        for (size_t i = 0; i < links->n; i++)
                if (rtnl_link_get_ifindex(link_at(links, i)) == ifindex)
                        return true;
        return false;
}

/* One link by ifindex or name into f (the host's links a partial read
 * asks for, as the kernel has them now); gone is no error. */
/* RTM_GETLINK of one link through on_valid(), as a dump's links are read
 * (libnl's rtnl_link_get_kernel() would drop the hairpin mode). */
static int get_link(struct nl_sock *sk, int ifindex, const char *name, struct objects *t) {
        struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
        struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETLINK, 0);
        int r;

        if (!msg)
                return -ENOMEM;
        r = nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO);
        if (r >= 0 && ifindex <= 0)
                r = nla_put_string(msg, IFLA_IFNAME, name);
        if (r >= 0)
                r = nla_put_u32(msg, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
        if (r >= 0)
                r = nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_valid, t);
        if (r >= 0)
                r = nl_send_auto(sk, msg);
        nlmsg_free(msg);
        if (r >= 0)
                r = nl_recvmsgs_default(sk);
        /* nl_send_auto() asked for an ack too (an error is its own). */
        if (r >= 0)
                r = nl_wait_for_ack(sk);
        if (r >= 0)
                r = t->r;
        return nc_nlerr_to_errno(r);
}

static int fetch(struct nl_sock *sk, int ifindex, const char *name, struct objects *f) {
        _cleanup_(objects_done) struct objects t = {};
        int r = get_link(sk, ifindex, name, &t);

        if (r == -ENODEV || r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        for (size_t i = 0; i < t.n; i++) {
                int x = rtnl_link_get_ifindex((struct rtnl_link *) t.v[i]);

                if (has_ifindex(f, x))
                        continue;
                keep_object(t.v[i], f);
                keep_flags(f, flags_for(&t, x));
        }
        return f->r < 0 ? -ENOMEM : 0;
}

/* Whether the previous observation's host link l is read again: asked for
 * (by ifindex or name), or its ifindex or name is now another link's. */
static bool superseded(const struct nc_link *l, const struct nc_observe_scope *scope, const struct objects *f) {
        for (size_t i = 0; i < scope->n_host_ifindexes; i++)
                if (scope->host_ifindexes[i] == l->ifindex)
                        return true;
        for (size_t i = 0; i < scope->n_host_links; i++)
                if (strcmp(scope->host_links[i], l->name) == 0)
                        return true;
        for (size_t i = 0; i < f->n; i++) {
                struct rtnl_link *x = link_at(f, i);

                if (rtnl_link_get_ifindex(x) == l->ifindex || strcmp(rtnl_link_get_name(x), l->name) == 0)
                        return true;
        }
        return false;
}

static int fetch_all(struct nl_sock *sk, const struct nc_observe_scope *scope, struct objects *f) {
        int r = 0;

        for (size_t i = 0; i < scope->n_host_ifindexes && r >= 0; i++)
                r = fetch(sk, scope->host_ifindexes[i], NULL, f);
        for (size_t i = 0; i < scope->n_host_links && r >= 0; i++)
                r = fetch(sk, 0, scope->host_links[i], f);
        return r;
}

/* The kept links (copied, their pairing to be worked out again) and the
 * fetched ones, all named in m. */
static int merge_host_links(struct nc_observer *o, const struct nc_state *prev, const struct nc_observe_scope *scope,
                            const struct objects *f, struct ifindex_map *m) {
        int r;

        if (name_links(f, m) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < prev->n_links; i++) {
                struct nc_link l = prev->links[i];

                if (l.netns[0] || superseded(&l, scope, f))
                        continue;
                if (ifindex_map_add(m, l.ifindex, l.name) < 0)
                        return -ENOMEM;
                l.peer_netns = NULL;
                l.peer_name[0] = '\0';
                r = nc_state_add_link(o->state, &l);
                if (r < 0)
                        return r;
        }
        ifindex_map_sort(m);
        return add_links(o, "", f, m);
}

int nc_observe_rtnl_host_some(struct nc_observer *o, const struct nc_state *prev, const struct nc_observe_scope *scope,
                              int home_fd) {
        _cleanup_(nl_sock_freep) struct nl_sock *sk = NULL;
        _cleanup_(objects_done) struct objects addrs = {}, routes = {};
        _cleanup_(ifindex_map_done) struct ifindex_map m = {};
        _cleanup_(objects_done) struct objects f = {};
        struct ifaddrmsg ifa = { .ifa_family = AF_UNSPEC };
        struct rtmsg rtm = { .rtm_family = AF_UNSPEC, .rtm_table = RT_TABLE_MAIN };
        int r;

        r = rtnl_open(o, "", -1, home_fd, &sk);
        if (r < 0)
                return r;
        r = fetch_all(sk, scope, &f);
        if (r < 0)
                return nc_observer_fail(o, r, "reading links");
        r = dump(sk, RTM_GETADDR, &ifa, sizeof(ifa), &addrs);
        if (r < 0)
                return nc_observer_fail(o, r, "dumping addresses");
        r = dump(sk, RTM_GETROUTE, &rtm, sizeof(rtm), &routes);
        if (r < 0)
                return nc_observer_fail(o, r, "dumping routes");
        r = merge_host_links(o, prev, scope, &f, &m);
        if (r >= 0)
                r = add_addresses(o->state, "", &addrs, &m);
        if (r >= 0)
                r = add_routes(o->state, "", &routes, &m);
        if (r < 0)
                return nc_observer_fail(o, r, "recording the state");
        return nc_observe_fdb(o, sk, "");
}
