/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>
#include <stdio.h>

#include "netconverge/diag.h"

/* Named, not included: the file side (src/config) reads a plan's file
 * without knowing the planner's types. */
struct nc_plan;
struct nc_state;

/* A saved plan (SPEC 7.4; docs/saved-plan.md): `diff FILE --out PLAN`
 * writes it, `apply --plan PLAN` makes exactly its changes, only while the
 * kernel still holds the state it was made against. It carries the file it
 * was made from (so the same plan is computed again: planning is a pure
 * function of the file and the observed state), the observed state as a
 * snapshot with its digest, and the digest of its changes. */
#define NC_SAVED_PLAN_KIND "netconverge-plan"
#define NC_SAVED_PLAN_VERSION 1
#define NC_SAVED_PLAN_MAX_BYTES (256u << 20)

struct nc_saved_plan {
        char *netconverge;              /* the version that made it */
        char *netns;                    /* -n NETNS it was made with; NULL: none */
        char *file;                     /* the file's path as given to diff */
        char *content;                  /* the file's bytes */
        size_t content_len;
        char *content_digest;
        char *observed;                 /* the observed state, a snapshot (snapshot.h) */
        char *observed_digest;
        char *changes_digest;
        size_t n_changes;
};

void nc_saved_plan_done(struct nc_saved_plan *sp);

/* config/saved.c: reads a saved plan's text. What is wrong (not a plan of
 * ours, another format version, truncated, damaged) goes to d; -EINVAL. */
int nc_saved_plan_parse(const char *buf, size_t len, struct nc_diags *d, struct nc_saved_plan *ret);

/* snapshot/digest.c: the state as a snapshot (what the planner reads,
 * sorted: independent of kernel order), and its digest. *ret_text is the
 * caller's. */
int nc_state_digest(const struct nc_state *s, char **ret_text, char *digest, size_t digest_size);

/* output/plan.c: the digest of a plan's changes (their JSON objects). */
int nc_plan_changes_digest(const struct nc_plan *p, char *digest, size_t digest_size);
/* output/plan.c: the saved plan's document, sp's fields and p's changes. */
int nc_print_saved_plan(const struct nc_saved_plan *sp, const struct nc_plan *p, FILE *f);
