/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <string.h>

#include <libnftnl/flowtable.h>
#include <libnftnl/object.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "nft/nft.h"
#include "util/cleanup.h"

/* Tables and netconverge's mark on them: the table's userdata holds one
 * TLV, NFTNL_UDATA_TABLE_COMMENT, with NC_TABLE_MARK and its NUL, encoded
 * as nft encodes `comment "..."` (nftables' mnl_nft_table_add()), so
 * `nft list ruleset` shows it as that table's comment. */

/* nft's limit for userdata (NFT_USERDATA_MAXLEN). */
#define NC_TABLE_USERDATA_MAX 256

void nc_nft_udata_freep(struct nftnl_udata_buf **u) {
        if (*u)
                nftnl_udata_buf_free(*u);
}

void nc_nft_set_freep(struct nftnl_set **s) {
        if (*s)
                nftnl_set_free(*s);
}

void nc_nft_flowtable_freep(struct nftnl_flowtable **f) {
        if (*f)
                nftnl_flowtable_free(*f);
}

void nc_nft_obj_freep(struct nftnl_obj **o) {
        if (*o)
                nftnl_obj_free(*o);
}

void nc_nft_table_freep(struct nftnl_table **t) {
        if (*t)
                nftnl_table_free(*t);
}

int nc_nft_table_build_active(const char *name, struct nftnl_table **ret) {
        _cleanup_(nc_nft_table_freep) struct nftnl_table *t = NULL;
        int r;

        r = nc_nft_table_build(name, false, &t);
        if (r < 0)
                return r;
        /* NFTA_TABLE_FLAGS given, as 0: without it the kernel leaves the
         * flags as they are. */
        nftnl_table_set_u32(t, NFTNL_TABLE_FLAGS, 0);
        *ret = TAKE_PTR(t);
        return 0;
}

int nc_nft_table_build(const char *name, bool mark, struct nftnl_table **ret) {
        _cleanup_(nc_nft_table_freep) struct nftnl_table *t = nftnl_table_alloc();
        _cleanup_(nc_nft_udata_freep) struct nftnl_udata_buf *u = NULL;

        if (!t || nftnl_table_set_str(t, NFTNL_TABLE_NAME, name) < 0)
                return -ENOMEM;
        nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
        if (mark) {
                u = nftnl_udata_buf_alloc(NC_TABLE_USERDATA_MAX);
                if (!u || !nftnl_udata_put_strz(u, NFTNL_UDATA_TABLE_COMMENT, NC_TABLE_MARK))
                        return -ENOMEM;
                if (nftnl_table_set_data(t, NFTNL_TABLE_USERDATA, nftnl_udata_buf_data(u),
                                         nftnl_udata_buf_len(u)) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(t);
        return 0;
}

static int mark_cb(uint8_t type, const uint8_t *v, uint8_t len, void *data) {
        bool *marked = data;

        /* The comment exactly, with its NUL: a comment a user wrote that
         * merely mentions netconverge is not the mark. */
        if (type == NFTNL_UDATA_TABLE_COMMENT && len == sizeof(NC_TABLE_MARK) &&
            memcmp(v, NC_TABLE_MARK, sizeof(NC_TABLE_MARK)) == 0)
                *marked = true;
        return 0;
}

int nc_nft_table_decode(const struct nftnl_table *t, struct nc_nft_table *ret) {
        struct nc_nft_table x = { .name = (char *) nftnl_table_get_str(t, NFTNL_TABLE_NAME) };
        uint32_t len = 0;
        const void *ud = nftnl_table_is_set(t, NFTNL_TABLE_USERDATA) ?
                                 nftnl_table_get_data(t, NFTNL_TABLE_USERDATA, &len) :
                                 NULL;

        if (!x.name)
                return -EBADMSG;
        if (nftnl_table_is_set(t, NFTNL_TABLE_FLAGS)) {
                uint32_t flags = nftnl_table_get_u32(t, NFTNL_TABLE_FLAGS);

                x.dormant = flags & NFT_TABLE_F_DORMANT;
                x.has_owner = flags & NFT_TABLE_F_OWNER;
        }
        /* The kernel names the owner's port whenever the table has one. */
        if (x.has_owner && nftnl_table_is_set(t, NFTNL_TABLE_OWNER))
                x.owner = nftnl_table_get_u32(t, NFTNL_TABLE_OWNER);
        /* Userdata is anyone's to write: one that does not parse is no mark. */
        if (ud && len > 0 && nc_nft_udata_walk(ud, len, mark_cb, &x.marked) < 0)
                x.marked = false;
        *ret = x;
        return 0;
}
