/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#include "netconverge/state.h"

/* nftables, shared by observation and apply: the normalized rules and
 * chains of state.h to and from libnftnl objects, and the netfilter
 * socket. Everything is family inet, in the process's current namespace
 * (the host's: -n was entered at start).
 *
 * A rule is built exactly as nft builds the same text, so `nft list`
 * shows it the way a user would have written it, and decoded from any of
 * the equivalent forms nft produces, so a rule written by hand with nft is
 * recognized too:
 *
 *   MASQUERADE  meta nfproto ipv4 ip saddr SADDR/LEN oifname != "OIF" masquerade
 *   JUMP        fib daddr type local jump TARGET
 *               meta nfproto ipv4 ip daddr != 127.0.0.0/8 fib daddr type local jump TARGET   (not_loopback)
 *   RETURN      iifname "BR" return
 *   DNAT        meta nfproto ipv4 [ip daddr DADDR] meta l4proto tcp|udp|sctp th dport PORT dnat ip to ADDR:PORT
 *   DROP        iifname "A" oifname "B" drop
 *   JUMP        meta nfproto ipv4 fib daddr type local jump TARGET                         (ipv4_only)
 *   HAIRPIN     meta nfproto ipv4 ip saddr SADDR/LEN oifname "OIF" [ct status dnat] masquerade
 *   GUARD       meta nfproto ipv4 iifname != "IIF" ip daddr 127.0.0.0/8 drop
 *
 * and the IPv6 forms (v6):
 *
 *   MASQUERADE  meta nfproto ipv6 ip6 saddr SADDR6/LEN oifname != "OIF" masquerade
 *   JUMP        meta nfproto ipv6 ip6 daddr != ::1 fib daddr type local jump TARGET       (not_loopback)
 *   DNAT        meta nfproto ipv6 [ip6 daddr DADDR6] meta l4proto tcp|udp th dport PORT dnat ip6 to [ADDR6]:PORT
 *   HAIRPIN     meta nfproto ipv6 ip6 saddr SADDR6/LEN oifname "OIF" [ct status dnat] masquerade
 *
 * RETURN, DROP and the plain JUMP match no address: in an inet table they
 * see both families as they are (fib daddr type local looks the address
 * up in the packet's own family).
 *
 * The key travels as the rule's comment (userdata NFTNL_UDATA_RULE_COMMENT),
 * which `nft list` shows as `comment "masquerade docker0"`. */

/* Where the shapes look: offsets in the IPv4 header, and of the
 * destination port in TCP's, UDP's and SCTP's; the loopback net. */
#define NC_IPV4_SADDR_OFFSET 12
#define NC_IPV4_DADDR_OFFSET 16
#define NC_TH_DPORT_OFFSET 2
#define NC_LOOPBACK_NET 0x7f000000u
#define NC_LOOPBACK_LEN 8
/* In the IPv6 header; ::1, the whole IPv6 loopback (a /128). */
#define NC_IPV6_SADDR_OFFSET 8
#define NC_IPV6_DADDR_OFFSET 24
#define NC_LOOPBACK6 { .b = { [15] = 1 } }

struct nftnl_rule;
struct nftnl_chain;
struct mnl_socket;

/* A request's buffer: room for one small message, aligned for nlmsghdr. */
#define NC_NFT_REQUEST_SIZE 1024
#define NC_NFT_REQUEST_BUF(name) char name[NC_NFT_REQUEST_SIZE] __attribute__((aligned(8)))

/* build.c: a new nftnl_rule for table (chain, expressions and comment from
 * r; no handle). -EINVAL for a rule that is not one of the shapes above
 * (NC_RULE_OTHER, prefix length out of range), -ENOMEM. */
int nc_nft_rule_build(const struct nc_nft_rule *r, const char *table, struct nftnl_rule **ret);

/* decode.c: the normalized form of a rule as the kernel dumped it. chain
 * and key point into nr (valid while it lives); key is NULL without a
 * comment. A rule that is not exactly one of the shapes (an extra
 * expression, a counter, a wildcard interface name, a port range...) is
 * NC_RULE_OTHER. Returns 0, or -EBADMSG when nr has no chain. */
int nc_nft_rule_decode(const struct nftnl_rule *nr, struct nc_nft_rule *ret);

/* map.c: the published ports' maps (state.h) and their elements.
 *
 *   DNAT_MAP    meta nfproto ipv4 meta l4proto tcp dnat ip to tcp dport map @ports4_tcp
 *               meta nfproto ipv4 meta l4proto tcp dnat ip to ip daddr . tcp dport map @ports4_tcp_addr
 *               (ipv6: dnat ip6 to ... ip6 daddr ...)
 *
 * nc_nft_map_rule_decode(): 1 with *ret's kind, v6, proto, by_addr and
 * target (the map) filled when nr is exactly that shape, 0 when not
 * (the general decoder reads it), -ENOMEM. */
int nc_nft_map_rule_decode(const struct nftnl_rule *nr, struct nc_nft_rule *ret);

/* A new nftnl_set for table: the map o names, of o's type (a port map's
 * type from state.h), NFT_SET_MAP. -EINVAL for a type nft has no words
 * for, -ENOMEM. */
struct nftnl_set;
struct nftnl_set_elem;
int nc_nft_map_build(const struct nc_nft_object *o, const char *table, struct nftnl_set **ret);
/* The observed set's type in nft's words (buf), or NULL for a set, or a
 * map whose key or data type is not one of state.h's. */
const char *nc_nft_map_type(struct nftnl_set *x, char *buf, size_t size);
/* A port map's element from e (an NC_RULE_DNAT; its chain is the map):
 * key, data, and the key as its comment. With key_only, only the key (a
 * delete). -EINVAL when e's map is not a port map, -ENOMEM. */
int nc_nft_element_build(const struct nc_nft_rule *e, bool key_only, struct nftnl_set_elem **ret);
/* The element as the kernel dumped it, in the port map named map: 1 with
 * *ret (chain points to map, key into x), 0 when its key or data do not
 * have the map's lengths (not read), -EINVAL when map is no port map. */
int nc_nft_element_decode(struct nftnl_set_elem *x, const char *map, struct nc_nft_rule *ret);
void nc_nft_set_elem_freep(struct nftnl_set_elem **e);

/* chain.c: a new nftnl_chain for table: a base chain with type, hook and
 * priority, policy accept (drop if c->policy_drop), or a regular chain.
 * -ENOMEM, -EINVAL. */
int nc_nft_chain_build(const struct nc_nft_chain *c, const char *table, struct nftnl_chain **ret);

/* The chain as the kernel dumped it; name and type point into nc.
 * -EBADMSG without a name. */
int nc_nft_chain_decode(const struct nftnl_chain *nc, struct nc_nft_chain *ret);

/* Whether nc, as the kernel dumped it, is a base chain hooked at forward
 * with policy drop in a family that forwards IPv4 or IPv6 (ip, ip6, inet):
 * 1 with *ret filled (table and chain point into nc), 0 when it is not
 * one, -EBADMSG without a table or name. Which table is netconverge's own
 * is the caller's to know. */
int nc_nft_forward_drop_decode(const struct nftnl_chain *nc, struct nc_nft_forward_drop *ret);
/* The same for any forward base chain of those families, whatever its
 * policy (*ret_policy_drop): 1, 0 or -EBADMSG. Its rules are read for
 * drop rules (foreign.c). */
int nc_nft_forward_chain_decode(const struct nftnl_chain *nc, struct nc_nft_forward_drop *ret, bool *ret_policy_drop);

/* foreign.c: whether nr, a rule of another table's forward base chain
 * (of family), drops or rejects with only matches foreign.c knows (no
 * match at all, iifname/oifname equal to a name or a prefix, ip
 * saddr/daddr in a prefix, ct state with new, established or related):
 * 1 with *ret filled (table and chain point into nr, the other strings
 * into buf), 0 when it is not one (another verdict, or a match not read
 * here: taken not to catch), -EBADMSG without a table or chain, -ENOMEM. */
struct nc_nft_drop_rule_buf {
        char iifname[NC_IFNAMSIZ + 1], oifname[NC_IFNAMSIZ + 1];
        char ct_state[64];
};
int nc_nft_drop_rule_decode(const struct nftnl_rule *nr, enum nc_nft_family family, struct nc_nft_drop_rule_buf *buf,
                            struct nc_nft_drop_rule *ret);

/* table.c: a new nftnl_table, family inet, named name; with mark, its
 * userdata carries netconverge's mark (NC_TABLE_MARK as the table's
 * comment). -ENOMEM. */
struct nftnl_table;
int nc_nft_table_build(const char *name, bool mark, struct nftnl_table **ret);

/* The same for an existing table, flags 0 (no dormant): a NEWTABLE of it,
 * without NLM_F_EXCL, is how the kernel changes a table's flags (it keeps
 * its userdata, chains and rules). -ENOMEM. */
int nc_nft_table_build_active(const char *name, struct nftnl_table **ret);

/* The table as the kernel dumped it: its name (pointing into t), whether
 * it carries the mark, its dormant and owner flags and the owner's port
 * id. -EBADMSG without a name. */
int nc_nft_table_decode(const struct nftnl_table *t, struct nc_nft_table *ret);

/* udata.c: calls fn for each attribute (type, value, its length) of a
 * userdata blob in order, checking that each lies inside the blob: 0, fn's
 * negative errno, or -EBADMSG at an attribute cut short (fn has seen the
 * ones before it). */
typedef int (*nc_nft_udata_fn)(uint8_t type, const uint8_t *value, uint8_t len, void *data);
int nc_nft_udata_walk(const void *buf, uint32_t len, nc_nft_udata_fn fn, void *data);

void nc_nft_table_freep(struct nftnl_table **t);
void nc_nft_rule_freep(struct nftnl_rule **r);
void nc_nft_chain_freep(struct nftnl_chain **c);
struct nftnl_set;
struct nftnl_flowtable;
void nc_nft_set_freep(struct nftnl_set **s);
void nc_nft_flowtable_freep(struct nftnl_flowtable **f);
struct nftnl_obj;
void nc_nft_obj_freep(struct nftnl_obj **o);
struct nftnl_udata_buf;
void nc_nft_udata_freep(struct nftnl_udata_buf **u);
void nc_mnl_socket_closep(struct mnl_socket **nl);

/* socket.c: a netfilter socket in the current namespace, bound, asking
 * for extended acks (the kernel's words on an error) and capped acks. */
int nc_nft_socket_open(struct mnl_socket **ret);

/* The kernel's error in an NLMSG_ERROR message: returns its negative errno
 * (0 for an ack) and copies the extended ack text, if any, to msg
 * ("" otherwise). -EBADMSG when the message is truncated. */
int nc_nft_parse_error(const struct nlmsghdr *nlh, char *msg, size_t msglen);

/* Sends one request (with NLM_F_ACK) or one dump (NLM_F_DUMP) and reads
 * its answer until the ack or NLMSG_DONE, handing every other message of
 * that seq to d->cb (d may be NULL). Returns 0, the kernel's negative
 * errno, -EINTR when a dump was interrupted by a change (NLM_F_DUMP_INTR),
 * or cb's negative errno. After a failure unread answers may remain:
 * the socket is not reused. */
struct nc_nft_dump {
        int (*cb)(const struct nlmsghdr *nlh, void *data);     /* 0, or a negative errno */
        void *data;
};
int nc_nft_talk(struct mnl_socket *nl, struct nlmsghdr *request, const struct nc_nft_dump *d);

/* The current ruleset generation (NFT_MSG_GETGEN): every commit bumps it,
 * so two equal reads bracket a consistent view. */
int nc_nft_get_genid(struct mnl_socket *nl, uint32_t seq, uint32_t *ret);
