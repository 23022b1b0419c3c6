/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <libmnl/libmnl.h>

#include "apply/applier.h"
#include "apply/conntrack.h"
#include "netconverge/addr.h"
#include "nft/nft.h"
#include "util/cleanup.h"

/* ctnetlink over libmnl, not libnetfilter_conntrack: one dump and a
 * delete per match need four attribute nests, libmnl is already linked
 * (the nftables code uses it), and the filter is ours anyway (libnetfilter_
 * conntrack's own filters cannot say "reply source is A:P and the status
 * has DST_NAT").
 *
 * The choice of entries, against Docker's and CNI's (docs/dataplane.md):
 * Docker (libnetwork drivers/bridge clearConntrackEntries()) deletes, when
 * an endpoint goes, every entry with the endpoint's address anywhere in
 * it, and every UDP entry whose original destination port is one of its
 * published host ports, whatever address or target; CNI's portmap deletes
 * UDP entries by original destination port, its bridge plugin those by the
 * container's address as original destination. Both catch flows that
 * were never translated by them (a host service on that port, another
 * runtime's containers). Here an entry goes only when it is the old
 * translation's own:
 *  - a published port: original tuple (proto, daddr or a local address
 *    when the port has no host_ip, dport), reply source (to_addr, to_port),
 *    and the kernel's DST_NAT status bit (the translation was made, so a
 *    flow sent to the container's address directly is not one);
 *  - a container's address: reply source the address (flows to it,
 *    translated or sent directly) or original source the address (flows
 *    it opened, masqueraded or not), as Docker: once the address goes,
 *    replies of those flows would reach whichever container gets it next.
 * TCP and SCTP as well as UDP (Docker and CNI only flush UDP): a connection kept on
 * a removed port is a way in the file no longer publishes; a connection
 * kept on a moved port would reach a target the file no longer names.
 *
 * Not behind NC_FAULT_REQUEST (util/fault.h): the entries are no state
 * the plan reads or verify checks, so stopping after a delete is the same
 * as stopping after the batch, and their number depends on live traffic,
 * which would make the crash sweep's request numbering vary from run to
 * run. */

/* Bounds a dump or an ack the kernel does not send (it always answers;
 * this guards against a hang, not a slow kernel). */
#define CT_RECV_TIMEOUT_S 5

static bool same_translation(const struct nc_nft_rule *a, const struct nc_nft_rule *b) {
        return a->kind == NC_RULE_DNAT && b->kind == NC_RULE_DNAT && a->v6 == b->v6 && a->proto == b->proto &&
               a->daddr == b->daddr && nc_ipv6_equal(&a->daddr6, &b->daddr6) && a->dport == b->dport &&
               a->to_addr == b->to_addr && nc_ipv6_equal(&a->to_addr6, &b->to_addr6) && a->to_port == b->to_port;
}

/* A rule the plan leaves in force (desired) with the same translation:
 * its flows are right as they are. */
static bool still_wanted_rule(const struct nc_plan *plan, const struct nc_nft_rule *r) {
        const struct nc_nft *n = plan->desired ? &plan->desired->nft : NULL;

        for (size_t i = 0; n && i < n->n_rules; i++)
                if (same_translation(&n->rules[i], r))
                        return true;
        /* The ports are map elements now (SPEC 7.2): a rule of an older
         * table becoming one keeps its flows. */
        for (size_t i = 0; n && i < n->n_elements; i++)
                if (same_translation(&n->elements[i], r))
                        return true;
        return false;
}

static bool still_wanted_address(const struct nc_plan *plan, const struct nc_address *x) {
        const struct nc_state *s = plan->desired;

        for (size_t i = 0; s && i < s->n_addresses; i++)
                if (s->addresses[i].v6 == x->v6 &&
                    (x->v6 ? nc_ipv6_equal(&s->addresses[i].address6, &x->address6)
                           : s->addresses[i].address == x->address) &&
                    strcmp(s->addresses[i].netns, x->netns) == 0)
                        return true;
        return false;
}

static int old_append(struct nc_ct_old **v, size_t *n, size_t *cap, const struct nc_ct_old *o) {
        if (*n == *cap) {
                size_t c = *cap ? *cap * 2 : 8;
                struct nc_ct_old *w = realloc(*v, c * sizeof(*w));

                if (!w)
                        return -ENOMEM;
                *v = w;
                *cap = c;
        }
        (*v)[(*n)++] = *o;
        return 0;
}

/* The one place that reads the plan's actions. */
static bool action_old(const struct nc_plan *plan, const struct nc_action *a, bool rules_applied,
                       struct nc_ct_old *ret) {
        bool port = a->object == NC_OBJECT_NFT_RULE || a->object == NC_OBJECT_NFT_ELEMENT;
        const struct nc_nft_rule *h = port ? a->nft.rule.have : NULL;
        const struct nc_address *x = a->object == NC_OBJECT_ADDRESS ? a->address.have : NULL;

        if (port && rules_applied &&
            (a->change == NC_CHANGE_REMOVE || a->change == NC_CHANGE_MODIFY) && h && h->kind == NC_RULE_DNAT) {
                if (a->change == NC_CHANGE_MODIFY && a->nft.rule.want && same_translation(h, a->nft.rule.want))
                        return false;
                if (still_wanted_rule(plan, h) || nc_proto_number(h->proto) == 0)
                        return false;
                *ret = (struct nc_ct_old) { .kind = NC_CT_OLD_PORT, .proto = nc_proto_number(h->proto), .daddr = h->daddr,
                                            .dport = h->dport, .to_addr = h->to_addr, .to_port = h->to_port,
                                            .v6 = h->v6, .daddr6 = h->daddr6, .to_addr6 = h->to_addr6 };
                return true;
        }
        /* A container's address only: the host's own (a bridge's gateway)
         * carries the host's flows, which are not the old translation's. */
        if (a->object == NC_OBJECT_ADDRESS && a->change == NC_CHANGE_REMOVE && x && x->netns && x->netns[0] &&
            !still_wanted_address(plan, x)) {
                *ret = (struct nc_ct_old) { .kind = NC_CT_OLD_ADDRESS, .to_addr = x->address, .v6 = x->v6,
                                            .to_addr6 = x->address6 };
                return true;
        }
        return false;
}

int nc_ct_old_collect(const struct nc_plan *plan, bool rules_applied, struct nc_ct_old **ret, size_t *ret_n) {
        _cleanup_free_ struct nc_ct_old *v = NULL;
        size_t n = 0, cap = 0;

        for (size_t i = 0; i < plan->n_actions; i++) {
                struct nc_ct_old o;

                if (action_old(plan, &plan->actions[i], rules_applied, &o) && old_append(&v, &n, &cap, &o) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(v);
        *ret_n = n;
        return 0;
}

bool nc_ct_old_matches(const struct nc_ct_old *o, const struct nc_ct_entry *e,
                       bool (*is_local)(uint32_t addr, void *data), void *data) {
        if (e->v6 || o->v6)
                return false;
        switch (o->kind) {
        case NC_CT_OLD_PORT:
                if (e->proto != o->proto || e->orig_dport != o->dport || e->reply_src != o->to_addr ||
                    e->reply_sport != o->to_port)
                        return false;
                if (!e->has_status || !(e->status & IPS_DST_NAT))
                        return false;
                if (o->daddr != 0)
                        return e->orig_dst == o->daddr;
                return is_local && is_local(e->orig_dst, data);
        case NC_CT_OLD_ADDRESS:
                return e->reply_src == o->to_addr || e->orig_src == o->to_addr;
        default:
                return false;
        }
}

/* As for IPv4, on the IPv6 fields; an IPv6 port translated only packets
 * to the host's own addresses (fib daddr type local) when it has none. */
bool nc_ct_old_matches6(const struct nc_ct_old *o, const struct nc_ct_entry *e,
                        bool (*is_local6)(const struct nc_ipv6 *addr, void *data), void *data) {
        if (!e->v6 || !o->v6)
                return false;
        if (o->kind == NC_CT_OLD_ADDRESS)
                return nc_ipv6_equal(&e->reply_src6, &o->to_addr6) || nc_ipv6_equal(&e->orig_src6, &o->to_addr6);
        if (o->kind != NC_CT_OLD_PORT)
                return false;
        if (e->proto != o->proto || e->orig_dport != o->dport || !nc_ipv6_equal(&e->reply_src6, &o->to_addr6) ||
            e->reply_sport != o->to_port)
                return false;
        if (!e->has_status || !(e->status & IPS_DST_NAT))
                return false;
        if (!nc_ipv6_is_zero(&o->daddr6))
                return nc_ipv6_equal(&e->orig_dst6, &o->daddr6);
        return is_local6 && is_local6(&e->orig_dst6, data);
}

void nc_ct_old_describe(const struct nc_ct_old *o, char *buf, size_t size) {
        char a[NC_IPV6_STRLEN], b[NC_IPV6_STRLEN];
        int proto = nc_proto_from_number(o->proto);
        const char *name = proto >= 0 ? nc_proto_to_string((enum nc_proto) proto) : "?";

        if (o->kind == NC_CT_OLD_PORT && o->v6)
                snprintf(buf, size, "%s [%s]:%u -> [%s]:%u", name,
                         nc_ipv6_format(&o->daddr6, a), o->dport, nc_ipv6_format(&o->to_addr6, b), o->to_port);
        else if (o->kind == NC_CT_OLD_ADDRESS && o->v6)
                snprintf(buf, size, "address %s", nc_ipv6_format(&o->to_addr6, a));
        else if (o->kind == NC_CT_OLD_ADDRESS)
                snprintf(buf, size, "address %s", nc_ipv4_format(o->to_addr, a));
        else if (proto >= 0)
                snprintf(buf, size, "%s %s:%u -> %s:%u", nc_proto_to_string((enum nc_proto) proto),
                         nc_ipv4_format(o->daddr, a), o->dport, nc_ipv4_format(o->to_addr, b), o->to_port);
        else
                snprintf(buf, size, "protocol %u %s:%u -> %s:%u", o->proto, nc_ipv4_format(o->daddr, a), o->dport,
                         nc_ipv4_format(o->to_addr, b), o->to_port);
}

/* --- decoding */

static int attr_cb(const struct nlattr *attr, void *data, int max) {
        const struct nlattr **tb = data;
        int type = mnl_attr_get_type(attr);

        if (mnl_attr_type_valid(attr, (uint16_t) max) < 0)
                return MNL_CB_OK;       /* newer kernels' attributes: not ours to read */
        tb[type] = attr;
        return MNL_CB_OK;
}

static int ct_attr_cb(const struct nlattr *attr, void *data) {
        return attr_cb(attr, data, CTA_MAX);
}

static int tuple_attr_cb(const struct nlattr *attr, void *data) {
        return attr_cb(attr, data, CTA_TUPLE_MAX);
}

static int ip_attr_cb(const struct nlattr *attr, void *data) {
        return attr_cb(attr, data, CTA_IP_MAX);
}

static int proto_attr_cb(const struct nlattr *attr, void *data) {
        return attr_cb(attr, data, CTA_PROTO_MAX);
}

static int get_u32(const struct nlattr *a, uint32_t *ret) {
        if (!a || mnl_attr_validate(a, MNL_TYPE_U32) < 0)
                return -EBADMSG;
        *ret = ntohl(mnl_attr_get_u32(a));
        return 0;
}

static int get_u16(const struct nlattr *a, uint16_t *ret) {
        if (!a || mnl_attr_validate(a, MNL_TYPE_U16) < 0)
                return -EBADMSG;
        *ret = ntohs(mnl_attr_get_u16(a));
        return 0;
}

static int get_ipv6(const struct nlattr *a, struct nc_ipv6 *ret) {
        if (!a || mnl_attr_get_payload_len(a) != sizeof(ret->b))
                return -EBADMSG;
        memcpy(ret->b, mnl_attr_get_payload(a), sizeof(ret->b));
        return 0;
}

/* A tuple's addresses, of either family. */
struct tuple {
        bool v6;
        uint32_t src, dst;
        struct nc_ipv6 src6, dst6;
};

static int tuple_ip_decode(const struct nlattr *const *ip, struct tuple *t) {
        if (ip[CTA_IP_V4_SRC] || ip[CTA_IP_V4_DST]) {
                t->v6 = false;
                return get_u32(ip[CTA_IP_V4_SRC], &t->src) < 0 || get_u32(ip[CTA_IP_V4_DST], &t->dst) < 0 ? -EBADMSG
                                                                                                          : 0;
        }
        t->v6 = true;
        return get_ipv6(ip[CTA_IP_V6_SRC], &t->src6) < 0 || get_ipv6(ip[CTA_IP_V6_DST], &t->dst6) < 0 ? -EBADMSG : 0;
}

/* A tuple: addresses, protocol and, for TCP, UDP, SCTP..., ports (an
 * ICMP tuple has none: ports stay 0, which no published port has). */
static int tuple_decode(const struct nlattr *nest, struct tuple *t, uint8_t *proto, uint16_t *sport,
                        uint16_t *dport) {
        const struct nlattr *tb[CTA_TUPLE_MAX + 1] = {}, *ip[CTA_IP_MAX + 1] = {}, *pr[CTA_PROTO_MAX + 1] = {};

        if (!nest || mnl_attr_validate(nest, MNL_TYPE_NESTED) < 0 ||
            mnl_attr_parse_nested(nest, tuple_attr_cb, tb) < 0)
                return -EBADMSG;
        if (!tb[CTA_TUPLE_IP] || mnl_attr_validate(tb[CTA_TUPLE_IP], MNL_TYPE_NESTED) < 0 ||
            mnl_attr_parse_nested(tb[CTA_TUPLE_IP], ip_attr_cb, ip) < 0)
                return -EBADMSG;
        if (tuple_ip_decode(ip, t) < 0)
                return -EBADMSG;
        if (!tb[CTA_TUPLE_PROTO] || mnl_attr_validate(tb[CTA_TUPLE_PROTO], MNL_TYPE_NESTED) < 0 ||
            mnl_attr_parse_nested(tb[CTA_TUPLE_PROTO], proto_attr_cb, pr) < 0)
                return -EBADMSG;
        if (!pr[CTA_PROTO_NUM] || mnl_attr_validate(pr[CTA_PROTO_NUM], MNL_TYPE_U8) < 0)
                return -EBADMSG;
        *proto = mnl_attr_get_u8(pr[CTA_PROTO_NUM]);
        *sport = *dport = 0;
        if (pr[CTA_PROTO_SRC_PORT] && get_u16(pr[CTA_PROTO_SRC_PORT], sport) < 0)
                return -EBADMSG;
        if (pr[CTA_PROTO_DST_PORT] && get_u16(pr[CTA_PROTO_DST_PORT], dport) < 0)
                return -EBADMSG;
        return 0;
}

int nc_ct_entry_decode(const struct nlmsghdr *nlh, struct nc_ct_entry *ret) {
        const struct nlattr *tb[CTA_MAX + 1] = {};
        struct nc_ct_entry e = {};
        struct tuple orig = {}, reply = {};
        uint16_t rdport;
        uint8_t rproto;
        int r;

        if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct nfgenmsg)) ||
            mnl_attr_parse(nlh, sizeof(struct nfgenmsg), ct_attr_cb, tb) < 0)
                return -EBADMSG;
        r = tuple_decode(tb[CTA_TUPLE_ORIG], &orig, &e.proto, &e.orig_sport, &e.orig_dport);
        if (r < 0)
                return r;
        r = tuple_decode(tb[CTA_TUPLE_REPLY], &reply, &rproto, &e.reply_sport, &rdport);
        if (r < 0)
                return r;
        if (orig.v6 != reply.v6)
                return -EBADMSG;
        e.v6 = orig.v6;
        e.orig_src = orig.src;
        e.orig_dst = orig.dst;
        e.reply_src = reply.src;
        e.orig_src6 = orig.src6;
        e.orig_dst6 = orig.dst6;
        e.reply_src6 = reply.src6;
        e.has_status = get_u32(tb[CTA_STATUS], &e.status) >= 0;
        e.has_zone = get_u16(tb[CTA_ZONE], &e.zone) >= 0;
        e.has_id = get_u32(tb[CTA_ID], &e.id) >= 0;
        *ret = e;
        return 0;
}

/* --- the namespace's local addresses */

/* The IPv4 addresses `fib daddr type local` finds in the host namespace:
 * the ones observation read for the plan (the host's, of every link;
 * observed before the apply, as the old translations' entries were
 * made), and 127.0.0.0/8, local as a whole through lo's route. */
static bool locals_has(uint32_t addr, void *data) {
        const struct nc_state *s = data;

        if ((addr >> 24) == 127)
                return true;
        /* Sorted by namespace: the host's ("") come first. */
        for (size_t i = 0; i < s->n_addresses && !s->addresses[i].netns[0]; i++)
                if (!s->addresses[i].v6 && s->addresses[i].address == addr)
                        return true;
        return false;
}

/* The IPv6 addresses `fib daddr type local` finds: ::1 and the host's. */
static bool locals6_has(const struct nc_ipv6 *addr, void *data) {
        static const struct nc_ipv6 loopback6 = { .b = { [15] = 1 } };
        const struct nc_state *s = data;

        if (nc_ipv6_equal(addr, &loopback6))
                return true;
        for (size_t i = 0; i < s->n_addresses && !s->addresses[i].netns[0]; i++)
                if (s->addresses[i].v6 && nc_ipv6_equal(&s->addresses[i].address6, addr))
                        return true;
        return false;
}

/* --- the dump and the deletes */

struct match {
        struct nc_ct_entry e;
        size_t old;                     /* the translation it belongs to (its first) */
};

struct dump {
        const struct nc_ct_old *old;
        size_t n_old;
        const struct nc_state *observed;
        struct match *m;
        size_t n, cap;
};

static int dump_cb(const struct nlmsghdr *nlh, void *data) {
        struct dump *d = data;
        struct nc_ct_entry e;

        /* An entry this cannot read (a truncated one) is not deleted: only
         * what is known to match goes. */
        if (nc_ct_entry_decode(nlh, &e) < 0)
                return 0;
        for (size_t i = 0; i < d->n_old; i++) {
                if (e.v6 ? !nc_ct_old_matches6(&d->old[i], &e, locals6_has, (void *) d->observed)
                         : !nc_ct_old_matches(&d->old[i], &e, locals_has, (void *) d->observed))
                        continue;
                if (d->n == d->cap) {
                        size_t c = d->cap ? d->cap * 2 : 16;
                        struct match *v = realloc(d->m, c * sizeof(*v));

                        if (!v)
                                return -ENOMEM;
                        d->m = v;
                        d->cap = c;
                }
                d->m[d->n++] = (struct match) { .e = e, .old = i };
                break;
        }
        return 0;
}

static struct nlmsghdr *ct_header(char *buf, uint16_t type, uint16_t flags, uint32_t seq, uint8_t family) {
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct nfgenmsg *g;

        nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | type;
        nlh->nlmsg_flags = NLM_F_REQUEST | flags;
        nlh->nlmsg_seq = seq;
        g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
        g->nfgen_family = family;
        g->version = NFNETLINK_V0;
        g->res_id = 0;
        return nlh;
}

static int ct_dump(struct mnl_socket *nl, uint32_t seq, uint8_t family, struct dump *d) {
        char buf[MNL_SOCKET_BUFFER_SIZE];
        struct nc_nft_dump cb = { .cb = dump_cb, .data = d };

        return nc_nft_talk(nl, ct_header(buf, IPCTNL_MSG_CT_GET, NLM_F_DUMP, seq, family), &cb);
}

/* IPv4's entries always (as before IPv6), IPv6's when a translation is. */
static int ct_dump_all(struct mnl_socket *nl, uint32_t *seq, struct dump *d) {
        bool v6 = false;
        int r;

        for (size_t i = 0; i < d->n_old; i++)
                v6 |= d->old[i].v6;
        r = ct_dump(nl, (*seq)++, AF_INET, d);
        if (r >= 0 && v6)
                r = ct_dump(nl, (*seq)++, AF_INET6, d);
        return r;
}

/* Deletes the entry by its original tuple (and zone), and by its id, so
 * that an entry made since the dump with the same tuple stays. */
static int ct_delete(struct mnl_socket *nl, uint32_t seq, const struct nc_ct_entry *e) {
        char buf[MNL_SOCKET_BUFFER_SIZE];
        struct nlmsghdr *nlh = ct_header(buf, IPCTNL_MSG_CT_DELETE, NLM_F_ACK, seq, e->v6 ? AF_INET6 : AF_INET);
        struct nlattr *tuple, *ip, *proto;

        tuple = mnl_attr_nest_start(nlh, CTA_TUPLE_ORIG);
        ip = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
        if (e->v6) {
                mnl_attr_put(nlh, CTA_IP_V6_SRC, sizeof(e->orig_src6.b), e->orig_src6.b);
                mnl_attr_put(nlh, CTA_IP_V6_DST, sizeof(e->orig_dst6.b), e->orig_dst6.b);
        } else {
                mnl_attr_put_u32(nlh, CTA_IP_V4_SRC, htonl(e->orig_src));
                mnl_attr_put_u32(nlh, CTA_IP_V4_DST, htonl(e->orig_dst));
        }
        mnl_attr_nest_end(nlh, ip);
        proto = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
        mnl_attr_put_u8(nlh, CTA_PROTO_NUM, e->proto);
        mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(e->orig_sport));
        mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(e->orig_dport));
        mnl_attr_nest_end(nlh, proto);
        mnl_attr_nest_end(nlh, tuple);
        if (e->has_zone)
                mnl_attr_put_u16(nlh, CTA_ZONE, htons(e->zone));
        if (e->has_id)
                mnl_attr_put_u32(nlh, CTA_ID, htonl(e->id));
        return nc_nft_talk(nl, nlh, NULL);
}

static int ct_socket(struct mnl_socket **ret) {
        _cleanup_(nc_mnl_socket_closep) struct mnl_socket *nl = NULL;
        struct timeval tv = { .tv_sec = CT_RECV_TIMEOUT_S };
        int r;

        r = nc_nft_socket_open(&nl);
        if (r < 0)
                return r;
        if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
                return -errno;
        *ret = TAKE_PTR(nl);
        return 0;
}

static void warn(const struct nc_apply_opts *opts, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(const struct nc_apply_opts *opts, const char *fmt, ...) {
        char msg[512];
        va_list ap;

        if (!opts || !opts->warning)
                return;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        opts->warning(msg, opts->userdata);
}

/* The deletes, one request each. ENOENT is the entry gone already (it
 * expired, or the flow ended, since the dump), its answer read like an
 * ack; after any other failure answers may be left unread (nc_nft_talk()),
 * so the next delete gets a new socket. */
static void delete_matches(struct mnl_socket **nl, uint32_t *seq, struct nc_ct_old *old, const struct dump *d) {
        for (size_t i = 0; i < d->n; i++) {
                struct nc_ct_old *o = &old[d->m[i].old];
                int r = *nl ? 0 : ct_socket(nl);

                if (r >= 0)
                        r = ct_delete(*nl, (*seq)++, &d->m[i].e);
                if (r >= 0) {
                        o->deleted++;
                        continue;
                }
                if (r == -ENOENT)
                        continue;
                if (*nl)
                        mnl_socket_close(TAKE_PTR(*nl));
                if (o->error == 0)
                        o->error = r;
        }
}

int nc_conntrack_flush_plan(struct nc_applier *ap, const struct nc_apply_opts *opts) {
        _cleanup_(nc_mnl_socket_closep) struct mnl_socket *nl = NULL;
        _cleanup_free_ struct nc_ct_old *old = NULL;
        struct dump d = {};
        size_t n_old = 0, deleted = 0;
        uint32_t seq = 1;
        const char *step;
        char what[128];
        int r;

        r = nc_ct_old_collect(ap->plan, !ap->nft_failed, &old, &n_old);
        if (r < 0 || n_old == 0) {
                if (r < 0)
                        warn(opts, "conntrack: the entries of old translations were not deleted: %s", strerror(-r));
                return r;
        }
        step = "know the host's addresses (no observed state)";
        r = opts && opts->observed ? 0 : -EINVAL;
        if (r >= 0) {
                step = "open a netfilter socket";
                r = ct_socket(&nl);
        }
        d = (struct dump) { .old = old, .n_old = n_old, .observed = opts ? opts->observed : NULL };
        if (r >= 0) {
                step = "list the connection tracking entries";
                r = ct_dump_all(nl, &seq, &d);
        }
        if (r < 0) {
                /* Also when the kernel has no ctnetlink (nfnetlink says
                 * EINVAL for a subsystem it cannot load): the flows are
                 * not flushed, which the user should know. */
                nc_ct_old_describe(&old[0], what, sizeof(what));
                warn(opts, "conntrack: could not %s to delete the entries of old translations (%s%s): %s; "
                     "ongoing flows keep them until they expire",
                     step, what, n_old > 1 ? " and others" : "", strerror(-r));
                free(d.m);
                return r;
        }
        delete_matches(&nl, &seq, old, &d);
        free(d.m);
        for (size_t i = 0; i < n_old; i++) {
                deleted += old[i].deleted;
                if (old[i].error == 0)
                        continue;
                nc_ct_old_describe(&old[i], what, sizeof(what));
                warn(opts, "conntrack: could not delete an entry of the old translation %s: %s; "
                     "that flow keeps it until it expires", what, strerror(-old[i].error));
        }
        return (int) (deleted > (size_t) INT32_MAX ? INT32_MAX : deleted);
}
