/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "plan/kinds.h"

/* The table of object kinds. Adding a kind: an enum nc_object value and
 * its phases (plan.h), a row here defined in its own kind-*.c file, the
 * differ's pass for it (diff.c), apply's row (src/apply/apply.c), its
 * observation and snapshot section; docs/architecture.md has the
 * checklist. */
static const struct nc_kind *const kinds[_NC_OBJECT_MAX] = {
        [NC_OBJECT_NETNS] = &nc_kind_netns,
        [NC_OBJECT_BRIDGE] = &nc_kind_bridge,
        [NC_OBJECT_VETH] = &nc_kind_veth,
        [NC_OBJECT_LOOPBACK] = &nc_kind_loopback,
        [NC_OBJECT_ADDRESS] = &nc_kind_address,
        [NC_OBJECT_ROUTE] = &nc_kind_route,
        [NC_OBJECT_SYSCTL] = &nc_kind_sysctl,
        [NC_OBJECT_NFT_TABLE] = &nc_kind_nft_table,
        [NC_OBJECT_NFT_CHAIN] = &nc_kind_nft_chain,
        [NC_OBJECT_NFT_RULE] = &nc_kind_nft_rule,
        [NC_OBJECT_NFT_SET] = &nc_kind_nft_set,
        [NC_OBJECT_NFT_MAP] = &nc_kind_nft_map,
        [NC_OBJECT_NFT_FLOWTABLE] = &nc_kind_nft_flowtable,
        [NC_OBJECT_NFT_STATEFUL] = &nc_kind_nft_stateful,
        [NC_OBJECT_NFT_ELEMENT] = &nc_kind_nft_element,
        [NC_OBJECT_VXLAN] = &nc_kind_vxlan,
        [NC_OBJECT_FDB] = &nc_kind_fdb,
};

const struct nc_kind *nc_kind_of(enum nc_object o) {
        return (unsigned) o < _NC_OBJECT_MAX ? kinds[o] : NULL;
}

const char *nc_object_to_string(enum nc_object o) {
        const struct nc_kind *k = nc_kind_of(o);

        return k ? k->name : NULL;
}

uint32_t nc_object_updatable(enum nc_object o) {
        const struct nc_kind *k = nc_kind_of(o);

        return k ? k->updatable : 0;
}

size_t nc_action_namespaces(const struct nc_action *a, const char *ns[static NC_ACTION_NETNS_MAX]) {
        const struct nc_kind *k = nc_kind_of(a->object);

        return k ? k->namespaces(a, ns) : 0;
}

/* For kinds of which a plan has one change per phase and namespace. */
int nc_kind_compare_none(const struct nc_action *a, const struct nc_action *b) {
        (void) a;
        (void) b;
        return 0;
}

/* For kinds that happen in the change's namespace alone. */
size_t nc_kind_own_namespace(const struct nc_action *a, const char *ns[static NC_ACTION_NETNS_MAX]) {
        ns[0] = a->netns;
        return 1;
}

int nc_kind_compare_str(const char *a, const char *b) {
        return strcmp(a, b);
}

int nc_kind_compare_u64(uint64_t a, uint64_t b) {
        return (a > b) - (a < b);
}

/* The plan's order: phase, namespace, kind, then the kind's own. */
int nc_action_compare(const struct nc_action *a, const struct nc_action *b) {
        int r;

        if (a->phase != b->phase)
                return a->phase < b->phase ? -1 : 1;
        r = strcmp(a->netns, b->netns);
        if (r != 0)
                return r;
        if (a->object != b->object)
                return a->object < b->object ? -1 : 1;
        return nc_kind_of(a->object)->compare(a, b);
}
