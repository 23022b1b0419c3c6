/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>

#include "nft/nft.h"
#include "observe/observer.h"
#include "util/cleanup.h"

/* Our nftables table, read-only: its existence, its chains, its rules,
 * decoded into the normalized form. No other table is asked for; the
 * kernel cannot filter a chain dump by table, so other tables' chains
 * that come with it are dropped unread.
 *
 * Three dumps are not one snapshot: a commit between them (another
 * apply, a user's nft) would mix two rulesets. So the generation id is
 * read before and after, and the whole read is redone when it moved. */

#define NC_NFT_READ_TRIES 5

struct nft_reader {
        struct mnl_socket *nl;
        uint32_t seq;
        const char *table;
        struct nc_state *s;             /* scratch: moved to the observed state once consistent */
};

static void table_freep(struct nftnl_table **t) {
        if (*t)
                nftnl_table_free(*t);
}

static int read_table(struct nft_reader *rd, bool *ret_exists) {
        _cleanup_(table_freep) struct nftnl_table *t = nftnl_table_alloc();
        NC_NFT_REQUEST_BUF(buf);
        struct nlmsghdr *nlh;
        int r;

        if (!t || nftnl_table_set_str(t, NFTNL_TABLE_NAME, rd->table) < 0)
                return -ENOMEM;
        nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETTABLE, NFPROTO_INET, NLM_F_ACK, ++rd->seq);
        nftnl_table_nlmsg_build_payload(nlh, t);
        r = nc_nft_talk(rd->nl, nlh, NULL);
        *ret_exists = r >= 0;
        return r == -ENOENT ? 0 : r;
}

/* The dumps are asked for our table; a message about another is ignored. */
static bool ours(const struct nft_reader *rd, const char *table) {
        return table && strcmp(table, rd->table) == 0;
}

static int chain_cb(const struct nlmsghdr *nlh, void *data) {
        _cleanup_(nc_nft_chain_freep) struct nftnl_chain *nc = nftnl_chain_alloc();
        struct nft_reader *rd = data;
        struct nc_nft_chain c;
        int r;

        if (!nc)
                return -ENOMEM;
        if (nftnl_chain_nlmsg_parse(nlh, nc) < 0)
                return -EBADMSG;
        if (!ours(rd, nftnl_chain_get_str(nc, NFTNL_CHAIN_TABLE)))
                return 0;
        r = nc_nft_chain_decode(nc, &c);
        return r < 0 ? r : nc_state_add_nft_chain(rd->s, &c);
}

static int rule_cb(const struct nlmsghdr *nlh, void *data) {
        _cleanup_(nc_nft_rule_freep) struct nftnl_rule *nr = nftnl_rule_alloc();
        struct nft_reader *rd = data;
        struct nc_nft_rule rule;
        int r;

        if (!nr)
                return -ENOMEM;
        if (nftnl_rule_nlmsg_parse(nlh, nr) < 0)
                return -EBADMSG;
        if (!ours(rd, nftnl_rule_get_str(nr, NFTNL_RULE_TABLE)))
                return 0;
        r = nc_nft_rule_decode(nr, &rule);
        return r < 0 ? r : nc_state_add_nft_rule(rd->s, &rule);
}

static int dump_chains(struct nft_reader *rd) {
        _cleanup_(nc_nft_chain_freep) struct nftnl_chain *nc = nftnl_chain_alloc();
        struct nc_nft_dump d = { .cb = chain_cb, .data = rd };
        NC_NFT_REQUEST_BUF(buf);
        struct nlmsghdr *nlh;

        if (!nc || nftnl_chain_set_str(nc, NFTNL_CHAIN_TABLE, rd->table) < 0)
                return -ENOMEM;
        nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETCHAIN, NFPROTO_INET, NLM_F_DUMP, ++rd->seq);
        nftnl_chain_nlmsg_build_payload(nlh, nc);
        return nc_nft_talk(rd->nl, nlh, &d);
}

static int dump_rules(struct nft_reader *rd) {
        _cleanup_(nc_nft_rule_freep) struct nftnl_rule *nr = nftnl_rule_alloc();
        struct nc_nft_dump d = { .cb = rule_cb, .data = rd };
        NC_NFT_REQUEST_BUF(buf);
        struct nlmsghdr *nlh;

        if (!nr || nftnl_rule_set_str(nr, NFTNL_RULE_TABLE, rd->table) < 0)
                return -ENOMEM;
        /* The kernel filters a rule dump by NFTA_RULE_TABLE. */
        nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETRULE, NFPROTO_INET, NLM_F_DUMP, ++rd->seq);
        nftnl_rule_nlmsg_build_payload(nlh, nr);
        return nc_nft_talk(rd->nl, nlh, &d);
}

/* One read into rd->s. *ret_stable: no commit happened during it. */
static int read_once(struct nft_reader *rd, bool *ret_stable) {
        uint32_t before = 0, after = 0;
        bool exists;
        int r;

        r = nc_nft_get_genid(rd->nl, ++rd->seq, &before);
        if (r >= 0)
                r = read_table(rd, &exists);
        if (r >= 0 && exists) {
                r = nc_state_set_nft_table(rd->s, rd->table);
                if (r >= 0)
                        r = dump_chains(rd);
                if (r >= 0)
                        r = dump_rules(rd);
        }
        if (r >= 0)
                r = nc_nft_get_genid(rd->nl, ++rd->seq, &after);
        *ret_stable = r >= 0 && before == after;
        return r;
}

int nc_observe_nft(struct nc_observer *o, const char *table) {
        int r = 0;

        for (unsigned i = 0; i < NC_NFT_READ_TRIES; i++) {
                _cleanup_(nc_mnl_socket_closep) struct mnl_socket *nl = NULL;
                _cleanup_(nc_state_freep) struct nc_state *scratch = nc_state_new();
                struct nft_reader rd = { .table = table, .s = scratch };
                bool stable = false;

                if (!scratch)
                        return nc_observer_fail(o, -ENOMEM, "reading nftables table inet %s", table);
                /* A fresh socket each time: an interrupted dump leaves
                 * answers behind. */
                r = nc_nft_socket_open(&nl);
                /* A kernel without nfnetlink has no table at all. */
                if (r == -EPROTONOSUPPORT)
                        return 0;
                if (r < 0)
                        return nc_observer_fail(o, r, "opening a netfilter socket");
                rd.nl = nl;
                r = read_once(&rd, &stable);
                if (r == -EINTR || (r >= 0 && !stable))
                        continue;
                if (r < 0)
                        return nc_observer_fail(o, r, "reading nftables table inet %s", table);
                o->state->nft = scratch->nft;
                scratch->nft = (struct nc_nft) {};
                return 0;
        }
        return nc_observer_fail(o, -EAGAIN,
                                "reading nftables table inet %s (the ruleset changed during each of %d reads)", table,
                                NC_NFT_READ_TRIES);
}
