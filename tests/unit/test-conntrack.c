/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include <libmnl/libmnl.h>

#include "apply/conntrack.h"

/* Which entries apply deletes (src/apply/conntrack.c, docs/dataplane.md):
 * the old translations a plan yields, the entries that match them, and
 * the decoding of a ctnetlink dump message. The kernel side is
 * tests/integration/test-conntrack.sh. */

#define IP(a, b, c, d) (((uint32_t) (a) << 24) | ((uint32_t) (b) << 16) | ((uint32_t) (c) << 8) | (uint32_t) (d))

static const struct nc_nft_rule dnat_a = { .chain = "publish", .key = "publish udp 0.0.0.0:5353",
                                           .kind = NC_RULE_DNAT, .proto = NC_PROTO_UDP, .dport = 5353,
                                           .to_addr = IP(10, 0, 0, 2), .to_port = 53 };
static const struct nc_nft_rule dnat_b = { .chain = "publish", .key = "publish udp 0.0.0.0:5353",
                                           .kind = NC_RULE_DNAT, .proto = NC_PROTO_UDP, .dport = 5353,
                                           .to_addr = IP(10, 0, 0, 3), .to_port = 53 };
static const struct nc_nft_rule dnat_tcp = { .chain = "publish", .key = "publish tcp 192.0.2.1:8080",
                                             .kind = NC_RULE_DNAT, .proto = NC_PROTO_TCP,
                                             .daddr = IP(192, 0, 2, 1), .dport = 8080,
                                             .to_addr = IP(10, 0, 0, 2), .to_port = 80 };
static const struct nc_nft_rule dnat_kept = { .chain = "publish", .key = "publish udp 0.0.0.0:6000",
                                              .kind = NC_RULE_DNAT, .proto = NC_PROTO_UDP, .dport = 6000,
                                              .to_addr = IP(10, 0, 0, 2), .to_port = 60 };
static const struct nc_nft_rule masq = { .chain = "postrouting", .key = "masquerade br0",
                                         .kind = NC_RULE_MASQUERADE, .saddr = IP(10, 0, 0, 0), .saddr_len = 24 };

static struct nc_address addr_web = { .netns = "web", .ifname = "eth0", .address = IP(10, 0, 0, 2),
                                      .prefixlen = 24 };
static struct nc_address addr_db = { .netns = "db", .ifname = "eth0", .address = IP(10, 0, 0, 4),
                                     .prefixlen = 24 };
static struct nc_address addr_gw = { .netns = "", .ifname = "br0", .address = IP(10, 0, 0, 1), .prefixlen = 24 };

/* A plan as the planner would make it, by hand: the desired state holds
 * dnat_b, dnat_kept and db's address again with another prefix. */
static void test_collect(void **state) {
        struct nc_nft_rule want_rules[] = { dnat_b, dnat_kept };
        struct nc_address want_addrs[] = { { .netns = "db", .ifname = "eth0", .address = IP(10, 0, 0, 4),
                                             .prefixlen = 16 } };
        struct nc_state desired = { .addresses = want_addrs, .n_addresses = 1,
                                    .nft = { .rules = want_rules, .n_rules = 2 } };
        struct nc_action actions[] = {
                /* ~ 5353 a -> b: the old translation goes */
                { .object = NC_OBJECT_NFT_RULE, .change = NC_CHANGE_MODIFY, .nft.rule.have = &dnat_a,
                  .nft.rule.want = &dnat_b },
                /* - tcp 8080 */
                { .object = NC_OBJECT_NFT_RULE, .change = NC_CHANGE_REMOVE, .nft.rule.have = &dnat_tcp },
                /* ~ with the same translation (drift in a field that is not one): nothing */
                { .object = NC_OBJECT_NFT_RULE, .change = NC_CHANGE_MODIFY, .nft.rule.have = &dnat_kept,
                  .nft.rule.want = &dnat_kept },
                /* - a rule whose translation a wanted rule has (removed, added again): nothing */
                { .object = NC_OBJECT_NFT_RULE, .change = NC_CHANGE_REMOVE, .nft.rule.have = &dnat_b },
                /* not a translation */
                { .object = NC_OBJECT_NFT_RULE, .change = NC_CHANGE_REMOVE, .nft.rule.have = &masq },
                { .object = NC_OBJECT_NFT_RULE, .change = NC_CHANGE_ADD, .nft.rule.want = &dnat_a },
                /* - web's address: goes */
                { .object = NC_OBJECT_ADDRESS, .change = NC_CHANGE_REMOVE, .address.have = &addr_web },
                /* - the bridge's: the host's own flows, nothing */
                { .object = NC_OBJECT_ADDRESS, .change = NC_CHANGE_REMOVE, .address.have = &addr_gw },
                /* - db's, wanted again in db: nothing */
                { .object = NC_OBJECT_ADDRESS, .change = NC_CHANGE_REMOVE, .address.have = &addr_db },
                { .object = NC_OBJECT_ADDRESS, .change = NC_CHANGE_ADD, .address.want = &want_addrs[0] },
        };
        struct nc_plan plan = { .desired = &desired, .actions = actions, .n_actions = 10 };
        struct nc_ct_old *old = NULL;
        size_t n = 0;

        (void) state;
        assert_int_equal(nc_ct_old_collect(&plan, true, &old, &n), 0);
        assert_int_equal(n, 3);
        assert_int_equal(old[0].kind, NC_CT_OLD_PORT);
        assert_int_equal(old[0].proto, IPPROTO_UDP);
        assert_int_equal(old[0].daddr, 0);
        assert_int_equal(old[0].dport, 5353);
        assert_int_equal(old[0].to_addr, IP(10, 0, 0, 2));
        assert_int_equal(old[0].to_port, 53);
        assert_int_equal(old[1].kind, NC_CT_OLD_PORT);
        assert_int_equal(old[1].proto, IPPROTO_TCP);
        assert_int_equal(old[1].daddr, IP(192, 0, 2, 1));
        assert_int_equal(old[2].kind, NC_CT_OLD_ADDRESS);
        assert_int_equal(old[2].to_addr, IP(10, 0, 0, 2));
        free(old);

        /* The batch refused: the rules stand, only the address counts. */
        assert_int_equal(nc_ct_old_collect(&plan, false, &old, &n), 0);
        assert_int_equal(n, 1);
        assert_int_equal(old[0].kind, NC_CT_OLD_ADDRESS);
        free(old);

        /* Nothing taken away: nothing, and no allocation. */
        plan.n_actions = 0;
        assert_int_equal(nc_ct_old_collect(&plan, true, &old, &n), 0);
        assert_int_equal(n, 0);
        assert_null(old);
}

static bool local_is_uplink(uint32_t addr, void *data) {
        (void) data;
        return addr == IP(198, 51, 100, 1);
}

/* The flow the outside sends to 5353, DNATed to 10.0.0.2:53. */
static const struct nc_ct_entry flow = { .proto = IPPROTO_UDP, .orig_src = IP(198, 51, 100, 2),
                                         .orig_dst = IP(198, 51, 100, 1), .orig_sport = 40000, .orig_dport = 5353,
                                         .reply_src = IP(10, 0, 0, 2), .reply_sport = 53, .status = IPS_DST_NAT,
                                         .has_status = true };

static void test_matches_port(void **state) {
        const struct nc_ct_old any = { .kind = NC_CT_OLD_PORT, .proto = IPPROTO_UDP, .dport = 5353,
                                       .to_addr = IP(10, 0, 0, 2), .to_port = 53 };
        struct nc_ct_old bound = any;
        struct nc_ct_entry e;

        (void) state;
        assert_true(nc_ct_old_matches(&any, &flow, local_is_uplink, NULL));
        /* Not the old translation's: each field in turn. */
        e = flow, e.proto = IPPROTO_TCP;
        assert_false(nc_ct_old_matches(&any, &e, local_is_uplink, NULL));
        e = flow, e.orig_dport = 5354;
        assert_false(nc_ct_old_matches(&any, &e, local_is_uplink, NULL));
        e = flow, e.reply_src = IP(10, 0, 0, 3);          /* the new target's: a flow since the change */
        assert_false(nc_ct_old_matches(&any, &e, local_is_uplink, NULL));
        e = flow, e.reply_sport = 54;
        assert_false(nc_ct_old_matches(&any, &e, local_is_uplink, NULL));
        /* Sent to the container directly (routed), never translated. */
        e = flow, e.orig_dst = IP(10, 0, 0, 2), e.orig_dport = 53, e.status = 0;
        assert_false(nc_ct_old_matches(&(struct nc_ct_old) { .kind = NC_CT_OLD_PORT, .proto = IPPROTO_UDP,
                                                             .dport = 53, .to_addr = IP(10, 0, 0, 2),
                                                             .to_port = 53 },
                                       &e, local_is_uplink, NULL));
        e = flow, e.has_status = false;
        assert_false(nc_ct_old_matches(&any, &e, local_is_uplink, NULL));
        /* Without host_ip: only packets to a local address were translated. */
        e = flow, e.orig_dst = IP(203, 0, 113, 9);
        assert_false(nc_ct_old_matches(&any, &e, local_is_uplink, NULL));
        assert_false(nc_ct_old_matches(&any, &flow, NULL, NULL));
        /* With host_ip: that address, local or not. */
        bound.daddr = IP(198, 51, 100, 1);
        assert_true(nc_ct_old_matches(&bound, &flow, NULL, NULL));
        bound.daddr = IP(198, 51, 100, 7);
        assert_false(nc_ct_old_matches(&bound, &flow, local_is_uplink, NULL));
}

static void test_matches_address(void **state) {
        const struct nc_ct_old gone = { .kind = NC_CT_OLD_ADDRESS, .to_addr = IP(10, 0, 0, 2) };
        /* A flow the container opened, masqueraded on the way out. */
        const struct nc_ct_entry out = { .proto = IPPROTO_TCP, .orig_src = IP(10, 0, 0, 2),
                                         .orig_dst = IP(198, 51, 100, 2), .orig_sport = 41000, .orig_dport = 443,
                                         .reply_src = IP(198, 51, 100, 2), .reply_sport = 443,
                                         .status = IPS_SRC_NAT, .has_status = true };
        struct nc_ct_entry other = flow;

        (void) state;
        assert_true(nc_ct_old_matches(&gone, &flow, NULL, NULL));
        assert_true(nc_ct_old_matches(&gone, &out, NULL, NULL));
        other.reply_src = IP(10, 0, 0, 3);
        assert_false(nc_ct_old_matches(&gone, &other, NULL, NULL));
}

static void put_tuple(struct nlmsghdr *nlh, uint16_t type, uint32_t src, uint32_t dst, uint8_t proto,
                      uint16_t sport, uint16_t dport) {
        struct nlattr *t = mnl_attr_nest_start(nlh, type), *ip, *pr;

        ip = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
        mnl_attr_put_u32(nlh, CTA_IP_V4_SRC, htonl(src));
        mnl_attr_put_u32(nlh, CTA_IP_V4_DST, htonl(dst));
        mnl_attr_nest_end(nlh, ip);
        pr = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
        mnl_attr_put_u8(nlh, CTA_PROTO_NUM, proto);
        mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(sport));
        mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(dport));
        mnl_attr_nest_end(nlh, pr);
        mnl_attr_nest_end(nlh, t);
}

static struct nlmsghdr *ct_msg(char *buf) {
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct nfgenmsg *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

        nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW;
        g->nfgen_family = AF_INET;
        return nlh;
}

/* A container's IPv6 address removed (SPEC 7.2): its IPv6 entries go, in
 * either direction; IPv4 entries and other addresses' stay; one wanted
 * again is not an old translation. */
static void test_address6(void **state) {
        const struct nc_ipv6 web6 = { .b = { 0xfd, 0, 0, 0x17, [15] = 2 } };
        const struct nc_ipv6 db6 = { .b = { 0xfd, 0, 0, 0x17, [15] = 3 } };
        const struct nc_ipv6 out6 = { .b = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 } };
        struct nc_address gone = { .netns = "web", .ifname = "eth0", .v6 = true, .address6 = web6, .prefixlen = 64 };
        struct nc_address kept = { .netns = "db", .ifname = "eth0", .v6 = true, .address6 = db6, .prefixlen = 64 };
        struct nc_state desired = { .addresses = &kept, .n_addresses = 1 };
        struct nc_action actions[] = {
                { .object = NC_OBJECT_ADDRESS, .change = NC_CHANGE_REMOVE, .address.have = &gone },
                { .object = NC_OBJECT_ADDRESS, .change = NC_CHANGE_REMOVE, .address.have = &kept },
        };
        struct nc_plan plan = { .desired = &desired, .actions = actions, .n_actions = 2 };
        struct nc_ct_entry e = { .proto = IPPROTO_TCP, .v6 = true, .orig_src6 = web6, .orig_dst6 = out6,
                                 .reply_src6 = out6 };
        struct nc_ct_old *old = NULL;
        size_t n = 0;
        char text[128];

        (void) state;
        assert_int_equal(nc_ct_old_collect(&plan, false, &old, &n), 0);
        assert_int_equal(n, 1);
        assert_int_equal(old[0].kind, NC_CT_OLD_ADDRESS);
        assert_true(old[0].v6);
        nc_ct_old_describe(&old[0], text, sizeof(text));
        assert_string_equal(text, "address fd00:17::2");
        /* web's outgoing flow, and a flow to it (reply from it) */
        assert_true(nc_ct_old_matches6(&old[0], &e, NULL, NULL));
        e.orig_src6 = out6;
        e.reply_src6 = web6;
        assert_true(nc_ct_old_matches6(&old[0], &e, NULL, NULL));
        /* db's flow, and no IPv4 entry, are not its */
        e.reply_src6 = db6;
        assert_false(nc_ct_old_matches6(&old[0], &e, NULL, NULL));
        e.v6 = false;
        assert_false(nc_ct_old_matches(&old[0], &e, NULL, NULL));
        free(old);
}

static void test_decode(void **state) {
        char buf[MNL_SOCKET_BUFFER_SIZE];
        struct nlmsghdr *nlh;
        struct nc_ct_entry e;
        struct nlattr *t, *ip;
        uint8_t v6[16] = { 0xfd };

        (void) state;
        nlh = ct_msg(buf);
        put_tuple(nlh, CTA_TUPLE_ORIG, IP(198, 51, 100, 2), IP(198, 51, 100, 1), IPPROTO_UDP, 40000, 5353);
        put_tuple(nlh, CTA_TUPLE_REPLY, IP(10, 0, 0, 2), IP(198, 51, 100, 2), IPPROTO_UDP, 53, 40000);
        mnl_attr_put_u32(nlh, CTA_STATUS, htonl(IPS_DST_NAT | IPS_CONFIRMED));
        mnl_attr_put_u32(nlh, CTA_ID, htonl(0xdeadbeef));
        assert_int_equal(nc_ct_entry_decode(nlh, &e), 0);
        assert_int_equal(e.proto, IPPROTO_UDP);
        assert_int_equal(e.orig_src, IP(198, 51, 100, 2));
        assert_int_equal(e.orig_dst, IP(198, 51, 100, 1));
        assert_int_equal(e.orig_sport, 40000);
        assert_int_equal(e.orig_dport, 5353);
        assert_int_equal(e.reply_src, IP(10, 0, 0, 2));
        assert_int_equal(e.reply_sport, 53);
        assert_true(e.has_status);
        assert_int_equal(e.status, IPS_DST_NAT | IPS_CONFIRMED);
        assert_true(e.has_id);
        assert_int_equal(e.id, 0xdeadbeef);
        assert_false(e.has_zone);
        assert_true(nc_ct_old_matches(&(struct nc_ct_old) { .kind = NC_CT_OLD_PORT, .proto = IPPROTO_UDP,
                                                            .dport = 5353, .to_addr = IP(10, 0, 0, 2),
                                                            .to_port = 53 },
                                      &e, local_is_uplink, NULL));

        /* No reply tuple: not decoded (so never deleted). */
        nlh = ct_msg(buf);
        put_tuple(nlh, CTA_TUPLE_ORIG, IP(198, 51, 100, 2), IP(198, 51, 100, 1), IPPROTO_UDP, 40000, 5353);
        assert_int_equal(nc_ct_entry_decode(nlh, &e), -EBADMSG);

        /* An IPv6 tuple without its protocol (test_decode6 has whole ones). */
        nlh = ct_msg(buf);
        t = mnl_attr_nest_start(nlh, CTA_TUPLE_ORIG);
        ip = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
        mnl_attr_put(nlh, CTA_IP_V6_SRC, sizeof(v6), v6);
        mnl_attr_put(nlh, CTA_IP_V6_DST, sizeof(v6), v6);
        mnl_attr_nest_end(nlh, ip);
        mnl_attr_nest_end(nlh, t);
        assert_int_equal(nc_ct_entry_decode(nlh, &e), -EBADMSG);

        /* A port attribute of the wrong size. */
        nlh = ct_msg(buf);
        put_tuple(nlh, CTA_TUPLE_ORIG, IP(198, 51, 100, 2), IP(198, 51, 100, 1), IPPROTO_UDP, 40000, 5353);
        t = mnl_attr_nest_start(nlh, CTA_TUPLE_REPLY);
        ip = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
        mnl_attr_put_u32(nlh, CTA_IP_V4_SRC, htonl(IP(10, 0, 0, 2)));
        mnl_attr_put_u32(nlh, CTA_IP_V4_DST, htonl(IP(198, 51, 100, 2)));
        mnl_attr_nest_end(nlh, ip);
        ip = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
        mnl_attr_put_u8(nlh, CTA_PROTO_NUM, IPPROTO_UDP);
        mnl_attr_put_u8(nlh, CTA_PROTO_SRC_PORT, 53);
        mnl_attr_nest_end(nlh, ip);
        mnl_attr_nest_end(nlh, t);
        assert_int_equal(nc_ct_entry_decode(nlh, &e), -EBADMSG);
}

static void put_tuple6(struct nlmsghdr *nlh, uint16_t type, const struct nc_ipv6 *src, const struct nc_ipv6 *dst,
                       uint8_t proto, uint16_t sport, uint16_t dport) {
        struct nlattr *t = mnl_attr_nest_start(nlh, type), *ip, *pr;

        ip = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
        mnl_attr_put(nlh, CTA_IP_V6_SRC, sizeof(src->b), src->b);
        mnl_attr_put(nlh, CTA_IP_V6_DST, sizeof(dst->b), dst->b);
        mnl_attr_nest_end(nlh, ip);
        pr = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
        mnl_attr_put_u8(nlh, CTA_PROTO_NUM, proto);
        mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(sport));
        mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(dport));
        mnl_attr_nest_end(nlh, pr);
        mnl_attr_nest_end(nlh, t);
}

static struct nc_ipv6 v6(const char *s) {
        struct nc_ipv6 a;

        assert_int_equal(nc_ipv6_parse(s, &a), 0);
        return a;
}

static bool any_local(uint32_t a, void *data) {
        (void) a, (void) data;
        return true;
}

static bool local6_is_uplink(const struct nc_ipv6 *a, void *data) {
        struct nc_ipv6 up = v6("2001:db8::1");

        (void) data;
        return nc_ipv6_equal(a, &up);
}

/* IPv6 (issue 13): an IPv6 published port's entries are the IPv6 ones
 * with its translation, and only those; IPv4 ports and entries never
 * match across families. */
static void test_decode6(void **state) {
        static const struct nc_nft_rule dnat6 = { .chain = "publish", .key = "publish udp [::]:5353",
                                                  .kind = NC_RULE_DNAT, .v6 = true, .proto = NC_PROTO_UDP,
                                                  .dport = 5353, .to_addr6 = { .b = { 0xfd, [15] = 2 } },
                                                  .to_port = 53 };
        struct nc_ipv6 client = v6("2001:db8::2"), up = v6("2001:db8::1"), web = v6("fd00::2");
        char buf[MNL_SOCKET_BUFFER_SIZE];
        struct nc_action a = { .object = NC_OBJECT_NFT_RULE, .change = NC_CHANGE_REMOVE, .nft.rule.have = &dnat6 };
        struct nc_plan plan = { .actions = &a, .n_actions = 1 };
        struct nc_ct_old *old = NULL, bound, v4 = { .kind = NC_CT_OLD_PORT, .proto = IPPROTO_UDP, .dport = 5353,
                                                    .to_port = 53 };
        struct nlmsghdr *nlh;
        struct nc_ct_entry e;
        size_t n = 0;
        char what[128];

        (void) state;
        nlh = ct_msg(buf);
        put_tuple6(nlh, CTA_TUPLE_ORIG, &client, &up, IPPROTO_UDP, 40000, 5353);
        put_tuple6(nlh, CTA_TUPLE_REPLY, &web, &client, IPPROTO_UDP, 53, 40000);
        mnl_attr_put_u32(nlh, CTA_STATUS, htonl(IPS_DST_NAT | IPS_CONFIRMED));
        assert_int_equal(nc_ct_entry_decode(nlh, &e), 0);
        assert_true(e.v6);
        assert_true(nc_ipv6_equal(&e.orig_src6, &client) && nc_ipv6_equal(&e.orig_dst6, &up));
        assert_true(nc_ipv6_equal(&e.reply_src6, &web));
        assert_int_equal(e.orig_dport, 5353);
        assert_int_equal(e.reply_sport, 53);

        assert_int_equal(nc_ct_old_collect(&plan, true, &old, &n), 0);
        assert_int_equal(n, 1);
        assert_true(old[0].v6 && nc_ipv6_equal(&old[0].to_addr6, &web) && nc_ipv6_is_zero(&old[0].daddr6));
        assert_true(nc_ct_old_matches6(&old[0], &e, local6_is_uplink, NULL));
        /* Not to a local address: not through our rule. */
        assert_false(nc_ct_old_matches6(&old[0], &e, NULL, NULL));
        /* A host_ip: that address only. */
        bound = old[0];
        bound.daddr6 = up;
        assert_true(nc_ct_old_matches6(&bound, &e, NULL, NULL));
        bound.daddr6 = client;
        assert_false(nc_ct_old_matches6(&bound, &e, NULL, NULL));
        /* Another target, or no DST_NAT: not the translation's. */
        bound = old[0];
        bound.to_addr6.b[15] = 3;
        assert_false(nc_ct_old_matches6(&bound, &e, local6_is_uplink, NULL));
        e.status = IPS_CONFIRMED;
        assert_false(nc_ct_old_matches6(&old[0], &e, local6_is_uplink, NULL));
        e.status |= IPS_DST_NAT;
        /* Across families: never (the IPv4 fields of either are zeros,
         * which would otherwise agree). */
        assert_false(nc_ct_old_matches(&v4, &e, any_local, NULL));
        assert_false(nc_ct_old_matches(&old[0], &e, any_local, NULL));
        e.v6 = false;
        assert_false(nc_ct_old_matches6(&old[0], &e, local6_is_uplink, NULL));
        nc_ct_old_describe(&old[0], what, sizeof(what));
        assert_string_equal(what, "udp [::]:5353 -> [fd00::2]:53");
        free(old);

        /* The two tuples of one entry in two families: malformed. */
        nlh = ct_msg(buf);
        put_tuple6(nlh, CTA_TUPLE_ORIG, &client, &up, IPPROTO_UDP, 40000, 5353);
        put_tuple(nlh, CTA_TUPLE_REPLY, IP(10, 0, 0, 2), IP(198, 51, 100, 2), IPPROTO_UDP, 53, 40000);
        assert_int_equal(nc_ct_entry_decode(nlh, &e), -EBADMSG);
}

static void test_describe(void **state) {
        char buf[128];

        (void) state;
        nc_ct_old_describe(&(struct nc_ct_old) { .kind = NC_CT_OLD_PORT, .proto = IPPROTO_UDP, .dport = 5353,
                                                 .to_addr = IP(10, 0, 0, 2), .to_port = 53 },
                           buf, sizeof(buf));
        assert_string_equal(buf, "udp 0.0.0.0:5353 -> 10.0.0.2:53");
        nc_ct_old_describe(&(struct nc_ct_old) { .kind = NC_CT_OLD_ADDRESS, .to_addr = IP(10, 0, 0, 2) }, buf,
                           sizeof(buf));
        assert_string_equal(buf, "address 10.0.0.2");
}

/* An SCTP port removed: its entries go by SCTP's protocol number. */
static void test_sctp(void **state) {
        static const struct nc_nft_rule dnat_sctp = { .chain = "publish", .key = "publish sctp 0.0.0.0:3868",
                                                      .kind = NC_RULE_DNAT, .proto = NC_PROTO_SCTP, .dport = 3868,
                                                      .to_addr = IP(10, 0, 0, 2), .to_port = 3868 };
        struct nc_state desired = {};
        struct nc_action actions[] = {
                { .object = NC_OBJECT_NFT_RULE, .change = NC_CHANGE_REMOVE, .nft.rule.have = &dnat_sctp },
        };
        struct nc_plan plan = { .desired = &desired, .actions = actions, .n_actions = 1 };
        struct nc_ct_old *old = NULL;
        size_t n = 0;
        char buf[128];

        (void) state;
        assert_int_equal(nc_ct_old_collect(&plan, true, &old, &n), 0);
        assert_int_equal(n, 1);
        assert_int_equal(old[0].proto, IPPROTO_SCTP);
        nc_ct_old_describe(&old[0], buf, sizeof(buf));
        assert_string_equal(buf, "sctp 0.0.0.0:3868 -> 10.0.0.2:3868");
        free(old);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_collect),
                cmocka_unit_test(test_sctp),
                cmocka_unit_test(test_matches_port),
                cmocka_unit_test(test_matches_address),
                cmocka_unit_test(test_address6),
                cmocka_unit_test(test_decode),
                cmocka_unit_test(test_decode6),
                cmocka_unit_test(test_describe),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
