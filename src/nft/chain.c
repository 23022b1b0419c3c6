/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <linux/netfilter.h>

#include <libnftnl/chain.h>

#include "nft/nft.h"
#include "util/cleanup.h"

/* Chains: a base chain is attached to a hook with a type and priority, and
 * takes its policy when no rule decides; a regular chain (publish) is only
 * entered by a jump. */

int nc_nft_chain_build(const struct nc_nft_chain *c, const char *table, struct nftnl_chain **ret) {
        _cleanup_(nc_nft_chain_freep) struct nftnl_chain *nc = NULL;

        if (!c->name || (c->hook != NC_HOOK_NONE && !c->type))
                return -EINVAL;
        nc = nftnl_chain_alloc();
        if (!nc)
                return -ENOMEM;
        nftnl_chain_set_u32(nc, NFTNL_CHAIN_FAMILY, NFPROTO_INET);
        if (nftnl_chain_set_str(nc, NFTNL_CHAIN_TABLE, table) < 0 ||
            nftnl_chain_set_str(nc, NFTNL_CHAIN_NAME, c->name) < 0)
                return -ENOMEM;
        if (c->hook != NC_HOOK_NONE) {
                nftnl_chain_set_u32(nc, NFTNL_CHAIN_HOOKNUM, (uint32_t) c->hook);
                nftnl_chain_set_s32(nc, NFTNL_CHAIN_PRIO, c->priority);
                nftnl_chain_set_u32(nc, NFTNL_CHAIN_POLICY, c->policy_drop ? NF_DROP : NF_ACCEPT);
                if (nftnl_chain_set_str(nc, NFTNL_CHAIN_TYPE, c->type) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(nc);
        return 0;
}

int nc_nft_chain_decode(const struct nftnl_chain *nc, struct nc_nft_chain *ret) {
        struct nc_nft_chain c = { .hook = NC_HOOK_NONE };

        c.name = (char *) nftnl_chain_get_str(nc, NFTNL_CHAIN_NAME);
        if (!c.name)
                return -EBADMSG;
        if (nftnl_chain_is_set(nc, NFTNL_CHAIN_HANDLE))
                c.handle = nftnl_chain_get_u64(nc, NFTNL_CHAIN_HANDLE);
        if (!nftnl_chain_is_set(nc, NFTNL_CHAIN_HOOKNUM)) {
                *ret = c;
                return 0;
        }
        /* The kernel's hook number as it is: one we never make (inet's
         * ingress) differs from every chain we want, so it is replaced. */
        c.hook = (enum nc_nft_hook) nftnl_chain_get_u32(nc, NFTNL_CHAIN_HOOKNUM);
        c.type = (char *) nftnl_chain_get_str(nc, NFTNL_CHAIN_TYPE);
        if (nftnl_chain_is_set(nc, NFTNL_CHAIN_PRIO))
                c.priority = nftnl_chain_get_s32(nc, NFTNL_CHAIN_PRIO);
        c.policy_drop = nftnl_chain_is_set(nc, NFTNL_CHAIN_POLICY) &&
                        nftnl_chain_get_u32(nc, NFTNL_CHAIN_POLICY) == NF_DROP;
        *ret = c;
        return 0;
}

int nc_nft_forward_drop_decode(const struct nftnl_chain *nc, struct nc_nft_forward_drop *ret) {
        bool policy_drop = false;
        int r = nc_nft_forward_chain_decode(nc, ret, &policy_drop);

        return r <= 0 ? r : policy_drop;
}

int nc_nft_forward_chain_decode(const struct nftnl_chain *nc, struct nc_nft_forward_drop *ret, bool *ret_policy_drop) {
        struct nc_nft_chain c;
        struct nc_nft_forward_drop d = {};
        int r;

        if (!nftnl_chain_is_set(nc, NFTNL_CHAIN_FAMILY))
                return 0;
        switch (nftnl_chain_get_u32(nc, NFTNL_CHAIN_FAMILY)) {
        case NFPROTO_IPV4:
                d.family = NC_NFT_FAMILY_IP;
                break;
        case NFPROTO_IPV6:
                d.family = NC_NFT_FAMILY_IP6;
                break;
        case NFPROTO_INET:
                d.family = NC_NFT_FAMILY_INET;
                break;
        default:
                /* bridge, netdev, arp: not the bridges' routed traffic. */
                return 0;
        }
        r = nc_nft_chain_decode(nc, &c);
        if (r < 0)
                return r;
        if (c.hook != NC_HOOK_FORWARD)
                return 0;
        d.table = (char *) nftnl_chain_get_str(nc, NFTNL_CHAIN_TABLE);
        if (!d.table)
                return -EBADMSG;
        d.chain = c.name;
        d.priority = c.priority;
        *ret = d;
        *ret_policy_drop = c.policy_drop;
        return 1;
}

void nc_nft_chain_freep(struct nftnl_chain **c) {
        if (*c)
                nftnl_chain_free(*c);
}
