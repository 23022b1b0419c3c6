/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netconverge/addr.h"
#include "plan/internal.h"
#include "util/cleanup.h"
#include "util/strbuf.h"

/* The observed state is indexed once, for lowering (the addresses
 * containers hold) and for the diff. */
int nc_plan_compute(const struct nc_model *desired, const struct nc_state *observed, struct nc_plan **ret) {
        struct nc_plan *p = calloc(1, sizeof(*p));
        struct nc_state_index have = {};
        struct nc_netns_ids ids = {};
        int r;

        if (!p)
                return -ENOMEM;
        r = nc_netns_ids_init(&ids);
        if (r >= 0)
                r = nc_state_index_init(&have, observed, &ids);
        if (r >= 0)
                r = nc_plan_lower(desired, &have, &ids, p);
        if (r >= 0)
                r = nc_plan_diff(&have, &ids, p);
        if (r >= 0)
                r = nc_plan_find_disruptions(p, observed);
        nc_state_index_done(&have);
        nc_netns_ids_done(&ids);
        if (r < 0) {
                nc_plan_free(p);
                return r;
        }
        *ret = p;
        return 0;
}

struct nc_action *nc_plan_push(struct nc_plan *p, size_t *cap, enum nc_phase phase, enum nc_change change,
                               enum nc_object object, const char *netns) {
        struct nc_action *a;

        if (nc_grow(&p->actions, cap, p->n_actions + 1, sizeof(*p->actions)) < 0)
                return NULL;
        a = &p->actions[p->n_actions++];
        *a = (struct nc_action) { .phase = phase, .change = change, .object = object, .netns = netns };
        if (change == NC_CHANGE_ADD)
                p->n_add++;
        else if (change == NC_CHANGE_MODIFY)
                p->n_modify++;
        else
                p->n_remove++;
        return a;
}

int nc_plan_conflict(struct nc_plan *p, size_t *cap, const char *fmt, ...) {
        struct nc_strbuf b = {};
        va_list ap;

        if (nc_grow(&p->conflicts, cap, p->n_conflicts + 1, sizeof(*p->conflicts)) < 0)
                return -ENOMEM;
        va_start(ap, fmt);
        nc_strbuf_vprintf(&b, fmt, ap);
        va_end(ap);
        p->conflicts[p->n_conflicts] = nc_strbuf_steal(&b);
        if (!p->conflicts[p->n_conflicts])
                return -ENOMEM;
        p->n_conflicts++;
        return 0;
}

struct nc_plan *nc_plan_free(struct nc_plan *p) {
        if (!p)
                return NULL;
        nc_state_free(p->desired);
        for (size_t i = 0; i < p->n_conflicts; i++)
                free(p->conflicts[i]);
        free(p->conflicts);
        for (size_t i = 0; i < p->n_container_conflicts; i++)
                free(p->container_conflicts[i].message);
        free(p->container_conflicts);
        for (size_t i = 0; i < p->n_warnings; i++)
                free(p->warnings[i]);
        free(p->warnings);
        for (size_t i = 0; i < p->n_kept_rule_keys; i++)
                free(p->kept_rule_keys[i]);
        free(p->kept_rule_keys);
        free(p->affected);
        free(p->actions);
        free(p->waiting);
        free(p);
        return NULL;
}

void nc_plan_freep(struct nc_plan **p) {
        *p = nc_plan_free(*p);
}

static const char *const change_table[_NC_CHANGE_MAX] = {
        [NC_CHANGE_ADD] = "add",
        [NC_CHANGE_MODIFY] = "modify",
        [NC_CHANGE_REMOVE] = "remove",
};

const char *nc_change_to_string(enum nc_change c) {
        return (unsigned) c < _NC_CHANGE_MAX ? change_table[c] : NULL;
}

