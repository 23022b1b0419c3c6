/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "config/yaml.h"
#include "netconverge/config.h"
#include "util/cleanup.h"
#include "util/strbuf.h"

/* A collection being read: the node, its anchor (registered when the
 * collection is complete, so an alias cannot refer to an enclosing node and
 * make a cycle), and for a mapping the key waiting for its value. */
struct frame {
        struct nc_ynode *node;
        char *anchor;
        struct nc_ynode *key;
};

struct anchor {
        char *name;
        struct nc_ynode *node;
};

struct builder {
        struct nc_ydoc *doc;
        struct nc_diags *diags;
        size_t max_nodes;
        struct frame stack[NC_CONFIG_MAX_DEPTH];
        size_t depth;
        struct anchor *anchors;        /* open addressing, power-of-two size */
        size_t n_anchors, cap_anchors;
        size_t expanded;
        unsigned documents;
        bool failed;
        bool syntax_error;      /* paths stop at the open collection */
        const char *buf;
        size_t len;
};

static struct nc_origin origin_of(yaml_mark_t m) {
        return (struct nc_origin) { .line = (unsigned) m.line + 1, .column = (unsigned) m.column + 1 };
}

static size_t add_weight(size_t a, size_t b) {
        return a > SIZE_MAX / 4 - b ? SIZE_MAX / 4 : a + b;
}

/* The path of the place being read, like the schema's: "a.b[2].c". */
static char *builder_path(const struct builder *b) {
        struct nc_strbuf s = {};

        nc_strbuf_append(&s, "");
        for (size_t i = 0; i < b->depth; i++) {
                const struct frame *f = &b->stack[i];

                /* A syntax error in a list is about the list, not about
                 * an element of it that may not exist. */
                if (b->syntax_error && i + 1 == b->depth && f->node->kind == NC_YNODE_SEQUENCE)
                        break;
                if (f->node->kind == NC_YNODE_SEQUENCE)
                        nc_strbuf_printf(&s, "[%zu]", f->node->n_items);
                else if (f->key)
                        nc_strbuf_printf(&s, "%s%s", s.len > 0 ? "." : "", f->key->value);
                else
                        break;
        }
        return nc_strbuf_steal(&s);
}

__attribute__((format(printf, 3, 4)))
static int fail(struct builder *b, struct nc_origin at, const char *fmt, ...) {
        _cleanup_free_ char *path = builder_path(b);
        va_list ap;

        va_start(ap, fmt);
        if (path)
                nc_diags_vadd(b->diags, at, path, fmt, ap);
        else
                b->diags->oom = true;
        va_end(ap);
        b->failed = true;
        return -EINVAL;
}

#define NODES_PER_BLOCK 1024
#define TEXT_BLOCK_SIZE 65536

struct nc_ynode_block {
        struct nc_ynode_block *next;
        size_t n;
        struct nc_ynode v[NODES_PER_BLOCK];
};

struct nc_ytext_block {
        struct nc_ytext_block *next;
        size_t used, size;
        char s[];
};

static struct nc_ynode *node_new(struct builder *b, enum nc_ynode_kind kind, yaml_mark_t mark) {
        struct nc_ynode_block *blk = b->doc->nodes;
        struct nc_ynode *n;

        if (b->doc->n_nodes >= b->max_nodes) {
                fail(b, origin_of(mark), "the file has more than %zu nodes", b->max_nodes);
                return NULL;
        }
        if (!blk || blk->n == NODES_PER_BLOCK) {
                blk = malloc(sizeof(*blk));
                if (!blk)
                        return NULL;
                blk->next = b->doc->nodes;
                blk->n = 0;
                b->doc->nodes = blk;
        }
        n = &blk->v[blk->n++];
        *n = (struct nc_ynode) { .kind = kind, .at = origin_of(mark), .weight = 1 };
        b->doc->n_nodes++;
        return n;
}

/* A copy of s (len bytes and a NUL) in the document's text. */
static char *text_dup(struct nc_ydoc *doc, const char *s, size_t len) {
        struct nc_ytext_block *blk = doc->text;
        char *t;

        if (!blk || blk->size - blk->used < len + 1) {
                size_t size = len + 1 > TEXT_BLOCK_SIZE ? len + 1 : TEXT_BLOCK_SIZE;

                blk = malloc(sizeof(*blk) + size);
                if (!blk)
                        return NULL;
                *blk = (struct nc_ytext_block) { .next = doc->text, .size = size };
                doc->text = blk;
        }
        t = blk->s + blk->used;
        memcpy(t, s, len);
        t[len] = '\0';
        blk->used += len + 1;
        return t;
}

static uint64_t hash_string(const char *s) {
        uint64_t h = 14695981039346656037ull;

        for (; *s; s++)
                h = (h ^ (unsigned char) *s) * 1099511628211ull;
        return h;
}

static struct anchor *anchor_slot(struct anchor *v, size_t cap, const char *name) {
        for (size_t i = hash_string(name) & (cap - 1);; i = (i + 1) & (cap - 1))
                if (!v[i].name || strcmp(v[i].name, name) == 0)
                        return &v[i];
}

static int anchors_grow(struct builder *b) {
        size_t cap = b->cap_anchors ? b->cap_anchors * 2 : 64;
        struct anchor *v = calloc(cap, sizeof(*v));

        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < b->cap_anchors; i++)
                if (b->anchors[i].name)
                        *anchor_slot(v, cap, b->anchors[i].name) = b->anchors[i];
        free(b->anchors);
        b->anchors = v;
        b->cap_anchors = cap;
        return 0;
}

/* A later anchor of the same name replaces the earlier one (YAML 1.2). */
static int anchor_define(struct builder *b, char *name, struct nc_ynode *node) {
        struct anchor *a;

        if ((b->n_anchors + 1) * 2 > b->cap_anchors && anchors_grow(b) < 0) {
                free(name);
                return -ENOMEM;
        }
        a = anchor_slot(b->anchors, b->cap_anchors, name);
        if (a->name) {
                free(name);
        } else {
                a->name = name;
                b->n_anchors++;
        }
        a->node = node;
        return 0;
}

static struct nc_ynode *anchor_find(const struct builder *b, const char *name) {
        if (b->cap_anchors == 0)
                return NULL;
        return anchor_slot(b->anchors, b->cap_anchors, name)->node;
}

/* Hangs a complete node (or an alias's target, written at `at`) on its
 * parent. */
static int attach(struct builder *b, struct nc_ynode *n, struct nc_origin at) {
        struct frame *f;

        if (b->depth == 0) {
                b->doc->root = n;
                return 0;
        }
        f = &b->stack[b->depth - 1];
        f->node->weight = add_weight(f->node->weight, n->weight);

        if (f->node->kind == NC_YNODE_SEQUENCE) {
                if (nc_grow(&f->node->items, &f->node->cap_items, f->node->n_items + 1, sizeof(*f->node->items)) < 0)
                        return -ENOMEM;
                f->node->items[f->node->n_items++] = n;
                return 0;
        }
        if (!f->key) {
                if (n->kind != NC_YNODE_SCALAR)
                        return fail(b, n->at, "a mapping key must be a plain value, not %s", nc_ynode_describe(n));
                f->key = n;
                return 0;
        }
        if (nc_grow(&f->node->pairs, &f->node->cap_pairs, f->node->n_pairs + 1, sizeof(*f->node->pairs)) < 0)
                return -ENOMEM;
        f->node->pairs[f->node->n_pairs++] = (struct nc_ypair) { .key = f->key, .value = n, .value_at = at };
        f->key = NULL;
        return 0;
}

static bool is_merge_key(const struct nc_ynode *k) {
        return k->plain && strcmp(k->value, "<<") == 0;
}

struct candidate {
        struct nc_ypair pair;
        size_t seq;
        bool explicit_key;
};

static int by_key_seq(const void *a, const void *c) {
        const struct candidate *x = a, *y = c;
        int r = strcmp(x->pair.key->value, y->pair.key->value);

        return r != 0 ? r : (x->seq > y->seq) - (x->seq < y->seq);
}

static int by_seq(const void *a, const void *c) {
        const struct candidate *x = a, *y = c;

        return (x->seq > y->seq) - (x->seq < y->seq);
}

static int add_merged(struct builder *b, struct candidate **v, size_t *n, size_t *cap,
                      const struct nc_ynode *src, struct nc_origin at) {
        if (src->kind != NC_YNODE_MAPPING)
                return fail(b, at, "a merge key (<<) takes a mapping or a list of mappings, not %s",
                            nc_ynode_describe(src));
        for (size_t i = 0; i < src->n_pairs; i++) {
                if (nc_grow(v, cap, *n + 1, sizeof(**v)) < 0)
                        return -ENOMEM;
                (*v)[*n] = (struct candidate) { .pair = src->pairs[i], .seq = *n };
                (*n)++;
        }
        return 0;
}

static void report_duplicate_key(struct builder *b, const struct nc_ynode *k, const struct nc_ynode *first) {
        _cleanup_free_ char *path = builder_path(b);
        _cleanup_free_ char *full = path ? nc_asprintf("%s%s%s", path, *path ? "." : "", k->value) : NULL;

        if (!full) {
                b->diags->oom = true;
                return;
        }
        /* Not fatal: the first one is kept and the schema still reports
         * everything else. */
        nc_diags_add(b->diags, k->at, full, "duplicate key (first at line %u)", first->at.line);
}

/* A small mapping without merge keys (nearly all of them): duplicates by
 * comparing each key with the ones kept before it, no sorting. Each is
 * reported where mapping_finish() would, and diagnostics are sorted by
 * place in the end. 1 done, 0 not such a mapping. */
#define SMALL_MAPPING 16

static int small_mapping_finish(struct builder *b, struct nc_ynode *m) {
        size_t kept = 0;

        if (m->n_pairs > SMALL_MAPPING)
                return 0;
        for (size_t i = 0; i < m->n_pairs; i++)
                if (is_merge_key(m->pairs[i].key))
                        return 0;
        for (size_t i = 0; i < m->n_pairs; i++) {
                const struct nc_ynode *k = m->pairs[i].key;
                size_t j = 0;

                while (j < kept && strcmp(m->pairs[j].key->value, k->value) != 0)
                        j++;
                if (j < kept) {
                        report_duplicate_key(b, k, m->pairs[j].key);
                        continue;
                }
                m->pairs[kept++] = m->pairs[i];
        }
        m->n_pairs = kept;
        return 1;
}

/* Applies merge keys and finds duplicate keys, in O(n log n): a file with
 * ten thousand containers is one large mapping. Of two entries for one key,
 * an explicit one wins over a merged one, and the first merged one over
 * later ones; two explicit ones are an error. */
static int mapping_finish(struct builder *b, struct nc_ynode *m) {
        _cleanup_free_ struct candidate *v = NULL;
        size_t n = 0, cap = 0, kept = 0;
        int r;

        if (small_mapping_finish(b, m))
                return 0;
        for (size_t i = 0; i < m->n_pairs; i++) {
                if (is_merge_key(m->pairs[i].key))
                        continue;
                if (nc_grow(&v, &cap, n + 1, sizeof(*v)) < 0)
                        return -ENOMEM;
                v[n] = (struct candidate) { .pair = m->pairs[i], .seq = n, .explicit_key = true };
                n++;
        }
        for (size_t i = 0; i < m->n_pairs; i++) {
                const struct nc_ynode *val = m->pairs[i].value;

                if (!is_merge_key(m->pairs[i].key))
                        continue;
                if (val->kind == NC_YNODE_SEQUENCE) {
                        for (size_t k = 0; k < val->n_items; k++) {
                                r = add_merged(b, &v, &n, &cap, val->items[k], val->items[k]->at);
                                if (r < 0)
                                        return r;
                        }
                } else {
                        r = add_merged(b, &v, &n, &cap, val, m->pairs[i].value_at);
                        if (r < 0)
                                return r;
                }
        }
        if (n == 0) {
                m->n_pairs = 0;
                return 0;
        }

        qsort(v, n, sizeof(*v), by_key_seq);
        for (size_t i = 0; i < n; i++) {
                if (kept > 0 && strcmp(v[kept - 1].pair.key->value, v[i].pair.key->value) == 0) {
                        if (v[i].explicit_key)
                                report_duplicate_key(b, v[i].pair.key, v[kept - 1].pair.key);
                        continue;
                }
                v[kept++] = v[i];
        }
        qsort(v, kept, sizeof(*v), by_seq);

        if (nc_grow(&m->pairs, &m->cap_pairs, kept, sizeof(*m->pairs)) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < kept; i++)
                m->pairs[i] = v[i].pair;
        m->n_pairs = kept;
        return 0;
}

static int on_scalar(struct builder *b, const yaml_event_t *e) {
        struct nc_ynode *n;

        if (strlen((const char *) e->data.scalar.value) != e->data.scalar.length)
                return fail(b, origin_of(e->start_mark), "a value contains a NUL character");
        n = node_new(b, NC_YNODE_SCALAR, e->start_mark);
        if (!n)
                return b->failed ? -EINVAL : -ENOMEM;
        n->value = text_dup(b->doc, (const char *) e->data.scalar.value, e->data.scalar.length);
        if (!n->value)
                return -ENOMEM;
        n->plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        n->binary = e->data.scalar.tag && strcmp((const char *) e->data.scalar.tag, "tag:yaml.org,2002:binary") == 0;
        if (e->data.scalar.anchor) {
                char *a = strdup((const char *) e->data.scalar.anchor);

                if (!a || anchor_define(b, a, n) < 0)
                        return -ENOMEM;
        }
        return attach(b, n, n->at);
}

static int on_collection_start(struct builder *b, const yaml_event_t *e, enum nc_ynode_kind kind) {
        const yaml_char_t *anchor = kind == NC_YNODE_MAPPING ? e->data.mapping_start.anchor
                                                             : e->data.sequence_start.anchor;
        struct nc_ynode *n;

        if (b->depth >= NC_CONFIG_MAX_DEPTH)
                return fail(b, origin_of(e->start_mark), "nesting is deeper than %d levels", NC_CONFIG_MAX_DEPTH);
        n = node_new(b, kind, e->start_mark);
        if (!n)
                return b->failed ? -EINVAL : -ENOMEM;
        b->stack[b->depth] = (struct frame) { .node = n };
        if (anchor) {
                b->stack[b->depth].anchor = strdup((const char *) anchor);
                if (!b->stack[b->depth].anchor)
                        return -ENOMEM;
        }
        b->depth++;
        return 0;
}

static int on_collection_end(struct builder *b) {
        struct frame f = b->stack[--b->depth];
        int r = 0;

        if (f.node->kind == NC_YNODE_MAPPING) {
                /* Keep the frame visible while finishing, for the paths of
                 * duplicate-key diagnostics. */
                b->depth++;
                r = mapping_finish(b, f.node);
                b->depth--;
        }
        if (r >= 0 && f.anchor) {
                r = anchor_define(b, f.anchor, f.node);
                f.anchor = NULL;
        }
        free(f.anchor);
        return r < 0 ? r : attach(b, f.node, f.node->at);
}

static int on_alias(struct builder *b, const yaml_event_t *e) {
        struct nc_ynode *target = anchor_find(b, (const char *) e->data.alias.anchor);

        if (!target) {
                for (size_t i = 0; i < b->depth; i++)
                        if (b->stack[i].anchor && strcmp(b->stack[i].anchor, (const char *) e->data.alias.anchor) == 0)
                                return fail(b, origin_of(e->start_mark),
                                            "alias *%s refers to the node that contains it; recursive aliases are not allowed",
                                            (const char *) e->data.alias.anchor);
                return fail(b, origin_of(e->start_mark), "alias *%s refers to no anchor defined before it",
                            (const char *) e->data.alias.anchor);
        }
        b->expanded = add_weight(b->expanded, target->weight);
        if (b->expanded > NC_CONFIG_MAX_EXPANDED)
                return fail(b, origin_of(e->start_mark),
                            "aliases expand to more than %d nodes (an alias bomb?)", NC_CONFIG_MAX_EXPANDED);
        return attach(b, target, origin_of(e->start_mark));
}

static int report_parser_error(struct builder *b, const yaml_parser_t *p) {
        if (p->error == YAML_MEMORY_ERROR)
                return -ENOMEM;
        if (p->error == YAML_READER_ERROR) {
                /* An encoding problem has no line and column worth giving;
                 * the byte offset finds it. */
                nc_diags_add(b->diags, (struct nc_origin) {}, "", "not valid YAML text at byte %zu: %s",
                             p->problem_offset, p->problem ? p->problem : "unreadable input");
                b->failed = true;
                return -EINVAL;
        }
        b->syntax_error = true;
        /* libyaml's words for a tab never mention it. */
        if (p->problem_mark.index < b->len && b->buf[p->problem_mark.index] == '\t')
                return fail(b, origin_of(p->problem_mark),
                            "YAML syntax error: a tab character cannot indent YAML; indent with spaces");
        if (p->context)
                return fail(b, origin_of(p->problem_mark), "YAML syntax error: %s %s started at line %zu, column %zu",
                            p->problem, p->context, p->context_mark.line + 1, p->context_mark.column + 1);
        return fail(b, origin_of(p->problem_mark), "YAML syntax error: %s",
                    p->problem ? p->problem : "malformed input");
}

static int handle_event(struct builder *b, const yaml_event_t *e) {
        switch (e->type) {
        case YAML_DOCUMENT_START_EVENT:
                if (++b->documents > 1)
                        return fail(b, origin_of(e->start_mark),
                                    "the file holds more than one YAML document; netconverge reads one");
                return 0;
        case YAML_SCALAR_EVENT:
                return on_scalar(b, e);
        case YAML_SEQUENCE_START_EVENT:
                return on_collection_start(b, e, NC_YNODE_SEQUENCE);
        case YAML_MAPPING_START_EVENT:
                return on_collection_start(b, e, NC_YNODE_MAPPING);
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
                return on_collection_end(b);
        case YAML_ALIAS_EVENT:
                return on_alias(b, e);
        default:
                return 0;
        }
}

int nc_ydoc_parse(const char *buf, size_t len, size_t max_nodes, struct nc_diags *diags, struct nc_ydoc *doc) {
        struct builder b = { .doc = doc, .diags = diags, .max_nodes = max_nodes, .buf = buf, .len = len };
        yaml_parser_t parser;
        bool done = false;
        int r = 0;

        *doc = (struct nc_ydoc) {};
        if (!yaml_parser_initialize(&parser))
                return -ENOMEM;
        yaml_parser_set_input_string(&parser, (const unsigned char *) buf, len);

        while (!done && r >= 0) {
                yaml_event_t e;

                if (!yaml_parser_parse(&parser, &e)) {
                        r = report_parser_error(&b, &parser);
                        break;
                }
                done = e.type == YAML_STREAM_END_EVENT;
                r = handle_event(&b, &e);
                yaml_event_delete(&e);
        }
        if (r >= 0 && b.failed)
                r = -EINVAL;

        while (b.depth > 0)
                free(b.stack[--b.depth].anchor);
        for (size_t i = 0; i < b.cap_anchors; i++)
                free(b.anchors[i].name);
        free(b.anchors);
        yaml_parser_delete(&parser);
        return r;
}

void nc_ydoc_done(struct nc_ydoc *doc) {
        while (doc->nodes) {
                struct nc_ynode_block *blk = doc->nodes;

                for (size_t i = 0; i < blk->n; i++) {
                        free(blk->v[i].items);
                        free(blk->v[i].pairs);
                }
                doc->nodes = blk->next;
                free(blk);
        }
        while (doc->text) {
                struct nc_ytext_block *blk = doc->text;

                doc->text = blk->next;
                free(blk);
        }
        *doc = (struct nc_ydoc) {};
}

bool nc_ynode_is_null(const struct nc_ynode *n) {
        if (!n)
                return true;
        if (n->kind != NC_YNODE_SCALAR || !n->plain)
                return false;
        /* Asked of every value read: most start with none of these. */
        switch (n->value[0]) {
        case '\0':
                return true;
        case '~':
                return n->value[1] == '\0';
        case 'n':
        case 'N':
                return strcmp(n->value, "null") == 0 || strcmp(n->value, "Null") == 0 ||
                       strcmp(n->value, "NULL") == 0;
        default:
                return false;
        }
}

const struct nc_ynode *nc_ynode_get(const struct nc_ynode *map, const char *key) {
        if (!map || map->kind != NC_YNODE_MAPPING)
                return NULL;
        for (size_t i = 0; i < map->n_pairs; i++)
                if (strcmp(map->pairs[i].key->value, key) == 0)
                        return map->pairs[i].value;
        return NULL;
}

const char *nc_ynode_describe(const struct nc_ynode *n) {
        if (nc_ynode_is_null(n))
                return "nothing (null)";
        switch (n->kind) {
        case NC_YNODE_SEQUENCE:
                return "a list";
        case NC_YNODE_MAPPING:
                return "a mapping";
        default:
                return n->plain ? "a plain value" : "a quoted string";
        }
}

const char *nc_ynode_got(const struct nc_ynode *n, char buf[static NC_YNODE_GOT_SIZE]) {
        if (n->kind != NC_YNODE_SCALAR || nc_ynode_is_null(n))
                return nc_ynode_describe(n);
        if (strlen(n->value) > 40)
                snprintf(buf, NC_YNODE_GOT_SIZE, "'%.37s...'", n->value);
        else
                snprintf(buf, NC_YNODE_GOT_SIZE, "'%s'", n->value);
        return buf;
}
