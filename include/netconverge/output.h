/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "netconverge/diag.h"
#include "netconverge/model.h"
#include "netconverge/plan.h"

/* A small streaming JSON writer: pretty-printed, two-space indent, output
 * deterministic for deterministic calls. Nesting is bounded; deeper calls
 * are ignored (nothing we emit comes close). */
#define NC_JSON_MAX_DEPTH 32

struct nc_json {
        FILE *f;
        unsigned depth;
        bool first[NC_JSON_MAX_DEPTH];
        bool after_key;
};

void nc_json_init(struct nc_json *j, FILE *f);
void nc_json_object_begin(struct nc_json *j);
void nc_json_object_end(struct nc_json *j);
void nc_json_array_begin(struct nc_json *j);
void nc_json_array_end(struct nc_json *j);
void nc_json_key(struct nc_json *j, const char *key);
void nc_json_string(struct nc_json *j, const char *s);
void nc_json_uint(struct nc_json *j, uint64_t v);
void nc_json_bool(struct nc_json *j, bool v);
void nc_json_null(struct nc_json *j);
/* Ends the document with a newline. */
void nc_json_finish(struct nc_json *j);

/* "FILE:LINE:COLUMN: PATH: message", one a line, in the order given. */
void nc_print_diags_text(const struct nc_diags *d, FILE *f);
/* [{"file", "line", "column", "path", "message"}...]; line and column null
 * for problems with no place. */
void nc_print_diags_json(const struct nc_diags *d, FILE *f);

/* A human summary of a desired model: bridges, containers, addresses,
 * published ports. Used by `validate -v` and the demo. */
void nc_print_model_text(const struct nc_model *m, FILE *f);
void nc_print_model_json(const struct nc_model *m, FILE *f);

/* The plan (SPEC section 5): one change a line, waiting containers, then
 * "Plan: N to add, M to change, K to remove." or "No changes.". The JSON
 * form carries the same: {"changes": [...], "waiting": [...],
 * "conflicts": [...], "summary": {"add", "change", "remove"}}. Return 0, or
 * -1 when out of memory. */
int nc_print_plan_text(const struct nc_plan *p, FILE *f);
int nc_print_plan_json(const struct nc_plan *p, FILE *f);
