/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/neighbour.h>
#include <linux/netconf.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "watch/watch.h"

/* Drift detection: netlink multicast in the host namespace. The kernel
 * tells every member of a group about a change as it makes it, so a veth
 * deleted by hand is known at once, not at the next resync. Only the host
 * namespace is watched (container namespaces are covered by the resync).
 *
 * Messages that cannot change a plan are dropped here, so that unrelated
 * activity costs no cycle: a bridge port's STP state (AF_BRIDGE link
 * messages, always sent with a real AF_UNSPEC one), routes outside the main
 * table or made by the kernel for an address (observation ignores both),
 * nftables objects of other tables and the end-of-batch NEWGEN, any
 * device's own forwarding setting (only the "all" ones are planned), the
 * IPv6 addresses and routes the kernel makes itself (link-local ones, and
 * those from router advertisements), and every neighbour but a VXLAN
 * link's remotes (ARP, and the MACs a bridge learns, come and go all the
 * time; only an FDB entry with a remote, NTF_SELF with NDA_DST, is a VXLAN
 * driver's). */

/* The socket's receive buffer: a burst bigger than this overruns (ENOBUFS),
 * which only costs a full resync. */
#define RCVBUF_BYTES (1024 * 1024)

/* IPV4_NETCONF too: net.ipv4.ip_forward set by hand (sysctl) is announced
 * there as the "all" device's forwarding; IPV6_NETCONF the same for
 * net.ipv6.conf.all.forwarding; NEIGH for a VXLAN link's FDB entries
 * (SPEC 7.5). */
static const unsigned rtnl_groups[] = { RTNLGRP_LINK,         RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV4_ROUTE,
                                        RTNLGRP_IPV4_NETCONF, RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV6_ROUTE,
                                        RTNLGRP_IPV6_NETCONF, RTNLGRP_NEIGH };
static const unsigned nft_groups[] = { NFNLGRP_NFTABLES };

static const char *rtm_name(uint16_t type) {
        switch (type) {
        case RTM_NEWLINK:
                return "RTM_NEWLINK";
        case RTM_DELLINK:
                return "RTM_DELLINK";
        case RTM_NEWADDR:
                return "RTM_NEWADDR";
        case RTM_DELADDR:
                return "RTM_DELADDR";
        case RTM_NEWROUTE:
                return "RTM_NEWROUTE";
        case RTM_DELROUTE:
                return "RTM_DELROUTE";
        case RTM_NEWNETCONF:
                return "RTM_NEWNETCONF";
        case RTM_DELNETCONF:
                return "RTM_DELNETCONF";
        case RTM_NEWNEIGH:
                return "RTM_NEWNEIGH";
        case RTM_DELNEIGH:
                return "RTM_DELNEIGH";
        default:
                return "RTM_?";
        }
}

static const char *nft_name(uint16_t msg) {
        static const char *const names[NFT_MSG_MAX] = {
                [NFT_MSG_NEWTABLE] = "NEWTABLE", [NFT_MSG_DELTABLE] = "DELTABLE",
                [NFT_MSG_NEWCHAIN] = "NEWCHAIN", [NFT_MSG_DELCHAIN] = "DELCHAIN",
                [NFT_MSG_NEWRULE] = "NEWRULE",   [NFT_MSG_DELRULE] = "DELRULE",
                [NFT_MSG_NEWSET] = "NEWSET",     [NFT_MSG_DELSET] = "DELSET",
                [NFT_MSG_NEWSETELEM] = "NEWSETELEM", [NFT_MSG_DELSETELEM] = "DELSETELEM",
                [NFT_MSG_NEWGEN] = "NEWGEN",     [NFT_MSG_NEWOBJ] = "NEWOBJ",
                [NFT_MSG_DELOBJ] = "DELOBJ",     [NFT_MSG_NEWFLOWTABLE] = "NEWFLOWTABLE",
                [NFT_MSG_DELFLOWTABLE] = "DELFLOWTABLE",
        };

        return msg < NFT_MSG_MAX && names[msg] ? names[msg] : "?";
}

/* The first attribute of the given type, or NULL. */
static const struct nlattr *find_attr(const struct nlmsghdr *nlh, size_t hdrlen, uint16_t type) {
        const struct nlattr *a;

        mnl_attr_for_each(a, nlh, hdrlen)
                if (mnl_attr_get_type(a) == type)
                        return a;
        return NULL;
}

static bool attr_str(const struct nlattr *a, char *buf, size_t size) {
        const char *s;
        size_t len;

        if (!a || mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
                return false;
        s = mnl_attr_get_str(a);
        len = strnlen(s, mnl_attr_get_payload_len(a));
        if (len >= size)
                len = size - 1;
        memcpy(buf, s, len);
        buf[len] = '\0';
        return true;
}

bool nc_watch_rtnl_relevant(const struct nlmsghdr *nlh, char *what, size_t size) {
        uint16_t t = nlh->nlmsg_type;

        if ((t == RTM_NEWLINK || t == RTM_DELLINK) && nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ifinfomsg))) {
                const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
                char name[IF_NAMESIZE] = "?";

                (void) attr_str(find_attr(nlh, sizeof(*ifi), IFLA_IFNAME), name, sizeof(name));
                snprintf(what, size, "%s %s (ifindex %d%s)", rtm_name(t), name, ifi->ifi_index,
                         ifi->ifi_family == AF_BRIDGE ? ", bridge port state" : "");
                return ifi->ifi_family != AF_BRIDGE;
        }
        if ((t == RTM_NEWADDR || t == RTM_DELADDR) && nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ifaddrmsg))) {
                const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
                const struct nlattr *a = find_attr(nlh, sizeof(*ifa), IFA_LOCAL);
                const struct nlattr *fl = find_attr(nlh, sizeof(*ifa), IFA_FLAGS);
                uint32_t flags = fl && mnl_attr_get_payload_len(fl) == 4 ? mnl_attr_get_u32(fl) : ifa->ifa_flags;
                char addr[INET6_ADDRSTRLEN] = "?";

                if (!a)
                        a = find_attr(nlh, sizeof(*ifa), IFA_ADDRESS);
                if (a && mnl_attr_get_payload_len(a) == 4)
                        inet_ntop(AF_INET, mnl_attr_get_payload(a), addr, sizeof(addr));
                else if (a && mnl_attr_get_payload_len(a) == 16)
                        inet_ntop(AF_INET6, mnl_attr_get_payload(a), addr, sizeof(addr));
                snprintf(what, size, "%s %s/%u on ifindex %u", rtm_name(t), addr, ifa->ifa_prefixlen,
                         ifa->ifa_index);
                /* What observation reads (observe/rtnl.c address_wanted()). */
                return ifa->ifa_family != AF_INET6 ||
                       (ifa->ifa_scope != RT_SCOPE_LINK && (flags & IFA_F_PERMANENT));
        }
        if ((t == RTM_NEWROUTE || t == RTM_DELROUTE) && nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(struct rtmsg))) {
                const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
                const struct nlattr *a = find_attr(nlh, sizeof(*rtm), RTA_TABLE);
                uint32_t table = a && mnl_attr_get_payload_len(a) == 4 ? mnl_attr_get_u32(a) : rtm->rtm_table;
                char dst[INET6_ADDRSTRLEN];

                snprintf(dst, sizeof(dst), "%s", rtm->rtm_family == AF_INET6 ? "::" : "0.0.0.0");
                a = find_attr(nlh, sizeof(*rtm), RTA_DST);
                if (a && mnl_attr_get_payload_len(a) == 4)
                        inet_ntop(AF_INET, mnl_attr_get_payload(a), dst, sizeof(dst));
                else if (a && mnl_attr_get_payload_len(a) == 16)
                        inet_ntop(AF_INET6, mnl_attr_get_payload(a), dst, sizeof(dst));
                snprintf(what, size, "%s %s/%u table %u proto %u", rtm_name(t), dst, rtm->rtm_dst_len, table,
                         rtm->rtm_protocol);
                /* What observation reads: main table, unicast, not the kernel's nor router advertisements'. */
                return table == RT_TABLE_MAIN && rtm->rtm_type == RTN_UNICAST && rtm->rtm_protocol != RTPROT_KERNEL &&
                       rtm->rtm_protocol != RTPROT_RA;
        }
        if ((t == RTM_NEWNETCONF || t == RTM_DELNETCONF) &&
            nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(struct netconfmsg))) {
                const struct nlattr *idx = find_attr(nlh, sizeof(struct netconfmsg), NETCONFA_IFINDEX);
                const struct nlattr *fwd = find_attr(nlh, sizeof(struct netconfmsg), NETCONFA_FORWARDING);
                int ifindex = idx && mnl_attr_get_payload_len(idx) == 4 ? (int) mnl_attr_get_u32(idx) : 0;

                snprintf(what, size, "%s ifindex %d%s", rtm_name(t), ifindex,
                         fwd && mnl_attr_get_payload_len(fwd) == 4
                                 ? (mnl_attr_get_u32(fwd) ? " forwarding on" : " forwarding off")
                                 : "");
                /* Only the "all" forwarding settings are ours to keep. */
                return ifindex == NETCONFA_IFINDEX_ALL && fwd;
        }
        if ((t == RTM_NEWNEIGH || t == RTM_DELNEIGH) && nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ndmsg))) {
                const struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);
                const struct nlattr *dst = find_attr(nlh, sizeof(*ndm), NDA_DST);
                char addr[INET6_ADDRSTRLEN] = "?";

                /* The remote's family is NDA_DST's length. */
                if (dst && mnl_attr_get_payload_len(dst) == 4)
                        inet_ntop(AF_INET, mnl_attr_get_payload(dst), addr, sizeof(addr));
                else if (dst && mnl_attr_get_payload_len(dst) == 16)
                        inet_ntop(AF_INET6, mnl_attr_get_payload(dst), addr, sizeof(addr));
                snprintf(what, size, "%s family %u dst %s on ifindex %d", rtm_name(t), ndm->ndm_family, addr,
                         ndm->ndm_ifindex);
                return ndm->ndm_family == AF_BRIDGE && (ndm->ndm_flags & NTF_SELF) && dst;
        }
        snprintf(what, size, "message type %u", t);
        return false;
}

bool nc_watch_nft_relevant(const char *ours, const struct nlmsghdr *nlh, char *what, size_t size) {
        uint16_t msg = NFNL_MSG_TYPE(nlh->nlmsg_type);
        const struct nfgenmsg *nfg;
        char table[256] = "?";

        if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_NFTABLES ||
            nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct nfgenmsg))) {
                snprintf(what, size, "message type %#x", nlh->nlmsg_type);
                return false;
        }
        if (msg == NFT_MSG_NEWGEN) {
                snprintf(what, size, "nft %s", nft_name(msg));
                return false;
        }
        nfg = mnl_nlmsg_get_payload(nlh);
        /* Attribute 1 is the table's name in every object's message
         * (NFTA_TABLE_NAME, NFTA_CHAIN_TABLE, NFTA_RULE_TABLE, NFTA_SET_TABLE, ...). */
        (void) attr_str(find_attr(nlh, sizeof(*nfg), 1), table, sizeof(table));
        snprintf(what, size, "nft %s family %u table %s", nft_name(msg), nfg->nfgen_family, table);
        return nfg->nfgen_family == NFPROTO_INET && (!ours || strcmp(table, ours) == 0);
}

int nc_watch_rtnl_scope(const struct nlmsghdr *nlh, struct nc_observe_scope *scope) {
        const struct ifinfomsg *ifi;
        struct nc_link l = {};
        char name[IF_NAMESIZE] = "", alias[256];
        int r;

        /* Addresses, routes, ip_forward: the host's are read again whole. */
        scope->host_some = true;
        if ((nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK) ||
            nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
                return 0;
        /* A link: that one (by ifindex: a rename keeps it, and a link made
         * anew under an old name comes with an event of its own). */
        ifi = mnl_nlmsg_get_payload(nlh);
        (void) attr_str(find_attr(nlh, sizeof(*ifi), IFLA_IFNAME), name, sizeof(name));
        r = nc_observe_scope_add_host_link(scope, ifi->ifi_index, name);
        if (r < 0 || !attr_str(find_attr(nlh, sizeof(*ifi), IFLA_IFALIAS), alias, sizeof(alias)))
                return r;
        /* A host veth end of ours: its container's namespace changed with it
         * (a deleted end takes the other with it). */
        l.alias = alias;
        r = nc_link_parse_alias(&l);
        if (r >= 0 && l.role == NC_ROLE_HOST_END)
                r = nc_observe_scope_add_netns(scope, l.owner_netns);
        free(l.owner_container);        /* the three owner fields are one allocation */
        return r;
}

/* What a relevant message names, into w->changed; when that fails (out of
 * memory), everything is read again instead. */
static void note_change(struct nc_watch *w, bool nft, const struct nlmsghdr *nlh) {
        if (nft)
                w->changed.nft = true;
        else if (nc_watch_rtnl_scope(nlh, &w->changed) < 0)
                nc_watch_forget(w);
}

/* Reads everything queued, noting what relevant messages name. Returns
 * true when a message that matters came, or the buffer overran (events
 * were lost: a full resync is the answer). */
static int drain(struct nc_watch *w, struct mnl_socket *nl, bool nft, bool *ret_relevant) {
        const char *table = w->model && w->model->settings.table ? w->model->settings.table : NULL;
        bool relevant = false;

        for (;;) {
                ssize_t n = mnl_socket_recvfrom(nl, w->buf, w->buf_size);
                const struct nlmsghdr *nlh;
                int len;

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == EAGAIN)
                                break;
                        if (errno == ENOBUFS || errno == ENOSPC) {
                                /* Overrun, or a message too big for the buffer:
                                 * what the lost events named is unknown, so the
                                 * next cycle reads everything, containers too.
                                 * Said once per cycle, however many overruns a
                                 * flood makes before the cycle runs. */
                                nc_watch_log(&w->log, w->overrun_logged ? LOG_DEBUG : LOG_WARNING,
                                             "%s: %s, events lost; resyncing everything",
                                             nft ? "nftables monitor" : "netlink monitor",
                                             errno == ENOBUFS ? "receive buffer overrun" : "message truncated");
                                w->overrun_logged = true;
                                nc_watch_forget(w);
                                relevant = true;
                                continue;
                        }
                        return -errno;
                }
                len = (int) n;
                for (nlh = (const struct nlmsghdr *) w->buf; mnl_nlmsg_ok(nlh, len);
                     nlh = mnl_nlmsg_next(nlh, &len)) {
                        bool r;
                        char what[512];

                        r = nft ? nc_watch_nft_relevant(table, nlh, what, sizeof(what))
                                : nc_watch_rtnl_relevant(nlh, what, sizeof(what));
                        nc_watch_log(&w->log, LOG_DEBUG, "event: %s: %s%s", nft ? "nftables" : "netlink", what,
                                     r ? "" : " (ignored)");
                        if (r)
                                note_change(w, nft, nlh);
                        relevant |= r;
                }
        }
        *ret_relevant = relevant;
        return 0;
}

static int on_rtnl(struct nc_watch *w, struct nc_watch_source *s, uint32_t events) {
        bool relevant;
        int r;

        (void) s;
        (void) events;
        r = drain(w, w->rtnl_nl, false, &relevant);
        if (r < 0)
                return r;
        if (relevant)
                nc_watch_mark(w, NC_DIRTY_DRIFT);
        return 0;
}

static int on_nft(struct nc_watch *w, struct nc_watch_source *s, uint32_t events) {
        bool relevant;
        int r;

        (void) s;
        (void) events;
        r = drain(w, w->nft_nl, true, &relevant);
        if (r < 0)
                return r;
        if (relevant)
                nc_watch_mark(w, NC_DIRTY_DRIFT);
        return 0;
}

static int open_monitor(int bus, const unsigned *groups, size_t n_groups, struct mnl_socket **ret) {
        struct mnl_socket *nl;
        int fd, size = RCVBUF_BYTES, r;

        nl = mnl_socket_open2(bus, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (!nl)
                return -errno;
        if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
                goto fail;
        for (size_t i = 0; i < n_groups; i++) {
                int g = (int) groups[i];

                if (mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, &g, sizeof(g)) < 0)
                        goto fail;
        }
        fd = mnl_socket_get_fd(nl);
        /* Past rmem_max if we may (CAP_NET_ADMIN), else what we are allowed. */
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
                (void) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
        *ret = nl;
        return 0;
fail:
        r = -errno;
        mnl_socket_close(nl);
        return r;
}

static int add(struct nc_watch *w, struct nc_watch_source *s, struct mnl_socket *nl, const char *name,
               int (*dispatch)(struct nc_watch *, struct nc_watch_source *, uint32_t)) {
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = s };

        *s = (struct nc_watch_source) { .fd = mnl_socket_get_fd(nl), .name = name, .dispatch = dispatch };
        if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, s->fd, &ev) < 0)
                return -errno;
        return 0;
}

int nc_watch_monitor_open(struct nc_watch *w) {
        int r;

        r = open_monitor(NETLINK_ROUTE, rtnl_groups, sizeof(rtnl_groups) / sizeof(rtnl_groups[0]), &w->rtnl_nl);
        if (r < 0) {
                nc_watch_log(&w->log, LOG_ERR, "cannot listen to rtnetlink: %s", strerror(-r));
                return r;
        }
        r = add(w, &w->rtnl, w->rtnl_nl, "rtnetlink", on_rtnl);
        if (r < 0)
                return r;
        r = open_monitor(NETLINK_NETFILTER, nft_groups, sizeof(nft_groups) / sizeof(nft_groups[0]), &w->nft_nl);
        if (r < 0) {
                nc_watch_log(&w->log, LOG_ERR, "cannot listen to nftables: %s", strerror(-r));
                return r;
        }
        return add(w, &w->nft, w->nft_nl, "nftables", on_nft);
}

void nc_watch_monitor_close(struct nc_watch *w) {
        if (w->rtnl_nl)
                mnl_socket_close(w->rtnl_nl);
        if (w->nft_nl)
                mnl_socket_close(w->nft_nl);
        w->rtnl_nl = w->nft_nl = NULL;
        w->rtnl.fd = w->nft.fd = -1;
}

void nc_watch_monitor_collect(struct nc_watch *w) {
        bool relevant;

        /* A failure to read shows again at the next epoll turn. */
        if (w->rtnl_nl)
                (void) drain(w, w->rtnl_nl, false, &relevant);
        if (w->nft_nl)
                (void) drain(w, w->nft_nl, true, &relevant);
}
