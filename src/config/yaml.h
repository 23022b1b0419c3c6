/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "netconverge/diag.h"

/* The file as a tree of nodes with their positions: libyaml's events,
 * composed the way the schema wants them. Only this layer knows libyaml.
 *
 * Aliases are resolved to the anchored node itself (shared, not copied);
 * merge keys ("<<: *defaults") are applied, explicit keys winning; a
 * mapping's pairs are those in effect after merging, in file order. The
 * document owns every node. */

enum nc_ynode_kind {
        NC_YNODE_SCALAR,
        NC_YNODE_SEQUENCE,
        NC_YNODE_MAPPING,
};

struct nc_ypair;

struct nc_ynode {
        enum nc_ynode_kind kind;
        struct nc_origin at;
        size_t weight;          /* nodes in this subtree, aliases expanded (saturating) */
        /* scalar */
        char *value;
        bool plain;             /* unquoted: only plain scalars can be null */
        bool binary;            /* tagged !!binary: value is base64 (the snapshot reader decodes it) */
        /* sequence */
        struct nc_ynode **items;
        size_t n_items, cap_items;
        /* mapping */
        struct nc_ypair *pairs;
        size_t n_pairs, cap_pairs;
};

struct nc_ypair {
        struct nc_ynode *key;   /* always a scalar */
        struct nc_ynode *value;
        struct nc_origin value_at;      /* where the value is written: an alias's own place */
};

struct nc_ynode_block;
struct nc_ytext_block;

/* The document owns its nodes and their text, carved from blocks: a
 * calloc() and a strdup() for each of the 130,000 events of a file of
 * 10,000 containers were a third of reading it. */
struct nc_ydoc {
        struct nc_ynode *root;  /* NULL for an empty document */
        struct nc_ynode_block *nodes;   /* newest first */
        struct nc_ytext_block *text;    /* newest first */
        size_t n_nodes;
};

/* Parses buf into *doc, at most max_nodes nodes (NC_CONFIG_MAX_NODES for a
 * configuration file, NC_SNAPSHOT_MAX_NODES for a snapshot). On a syntax
 * error or an exceeded limit, appends one diagnostic and returns -EINVAL;
 * doc must be released with nc_ydoc_done() either way. */
int nc_ydoc_parse(const char *buf, size_t len, size_t max_nodes, struct nc_diags *diags, struct nc_ydoc *doc);
void nc_ydoc_done(struct nc_ydoc *doc);

bool nc_ynode_is_null(const struct nc_ynode *n);
/* The value of key in a mapping, or NULL. */
const struct nc_ynode *nc_ynode_get(const struct nc_ynode *map, const char *key);
/* "a string", "a mapping", ... for type errors. */
const char *nc_ynode_describe(const struct nc_ynode *n);

/* What a wrong value was, for "expected X, got Y": the value itself,
 * quoted, when it is short enough, else its description. */
#define NC_YNODE_GOT_SIZE 64
const char *nc_ynode_got(const struct nc_ynode *n, char buf[static NC_YNODE_GOT_SIZE]);
