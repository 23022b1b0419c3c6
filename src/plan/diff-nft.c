/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/internal.h"

/* The owned table, rule by rule: a wanted rule is found by (chain, key);
 * same key and same normalized form is in sync, a different form is
 * replaced in place (it keeps its handle), and every rule of the table
 * that nobody wants (no key, unknown key, a second copy) is removed, as
 * are its chains that are not ours and all its sets, maps and flowtables
 * but the published ports' maps (diff-ports.c). A dormant table is woken;
 * a table another process owns (NFT_TABLE_F_OWNER) is a conflict.
 *
 * Which table is ours is its mark (state.h): a marked table other than
 * the wanted one goes; a table of the wanted name without the mark is a
 * conflict, unless everything in it is what an earlier netconverge (one
 * that did not mark) made, and then it is taken over. Other tables are
 * never touched. */

#include "plan/diff-nft.h"

struct nc_action *nc_plan_nft_push(struct nft_differ *d, enum nc_phase phase, enum nc_change change,
                                   enum nc_object object) {
        struct nc_action *a;

        if (d->r < 0)
                return NULL;
        a = nc_plan_push(d->plan, d->cap, phase, change, object, "");
        if (!a) {
                d->r = -ENOMEM;
                return NULL;
        }
        a->nft.table = d->want->table ? d->want->table : d->have->table;
        return a;
}

static bool chain_same(const struct nc_nft_chain *a, const struct nc_nft_chain *b) {
        if (a->hook != b->hook)
                return false;
        if (a->hook == NC_HOOK_NONE)
                return true;
        return strcmp(a->type ? a->type : "", b->type ? b->type : "") == 0 && a->priority == b->priority &&
               a->policy_drop == b->policy_drop;
}

/* What differs between a chain of ours and the one wanted: only
 * NC_DIFF_REPLACE (a base chain's hook, type, priority or policy cannot
 * change in place: it is made again). */
static uint32_t chain_diff(const struct nc_nft_chain *want, const struct nc_nft_chain *have) {
        return chain_same(want, have) ? 0 : NC_DIFF_REPLACE;
}

static void remove_chain(struct nft_differ *d, size_t i) {
        struct nc_action *a;

        d->chain_gone[i] = true;
        a = nc_plan_nft_push(d, NC_PHASE_NFT_REMOVE_CHAIN, NC_CHANGE_REMOVE, NC_OBJECT_NFT_CHAIN);
        if (a)
                a->nft.chain.have = &d->have->chains[i];
}

static void add_chain(struct nft_differ *d, size_t i) {
        struct nc_action *a;

        d->chain_fresh[i] = true;
        a = nc_plan_nft_push(d, NC_PHASE_NFT_CHAIN, NC_CHANGE_ADD, NC_OBJECT_NFT_CHAIN);
        if (a)
                a->nft.chain.want = &d->want->chains[i];
}

static int chain_order(const void *ctx, bool a_want, size_t a, bool b_want, size_t b) {
        const struct nft_differ *d = ctx;

        return nc_nft_chain_key_compare(&(a_want ? d->want : d->have)->chains[a],
                                        &(b_want ? d->want : d->have)->chains[b]);
}

/* Chains by name, merged; in a table made by this plan all are new. */
static void diff_chains(struct nft_differ *d) {
        struct nc_merge m = { .n_want = d->want->n_chains, .n_have = d->table_fresh ? 0 : d->have->n_chains,
                              .compare = chain_order, .ctx = d };
        struct nc_run run;

        while (nc_merge_next(&m, &run)) {
                uint32_t diff = run.n_want && run.n_have
                                        ? chain_diff(&d->want->chains[run.want], &d->have->chains[run.have])
                                        : 0;

                if (run.n_want && run.n_have && !(diff & ~nc_object_updatable(NC_OBJECT_NFT_CHAIN)))
                        continue;
                if (run.n_have)
                        remove_chain(d, run.have);
                if (run.n_want)
                        add_chain(d, run.want);
        }
}

static bool want_chain_fresh(const struct nft_differ *d, const char *name) {
        const struct nc_nft_chain *w = nc_nft_find_chain(d->want, name);

        return d->table_fresh || (w && d->chain_fresh[w - d->want->chains]);
}

static bool have_chain_gone(const struct nft_differ *d, const char *name) {
        const struct nc_nft_chain *h = nc_nft_find_chain(d->have, name);

        return !h || d->chain_gone[h - d->have->chains];
}

static int rule_order(const void *ctx, bool a_want, size_t a, bool b_want, size_t b) {
        const struct nft_differ *d = ctx;

        return nc_nft_rule_key_compare(&(a_want ? d->want : d->have)->rules[a],
                                       &(b_want ? d->want : d->have)->rules[b]);
}

/* A rule of a container left as it is (SPEC 7.7). */
bool nc_plan_nft_rule_kept(const struct nft_differ *d, const struct nc_nft_rule *h) {
        for (size_t i = 0; h->key && i < d->plan->n_kept_rule_keys; i++)
                if (strcmp(d->plan->kept_rule_keys[i], h->key) == 0)
                        return true;
        return false;
}

/* Whether the plan removes any of the table's sets, maps...: all but the
 * port maps it keeps (nc_plan_nft_diff_maps() ran before the rules). */
static bool removes_objects(const struct nft_differ *d) {
        for (size_t i = 0; !d->table_fresh && i < d->have->n_objects; i++)
                if (!d->object_kept[i])
                        return true;
        return false;
}

/* The wanted rule against the observed one of its chain and key (NULL:
 * none), as a change if they differ. */
static void diff_rule(struct nft_differ *d, const struct nc_nft_rule *w, const struct nc_nft_rule *h) {
        struct nc_action *a;
        uint32_t diff;

        if (want_chain_fresh(d, w->chain))
                h = NULL;
        /* A rule with our key but not our shape may use a set or map this
         * plan removes, and a replacement comes after that removal in the
         * batch (EBUSY): it is removed first instead, with the foreign
         * rules, and added again. */
        if (h && h->kind == NC_RULE_OTHER && removes_objects(d))
                h = NULL;
        /* A lookup of a map made again (another's of that name) goes
         * before the map does, and comes back after it. */
        if (h && w->kind == NC_RULE_DNAT_MAP && nc_plan_nft_map_fresh(d, w->target))
                h = NULL;
        if (h)
                d->rule_used[h - d->have->rules] = true;
        diff = h && !nc_nft_rule_equal(w, h) ? NC_DIFF_RULE : 0;
        if (h && !diff)
                return;
        a = nc_plan_nft_push(d, NC_PHASE_NFT_RULE, h ? NC_CHANGE_MODIFY : NC_CHANGE_ADD, NC_OBJECT_NFT_RULE);
        if (!a)
                return;
        a->nft.rule.want = w;
        a->nft.rule.have = h;
        a->diff = diff;
}

/* An observed rule nobody uses goes, unless its chain goes (flushed with
 * it) or a container left as it is holds it. */
static void remove_rule(struct nft_differ *d, size_t i) {
        const struct nc_nft_rule *h = &d->have->rules[i];
        struct nc_action *a;

        if (d->rule_used[i] || have_chain_gone(d, h->chain) || nc_plan_nft_rule_kept(d, h) ||
            nc_plan_nft_map_held(d, h))
                return;
        a = nc_plan_nft_push(d, NC_PHASE_NFT_REMOVE_RULE, NC_CHANGE_REMOVE, NC_OBJECT_NFT_RULE);
        if (!a)
                return;
        a->nft.rule.have = h;
        if (nc_plan_nft_port_moved(d, h))
                a->diff = NC_DIFF_MOVED;
}

/* Rules by (chain, key), merged: the k-th wanted rule of a key meets the
 * k-th observed one; a second copy, a rule without our key, or one we no
 * longer want is removed. In a table made by this plan all are new. */
static void diff_rules(struct nft_differ *d) {
        struct nc_merge m = { .n_want = d->want->n_rules, .n_have = d->table_fresh ? 0 : d->have->n_rules,
                              .compare = rule_order, .ctx = d };
        struct nc_run run;

        while (nc_merge_next(&m, &run)) {
                for (size_t k = 0; k < run.n_want; k++)
                        diff_rule(d, &d->want->rules[run.want + k],
                                  k < run.n_have ? &d->have->rules[run.have + k] : NULL);
                for (size_t k = 0; k < run.n_have; k++)
                        remove_rule(d, run.have + k);
        }
}

/* Whether t, unmarked, is a table an earlier netconverge made: evidence
 * enough to take it over. That version made all five chains at once, with
 * the very hooks, types and priorities, policy accept, and every rule with
 * the key its kind and fields give (lower-nft.c), in the chain that kind
 * goes in. A table with nothing in it, or with only some of our chains,
 * could be anyone's: a user's `nft add table inet netconverge`, or a
 * table made for another purpose; it is not taken. */
static bool made_by_earlier_version(const struct nc_nft *t) {
        /* It made no set or flowtable either; the maps only for ports. */
        bool legacy = t->n_chains == NC_PLAN_LEGACY_CHAINS;

        /* Its five chains, or (an unmarked copy of) today's whole set. */
        if ((!legacy && t->n_chains != nc_plan_nft_n_chains()) || !nc_plan_nft_ports_all_ours(t))
                return false;
        for (size_t i = 0; i < t->n_chains; i++) {
                const struct nc_nft_chain *ours = legacy ? nc_plan_nft_legacy_chain(t->chains[i].name)
                                                         : nc_plan_nft_chain(t->chains[i].name);

                if (!ours || !chain_same(ours, &t->chains[i]))
                        return false;
        }
        for (size_t i = 0; i < t->n_rules; i++) {
                const struct nc_nft_rule *r = &t->rules[i];
                char key[NC_RULE_KEY_MAX];
                const char *chain;

                if (!r->key || nc_plan_nft_rule_key(r, key, sizeof(key), &chain) < 0 || strcmp(key, r->key) != 0 ||
                    strcmp(chain, r->chain) != 0)
                        return false;
        }
        return true;
}

/* The observed full table is the one named, an earlier netconverge's. */
static bool is_legacy(const struct nc_nft *have, const char *name) {
        const struct nc_nft_table *x = nc_nft_find_table(have, name);

        return x && !x->marked && have->table && strcmp(have->table, name) == 0 && made_by_earlier_version(have);
}

static void remove_table(struct nft_differ *d, const char *name) {
        struct nc_action *a = nc_plan_nft_push(d, NC_PHASE_NFT_REMOVE_TABLE, NC_CHANGE_REMOVE, NC_OBJECT_NFT_TABLE);

        if (a)
                a->nft.table = name;
}

/* A table held by another process (NFT_TABLE_F_OWNER): the kernel
 * refuses every change to it from our socket (EPERM), so planning any is
 * a conflict, found before anything changes. -1 when it is one. */
static int owned_elsewhere(struct nft_differ *d, const struct nc_nft_table *x, size_t *cap_conflicts) {
        char port[48] = "";
        int r;

        if (!x->has_owner)
                return 0;
        if (x->owner)
                snprintf(port, sizeof(port), " (netlink port id %" PRIu32 ")", x->owner);
        r = nc_plan_conflict(d->plan, cap_conflicts,
                             "nftables table inet %s is owned by another process%s: the kernel lets only that "
                             "process change it, and the table goes when it closes its socket; stop that process, "
                             "or set settings.table to another name",
                             x->name, port);
        if (r < 0)
                d->r = r;
        return -1;
}

/* Every owned table but the wanted one goes, with its chains and rules:
 * the tables of an earlier settings.table, and all of them for destroy. */
static void remove_unwanted_tables(struct nft_differ *d, size_t *cap_conflicts) {
        const char *want = d->want->table;

        for (size_t i = 0; i < d->have->n_tables; i++) {
                const struct nc_nft_table *x = &d->have->tables[i];

                if (want && strcmp(x->name, want) == 0)
                        continue;
                /* An earlier netconverge's table is found only as the
                 * one read in full (the file's, or the default's name). */
                if ((x->marked || is_legacy(d->have, x->name)) && owned_elsewhere(d, x, cap_conflicts) == 0)
                        remove_table(d, x->name);
        }
}

/* The table's sets, maps, flowtables and stateful objects: but for the
 * port maps of ours kept (diff-ports.c), none is ours (state.h), each is removed, in the phase that puts it after the rules
 * using it and, for a map, before the chains it jumps to. */
static void remove_objects(struct nft_differ *d) {
        static const struct {
                enum nc_phase phase;
                enum nc_object object;
        } by_kind[_NC_NFT_OBJECT_KIND_MAX] = {
                [NC_NFT_SET] = { NC_PHASE_NFT_REMOVE_SET, NC_OBJECT_NFT_SET },
                [NC_NFT_MAP] = { NC_PHASE_NFT_REMOVE_SET, NC_OBJECT_NFT_MAP },
                [NC_NFT_FLOWTABLE] = { NC_PHASE_NFT_REMOVE_FLOWTABLE, NC_OBJECT_NFT_FLOWTABLE },
        };

        for (size_t i = 0; i < d->have->n_objects; i++) {
                const struct nc_nft_object *o = &d->have->objects[i];
                struct nc_action *a;

                if ((unsigned) o->kind >= _NC_NFT_OBJECT_KIND_MAX || d->object_kept[i])
                        continue;
                /* Stateful objects last, with the flowtables: an object map
                 * (removed with the sets) holds them. */
                if (nc_nft_object_kind_type(o->kind))
                        a = nc_plan_nft_push(d, NC_PHASE_NFT_REMOVE_FLOWTABLE, NC_CHANGE_REMOVE, NC_OBJECT_NFT_STATEFUL);
                else
                        a = nc_plan_nft_push(d, by_kind[o->kind].phase, NC_CHANGE_REMOVE, by_kind[o->kind].object);
                if (a)
                        a->nft.object = o;
        }
}

/* The wanted table as it is. 0: its chains and rules are diffed, against
 * it, or all new (table_fresh) when it is made (missing, or an earlier
 * netconverge's taken over). -1: it is not ours, a conflict, and nothing
 * is planned for it. */
static int table_state(struct nft_differ *d, size_t *cap_conflicts) {
        const char *want = d->want->table;
        const struct nc_nft_table *x = nc_nft_find_table(d->have, want);
        bool read = d->have->table && strcmp(d->have->table, want) == 0;
        struct nc_action *a;
        int r;

        if (!x) {
                nc_plan_nft_push(d, NC_PHASE_NFT_TABLE, NC_CHANGE_ADD, NC_OBJECT_NFT_TABLE);
                d->table_fresh = true;
                return 0;
        }
        if (owned_elsewhere(d, x, cap_conflicts) < 0)
                return -1;
        if (x->marked && read) {
                /* Dormant, none of its rules sees a packet: woken in
                 * place, in the batch, its chains and rules kept. */
                if (x->dormant) {
                        a = nc_plan_nft_push(d, NC_PHASE_NFT_TABLE, NC_CHANGE_MODIFY, NC_OBJECT_NFT_TABLE);
                        if (a)
                                a->diff = NC_DIFF_DORMANT;
                }
                return 0;
        }
        if (!x->marked && is_legacy(d->have, want)) {
                a = nc_plan_nft_push(d, NC_PHASE_NFT_TABLE, NC_CHANGE_MODIFY, NC_OBJECT_NFT_TABLE);
                if (a)
                        a->diff = NC_DIFF_MARK;
                d->table_fresh = true;
                return 0;
        }
        if (x->marked)
                /* Only a snapshot can lack the table it marks as ours. */
                r = nc_plan_conflict(d->plan, cap_conflicts,
                                     "nftables table inet %s is netconverge's, but the observed state holds none of "
                                     "its chains and rules",
                                     want);
        else
                r = nc_plan_conflict(d->plan, cap_conflicts,
                                     "nftables table inet %s exists and is not managed by netconverge; set "
                                     "settings.table to another name, or delete the table",
                                     want);
        if (r < 0)
                d->r = r;
        return -1;
}

int nc_plan_diff_nft(const struct nc_state *observed, struct nc_plan *plan, size_t *cap_actions,
                     size_t *cap_conflicts) {
        struct nft_differ d = { .have = &observed->nft, .want = &plan->desired->nft, .plan = plan, .cap = cap_actions };
        struct nc_nft have = observed->nft;
        struct nc_nft_table one = { .name = have.table, .marked = true };
        /* A state that lists no tables but has one (made by hand, in a
         * test) has it marked. */
        if (have.n_tables == 0 && have.table) {
                have.tables = &one;
                have.n_tables = 1;
                d.have = &have;
        }

        remove_unwanted_tables(&d, cap_conflicts);
        if (!d.want->table || d.r < 0)
                return d.r;
        if (table_state(&d, cap_conflicts) < 0)
                return d.r;
        d.chain_fresh = calloc(d.want->n_chains + 1, sizeof(*d.chain_fresh));
        d.chain_gone = calloc(d.have->n_chains + 1, sizeof(*d.chain_gone));
        d.rule_used = calloc(d.have->n_rules + 1, sizeof(*d.rule_used));
        d.map_fresh = calloc(d.want->n_objects + 1, sizeof(*d.map_fresh));
        d.object_kept = calloc(d.have->n_objects + 1, sizeof(*d.object_kept));
        if (!d.chain_fresh || !d.chain_gone || !d.rule_used || !d.map_fresh || !d.object_kept) {
                d.r = -ENOMEM;
                goto out;
        }
        diff_chains(&d);
        nc_plan_nft_diff_maps(&d);
        diff_rules(&d);
        nc_plan_nft_diff_elements(&d);
        if (!d.table_fresh)
                remove_objects(&d);
out:
        free(d.chain_fresh);
        free(d.chain_gone);
        free(d.rule_used);
        free(d.map_fresh);
        free(d.object_kept);
        return d.r;
}
