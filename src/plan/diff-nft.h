/* SPDX-License-Identifier: MIT */
#pragma once

#include "plan/internal.h"

/* The owned table's differ, shared by diff-nft.c (table, chains, rules,
 * foreign objects) and diff-ports.c (the port maps and their elements). */
struct nft_differ {
        const struct nc_nft *have, *want;
        struct nc_plan *plan;
        size_t *cap;
        bool table_fresh;       /* created by this plan: everything in it is new */
        bool *chain_fresh;      /* per want chain */
        bool *chain_gone;       /* per have chain */
        bool *rule_used;        /* per have rule */
        bool *map_fresh;        /* per want object: made by this plan (its elements are all new) */
        bool *object_kept;      /* per have object: a port map of ours, kept as it is */
        int r;
};

/* A change of the table, appended to the plan (NULL once out of memory:
 * d->r says so). */
struct nc_action *nc_plan_nft_push(struct nft_differ *d, enum nc_phase phase, enum nc_change change,
                                   enum nc_object object);
/* An observed rule or element of a container left as it is (SPEC 7.7). */
bool nc_plan_nft_rule_kept(const struct nft_differ *d, const struct nc_nft_rule *h);

/* diff-ports.c: the port maps (ours by name and type; another's of that
 * name is removed and made again), before the rules that look them up. */
void nc_plan_nft_diff_maps(struct nft_differ *d);
/* Whether h is the lookup rule of a map nobody wants that stays for a
 * container left as it is. */
bool nc_plan_nft_map_held(const struct nft_differ *d, const struct nc_nft_rule *h);
/* Whether the wanted map of that name is made by this plan. */
bool nc_plan_nft_map_fresh(const struct nft_differ *d, const char *name);
/* The elements, by (map, key): in sync, added, removed, or a changed
 * target removed and added. */
void nc_plan_nft_diff_elements(struct nft_differ *d);
/* Whether an observed rule is a published port that lives on as a wanted
 * element with the same translation (a table of one rule per port). */
bool nc_plan_nft_port_moved(const struct nft_differ *d, const struct nc_nft_rule *h);
/* Whether the table's sets, maps... are all port maps of ours, and their
 * elements all carry the keys their ports give (a table an earlier
 * netconverge made, taken over, has nothing else). */
bool nc_plan_nft_ports_all_ours(const struct nc_nft *t);
