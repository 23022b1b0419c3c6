/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/yaml.h"
#include "netconverge/saved.h"
#include "util/digest.h"

/* A saved plan is JSON, which is YAML: the configuration's node tree reads
 * it, with positions for what is wrong. Only what apply --plan needs is
 * read; the changes are there for people and pipelines (and their digest
 * for apply). */

/* Its changes can be many: a plan of 10,000 containers is some 600,000
 * nodes. */
#define SAVED_PLAN_MAX_NODES 16000000

void nc_saved_plan_done(struct nc_saved_plan *sp) {
        free(sp->netconverge);
        free(sp->netns);
        free(sp->file);
        free(sp->content);
        free(sp->content_digest);
        free(sp->observed);
        free(sp->observed_digest);
        free(sp->changes_digest);
        *sp = (struct nc_saved_plan) {};
}

struct reader {
        struct nc_diags *d;
        bool bad;
};

static const struct nc_ynode *need(struct reader *rd, const struct nc_ynode *map, const char *key,
                                   enum nc_ynode_kind kind, const char *what) {
        const struct nc_ynode *n = nc_ynode_get(map, key);

        if (!n || n->kind != kind) {
                nc_diags_add(rd->d, n ? n->at : map->at, key, "not a netconverge plan of this format: %s %s", key,
                             n ? what : "is missing");
                rd->bad = true;
                return NULL;
        }
        return n;
}

/* A string field (null allowed when nullable: *ret stays NULL). */
static char *string_of(struct reader *rd, const struct nc_ynode *map, const char *key, bool nullable) {
        const struct nc_ynode *n = map ? nc_ynode_get(map, key) : NULL;
        char *s;

        if (nullable && n && nc_ynode_is_null(n))
                return NULL;
        if (!n || n->kind != NC_YNODE_SCALAR) {
                nc_diags_add(rd->d, n ? n->at : map ? map->at : (struct nc_origin) {}, key,
                             "not a netconverge plan of this format: %s is %s", key,
                             n ? "not a string" : "missing");
                rd->bad = true;
                return NULL;
        }
        s = strdup(n->value);
        if (!s)
                rd->bad = true;
        return s;
}

static int check_kind(struct reader *rd, const struct nc_ynode *root) {
        const struct nc_ynode *kind = root && root->kind == NC_YNODE_MAPPING ? nc_ynode_get(root, "kind") : NULL;
        const struct nc_ynode *version = kind ? nc_ynode_get(root, "saved_plan_version") : NULL;

        if (!kind || kind->kind != NC_YNODE_SCALAR || strcmp(kind->value, NC_SAVED_PLAN_KIND) != 0) {
                nc_diags_add(rd->d, root ? root->at : (struct nc_origin) {}, "",
                             "not a netconverge plan (no \"kind\": \"%s\"); diff FILE --out PLAN writes one",
                             NC_SAVED_PLAN_KIND);
                return -EINVAL;
        }
        if (!version || version->kind != NC_YNODE_SCALAR || strcmp(version->value, "1") != 0) {
                nc_diags_add(rd->d, version ? version->at : root->at, "saved_plan_version",
                             "a plan of format version %s; this netconverge reads version %d: make the plan again",
                             version && version->kind == NC_YNODE_SCALAR ? version->value : "(none)",
                             NC_SAVED_PLAN_VERSION);
                return -EINVAL;
        }
        return 0;
}

/* The file's bytes must be the ones its digest was taken of. */
static void check_content(struct reader *rd, struct nc_saved_plan *sp, const struct nc_ynode *file) {
        char digest[NC_DIGEST_STRLEN];

        if (rd->bad)
                return;
        sp->content_len = strlen(sp->content);
        nc_digest(sp->content, sp->content_len, digest);
        if (strcmp(digest, sp->content_digest) != 0) {
                nc_diags_add(rd->d, file->at, "file.content",
                             "the plan is damaged: the file it carries does not have the digest it was saved with");
                rd->bad = true;
        }
}

static void read_fields(struct reader *rd, const struct nc_ynode *root, struct nc_saved_plan *sp) {
        const struct nc_ynode *file = need(rd, root, "file", NC_YNODE_MAPPING, "is not an object");
        const struct nc_ynode *observed = need(rd, root, "observed", NC_YNODE_MAPPING, "is not an object");
        const struct nc_ynode *changes = need(rd, root, "changes", NC_YNODE_SEQUENCE, "is not a list");

        sp->netconverge = string_of(rd, root, "netconverge", false);
        sp->netns = string_of(rd, root, "netns", true);
        sp->file = string_of(rd, file, "path", false);
        sp->content = string_of(rd, file, "content", false);
        sp->content_digest = string_of(rd, file, "digest", false);
        sp->observed = string_of(rd, observed, "snapshot", false);
        sp->observed_digest = string_of(rd, observed, "digest", false);
        sp->changes_digest = string_of(rd, root, "changes_digest", false);
        sp->n_changes = changes ? changes->n_items : 0;
        check_content(rd, sp, file);
}

int nc_saved_plan_parse(const char *buf, size_t len, struct nc_diags *d, struct nc_saved_plan *ret) {
        struct reader rd = { .d = d };
        struct nc_saved_plan sp = {};
        struct nc_ydoc doc;
        int r;

        /* A plan cut short is not valid JSON: the parser says where. */
        r = nc_ydoc_parse(buf, len, SAVED_PLAN_MAX_NODES, d, &doc);
        if (r >= 0)
                r = check_kind(&rd, doc.root);
        if (r >= 0)
                read_fields(&rd, doc.root, &sp);
        nc_ydoc_done(&doc);
        if (r >= 0 && rd.bad)
                r = d->n > 0 ? -EINVAL : -ENOMEM;
        if (r < 0) {
                nc_saved_plan_done(&sp);
                return r;
        }
        *ret = sp;
        return 0;
}
