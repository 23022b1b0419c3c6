/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netconverge/addr.h"
#include "netconverge/apply.h"
#include "netconverge/plan.h"

/* Connection tracking after an apply (SPEC 7.2, docs/dataplane.md): the
 * kernel translates a flow's first packet only and keeps the translation in
 * the flow's conntrack entry, so a UDP flow that never pauses long enough
 * to expire stays on a published port's old target however the rules
 * change. When the plan changes or removes a published port (a DNAT rule
 * of the owned table) or removes a container's address, the entries of the
 * old translation are deleted, in the namespace apply acts in, over
 * ctnetlink; the next packet of such a flow makes a new entry through the
 * new rules. Nothing else is deleted.
 *
 * Everything here that reads struct nc_action is in conntrack.c, and only
 * there. */

struct nc_applier;

/* What the plan takes away: an old translation whose entries go. */
enum nc_ct_old_kind {
        NC_CT_OLD_PORT,         /* a published port: proto, daddr (0: any local), dport -> to_addr:to_port */
        NC_CT_OLD_ADDRESS,      /* a container's address: flows to it (DNATed or not) and flows it opened */
        _NC_CT_OLD_KIND_MAX,
};

struct nc_ct_old {
        enum nc_ct_old_kind kind;
        uint8_t proto;                  /* PORT: nc_proto_number() */
        uint32_t daddr;                 /* PORT: host byte order, like the model; 0 = any local address */
        uint16_t dport;                 /* PORT */
        uint32_t to_addr;               /* PORT: the old target; ADDRESS: the address */
        uint16_t to_port;               /* PORT */
        /* An IPv6 published port or address (v6): daddr6 (:: = any
         * local address) and to_addr6 instead of daddr and to_addr. */
        bool v6;
        struct nc_ipv6 daddr6, to_addr6;
        size_t deleted;                 /* entries deleted */
        int error;                      /* the first failure to delete one of them (not ENOENT); 0 = none */
};

/* One conntrack entry as the dump gives it; addresses and ports in host
 * byte order. An IPv6 entry (v6) has its addresses in the *6 fields. */
struct nc_ct_entry {
        uint8_t proto;
        bool v6;
        uint32_t orig_src, orig_dst;
        struct nc_ipv6 orig_src6, orig_dst6, reply_src6;
        uint16_t orig_sport, orig_dport;
        uint32_t reply_src;
        uint16_t reply_sport;
        uint32_t status;                /* IPS_* */
        bool has_status;
        uint16_t zone;
        bool has_zone;
        uint32_t id;
        bool has_id;
};

/* The old translations of the plan's changes, in plan order. rules_applied
 * false (the nftables batch was refused): the rules stand as they were, so
 * only addresses count. A port's translation is left out when a rule the
 * plan wants has the very same one (a rule removed and added again). Sets
 * *ret (NULL when none) and *ret_n. -ENOMEM. */
int nc_ct_old_collect(const struct nc_plan *plan, bool rules_applied, struct nc_ct_old **ret, size_t *ret_n);

/* Whether the entry belongs to the old translation. is_local says whether
 * an address is one of the namespace's own (a published port without
 * host_ip translated only packets to those: `fib daddr type local`). */
bool nc_ct_old_matches(const struct nc_ct_old *o, const struct nc_ct_entry *e,
                       bool (*is_local)(uint32_t addr, void *data), void *data);

/* The same for IPv6 entries, ports and addresses: only an IPv6
 * translation or address has IPv6 entries. */
bool nc_ct_old_matches6(const struct nc_ct_old *o, const struct nc_ct_entry *e,
                        bool (*is_local6)(const struct nc_ipv6 *addr, void *data), void *data);

/* Decodes one IPCTNL_MSG_CT_NEW message of a dump, IPv4 or IPv6. -EBADMSG
 * when a tuple is missing or malformed (or its two differ in family). */
struct nlmsghdr;
int nc_ct_entry_decode(const struct nlmsghdr *nlh, struct nc_ct_entry *ret);

/* "udp 0.0.0.0:5353 -> 10.0.0.2:53", "udp [::]:5353 -> [fd00::2]:53",
 * "address 10.0.0.2": for warnings. */
void nc_ct_old_describe(const struct nc_ct_old *o, char *buf, size_t size);

/* The apply hook, called once the plan's changes are made: deletes the
 * entries of the plan's old translations in the current namespace (the
 * host namespace apply acts in, like the nftables batch). Never fails the
 * apply: the rules are right, only old flows would stay on their old
 * target until they expire; each failure is said through opts->warning,
 * once per translation (or once, when the entries cannot be listed at
 * all). Returns the number of entries deleted, or a negative errno when
 * none could be. */
int nc_conntrack_flush_plan(struct nc_applier *ap, const struct nc_apply_opts *opts);
