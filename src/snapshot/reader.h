/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/yaml.h"
#include "netconverge/diag.h"
#include "netconverge/state.h"

/* The two ways a snapshot is read, and what they share.
 *
 * read.c reads any YAML through the node tree (config/yaml.c) and reports
 * every problem with its place. lines.c reads only the exact lines
 * nc_snapshot_write() writes, without building a tree, and hands each
 * entry to the same per-entry code as a mapping node of its own; that
 * reader is strict: at the first thing it does not expect, or the first
 * problem the entry code finds, it gives up and the file is read again
 * the generic way, which reports. So all diagnostics come from one place. */

/* The lists of a snapshot, in the order they are read. */
enum snap_section {
        SNAP_NAMESPACES,
        SNAP_LINKS,
        SNAP_ADDRESSES,
        SNAP_ROUTES,
        SNAP_CHAINS,            /* nft.chains */
        SNAP_RULES,             /* nft.rules */
        SNAP_TABLES,            /* nft_tables: the inet tables other than nft.table (read before nft) */
        SNAP_OBJECTS,           /* nft.objects: the table's sets, maps and flowtables */
        SNAP_FORWARD_DROPS,     /* nft_forward_drops: other tables' forward chains with policy drop */
        SNAP_FDB,               /* fdb: VXLAN links' forwarding-database entries (after routes) */
        SNAP_DROP_RULES,        /* nft_drop_rules: other tables' drop rules in forward chains */
        SNAP_LISTENERS,         /* listeners: host sockets on the file's published ports */
        SNAP_ELEMENTS,          /* nft.elements: the port maps' elements, as rules (chain: the map) */
        _SNAP_SECTION_MAX,
};

/* An object's place in the state and in the file, to find duplicates and
 * report both places. */
struct snap_seen {
        size_t state_index;     /* in the state's array: its netns and name */
        const char *netns, *name;       /* filled from the state when checking */
        struct nc_origin at;
        size_t index;           /* in its list: the diagnostic path */
};

struct snap_seen_list {
        struct snap_seen *v;
        size_t n, cap;
};

struct snap_reader {
        struct nc_diags *d;
        struct nc_state *s;
        /* The line reader: nothing is reported, the first problem sets
         * failed and the caller reads the file again the generic way. */
        bool strict;
        bool failed;
        struct snap_seen_list seen[_SNAP_SECTION_MAX];  /* namespaces, links, chains */
        uint64_t n_rules;       /* read so far: the next rule's stand-in handle */
};

/* The list's key ("links", "nft.rules") and the key it has in its parent
 * mapping ("links", "rules"). */
const char *snap_section_key(enum snap_section sec);
const char *snap_section_name(enum snap_section sec);

/* Reads one entry of a list, a mapping node, into the state. 1 added,
 * 0 reported (strict: failed set), or a negative errno. */
int snap_read_entry(struct snap_reader *rd, enum snap_section sec, const struct nc_ynode *n, size_t index);

/* nft.table's value and nft.marked's (NULL: absent, which is true: the
 * table of a snapshot from before tables were marked was netconverge's),
 * nft.dormant's and nft.owner's (NULL: absent, not dormant, no owner).
 * The table is also listed with the others (nft_tables, read before).
 * 1 set, 0 reported, or a negative errno. */
struct snap_table_nodes {
        const struct nc_ynode *table, *marked, *dormant, *owner;
};
int snap_read_table(struct snap_reader *rd, const struct snap_table_nodes *t);

/* Reads buf if it is exactly what nc_snapshot_write() writes (rd->strict
 * set, rd->s empty): 1 when it was read, 0 when it is not (rd->failed set
 * by a problem, or a line the writer does not write) and the state holds
 * some of it, or a negative errno. max_nodes is the generic reader's limit:
 * a file near it is left to that reader, which reports it. */
int snap_read_lines(struct snap_reader *rd, const char *buf, size_t len, size_t max_nodes);

/* The two readers on their own (nc_snapshot_read_buffer() tries the
 * first, then the second); separate so that the differential fuzzer
 * (tests/fuzz/fuzz-snapshot.c) can hold them to the same answers.
 *
 * snap_read_fast: the line reader with the checks the generic reader
 * makes on the whole state (duplicates, rules in listed chains). 1 read
 * into a new sorted *ret, 0 when the file is to be read the generic way
 * (nothing reported), or a negative errno.
 *
 * snap_read_generic: the node-tree reader, which reports every problem
 * into d. 0 read into a new sorted *ret, -EINVAL reported, or another
 * negative errno. */
int snap_read_fast(const char *buf, size_t len, struct nc_state **ret);
int snap_read_generic(const char *buf, size_t len, struct nc_diags *d, struct nc_state **ret);
