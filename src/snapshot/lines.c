/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netconverge/snapshot.h"
#include "snapshot/reader.h"
#include "util/hex.h"
#include "util/strbuf.h"

/* The line reader: the exact lines nc_snapshot_write() writes, and
 * nothing else.
 *
 * Why not libyaml: a snapshot of 10,000 containers is 8 MB and a million
 * YAML events, and libyaml's event parser alone takes about 100 ms of it
 * (its scanner costs some 300 instructions a byte), the whole budget of
 * `diff --observed`. The writer's format is one flow mapping per line of
 * plain words and double-quoted strings, which takes a few instructions a
 * byte to read here.
 *
 * It stays a fast path, never a second parser of YAML: each line becomes a
 * mapping node of its own, read by the same per-entry code as the tree
 * (read.c), and at the first line the writer would not write, or the first
 * problem the entry code finds, this reader gives up and the whole file is
 * read by libyaml, which accepts any YAML and reports every problem with
 * its place. So it accepts only what libyaml reads as the same values:
 * plain words of letters, digits and _ . / - (never an indicator, never a
 * null or a number with a sign other than -), and double-quoted ASCII with
 * the writer's escapes (\" \\ \xNN); anything else, UTF-8 included, goes
 * the generic way. */

#define MAX_PAIRS 16

struct lines {
        const char *p, *end;            /* the rest of the buffer */
        unsigned line;                  /* p's, 1-based */
        size_t nodes, max_nodes;        /* counted as the tree counts them */
        char *scratch;                  /* the line's keys and values, NUL-terminated */
        size_t cap;
        struct nc_ynode map, keys[MAX_PAIRS], values[MAX_PAIRS];
        struct nc_ypair pairs[MAX_PAIRS];
};

/* The next line, without its newline; NULL at the end or on a last line
 * without one (the writer ends every line). */
static const char *line_peek(const struct lines *l, size_t *ret_len) {
        const char *nl = memchr(l->p, '\n', (size_t) (l->end - l->p));

        if (!nl)
                return NULL;
        *ret_len = (size_t) (nl - l->p);
        return l->p;
}

static void line_next(struct lines *l, size_t len) {
        l->p += len + 1;
        l->line++;
}

/* Takes the next line when it is text. */
static bool line_is(struct lines *l, const char *text) {
        size_t len, n = strlen(text);
        const char *s = line_peek(l, &len);

        if (!s || len != n || memcmp(s, text, n) != 0)
                return false;
        line_next(l, len);
        return true;
}

/* "KEY: 0" or "KEY: 1" (the writer's top-level sysctls) into *value,
 * counted as the tree counts it; absent, *value stays unknown. */
static void read_flag(struct lines *l, const char *key, int *value) {
        char text[32];

        for (int v = 0; v <= 1; v++) {
                snprintf(text, sizeof(text), "%s: %d", key, v);
                if (line_is(l, text)) {
                        *value = v;
                        l->nodes += 2;
                        return;
                }
        }
}

static bool line_starts(const struct lines *l, const char *prefix, size_t n) {
        return (size_t) (l->end - l->p) >= n && memcmp(l->p, prefix, n) == 0;
}

static bool is_word_char(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
               c == '/' || c == '-';
}

/* A plain word: what the writer writes unquoted (names, numbers,
 * addresses). Copied to *out; where it stops, or NULL. */
static const char *scan_plain(const char *s, const char *e, char **out) {
        const char *start = s;

        /* Not an indicator, and '-' only as a number's sign. */
        if (s == e || !is_word_char(*s) || *s == '.' || *s == '/' ||
            (*s == '-' && !(s + 1 < e && s[1] >= '0' && s[1] <= '9')))
                return NULL;
        while (s < e && is_word_char(*s))
                s++;
        memcpy(*out, start, (size_t) (s - start));
        *out += s - start;
        *(*out)++ = '\0';
        return s;
}

/* A double-quoted string of printable ASCII and the writer's escapes,
 * s at the opening quote. Decoded to *out; the end, or NULL. */
static const char *scan_quoted(const char *s, const char *e, char **out) {
        char *o = *out;

        for (s++; s < e; s++) {
                unsigned char c = (unsigned char) *s;

                if (c == '"') {
                        *o++ = '\0';
                        *out = o;
                        return s + 1;
                }
                if (c < 0x20 || c >= 0x7f)
                        return NULL;
                if (c != '\\') {
                        *o++ = (char) c;
                        continue;
                }
                if (++s == e)
                        return NULL;
                if (*s == '"' || *s == '\\') {
                        *o++ = *s;
                } else if (*s == 'x' && e - s > 2 && nc_hex_digit(s[1]) >= 0 && nc_hex_digit(s[2]) >= 0) {
                        int v = nc_hex_digit(s[1]) * 16 + nc_hex_digit(s[2]);

                        /* NUL is refused by the tree; above 0x7f is a
                         * character of more than one byte. */
                        if (v == 0 || v > 0x7f)
                                return NULL;
                        *o++ = (char) v;
                        s += 2;
                } else {
                        return NULL;
                }
        }
        return NULL;
}

static const char *scan_value(const char *s, const char *e, char **out, bool *ret_plain) {
        *ret_plain = s < e && *s != '"';
        return *ret_plain ? scan_plain(s, e, out) : scan_quoted(s, e, out);
}

static void set_scalar(struct nc_ynode *n, const struct lines *l, const char *line, const char *at, char *value,
                       bool plain) {
        n->kind = NC_YNODE_SCALAR;
        n->at = (struct nc_origin) { .line = l->line, .column = (unsigned) (at - line) + 1 };
        n->value = value;
        n->plain = plain;
}

static int scratch_fit(struct lines *l, size_t len) {
        /* Decoding never lengthens; each key and value adds its NUL. */
        return nc_grow(&l->scratch, &l->cap, len + 2 * MAX_PAIRS + 1, 1);
}

/* "{key: value, key: value}" to the end of the line, s at '{', into
 * l->map. 1, 0 when it is not such a line, or -ENOMEM. */
static int scan_mapping(struct lines *l, const char *line, const char *s, const char *e) {
        char *o;
        size_t n = 0;

        if (scratch_fit(l, (size_t) (e - line)) < 0)
                return -ENOMEM;
        o = l->scratch;
        l->map.kind = NC_YNODE_MAPPING;
        l->map.at = (struct nc_origin) { .line = l->line, .column = (unsigned) (s - line) + 1 };
        for (s++;; n++) {
                const char *key = s, *value;
                char *k = o;
                bool plain;

                if (n == MAX_PAIRS)
                        return 0;
                /* Keys are the field tables' words: letters and _, and
                 * digits after the first ("v6", "saddr6", "v6only"), so
                 * never a number. */
                while (s < e && ((*s >= 'a' && *s <= 'z') || *s == '_' || (s > key && *s >= '0' && *s <= '9')))
                        s++;
                if (s == key || e - s < 2 || s[0] != ':' || s[1] != ' ')
                        return 0;
                memcpy(o, key, (size_t) (s - key));
                o += s - key;
                *o++ = '\0';
                set_scalar(&l->keys[n], l, line, key, k, true);
                value = s += 2;
                k = o;
                s = scan_value(s, e, &o, &plain);
                if (!s)
                        return 0;
                set_scalar(&l->values[n], l, line, value, k, plain);
                l->pairs[n] = (struct nc_ypair) { .key = &l->keys[n], .value = &l->values[n],
                                                  .value_at = l->values[n].at };
                if (s < e && *s == '}' && s + 1 == e)
                        break;
                if (e - s < 2 || s[0] != ',' || s[1] != ' ')
                        return 0;
                s += 2;
        }
        l->map.pairs = l->pairs;
        l->map.n_pairs = n + 1;
        return 1;
}

/* "links:" and its entries, or "links: []"; indent 2 inside nft. */
static int read_list(struct snap_reader *rd, struct lines *l, enum snap_section id, int indent) {
        char head[32], empty[40], entry[16];
        size_t entry_len, index = 0;
        int r;

        snprintf(head, sizeof(head), "%*s%s:", indent, "", snap_section_name(id));
        snprintf(empty, sizeof(empty), "%s []", head);
        entry_len = (size_t) snprintf(entry, sizeof(entry), "%*s- {", indent + 2, "");
        l->nodes += 2;
        if (line_is(l, empty))
                return 1;
        if (!line_is(l, head))
                return 0;
        /* The writer writes "[]" for none; "links:" alone is a null. */
        if (!line_starts(l, entry, entry_len))
                return 0;
        for (; line_starts(l, entry, entry_len); index++) {
                size_t len;
                const char *s = line_peek(l, &len);

                if (!s)
                        return 0;
                r = scan_mapping(l, s, s + entry_len - 1, s + len);
                if (r <= 0)
                        return r;
                l->nodes += 1 + 2 * l->map.n_pairs;
                if (l->nodes > l->max_nodes)
                        return 0;
                r = snap_read_entry(rd, id, &l->map, index);
                if (r < 0)
                        return r;
                if (rd->failed)
                        return 0;
                line_next(l, len);
        }
        return 1;
}

/* "nft:", "  table: NAME", "  marked: false" when unmarked, then chains
 * and rules. */
static int read_nft(struct snap_reader *rd, struct lines *l) {
        static const char table[] = "  table: ";
        const size_t skip = sizeof(table) - 1;
        struct nc_ynode n = {}, marked = {};
        bool has_marked = false;
        const char *s;
        size_t len;
        char *o;
        bool plain;
        int r;

        if (!line_is(l, "nft:"))
                return 0;
        s = line_peek(l, &len);
        if (!s || len <= skip || memcmp(s, table, skip) != 0)
                return 0;
        if (scratch_fit(l, len) < 0)
                return -ENOMEM;
        o = l->scratch;
        if (scan_value(s + skip, s + len, &o, &plain) != s + len)
                return 0;
        set_scalar(&n, l, s, s + skip, l->scratch, plain);
        l->nodes += 4;          /* nft, its mapping, table and its name */
        line_next(l, len);
        /* The writer writes only false; true reads the same way. */
        s = line_peek(l, &len);
        for (int v = 0; s && v < 2 && !has_marked; v++) {
                static const char *const values[] = { "false", "true" };
                static const char key[] = "  marked: ";

                if (len != strlen(key) + strlen(values[v]) || memcmp(s, key, strlen(key)) != 0 ||
                    memcmp(s + strlen(key), values[v], strlen(values[v])) != 0)
                        continue;
                set_scalar(&marked, l, s, s + strlen(key), (char *) values[v], true);
                line_next(l, len);
                has_marked = true;
                l->nodes += 2;
        }
        /* A dormant or owned table is rare: left to the tree. */
        if (line_starts(l, "  dormant:", strlen("  dormant:")) || line_starts(l, "  owner:", strlen("  owner:")))
                return 0;
        r = snap_read_table(rd, &(struct snap_table_nodes) { .table = &n, .marked = has_marked ? &marked : NULL });
        if (r <= 0 || rd->failed)
                return r < 0 ? r : 0;
        r = read_list(rd, l, SNAP_CHAINS, 2);
        if (r > 0)
                r = read_list(rd, l, SNAP_RULES, 2);
        /* Written only when the table has any. */
        if (r > 0 && line_starts(l, "  objects:", strlen("  objects:")))
                r = read_list(rd, l, SNAP_OBJECTS, 2);
        if (r > 0 && line_starts(l, "  elements:", strlen("  elements:")))
                r = read_list(rd, l, SNAP_ELEMENTS, 2);
        return r;
}

int snap_read_lines(struct snap_reader *rd, const char *buf, size_t len, size_t max_nodes) {
        struct lines l = { .p = buf, .end = buf + len, .line = 1, .nodes = 1, .max_nodes = max_nodes };
        char header[sizeof(NC_SNAPSHOT_HEADER)];
        int r = 0;

        /* The header without its newline. */
        memcpy(header, NC_SNAPSHOT_HEADER, sizeof(header));
        header[sizeof(header) - 2] = '\0';
        if (!line_is(&l, header) || !line_is(&l, "snapshot: 1"))
                return 0;
        l.nodes += 2;
        read_flag(&l, "ip_forward", &rd->s->ip_forward);
        read_flag(&l, "ip6_forward", &rd->s->ip6_forward);
        read_flag(&l, "route_localnet", &rd->s->route_localnet);
        for (enum snap_section id = SNAP_NAMESPACES; id <= SNAP_ROUTES; id++) {
                r = read_list(rd, &l, id, 0);
                if (r <= 0)
                        goto out;
        }
        /* Written only when there are VXLAN links' entries. */
        if (line_starts(&l, "fdb:", strlen("fdb:"))) {
                r = read_list(rd, &l, SNAP_FDB, 0);
                if (r <= 0)
                        goto out;
        }
        /* Written only when there are such tables. */
        if (line_starts(&l, "nft_tables:", strlen("nft_tables:"))) {
                r = read_list(rd, &l, SNAP_TABLES, 0);
                if (r <= 0)
                        goto out;
        }
        /* Written only when another table has such a chain. */
        if (line_starts(&l, "nft_forward_drops:", strlen("nft_forward_drops:"))) {
                r = read_list(rd, &l, SNAP_FORWARD_DROPS, 0);
                if (r <= 0)
                        goto out;
        }
        /* Each written only when it has entries. */
        for (enum snap_section id = SNAP_DROP_RULES; id <= SNAP_LISTENERS; id++) {
                char head[32];

                snprintf(head, sizeof(head), "%s:", snap_section_name(id));
                if (!line_starts(&l, head, strlen(head)))
                        continue;
                r = read_list(rd, &l, id, 0);
                if (r <= 0)
                        goto out;
        }
        if (l.p < l.end) {
                r = read_nft(rd, &l);
                if (r <= 0)
                        goto out;
        }
        r = l.p == l.end && l.nodes <= max_nodes;
out:
        free(l.scratch);
        return r;
}
