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
 * are ignored (nothing we emit comes close). Strings come out valid UTF-8
 * whatever their bytes: each byte that does not begin a valid sequence is
 * written as \ufffd (docs/json.md). */
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
void nc_json_int(struct nc_json *j, int64_t v);
void nc_json_bool(struct nc_json *j, bool v);
void nc_json_null(struct nc_json *j);
/* Ends the document with a newline. */
void nc_json_finish(struct nc_json *j);

/* Every JSON document is an object that begins with "format_version"
 * (NC_JSON_FORMAT_VERSION) and "command" and ends with "errors": what
 * went wrong in the run, one object per message text mode prints on
 * stderr (docs/json.md). A run prints one document. */
#define NC_JSON_FORMAT_VERSION 1

/* Why a run failed, for pipelines to tell apart (docs/json.md). */
enum nc_error_kind {
        NC_ERROR_USAGE,                 /* command line */
        NC_ERROR_FILE,                  /* the configuration file: a diagnostic */
        NC_ERROR_SNAPSHOT,              /* a snapshot file: a diagnostic */
        NC_ERROR_NETNS,                 /* -n NETNS could not be entered */
        NC_ERROR_LOCK,                  /* the run lock */
        NC_ERROR_OBSERVE,               /* reading the kernel */
        NC_ERROR_PLAN,                  /* planning itself failed */
        NC_ERROR_CONFLICT,              /* an object in the way: nothing was changed (a container's own: that container) */
        NC_ERROR_APPLY,                 /* a change failed, or apply could not run */
        NC_ERROR_NOT_UP,                /* links not operationally up after the wait */
        NC_ERROR_VERIFY,                /* the kernel did not converge */
        NC_ERROR_OUTPUT,                /* writing the output */
        NC_ERROR_INTERNAL,              /* out of memory and the like */
        NC_ERROR_WATCH,                 /* a watch keeps another file in force here */
        NC_ERROR_DISRUPT,               /* apply --no-disrupt: the plan breaks established traffic */
        NC_ERROR_STALE,                 /* apply --plan: the state changed since the plan was made */
        _NC_ERROR_MAX,
};

const char *nc_error_kind_to_string(enum nc_error_kind k);    /* "usage", "file", ... */

struct nc_error {
        enum nc_error_kind kind;
        char *message;
        /* Diagnostics only (FILE, SNAPSHOT): file NULL otherwise; line 0 = no place. */
        char *file;
        char *path;
        struct nc_origin at;
};

/* A run's errors, in the order they happened. */
struct nc_errors {
        struct nc_error *v;
        size_t n, cap;
        bool oom;                       /* one was lost for lack of memory */
};

void nc_errors_add(struct nc_errors *e, enum nc_error_kind kind, const char *message);
/* One error per diagnostic, with its place. */
void nc_errors_add_diags(struct nc_errors *e, enum nc_error_kind kind, const struct nc_diags *d);
void nc_errors_done(struct nc_errors *e);

/* What frames every document: the command ("validate", ... or NULL before
 * one was named) and the errors, which may be NULL for none. */
struct nc_document {
        const char *command;
        const struct nc_errors *errors;
};

/* {"format_version", "command", then what the caller writes... */
void nc_json_document_begin(struct nc_json *j, const struct nc_document *doc);
/* ... "errors": [...]} and the final newline. */
void nc_json_document_end(struct nc_json *j, const struct nc_document *doc);
/* A document of nothing but its frame: a command that failed before it
 * had anything else to say. */
void nc_print_error_document(const struct nc_document *doc, FILE *f);

/* "FILE:LINE:COLUMN: PATH: message", one a line, in the order given. */
void nc_print_diags_text(const struct nc_diags *d, FILE *f);
/* The error document of a file's diagnostics (errors of kind "file"). */
void nc_print_diags_json(const struct nc_diags *d, const char *command, FILE *f);

/* A human summary of a desired model: bridges, containers, addresses,
 * published ports. Used by `validate -v` and the demo. */
void nc_print_model_text(const struct nc_model *m, FILE *f);
/* The same as the body of a JSON document (between its begin and end). */
void nc_json_model(struct nc_json *j, const struct nc_model *m);
/* That body in a document of its own. */
void nc_print_model_json(const struct nc_model *m, const struct nc_document *doc, FILE *f);

/* The plan (SPEC section 5): one change a line, waiting containers, then
 * "Plan: N to add, M to change, K to remove." or "No changes.". The JSON
 * form carries the same: {"format_version", "command", "changes": [...],
 * "waiting": [...], "conflicts": [...], "summary": {"add", "change",
 * "remove"}, "errors"}. Return 0, or -1 when out of memory. */
int nc_print_plan_text(const struct nc_plan *p, FILE *f);
int nc_print_plan_json(const struct nc_plan *p, const struct nc_document *doc, FILE *f);

/* What became of one change of an applied plan. */
enum nc_outcome {
        NC_OUTCOME_NOT_ATTEMPTED,       /* not reached, skipped (a change it depends on failed), dry run */
        NC_OUTCOME_APPLIED,
        NC_OUTCOME_FAILED,
        _NC_OUTCOME_MAX,
};

const char *nc_outcome_to_string(enum nc_outcome o);  /* "applied", "failed", "not attempted" */

struct nc_change_result {
        enum nc_outcome outcome;
        char *message;                  /* failed: the kernel's words; skipped: why; else NULL */
};

/* What nc_apply()'s progress callback said of a change (r, message), as
 * an outcome: 0 applied; -ECANCELED not attempted (apply skipped it, a
 * change it depends on having failed, or an nftables batch was not sent),
 * with apply's reason; any other error failed, with the kernel's words
 * (strerror(-r) when there are none). Returns 0 or -ENOMEM. */
int nc_change_result_set(struct nc_change_result *res, int r, const char *message);
void nc_change_result_done(struct nc_change_result *res);

struct nc_link_name {
        char *netns;                    /* "" = the host */
        char *name;
};

/* An apply or destroy run: the plan's changes each with its outcome, and
 * what came after. */
struct nc_apply_report {
        bool dry_run;
        const struct nc_plan *plan;     /* NULL: the run stopped before planning */
        const struct nc_change_result *results;        /* one per plan action; NULL: none attempted */
        unsigned wait_seconds;
        const struct nc_link_name *not_up;      /* links not operationally up after the wait */
        size_t n_not_up;
        int verified;                   /* 1 converged, 0 not (see rest), -1 not checked */
        const struct nc_plan *rest;     /* verified == 0: what was still to do */
};

/* {"format_version", "command", "dry_run", "changes" (each with "outcome"),
 * "waiting", "conflicts", "summary" (with "applied", "failed",
 * "not_attempted"), "not_up" ([{"netns", "name"}]), "verified", "still_to_do", "errors"}.
 * Returns 0, or -1 when out of memory. */
int nc_print_apply_json(const struct nc_apply_report *r, const struct nc_document *doc, FILE *f);
