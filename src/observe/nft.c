/* SPDX-License-Identifier: MIT */
#include <endian.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/flowtable.h>
#include <libnftnl/object.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>

#include "nft/nft.h"
#include "observe/observer.h"
#include "util/cleanup.h"

/* The nftables tables, read-only: every inet table's name, flags and
 * whether it carries netconverge's mark (one dump of tables, small), and
 * one table's chains and rules, decoded into the normalized form, and its
 * named sets, maps, flowtables and stateful objects (all foreign: they
 * are removed). Of the other tables, of families ip, ip6 and inet, only
 * the base chains at hook forward with policy drop are kept, and the drop
 * rules of their forward base chains that foreign.c can read (the
 * pre-flight warns of them: such a chain or rule drops the bridges'
 * forwarded traffic whatever our table accepts); those rules are one
 * more dump, of every table's rules, made only when such a chain exists. The kernel cannot filter
 * a chain dump by table, and one dump of family NFPROTO_UNSPEC brings the
 * chains of every family, so the chains are one dump, made whether or not
 * the owned table exists.
 *
 * Seven dumps are not one snapshot: a commit between them (another
 * apply, a user's nft) would mix two rulesets. So the generation id is
 * read before and after, and the whole read is redone when it moved. */

#define NC_NFT_READ_TRIES 5

struct nft_reader {
        struct mnl_socket *nl;
        uint32_t seq;
        const char *wanted;             /* the table to read in full; NULL: the marked one */
        const char *table;              /* the one read in full, once chosen */
        struct nc_state *s;             /* scratch: moved to the observed state once consistent */
        const struct nc_nft_rule **prev;        /* an earlier observation's rules, by handle */
        size_t n_prev;
        /* Other tables' forward base chains, whatever their policy: their
         * rules are read for drop rules. Strings owned; freed by read_once(). */
        struct nc_nft_forward_drop *forward;
        size_t n_forward;
};

static int remember_forward(struct nft_reader *rd, const struct nc_nft_forward_drop *c) {
        struct nc_nft_forward_drop *v = reallocarray(rd->forward, rd->n_forward + 1, sizeof(*v));

        if (!v)
                return -ENOMEM;
        rd->forward = v;
        v[rd->n_forward] = (struct nc_nft_forward_drop) { .family = c->family, .table = strdup(c->table),
                                                          .chain = strdup(c->chain) };
        if (!v[rd->n_forward].table || !v[rd->n_forward].chain) {
                free(v[rd->n_forward].table);
                free(v[rd->n_forward].chain);
                return -ENOMEM;
        }
        rd->n_forward++;
        return 0;
}

static void forget_forward(struct nft_reader *rd) {
        for (size_t i = 0; i < rd->n_forward; i++) {
                free(rd->forward[i].table);
                free(rd->forward[i].chain);
        }
        free(rd->forward);
        rd->forward = NULL;
        rd->n_forward = 0;
}

static int table_cb(const struct nlmsghdr *nlh, void *data) {
        _cleanup_(nc_nft_table_freep) struct nftnl_table *t = nftnl_table_alloc();
        struct nft_reader *rd = data;
        struct nc_nft_table x;
        int r;

        if (!t)
                return -ENOMEM;
        if (nftnl_table_nlmsg_parse(nlh, t) < 0)
                return -EBADMSG;
        r = nc_nft_table_decode(t, &x);
        return r < 0 ? r : nc_state_add_nft_table(rd->s, &x);
}

/* Every inet table (the dump asks for family inet only). */
static int dump_tables(struct nft_reader *rd) {
        struct nc_nft_dump d = { .cb = table_cb, .data = rd };
        NC_NFT_REQUEST_BUF(buf);
        struct nlmsghdr *nlh;

        nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETTABLE, NFPROTO_INET, NLM_F_DUMP, ++rd->seq);
        return nc_nft_talk(rd->nl, nlh, &d);
}

/* The table to read in full, among those that exist (sorted); NULL for
 * none. */
static const char *choose_table(const struct nft_reader *rd) {
        const struct nc_nft *t = &rd->s->nft;

        if (rd->wanted) {
                const struct nc_nft_table *x = nc_nft_find_table(t, rd->wanted);

                return x ? x->name : NULL;
        }
        for (size_t i = 0; i < t->n_tables; i++)
                if (t->tables[i].marked)
                        return t->tables[i].name;
        return nc_nft_find_table(t, NC_TABLE_DEFAULT) ? NC_TABLE_DEFAULT : NULL;
}

/* The dumps are asked for our table; a message about another is ignored. */
static bool ours(const struct nft_reader *rd, const char *table) {
        return rd->table && table && strcmp(table, rd->table) == 0;
}

/* Every family's chains: our table's (inet) in full; another table's only
 * when it is a forward base chain with policy drop. */
static int chain_cb(const struct nlmsghdr *nlh, void *data) {
        _cleanup_(nc_nft_chain_freep) struct nftnl_chain *nc = nftnl_chain_alloc();
        struct nft_reader *rd = data;
        struct nc_nft_forward_drop fd;
        struct nc_nft_chain c;
        bool policy_drop = false;
        int r;

        if (!nc)
                return -ENOMEM;
        if (nftnl_chain_nlmsg_parse(nlh, nc) < 0)
                return -EBADMSG;
        if (nftnl_chain_is_set(nc, NFTNL_CHAIN_FAMILY) &&
            nftnl_chain_get_u32(nc, NFTNL_CHAIN_FAMILY) == NFPROTO_INET &&
            ours(rd, nftnl_chain_get_str(nc, NFTNL_CHAIN_TABLE))) {
                r = nc_nft_chain_decode(nc, &c);
                return r < 0 ? r : nc_state_add_nft_chain(rd->s, &c);
        }
        r = nc_nft_forward_chain_decode(nc, &fd, &policy_drop);
        if (r <= 0)
                return r;
        r = remember_forward(rd, &fd);
        return r < 0 || !policy_drop ? r : nc_state_add_nft_forward_drop(rd->s, &fd);
}

/* A rule message's handle, 0 when it has none. */
static uint64_t rule_handle(const struct nlmsghdr *nlh) {
        const struct nlattr *a;

        mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
                if (mnl_attr_get_type(a) == NFTA_RULE_HANDLE && mnl_attr_validate(a, MNL_TYPE_U64) >= 0)
                        return be64toh(mnl_attr_get_u64(a));
        return 0;
}

static int by_handle(const void *a, const void *b) {
        uint64_t x = (*(const struct nc_nft_rule *const *) a)->handle;
        uint64_t y = (*(const struct nc_nft_rule *const *) b)->handle;

        return (x > y) - (x < y);
}

/* The earlier observation's rule with the same handle and the very same
 * message (table, chain, expressions, comment), or NULL. Decoding is most
 * of reading a thousand rules (libnftnl allocates every expression), and
 * an unchanged rule decodes the same. */
static const struct nc_nft_rule *unchanged(const struct nft_reader *rd, const struct nlmsghdr *nlh,
                                           const void *raw, size_t raw_len) {
        struct nc_nft_rule key = { .handle = rule_handle(nlh) };
        const struct nc_nft_rule *k = &key, **hit;

        if (rd->n_prev == 0 || key.handle == 0)
                return NULL;
        hit = bsearch(&k, rd->prev, rd->n_prev, sizeof(*rd->prev), by_handle);
        if (!hit || (*hit)->raw_len != raw_len || memcmp((*hit)->raw, raw, raw_len) != 0)
                return NULL;
        return *hit;
}

static int rule_cb(const struct nlmsghdr *nlh, void *data) {
        _cleanup_(nc_nft_rule_freep) struct nftnl_rule *nr = NULL;
        struct nft_reader *rd = data;
        const void *raw = mnl_nlmsg_get_payload_offset(nlh, sizeof(struct nfgenmsg));
        size_t raw_len = nlh->nlmsg_len - MNL_NLMSG_HDRLEN - MNL_ALIGN(sizeof(struct nfgenmsg));
        const struct nc_nft_rule *same = unchanged(rd, nlh, raw, raw_len);
        struct nc_nft_rule rule;
        int r;

        /* The dump asked for our table only; the same bytes are in it. */
        if (same)
                return nc_state_add_nft_rule(rd->s, same);
        nr = nftnl_rule_alloc();
        if (!nr)
                return -ENOMEM;
        if (nftnl_rule_nlmsg_parse(nlh, nr) < 0)
                return -EBADMSG;
        if (!ours(rd, nftnl_rule_get_str(nr, NFTNL_RULE_TABLE)))
                return 0;
        r = nc_nft_rule_decode(nr, &rule);
        if (r < 0)
                return r;
        rule.raw = (uint8_t *) raw;
        rule.raw_len = raw_len;
        return nc_state_add_nft_rule(rd->s, &rule);
}

/* prev's rules by handle, for unchanged(). */
static int index_previous(struct nft_reader *rd, const struct nc_nft *prev) {
        /* Any table's: a rule's message names its table, so one of another
         * table never has the same bytes. */
        if (!prev || prev->n_rules == 0 || !prev->table)
                return 0;
        rd->prev = calloc(prev->n_rules, sizeof(*rd->prev));
        if (!rd->prev)
                return -ENOMEM;
        for (size_t i = 0; i < prev->n_rules; i++)
                if (prev->rules[i].raw)
                        rd->prev[rd->n_prev++] = &prev->rules[i];
        qsort(rd->prev, rd->n_prev, sizeof(*rd->prev), by_handle);
        return 0;
}

/* Every family's chains (NFPROTO_UNSPEC): the kernel ignores a table in
 * a chain dump request, and other families' forward chains are wanted. */
static int dump_chains(struct nft_reader *rd) {
        struct nc_nft_dump d = { .cb = chain_cb, .data = rd };
        NC_NFT_REQUEST_BUF(buf);
        struct nlmsghdr *nlh;

        nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETCHAIN, NFPROTO_UNSPEC, NLM_F_DUMP, ++rd->seq);
        return nc_nft_talk(rd->nl, nlh, &d);
}

static const enum nc_nft_family *family_of(uint8_t nfproto) {
        static const enum nc_nft_family families[] = { NC_NFT_FAMILY_IP, NC_NFT_FAMILY_IP6, NC_NFT_FAMILY_INET };
        static const uint8_t protos[] = { NFPROTO_IPV4, NFPROTO_IPV6, NFPROTO_INET };

        for (size_t i = 0; i < ELEMENTSOF(protos); i++)
                if (protos[i] == nfproto)
                        return &families[i];
        return NULL;
}

/* Whether the message is a rule of one of the forward chains remembered:
 * read from its attributes, before libnftnl allocates every expression
 * (the dump brings every table's rules, ours included). */
static const struct nc_nft_forward_drop *forward_chain_of(const struct nft_reader *rd, const struct nlmsghdr *nlh) {
        const struct nfgenmsg *g = mnl_nlmsg_get_payload(nlh);
        const enum nc_nft_family *f = family_of(g->nfgen_family);
        const char *table = NULL, *chain = NULL;
        const struct nlattr *a;

        if (!f)
                return NULL;
        mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
                if (mnl_attr_get_type(a) == NFTA_RULE_TABLE && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
                        table = mnl_attr_get_str(a);
                else if (mnl_attr_get_type(a) == NFTA_RULE_CHAIN && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
                        chain = mnl_attr_get_str(a);
        }
        for (size_t i = 0; table && chain && i < rd->n_forward; i++)
                if (rd->forward[i].family == *f && strcmp(rd->forward[i].table, table) == 0 &&
                    strcmp(rd->forward[i].chain, chain) == 0)
                        return &rd->forward[i];
        return NULL;
}

static int foreign_rule_cb(const struct nlmsghdr *nlh, void *data) {
        _cleanup_(nc_nft_rule_freep) struct nftnl_rule *nr = NULL;
        struct nft_reader *rd = data;
        const struct nc_nft_forward_drop *c = forward_chain_of(rd, nlh);
        struct nc_nft_drop_rule_buf buf;
        struct nc_nft_drop_rule d;
        int r;

        if (!c)
                return 0;
        nr = nftnl_rule_alloc();
        if (!nr)
                return -ENOMEM;
        if (nftnl_rule_nlmsg_parse(nlh, nr) < 0)
                return -EBADMSG;
        r = nc_nft_drop_rule_decode(nr, c->family, &buf, &d);
        return r <= 0 ? r : nc_state_add_nft_drop_rule(rd->s, &d);
}

/* Every family's rules (the kernel cannot filter a dump by chain alone,
 * and the forward chains may be in several tables): one dump, asked for
 * only when another table has a forward base chain. */
static int dump_foreign_rules(struct nft_reader *rd) {
        struct nc_nft_dump d = { .cb = foreign_rule_cb, .data = rd };
        NC_NFT_REQUEST_BUF(buf);
        struct nlmsghdr *nlh;

        if (rd->n_forward == 0)
                return 0;
        nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETRULE, NFPROTO_UNSPEC, NLM_F_DUMP, ++rd->seq);
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

/* Named sets and maps: all foreign (state.h). An anonymous set is its
 * rule's and goes with it. */
static int set_cb(const struct nlmsghdr *nlh, void *data) {
        _cleanup_(nc_nft_set_freep) struct nftnl_set *x = nftnl_set_alloc();
        struct nft_reader *rd = data;
        struct nc_nft_object o = { .kind = NC_NFT_SET };
        char type[160];
        uint32_t flags = 0;

        if (!x)
                return -ENOMEM;
        if (nftnl_set_nlmsg_parse(nlh, x) < 0)
                return -EBADMSG;
        if (!ours(rd, nftnl_set_get_str(x, NFTNL_SET_TABLE)))
                return 0;
        o.name = (char *) nftnl_set_get_str(x, NFTNL_SET_NAME);
        if (!o.name)
                return -EBADMSG;
        if (nftnl_set_is_set(x, NFTNL_SET_FLAGS))
                flags = nftnl_set_get_u32(x, NFTNL_SET_FLAGS);
        if (flags & NFT_SET_ANONYMOUS)
                return 0;
        if (flags & (NFT_SET_MAP | NFT_SET_OBJECT))
                o.kind = NC_NFT_MAP;
        /* A data map's exact flags: a timeout, an interval or a verdict
         * map is another kind of map, even with a port map's types. */
        if (flags == NFT_SET_MAP)
                o.type = (char *) nc_nft_map_type(x, type, sizeof(type));
        if (nftnl_set_is_set(x, NFTNL_SET_HANDLE))
                o.handle = nftnl_set_get_u64(x, NFTNL_SET_HANDLE);
        return nc_state_add_nft_object(rd->s, &o);
}

static int flowtable_cb(const struct nlmsghdr *nlh, void *data) {
        _cleanup_(nc_nft_flowtable_freep) struct nftnl_flowtable *x = nftnl_flowtable_alloc();
        struct nft_reader *rd = data;
        struct nc_nft_object o = { .kind = NC_NFT_FLOWTABLE };

        if (!x)
                return -ENOMEM;
        if (nftnl_flowtable_nlmsg_parse(nlh, x) < 0)
                return -EBADMSG;
        if (!ours(rd, nftnl_flowtable_get_str(x, NFTNL_FLOWTABLE_TABLE)))
                return 0;
        o.name = (char *) nftnl_flowtable_get_str(x, NFTNL_FLOWTABLE_NAME);
        if (!o.name)
                return -EBADMSG;
        if (nftnl_flowtable_is_set(x, NFTNL_FLOWTABLE_HANDLE))
                o.handle = nftnl_flowtable_get_u64(x, NFTNL_FLOWTABLE_HANDLE);
        return nc_state_add_nft_object(rd->s, &o);
}

/* Stateful objects of a type with a name here; another type (a newer
 * kernel's) is left out. */
static int obj_cb(const struct nlmsghdr *nlh, void *data) {
        _cleanup_(nc_nft_obj_freep) struct nftnl_obj *x = nftnl_obj_alloc();
        struct nft_reader *rd = data;
        struct nc_nft_object o = {};
        int k;

        if (!x)
                return -ENOMEM;
        if (nftnl_obj_nlmsg_parse(nlh, x) < 0)
                return -EBADMSG;
        if (!ours(rd, nftnl_obj_get_str(x, NFTNL_OBJ_TABLE)))
                return 0;
        o.name = (char *) nftnl_obj_get_str(x, NFTNL_OBJ_NAME);
        if (!o.name)
                return -EBADMSG;
        k = nftnl_obj_is_set(x, NFTNL_OBJ_TYPE) ? nc_nft_object_kind_from_type(nftnl_obj_get_u32(x, NFTNL_OBJ_TYPE))
                                                : -EINVAL;
        if (k < 0)
                return 0;
        o.kind = (enum nc_nft_object_kind) k;
        if (nftnl_obj_is_set(x, NFTNL_OBJ_HANDLE))
                o.handle = nftnl_obj_get_u64(x, NFTNL_OBJ_HANDLE);
        return nc_state_add_nft_object(rd->s, &o);
}

/* The kernel filters these dumps by the table named in the request. */
static int dump_sets(struct nft_reader *rd) {
        _cleanup_(nc_nft_set_freep) struct nftnl_set *x = nftnl_set_alloc();
        struct nc_nft_dump d = { .cb = set_cb, .data = rd };
        NC_NFT_REQUEST_BUF(buf);
        struct nlmsghdr *nlh;

        if (!x || nftnl_set_set_str(x, NFTNL_SET_TABLE, rd->table) < 0)
                return -ENOMEM;
        nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETSET, NFPROTO_INET, NLM_F_DUMP, ++rd->seq);
        nftnl_set_nlmsg_build_payload(nlh, x);
        return nc_nft_talk(rd->nl, nlh, &d);
}

/* The elements of one port map, decoded into the normalized ports. */
struct element_reader {
        struct nft_reader *rd;
        const char *map;
};

static int element_one(struct nftnl_set_elem *x, void *data) {
        struct element_reader *er = data;
        struct nc_nft_rule e;
        int r = nc_nft_element_decode(x, er->map, &e);

        /* An element not laid out as ours (0) cannot be in a map of our
         * type; it is left out. */
        return r <= 0 ? r : nc_state_add_nft_element(er->rd->s, &e);
}

static int element_cb(const struct nlmsghdr *nlh, void *data) {
        _cleanup_(nc_nft_set_freep) struct nftnl_set *x = nftnl_set_alloc();
        struct element_reader *er = data;

        if (!x)
                return -ENOMEM;
        if (nftnl_set_elems_nlmsg_parse(nlh, x) < 0)
                return -EBADMSG;
        if (!ours(er->rd, nftnl_set_get_str(x, NFTNL_SET_TABLE)))
                return 0;
        return nftnl_set_elem_foreach(x, element_one, er);
}

/* Whether o is one of the port maps, of its very type: only those hold
 * ports (another's map of that name is removed, unread). */
static bool port_map(const struct nc_nft_object *o) {
        const char *name, *type;
        enum nc_proto proto;
        bool v6, by_addr;

        if (o->kind != NC_NFT_MAP || !o->type || nc_nft_port_map_parse(o->name, &v6, &proto, &by_addr) < 0)
                return false;
        nc_nft_port_map(v6, proto, by_addr, &name, &type);
        return strcmp(o->type, type) == 0;
}

/* The port maps' elements (SPEC 7.2): one dump per map in use. */
static int dump_elements(struct nft_reader *rd) {
        size_t n = rd->s->nft.n_objects;
        int r;

        for (size_t i = 0; i < n; i++) {
                _cleanup_(nc_nft_set_freep) struct nftnl_set *x = NULL;
                struct element_reader er = { .rd = rd, .map = rd->s->nft.objects[i].name };
                struct nc_nft_dump d = { .cb = element_cb, .data = &er };
                NC_NFT_REQUEST_BUF(buf);
                struct nlmsghdr *nlh;

                if (!port_map(&rd->s->nft.objects[i]))
                        continue;
                x = nftnl_set_alloc();
                if (!x || nftnl_set_set_str(x, NFTNL_SET_TABLE, rd->table) < 0 ||
                    nftnl_set_set_str(x, NFTNL_SET_NAME, er.map) < 0)
                        return -ENOMEM;
                nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETSETELEM, NFPROTO_INET, NLM_F_DUMP, ++rd->seq);
                nftnl_set_elems_nlmsg_build_payload(nlh, x);
                r = nc_nft_talk(rd->nl, nlh, &d);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int dump_objs(struct nft_reader *rd) {
        _cleanup_(nc_nft_obj_freep) struct nftnl_obj *x = nftnl_obj_alloc();
        struct nc_nft_dump d = { .cb = obj_cb, .data = rd };
        NC_NFT_REQUEST_BUF(buf);
        struct nlmsghdr *nlh;

        if (!x)
                return -ENOMEM;
        /* void in libnftnl: an allocation failure shows as unset. */
        nftnl_obj_set_str(x, NFTNL_OBJ_TABLE, rd->table);
        if (!nftnl_obj_is_set(x, NFTNL_OBJ_TABLE))
                return -ENOMEM;
        nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETOBJ, NFPROTO_INET, NLM_F_DUMP, ++rd->seq);
        nftnl_obj_nlmsg_build_payload(nlh, x);
        return nc_nft_talk(rd->nl, nlh, &d);
}

static int dump_flowtables(struct nft_reader *rd) {
        _cleanup_(nc_nft_flowtable_freep) struct nftnl_flowtable *x = nftnl_flowtable_alloc();
        struct nc_nft_dump d = { .cb = flowtable_cb, .data = rd };
        NC_NFT_REQUEST_BUF(buf);
        struct nlmsghdr *nlh;
        int r;

        if (!x || nftnl_flowtable_set_str(x, NFTNL_FLOWTABLE_TABLE, rd->table) < 0)
                return -ENOMEM;
        nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETFLOWTABLE, NFPROTO_INET, NLM_F_DUMP, ++rd->seq);
        nftnl_flowtable_nlmsg_build_payload(nlh, x);
        r = nc_nft_talk(rd->nl, nlh, &d);
        /* A kernel without flowtables (before 4.16) has none. */
        return r == -EOPNOTSUPP ? 0 : r;
}

/* One read into rd->s. *ret_stable: no commit happened during it. */
static int read_once(struct nft_reader *rd, bool *ret_stable) {
        uint32_t before = 0, after = 0;
        int r;

        r = nc_nft_get_genid(rd->nl, ++rd->seq, &before);
        if (r >= 0)
                r = dump_tables(rd);
        if (r >= 0) {
                nc_state_sort(rd->s);
                rd->table = choose_table(rd);
        }
        if (r >= 0 && rd->table)
                r = nc_state_set_nft_table(rd->s, rd->table);
        /* With or without our table: other tables' forward chains. */
        if (r >= 0)
                r = dump_chains(rd);
        if (r >= 0)
                r = dump_foreign_rules(rd);
        forget_forward(rd);
        if (r >= 0 && rd->table) {
                r = dump_rules(rd);
                if (r >= 0)
                        r = dump_sets(rd);
                if (r >= 0)
                        r = dump_elements(rd);
                if (r >= 0)
                        r = dump_flowtables(rd);
                if (r >= 0)
                        r = dump_objs(rd);
        }
        if (r >= 0)
                r = nc_nft_get_genid(rd->nl, ++rd->seq, &after);
        *ret_stable = r >= 0 && before == after;
        return r;
}

int nc_observe_nft(struct nc_observer *o, const char *table, const struct nc_nft *prev) {
        _cleanup_free_ const struct nc_nft_rule **by_handle_prev = NULL;
        struct nft_reader base = { .wanted = table };
        int r;

        char what[300];

        /* For messages: the table named, or all of them. */
        snprintf(what, sizeof(what), "%s%s", table ? "nftables table inet " : "the nftables tables",
                 table ? table : "");

        r = index_previous(&base, prev);
        if (r < 0)
                return nc_observer_fail(o, r, "reading %s", what);
        by_handle_prev = base.prev;
        for (unsigned i = 0; i < NC_NFT_READ_TRIES; i++) {
                _cleanup_(nc_mnl_socket_closep) struct mnl_socket *nl = NULL;
                _cleanup_(nc_state_freep) struct nc_state *scratch = nc_state_new();
                struct nft_reader rd = base;
                bool stable = false;

                if (!scratch)
                        return nc_observer_fail(o, -ENOMEM, "reading %s", what);
                rd.s = scratch;
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
                        return nc_observer_fail(o, r, "reading %s", what);
                o->state->nft = scratch->nft;
                scratch->nft = (struct nc_nft) {};
                return 0;
        }
        return nc_observer_fail(o, -EAGAIN,
                                "reading %s (the ruleset changed during each of %d reads)", what,
                                NC_NFT_READ_TRIES);
}

/* The table read on a thread of its own, alongside the rest: after an
 * apply, reading the table (the kernel's dump of a thousand rules) is most
 * of what a verify reads, and the rest is a few small dumps. */
static void *nft_job_run(void *data) {
        struct nc_nft_job *j = data;
        struct nc_observer o = { .state = j->state, .err = j->err, .errlen = sizeof(j->err) };

        j->r = nc_observe_nft(&o, j->table, j->prev);
        return NULL;
}

int nc_observe_nft_start(struct nc_nft_job *j, const char *table, const struct nc_nft *prev) {
        *j = (struct nc_nft_job) { .table = table, .prev = prev, .state = nc_state_new() };
        if (!j->state)
                return -ENOMEM;
        /* No thread: the read happens in finish(). */
        j->started = pthread_create(&j->thread, NULL, nft_job_run, j) == 0;
        return 0;
}

int nc_observe_nft_finish(struct nc_nft_job *j, struct nc_observer *o) {
        if (j->started) {
                pthread_join(j->thread, NULL);
                j->started = false;
        } else
                nft_job_run(j);
        if (j->r < 0) {
                if (o->err && o->errlen > 0)
                        snprintf(o->err, o->errlen, "%s", j->err);
                return j->r;
        }
        o->state->nft = j->state->nft;
        j->state->nft = (struct nc_nft) {};
        return 0;
}

void nc_observe_nft_job_done(struct nc_nft_job *j) {
        if (j->started) {
                pthread_join(j->thread, NULL);
                j->started = false;
        }
        j->state = nc_state_free(j->state);
}
