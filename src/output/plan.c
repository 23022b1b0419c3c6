/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE     /* open_memstream() */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netconverge/addr.h"
#include "netconverge/output.h"
#include "netconverge/plan.h"
#include "netconverge/saved.h"
#include "util/digest.h"
#include "util/escape.h"
#include "util/strbuf.h"

static void print_waiting_text(const struct nc_plan *p, FILE *f) {
        for (size_t i = 0; i < p->n_waiting; i++) {
                const struct nc_waiting *w = &p->waiting[i];

                if (w->bridge) {
                        fputs("waiting: bridge ", f);
                        nc_escape_fputs(w->bridge, f);
                        fputs(" (vxlan underlay ", f);
                        nc_escape_fputs(w->underlay, f);
                        fprintf(f, " %s)\n", w->why);
                        continue;
                }
                fputs("waiting: container ", f);
                nc_escape_fputs(w->container, f);
                fputs(" (netns ", f);
                nc_escape_fputs(w->netns, f);
                fputs(" does not exist)\n", f);
        }
}

int nc_print_plan_text(const struct nc_plan *p, FILE *f) {
        struct nc_strbuf line = {}, out = {};

        /* One buffer for every line, emptied between them. Names come
         * from the file and the kernel: escaped (util/escape.h), so one
         * change is one line of text. */
        for (size_t i = 0; i < p->n_actions; i++) {
                line.len = 0;
                out.len = 0;
                nc_action_describe(&line, &p->actions[i]);
                if (!line.oom)
                        nc_escape_append(&out, line.s ? line.s : "", line.len);
                nc_strbuf_append(&out, "\n");
                if (line.oom || out.oom) {
                        nc_strbuf_done(&line);
                        nc_strbuf_done(&out);
                        return -1;
                }
                fwrite(out.s, 1, out.len, f);
        }
        nc_strbuf_done(&line);
        nc_strbuf_done(&out);
        print_waiting_text(p, f);
        if (p->n_actions == 0)
                fputs("No changes.\n", f);
        else
                fprintf(f, "Plan: %zu to add, %zu to change, %zu to remove.\n", p->n_add, p->n_modify, p->n_remove);
        return 0;
}

static void json_str(struct nc_json *j, const char *key, const char *value) {
        nc_json_key(j, key);
        nc_json_string(j, value);
}

/* The items of the change's description that are in the JSON, in its
 * order: the same description the text line is made from. */
static void json_items(struct nc_json *j, const struct nc_description *d) {
        for (size_t i = 0; i < d->n; i++) {
                const struct nc_item *x = &d->items[i];

                if (!x->key)
                        continue;
                if (x->type != NC_ITEM_CLOSE)
                        nc_json_key(j, x->key);
                switch (x->type) {
                case NC_ITEM_STRING:
                        nc_json_string(j, x->s);
                        break;
                case NC_ITEM_UINT:
                        nc_json_uint(j, (uint64_t) x->n);
                        break;
                case NC_ITEM_INT:
                        nc_json_int(j, x->n);
                        break;
                case NC_ITEM_BOOL:
                        nc_json_bool(j, x->b);
                        break;
                case NC_ITEM_NULL:
                        nc_json_null(j);
                        break;
                case NC_ITEM_OPEN:
                        nc_json_object_begin(j);
                        break;
                case NC_ITEM_CLOSE:
                        nc_json_object_end(j);
                        break;
                case NC_ITEM_NAMES:
                        nc_json_array_begin(j);
                        for (long long k = 0; k < x->n; k++)
                                nc_json_string(j, x->names[k]);
                        nc_json_array_end(j);
                        break;
                }
        }
}

static void json_result(struct nc_json *j, const struct nc_change_result *res) {
        enum nc_outcome o = res ? res->outcome : NC_OUTCOME_NOT_ATTEMPTED;

        json_str(j, "outcome", nc_outcome_to_string(o));
        if (res && res->message)
                json_str(j, "message", res->message);
}

/* One change: what diff prints, and for apply the same with its outcome
 * (with_result; res NULL = not attempted). d is the caller's: a
 * description is a few kilobytes, made once per change. */
static void json_action(struct nc_json *j, const struct nc_action *a, struct nc_strbuf *text,
                        struct nc_description *d, bool with_result, const struct nc_change_result *res) {
        nc_action_description(a, d);
        text->len = 0;
        nc_description_text(text, a, d);

        nc_json_object_begin(j);
        json_str(j, "action", nc_change_to_string(a->change));
        json_str(j, "object", nc_object_to_string(a->object));
        json_str(j, "netns", a->netns);
        json_items(j, d);
        json_str(j, "text", !text->oom && text->s ? text->s : "");
        if (with_result)
                json_result(j, res);
        nc_json_object_end(j);
}

/* "changes": [...]; results NULL with with_result: none attempted. */
static int json_changes(struct nc_json *j, const char *key, const struct nc_plan *p, bool with_result,
                        const struct nc_change_result *results) {
        struct nc_strbuf text = {};
        struct nc_description d;
        bool oom;

        nc_json_key(j, key);
        nc_json_array_begin(j);
        for (size_t i = 0; i < p->n_actions; i++)
                json_action(j, &p->actions[i], &text, &d, with_result, results ? &results[i] : NULL);
        oom = text.oom;
        nc_strbuf_done(&text);
        nc_json_array_end(j);
        return oom ? -1 : 0;
}

static void json_waiting_conflicts(struct nc_json *j, const struct nc_plan *p) {
        nc_json_key(j, "waiting");
        nc_json_array_begin(j);
        for (size_t i = 0; i < p->n_waiting; i++) {
                const struct nc_waiting *w = &p->waiting[i];

                nc_json_object_begin(j);
                if (w->bridge) {
                        json_str(j, "bridge", w->bridge);
                        json_str(j, "underlay", w->underlay);
                        json_str(j, "reason", w->why);
                } else {
                        json_str(j, "container", w->container);
                        json_str(j, "netns", w->netns);
                }
                nc_json_object_end(j);
        }
        nc_json_array_end(j);
        nc_json_key(j, "conflicts");
        nc_json_array_begin(j);
        for (size_t i = 0; i < p->n_conflicts; i++)
                nc_json_string(j, p->conflicts[i]);
        /* The containers' own (SPEC 7.7), after those that stop the plan. */
        for (size_t i = 0; i < p->n_container_conflicts; i++)
                nc_json_string(j, p->container_conflicts[i].message);
        nc_json_array_end(j);
        /* Always there, like conflicts: the plan stands with any. */
        nc_json_key(j, "warnings");
        nc_json_array_begin(j);
        for (size_t i = 0; i < p->n_warnings; i++)
                nc_json_string(j, p->warnings[i]);
        nc_json_array_end(j);
}

static void json_count(struct nc_json *j, const char *key, size_t n) {
        nc_json_key(j, key);
        nc_json_uint(j, n);
}

static void json_summary_counts(struct nc_json *j, const struct nc_plan *p) {
        json_count(j, "add", p->n_add);
        json_count(j, "change", p->n_modify);
        json_count(j, "remove", p->n_remove);
}

int nc_print_plan_json(const struct nc_plan *p, const struct nc_document *doc, FILE *f) {
        struct nc_json j;
        int r;

        nc_json_init(&j, f);
        nc_json_document_begin(&j, doc);
        r = json_changes(&j, "changes", p, false, NULL);
        json_waiting_conflicts(&j, p);
        nc_json_key(&j, "summary");
        nc_json_object_begin(&j);
        json_summary_counts(&j, p);
        nc_json_object_end(&j);
        nc_json_document_end(&j, doc);
        return r;
}

/* The changes as the JSON writes them (every field of each), digested:
 * the same plan, the same digest. */
int nc_plan_changes_digest(const struct nc_plan *p, char *digest, size_t digest_size) {
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        struct nc_json j;
        int r;

        if (!f)
                return -ENOMEM;
        nc_json_init(&j, f);
        nc_json_object_begin(&j);
        r = json_changes(&j, "changes", p, false, NULL);
        nc_json_object_end(&j);
        if ((fclose(f) != 0 || r < 0 || digest_size < NC_DIGEST_STRLEN)) {
                free(text);
                return -ENOMEM;
        }
        nc_digest(text, len, digest);
        free(text);
        return 0;
}

static void json_str_or_null(struct nc_json *j, const char *key, const char *value) {
        nc_json_key(j, key);
        if (value)
                nc_json_string(j, value);
        else
                nc_json_null(j);
}

/* docs/saved-plan.md: what apply --plan reads first, the changes (for
 * people and pipelines) last. */
int nc_print_saved_plan(const struct nc_saved_plan *sp, const struct nc_plan *p, FILE *f) {
        struct nc_json j;
        int r;

        nc_json_init(&j, f);
        nc_json_object_begin(&j);
        json_str(&j, "kind", NC_SAVED_PLAN_KIND);
        json_count(&j, "saved_plan_version", NC_SAVED_PLAN_VERSION);
        json_str(&j, "netconverge", sp->netconverge);
        json_str_or_null(&j, "netns", sp->netns);
        nc_json_key(&j, "file");
        nc_json_object_begin(&j);
        json_str(&j, "path", sp->file);
        json_str(&j, "digest", sp->content_digest);
        json_str(&j, "content", sp->content);
        nc_json_object_end(&j);
        nc_json_key(&j, "observed");
        nc_json_object_begin(&j);
        json_str(&j, "digest", sp->observed_digest);
        json_str(&j, "snapshot", sp->observed);
        nc_json_object_end(&j);
        json_str(&j, "changes_digest", sp->changes_digest);
        r = json_changes(&j, "changes", p, false, NULL);
        nc_json_key(&j, "summary");
        nc_json_object_begin(&j);
        json_summary_counts(&j, p);
        json_count(&j, "disruptive", p->n_disruptive);
        nc_json_object_end(&j);
        nc_json_object_end(&j);
        nc_json_finish(&j);
        return r < 0 || fflush(f) != 0 || ferror(f) ? -EIO : 0;
}

static const char *const outcome_table[_NC_OUTCOME_MAX] = {
        [NC_OUTCOME_NOT_ATTEMPTED] = "not attempted",
        [NC_OUTCOME_APPLIED] = "applied",
        [NC_OUTCOME_FAILED] = "failed",
};

const char *nc_outcome_to_string(enum nc_outcome o) {
        return (unsigned) o < _NC_OUTCOME_MAX ? outcome_table[o] : NULL;
}

int nc_change_result_set(struct nc_change_result *res, int r, const char *message) {
        nc_change_result_done(res);
        res->outcome = r >= 0 ? NC_OUTCOME_APPLIED : r == -ECANCELED ? NC_OUTCOME_NOT_ATTEMPTED : NC_OUTCOME_FAILED;
        if (r >= 0)
                return 0;
        res->message = strdup(message && message[0] ? message : strerror(-r));
        return res->message ? 0 : -ENOMEM;
}

void nc_change_result_done(struct nc_change_result *res) {
        free(res->message);
        res->message = NULL;
}

static void json_apply_summary(struct nc_json *j, const struct nc_apply_report *r) {
        size_t count[_NC_OUTCOME_MAX] = {};

        for (size_t i = 0; i < r->plan->n_actions; i++)
                count[r->results ? r->results[i].outcome : NC_OUTCOME_NOT_ATTEMPTED]++;
        nc_json_key(j, "summary");
        nc_json_object_begin(j);
        json_summary_counts(j, r->plan);
        json_count(j, "applied", count[NC_OUTCOME_APPLIED]);
        json_count(j, "failed", count[NC_OUTCOME_FAILED]);
        json_count(j, "not_attempted", count[NC_OUTCOME_NOT_ATTEMPTED]);
        nc_json_object_end(j);
}

int nc_print_apply_json(const struct nc_apply_report *r, const struct nc_document *doc, FILE *f) {
        static const struct nc_plan none = {};
        const struct nc_plan *p = r->plan ? r->plan : &none;
        struct nc_apply_report rr = *r;
        struct nc_json j;
        int ret;

        rr.plan = p;
        nc_json_init(&j, f);
        nc_json_document_begin(&j, doc);
        nc_json_key(&j, "dry_run");
        nc_json_bool(&j, r->dry_run);
        ret = json_changes(&j, "changes", p, true, r->results);
        json_waiting_conflicts(&j, p);
        json_apply_summary(&j, &rr);
        json_count(&j, "wait_seconds", r->wait_seconds);
        nc_json_key(&j, "not_up");
        nc_json_array_begin(&j);
        for (size_t i = 0; i < r->n_not_up; i++) {
                nc_json_object_begin(&j);
                json_str(&j, "netns", r->not_up[i].netns);
                json_str(&j, "name", r->not_up[i].name);
                nc_json_object_end(&j);
        }
        nc_json_array_end(&j);
        nc_json_key(&j, "verified");
        if (r->verified < 0)
                nc_json_null(&j);
        else
                nc_json_bool(&j, r->verified > 0);
        if (ret >= 0 && r->verified == 0 && r->rest)
                ret = json_changes(&j, "still_to_do", r->rest, false, NULL);
        else {
                nc_json_key(&j, "still_to_do");
                nc_json_array_begin(&j);
                nc_json_array_end(&j);
        }
        nc_json_document_end(&j, doc);
        return ret;
}
