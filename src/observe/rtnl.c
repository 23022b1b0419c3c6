/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>

#include "netconverge/netns.h"
#include "observe/observer.h"
#include "util/cleanup.h"
#include "util/strbuf.h"

/* The links, IPv4 addresses and main-table routes of one namespace, over
 * plain rtnetlink: three dumps on a socket made inside the namespace,
 * each message decoded straight into the state. (libnl's caches cost a
 * dozen allocations per object and four more system calls per socket;
 * with a thousand container namespaces that was most of an observation.)
 *
 * A dump the kernel marks NLM_F_DUMP_INTR (the table changed while it was
 * being walked) is inconsistent; ask again, but not forever: a namespace
 * that never stops changing is reported, not waited on. */
#define NC_DUMP_RETRIES 5

/* Above the kernel's largest dump message (32 KiB, netlink_dump()). */
#define NC_DUMP_BUFSIZE 65536

static void closep(int *fd) {
        if (*fd >= 0)
                close(*fd);
}

/* " in netns web", or "" for the host namespace: for messages. */
static const char *in_netns(const char *netns, char buf[static 192]) {
        if (!netns[0])
                return "";
        snprintf(buf, 192, " in netns %s", netns);
        return buf;
}

struct nc_ifindex_name {
        int ifindex;
        const char *name;
};

static int open_here(void *data) {
        int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

        *(int *) data = fd < 0 ? -errno : fd;
        return 0;
}

/* A netlink socket belongs to the namespace it was created in, whichever
 * namespace the process is in when it later talks through it. So only the
 * socket() call needs to happen inside; every dump then runs from home. */
static int rtnl_open(struct nc_observer *o, const char *netns, int netns_fd, int home_fd, const char *where) {
        int fd = -1, r;

        if (netns_fd < 0)
                open_here(&fd);
        else {
                r = nc_netns_run_in(netns_fd, home_fd, open_here, &fd);
                if (r < 0)
                        return nc_observer_fail(o, r, "entering netns %s", netns);
        }
        if (fd < 0)
                return nc_observer_fail(o, fd, "opening a netlink socket%s", where);
        return fd;
}

/* One namespace being read: what decoding a message needs. */
struct reader {
        struct nc_observer *o;
        const char *netns;
        size_t first_link;              /* this namespace's links: [first_link, n_links) */
        int *master;                    /* per link of this namespace: IFLA_MASTER, 0 = none */
        size_t cap_master;
        struct nc_ifindex_name *names;  /* sorted by ifindex, once the links are read */
        size_t n_names;
};

_Static_assert(sizeof(struct rtmsg) <= 64 && sizeof(struct ifinfomsg) <= 64 && sizeof(struct ifaddrmsg) <= 64,
               "dump_once()'s request buffer");

typedef int (*msg_fn)(const struct nlmsghdr *h, struct reader *rd);

/* Sends one dump request (header hdr of hdrlen bytes; links without their
 * counters, RTEXT_FILTER_SKIP_STATS: the statistics are most of a link's
 * message and nobody here reads them) and hands each answer to fn, until
 * NLMSG_DONE. Returns 0, -EINTR when the kernel marked the dump
 * interrupted (read to its end all the same), or another negative errno. */
static int dump_once(int fd, uint16_t type, const void *hdr, size_t hdrlen, char *buf, msg_fn fn,
                     struct reader *rd) {
        char req[NLMSG_HDRLEN + 64 + MNL_ATTR_HDRLEN + 8];
        struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
        bool interrupted = false;
        int r = 0;

        nlh->nlmsg_type = type;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        nlh->nlmsg_seq = 1;
        memcpy(mnl_nlmsg_put_extra_header(nlh, hdrlen), hdr, hdrlen);
        if (type == RTM_GETLINK)
                mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
        if (sendto(fd, nlh, nlh->nlmsg_len, 0, (struct sockaddr *) &kernel, sizeof(kernel)) < 0)
                return -errno;
        /* Bounded: the kernel always ends a dump with NLMSG_DONE or an error. */
        for (;;) {
                ssize_t n = recv(fd, buf, NC_DUMP_BUFSIZE, 0);
                int len;

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        return -EIO;
                len = (int) n;
                for (const struct nlmsghdr *h = (const struct nlmsghdr *) buf; mnl_nlmsg_ok(h, len);
                     h = mnl_nlmsg_next(h, &len)) {
                        if (h->nlmsg_flags & NLM_F_DUMP_INTR)
                                interrupted = true;
                        if (h->nlmsg_type == NLMSG_DONE)
                                return r < 0 ? r : interrupted ? -EINTR : 0;
                        if (h->nlmsg_type == NLMSG_ERROR) {
                                const struct nlmsgerr *e = mnl_nlmsg_get_payload(h);

                                if (h->nlmsg_len < NLMSG_HDRLEN + sizeof(*e))
                                        return -EBADMSG;
                                return e->error < 0 ? e->error : -EBADMSG;
                        }
                        if (r >= 0 && !interrupted)
                                r = fn(h, rd);
                }
        }
}

static int dump(int fd, uint16_t type, const void *hdr, size_t hdrlen, char *buf, msg_fn fn, struct reader *rd,
                void (*restart)(struct reader *rd)) {
        int r;

        for (unsigned attempt = 0;; attempt++) {
                r = dump_once(fd, type, hdr, hdrlen, buf, fn, rd);
                if (r != -EINTR || attempt == NC_DUMP_RETRIES)
                        return r;
                /* Start over: forget what the inconsistent dump gave. */
                restart(rd);
        }
}

/* Attributes by type, the ones up to max; each checked for its size where read. */
struct attrs {
        const struct nlattr **tb;
        unsigned max;
};

static int attr_cb(const struct nlattr *a, void *data) {
        const struct attrs *at = data;
        unsigned type = mnl_attr_get_type(a);

        if (type <= at->max)
                at->tb[type] = a;
        return MNL_CB_OK;
}

static void parse(const struct nlmsghdr *h, size_t hdrlen, const struct nlattr **tb, unsigned max) {
        struct attrs at = { tb, max };

        memset(tb, 0, (max + 1) * sizeof(*tb));
        (void) mnl_attr_parse(h, (unsigned) hdrlen, attr_cb, &at);
}

static bool has_u32(const struct nlattr *a) {
        return a && mnl_attr_get_payload_len(a) >= sizeof(uint32_t);
}

/* A string attribute into dst (size bytes), NUL or not. */
static void copy_string(char *dst, size_t size, const struct nlattr *a) {
        size_t n = a ? strnlen(mnl_attr_get_payload(a), mnl_attr_get_payload_len(a)) : 0;

        if (n >= size)
                n = size - 1;
        if (n)
                memcpy(dst, mnl_attr_get_payload(a), n);
        dst[n] = '\0';
}

static enum nc_link_kind link_kind(const struct nlattr *linkinfo, unsigned flags) {
        const struct nlattr *info[IFLA_INFO_MAX + 1] = {};
        struct attrs at = { info, IFLA_INFO_MAX };
        char kind[16];

        if (linkinfo && mnl_attr_parse_nested(linkinfo, attr_cb, &at) >= 0 && info[IFLA_INFO_KIND]) {
                copy_string(kind, sizeof(kind), info[IFLA_INFO_KIND]);
                if (strcmp(kind, "bridge") == 0)
                        return NC_LINK_BRIDGE;
                if (strcmp(kind, "veth") == 0)
                        return NC_LINK_VETH;
        }
        return flags & IFF_LOOPBACK ? NC_LINK_LOOPBACK : NC_LINK_OTHER;
}

static int link_msg(const struct nlmsghdr *h, struct reader *rd) {
        const struct nlattr *tb[IFLA_MAX + 1];
        struct nc_observer *o = rd->o;
        struct nc_state *s = o->state;
        const struct ifinfomsg *ifi;
        _cleanup_free_ char *alias = NULL;
        struct nc_link l;
        uint8_t operstate;
        size_t i;
        int r;

        if (h->nlmsg_type != RTM_NEWLINK || h->nlmsg_len < NLMSG_HDRLEN + sizeof(*ifi))
                return 0;
        ifi = mnl_nlmsg_get_payload(h);
        parse(h, sizeof(*ifi), tb, IFLA_MAX);
        if (tb[IFLA_IFALIAS]) {
                alias = strndup(mnl_attr_get_payload(tb[IFLA_IFALIAS]), mnl_attr_get_payload_len(tb[IFLA_IFALIAS]));
                if (!alias)
                        return -ENOMEM;
        }
        l = (struct nc_link) {
                .netns = (char *) rd->netns,
                .kind = link_kind(tb[IFLA_LINKINFO], ifi->ifi_flags),
                .mtu = has_u32(tb[IFLA_MTU]) ? mnl_attr_get_u32(tb[IFLA_MTU]) : 0,
                .up = ifi->ifi_flags & IFF_UP,
                .alias = alias,
                .ifindex = ifi->ifi_index,
                .peer_ifindex = has_u32(tb[IFLA_LINK]) ? (int) mnl_attr_get_u32(tb[IFLA_LINK]) : 0,
        };
        copy_string(l.name, sizeof(l.name), tb[IFLA_IFNAME]);
        if (tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) == sizeof(l.mac))
                memcpy(l.mac, mnl_attr_get_payload(tb[IFLA_ADDRESS]), sizeof(l.mac));
        operstate = tb[IFLA_OPERSTATE] && mnl_attr_get_payload_len(tb[IFLA_OPERSTATE]) >= 1
                            ? mnl_attr_get_u8(tb[IFLA_OPERSTATE])
                            : IF_OPER_UNKNOWN;
        /* lo never leaves "unknown": it has no carrier to report. */
        l.oper_up = operstate == IF_OPER_UP || (l.kind == NC_LINK_LOOPBACK && operstate == IF_OPER_UNKNOWN);
        r = nc_state_add_link(s, &l);
        if (r < 0)
                return r;
        i = s->n_links - 1;
        if (nc_grow(&o->peer_elsewhere, &o->cap_peer_elsewhere, s->n_links, sizeof(bool)) < 0 ||
            nc_grow(&rd->master, &rd->cap_master, i - rd->first_link + 1, sizeof(int)) < 0)
                return -ENOMEM;
        o->peer_elsewhere[i] = tb[IFLA_LINK_NETNSID] != NULL;
        rd->master[i - rd->first_link] = has_u32(tb[IFLA_MASTER]) ? (int) mnl_attr_get_u32(tb[IFLA_MASTER]) : 0;
        return 0;
}

static void link_restart(struct reader *rd) {
        struct nc_state *s = rd->o->state;

        while (s->n_links > rd->first_link) {
                struct nc_link *l = &s->links[--s->n_links];

                free(l->netns);
                free(l->alias);
                free(l->peer_netns);
                free(l->owner_container);
                free(l->owner_bridge);
                free(l->owner_netns);
        }
}

static int compare_names(const void *a, const void *b) {
        int x = ((const struct nc_ifindex_name *) a)->ifindex, y = ((const struct nc_ifindex_name *) b)->ifindex;

        return (x > y) - (x < y);
}

/* The name of ifindex in this namespace, NULL when unknown (a link that
 * appeared between two dumps: the next observation will see it). */
static const char *name_of(const struct reader *rd, int ifindex) {
        struct nc_ifindex_name key = { .ifindex = ifindex }, *x;

        if (rd->n_names == 0)
                return NULL;
        x = bsearch(&key, rd->names, rd->n_names, sizeof(*rd->names), compare_names);
        return x ? x->name : NULL;
}

static void copy_ifname(char dst[static NC_IFNAMSIZ], const char *src) {
        snprintf(dst, NC_IFNAMSIZ, "%s", src ? src : "");
}

/* The namespace's links by ifindex, then their masters by name. */
static int name_links(struct reader *rd) {
        struct nc_state *s = rd->o->state;
        size_t n = s->n_links - rd->first_link;

        rd->names = calloc(n ? n : 1, sizeof(*rd->names));
        if (!rd->names)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                rd->names[i] = (struct nc_ifindex_name) { s->links[rd->first_link + i].ifindex,
                                                          s->links[rd->first_link + i].name };
        rd->n_names = n;
        qsort(rd->names, n, sizeof(*rd->names), compare_names);
        for (size_t i = 0; i < n; i++)
                if (rd->master[i] > 0)
                        copy_ifname(s->links[rd->first_link + i].master, name_of(rd, rd->master[i]));
        return 0;
}

static uint32_t ipv4_attr(const struct nlattr *a) {
        uint32_t v;

        if (!a || mnl_attr_get_payload_len(a) != sizeof(v))
                return 0;
        memcpy(&v, mnl_attr_get_payload(a), sizeof(v));
        return ntohl(v);
}

static int addr_msg(const struct nlmsghdr *h, struct reader *rd) {
        const struct nlattr *tb[IFA_MAX + 1];
        const struct ifaddrmsg *ifa;
        struct nc_address a = { .netns = (char *) rd->netns };
        const char *dev;

        if (h->nlmsg_type != RTM_NEWADDR || h->nlmsg_len < NLMSG_HDRLEN + sizeof(*ifa))
                return 0;
        ifa = mnl_nlmsg_get_payload(h);
        dev = name_of(rd, (int) ifa->ifa_index);
        if (ifa->ifa_family != AF_INET || !dev)
                return 0;
        parse(h, sizeof(*ifa), tb, IFA_MAX);
        /* IFA_LOCAL is the address itself; IFA_ADDRESS the peer's when they differ. */
        a.address = ipv4_attr(tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS]);
        a.prefixlen = ifa->ifa_prefixlen;
        copy_ifname(a.ifname, dev);
        return nc_state_add_address(rd->o->state, &a);
}

static void addr_restart(struct reader *rd) {
        struct nc_state *s = rd->o->state;

        while (s->n_addresses > 0 && strcmp(s->addresses[s->n_addresses - 1].netns, rd->netns) == 0)
                free(s->addresses[--s->n_addresses].netns);
}

/* What the planner reads: unicast routes of the main table that someone
 * added (protocol kernel = the prefix routes addresses bring). */
static int route_msg(const struct nlmsghdr *h, struct reader *rd) {
        const struct nlattr *tb[RTA_MAX + 1];
        const struct rtmsg *rtm;
        struct nc_route rt = { .netns = (char *) rd->netns };
        uint32_t table;
        int oif = 0;

        if (h->nlmsg_type != RTM_NEWROUTE || h->nlmsg_len < NLMSG_HDRLEN + sizeof(*rtm))
                return 0;
        rtm = mnl_nlmsg_get_payload(h);
        parse(h, sizeof(*rtm), tb, RTA_MAX);
        table = has_u32(tb[RTA_TABLE]) ? mnl_attr_get_u32(tb[RTA_TABLE]) : rtm->rtm_table;
        if (rtm->rtm_family != AF_INET || table != RT_TABLE_MAIN || rtm->rtm_type != RTN_UNICAST ||
            rtm->rtm_protocol == RTPROT_KERNEL)
                return 0;
        rt.dst = ipv4_attr(tb[RTA_DST]);
        rt.dst_len = rtm->rtm_dst_len;
        rt.protocol = rtm->rtm_protocol;
        /* The model has one next hop per route (ours never have more); a
         * multipath route is described by its first. */
        if (tb[RTA_MULTIPATH] && mnl_attr_get_payload_len(tb[RTA_MULTIPATH]) >= sizeof(struct rtnexthop)) {
                const struct rtnexthop *nh = mnl_attr_get_payload(tb[RTA_MULTIPATH]);
                size_t len = nh->rtnh_len;

                oif = nh->rtnh_ifindex;
                if (len > sizeof(*nh) && len <= mnl_attr_get_payload_len(tb[RTA_MULTIPATH])) {
                        const char *p = (const char *) nh + RTNH_ALIGN(sizeof(*nh)), *end = (const char *) nh + len;

                        while (p + sizeof(struct nlattr) <= end) {
                                const struct nlattr *a = (const struct nlattr *) p;

                                if (a->nla_len < sizeof(*a) || p + a->nla_len > end)
                                        break;
                                if (mnl_attr_get_type(a) == RTA_GATEWAY)
                                        rt.gateway = ipv4_attr(a);
                                p += NLA_ALIGN(a->nla_len);
                        }
                }
        } else {
                oif = has_u32(tb[RTA_OIF]) ? (int) mnl_attr_get_u32(tb[RTA_OIF]) : 0;
                rt.gateway = ipv4_attr(tb[RTA_GATEWAY]);
        }
        copy_ifname(rt.ifname, name_of(rd, oif));
        return nc_state_add_route(rd->o->state, &rt);
}

static void route_restart(struct reader *rd) {
        struct nc_state *s = rd->o->state;

        while (s->n_routes > 0 && strcmp(s->routes[s->n_routes - 1].netns, rd->netns) == 0)
                free(s->routes[--s->n_routes].netns);
}

int nc_observe_rtnl(struct nc_observer *o, const char *netns, int netns_fd, int home_fd) {
        _cleanup_(closep) int fd = -1;
        _cleanup_free_ char *buf = NULL;
        struct reader rd = { .o = o, .netns = netns, .first_link = o->state->n_links };
        struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
        struct ifaddrmsg ifa = { .ifa_family = AF_INET };
        struct rtmsg rtm = { .rtm_family = AF_INET };
        char buf_where[192];
        const char *where = in_netns(netns, buf_where);
        int r;

        fd = rtnl_open(o, netns, netns_fd, home_fd, where);
        if (fd < 0)
                return fd;
        buf = malloc(NC_DUMP_BUFSIZE);
        if (!buf)
                return nc_observer_fail(o, -ENOMEM, "observing%s", where);
        r = dump(fd, RTM_GETLINK, &ifi, sizeof(ifi), buf, link_msg, &rd, link_restart);
        if (r >= 0)
                r = name_links(&rd);
        if (r < 0) {
                free(rd.master);
                free(rd.names);
                return nc_observer_fail(o, r, "dumping links%s", where);
        }
        r = dump(fd, RTM_GETADDR, &ifa, sizeof(ifa), buf, addr_msg, &rd, addr_restart);
        if (r < 0) {
                free(rd.master);
                free(rd.names);
                return nc_observer_fail(o, r, "dumping addresses%s", where);
        }
        r = dump(fd, RTM_GETROUTE, &rtm, sizeof(rtm), buf, route_msg, &rd, route_restart);
        free(rd.master);
        free(rd.names);
        if (r < 0)
                return nc_observer_fail(o, r, "dumping routes%s", where);
        return 0;
}
