/* SPDX-License-Identifier: MIT */
/* Prints the JSON Schema (draft 2020-12) of the configuration file from the
 * parser's own key tables (include/netconverge/schema.h), for
 * docs/netconverge.schema.json. check-schema.sh diffs the two, so a key
 * added to the parser without the schema (or the reverse) fails a test.
 *
 * The parser reads every scalar as a string and interprets it by the key
 * (SPEC section 1), so "mtu: 1500" and "mtu: '1500'" are the same to it.
 * Editors (yaml-language-server) type scalars by YAML 1.2 instead: 1500 is
 * an integer, true a boolean. Each scalar type below therefore accepts its
 * YAML 1.2 value and the string the parser reads, with the parser's syntax
 * as a pattern; test-schema.py validates every good file both ways.
 *
 * Only keywords that mean the same from draft 6 on are used (type arrays,
 * enum, pattern, propertyNames, oneOf/anyOf, additionalProperties), so
 * editors whose validator is draft 7 read it the same. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netconverge/model.h"
#include "netconverge/output.h"
#include "netconverge/schema.h"

/* The parser's syntax as ECMA-262 patterns (src/model/addr.c,
 * src/config/ports.c, src/model/names.c). Octets and prefix lengths have
 * no leading zeros (parse_decimal()); ports and MTUs may. */
#define OCTET "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
#define IPV4 OCTET "(\\." OCTET "){3}"
#define PREFIX_8_30 "([89]|[12][0-9]|30)"
#define PREFIX_48_120 "(4[89]|[5-9][0-9]|1[01][0-9]|120)"
#define H16 "[0-9A-Fa-f]{1,4}"
#define PORT "0*(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})"
#define PORT_RANGE PORT "(-" PORT ")?"
/* 1 to 16777215 (2^24 - 1). */
#define VNI "0*([1-9][0-9]{0,6}|1[0-5][0-9]{6}|16[0-6][0-9]{5}|167[0-6][0-9]{4}|1677[0-6][0-9]{3}|16777[01][0-9]{2}|167772(0[0-9]|1[0-5]))"
#define MTU "0*(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{2,3}|[7-9][0-9]|6[89])"
#define HEX2 "[0-9A-Fa-f]{2}"
/* Whitespace and control characters: the parser rejects bytes up to 0x20 and 0x7f. */
#define NOT_CTL "\\x00-\\x20\\x7f"

struct gen {
        struct nc_json j;
        char ipv6[2048];        /* ipv6_pattern(), unanchored */
};

/* RFC 4291 2.2 as src/model/addr6.c reads it: eight groups, or k groups,
 * "::", and up to 7 - k more; a dotted-quad tail for the last two. */
static void ipv6_pattern(char *buf, size_t size) {
        size_t n = 0;

#define PUT(...) (n += (size_t) snprintf(buf + n, n < size ? size - n : 0, __VA_ARGS__))
        PUT("((" H16 ":){7}" H16 "|::(" H16 "(:" H16 "){0,6})?");
        for (int k = 1; k <= 7; k++) {
                PUT("|(" H16 ":){%d}:", k);
                if (k < 6)
                        PUT("(" H16 "(:" H16 "){0,%d})?", 6 - k);
                else if (k == 6)
                        PUT("(" H16 ")?");
        }
        PUT("|(" H16 ":){6}" IPV4 "|::(" H16 ":){0,5}" IPV4);
        for (int k = 1; k <= 5; k++) {
                PUT("|(" H16 ":){%d}:", k);
                if (k < 5)
                        PUT("(" H16 ":){0,%d}", 5 - k);
                PUT(IPV4);
        }
        PUT(")");
#undef PUT
        if (n >= size)
                abort();
}

static void key_string(struct gen *g, const char *key, const char *value) {
        nc_json_key(&g->j, key);
        nc_json_string(&g->j, value);
}

static void key_uint(struct gen *g, const char *key, unsigned long v) {
        nc_json_key(&g->j, key);
        nc_json_uint(&g->j, v);
}

static void types(struct gen *g, const char *a, const char *b) {
        nc_json_key(&g->j, "type");
        if (!b) {
                nc_json_string(&g->j, a);
                return;
        }
        nc_json_array_begin(&g->j);
        nc_json_string(&g->j, a);
        nc_json_string(&g->j, b);
        nc_json_array_end(&g->j);
}

/* A number the parser reads from digits: a YAML 1.2 integer or the string. */
static void number(struct gen *g, unsigned long min, unsigned long max, const char *pattern) {
        types(g, "integer", "string");
        key_uint(g, "minimum", min);
        key_uint(g, "maximum", max);
        key_string(g, "pattern", pattern);
}

static void string_pattern(struct gen *g, const char *pattern) {
        types(g, "string", NULL);
        key_string(g, "pattern", pattern);
}

static void name_keywords(struct gen *g, enum nc_name_type t) {
        switch (t) {
        case NC_NAME_IFNAME:
                /* 15 bytes (IFNAMSIZ); maxLength counts characters, exact for ASCII. */
                types(g, "string", NULL);
                key_uint(g, "minLength", 1);
                key_uint(g, "maxLength", NC_IFNAMSIZ - 1);
                key_string(g, "pattern", "^(?!\\.\\.?$)[^/:" NOT_CTL "]+$");
                break;
        case NC_NAME_CONTAINER:
                types(g, "string", NULL);
                key_uint(g, "maxLength", NC_CONTAINER_NAME_MAX);
                key_string(g, "pattern", "^[A-Za-z0-9][A-Za-z0-9_.-]*$");
                break;
        case NC_NAME_NONE:
        case _NC_NAME_TYPE_MAX:
                types(g, "string", NULL);
                break;
        }
}

static void name_schema(struct gen *g, enum nc_name_type t) {
        nc_json_object_begin(&g->j);
        name_keywords(g, t);
        nc_json_object_end(&g->j);
}

static void table_body(struct gen *g, const struct nc_key_table *t, bool with_description);

/* Docker's short syntax, the protocols from the parser's own table: any
 * case ("/UDP"; Docker lowercases), or empty ("80:80/", tcp); an empty
 * host_ip (":8080:80") is every address. */
static void short_port_pattern(struct gen *g) {
        char pattern[4096];
        int n = snprintf(pattern, sizeof(pattern), "^((" IPV4 "|\\[%s\\])?:)?" PORT_RANGE ":" PORT_RANGE "(/(", g->ipv6);

        for (int p = 0; p < _NC_PROTO_MAX; p++) {
                const char *name = nc_proto_to_string((enum nc_proto) p);

                n += snprintf(pattern + n, sizeof(pattern) - (size_t) n, "%s", p ? "|" : "");
                for (const char *c = name; *c; c++)
                        n += snprintf(pattern + n, sizeof(pattern) - (size_t) n, "[%c%c]", *c, *c - 'a' + 'A');
        }
        snprintf(pattern + n, sizeof(pattern) - (size_t) n, ")?)?$");
        string_pattern(g, pattern);
}

/* The default as the file writes it, in the JSON type of the YAML 1.2 value. */
static void default_value(struct gen *g, const struct nc_key *k) {
        if (!k->default_value)
                return;
        nc_json_key(&g->j, "default");
        switch (k->type) {
        case NC_KEY_BOOL:
                nc_json_bool(&g->j, strcmp(k->default_value, "true") == 0);
                break;
        case NC_KEY_MTU:
        case NC_KEY_PORT:
                nc_json_uint(&g->j, strtoul(k->default_value, NULL, 10));
                break;
        default:
                nc_json_string(&g->j, k->default_value);
                break;
        }
}

static void value_schema(struct gen *g, const struct nc_key *k) {
        switch (k->type) {
        case NC_KEY_VERSION:
                nc_json_key(&g->j, "enum");
                nc_json_array_begin(&g->j);
                nc_json_uint(&g->j, 1);
                nc_json_string(&g->j, "1");
                nc_json_array_end(&g->j);
                break;
        case NC_KEY_BOOL:
                /* Only these: YAML 1.1's yes/no/on/off are type errors to the parser. */
                nc_json_key(&g->j, "enum");
                nc_json_array_begin(&g->j);
                nc_json_bool(&g->j, true);
                nc_json_bool(&g->j, false);
                nc_json_string(&g->j, "true");
                nc_json_string(&g->j, "false");
                nc_json_array_end(&g->j);
                break;
        case NC_KEY_MTU:
                number(g, 68, 65535, "^" MTU "$");
                break;
        case NC_KEY_STRING:
                types(g, "string", NULL);
                break;
        case NC_KEY_TABLE_NAME:
                string_pattern(g, "^[A-Za-z_][A-Za-z0-9_.-]*$");
                key_uint(g, "maxLength", 255);
                break;
        case NC_KEY_NETNS:
                string_pattern(g, "^(?!\\.\\.?$)(/[^" NOT_CTL "]*|[^/" NOT_CTL "]+)$");
                key_uint(g, "maxLength", NC_NETNS_MAX);
                break;
        case NC_KEY_IPV4:
                string_pattern(g, "^" IPV4 "$");
                break;
        case NC_KEY_SUBNET:
                string_pattern(g, "^" IPV4 "/" PREFIX_8_30 "$");
                break;
        case NC_KEY_IPV6:
        case NC_KEY_SUBNET6:
        case NC_KEY_HOST_IP: {
                char pattern[2560];

                if (k->type == NC_KEY_IPV6)
                        snprintf(pattern, sizeof(pattern), "^%s$", g->ipv6);
                else if (k->type == NC_KEY_SUBNET6)
                        snprintf(pattern, sizeof(pattern), "^%s/" PREFIX_48_120 "$", g->ipv6);
                else
                        snprintf(pattern, sizeof(pattern), "^(" IPV4 "|%s)$", g->ipv6);
                string_pattern(g, pattern);
                break;
        }
        case NC_KEY_MAC:
                string_pattern(g, "^" HEX2 "(:" HEX2 "){5}$");
                break;
        case NC_KEY_IFNAME:
                name_keywords(g, NC_NAME_IFNAME);
                break;
        case NC_KEY_PORT:
                number(g, 1, 65535, "^" PORT_RANGE "$");
                break;
        case NC_KEY_VNI:
                number(g, 1, 16777215, "^" VNI "$");
                break;
        case NC_KEY_UDP_PORT:
                number(g, 1, 65535, "^" PORT "$");
                break;
        case NC_KEY_REMOTES: {
                char pattern[2560];

                snprintf(pattern, sizeof(pattern), "^(" IPV4 "|%s)$", g->ipv6);
                types(g, "array", "null");
                nc_json_key(&g->j, "uniqueItems");
                nc_json_bool(&g->j, true);
                nc_json_key(&g->j, "items");
                nc_json_object_begin(&g->j);
                string_pattern(g, pattern);
                nc_json_object_end(&g->j);
                break;
        }
        case NC_KEY_PROTOCOL:
                nc_json_key(&g->j, "enum");
                nc_json_array_begin(&g->j);
                for (int p = 0; p < _NC_PROTO_MAX; p++)
                        nc_json_string(&g->j, nc_proto_to_string((enum nc_proto) p));
                nc_json_array_end(&g->j);
                break;
        case NC_KEY_MAPPING:
                /* Null is read as an empty mapping. */
                types(g, "object", "null");
                table_body(g, k->table, false);    /* the key's description is the table's */
                break;
        case NC_KEY_MAP_OF:
                types(g, "object", "null");
                nc_json_key(&g->j, "propertyNames");
                name_schema(g, k->name_type);
                nc_json_key(&g->j, "additionalProperties");
                nc_json_object_begin(&g->j);
                types(g, "object", NULL);
                table_body(g, k->table, true);
                nc_json_object_end(&g->j);
                break;
        case NC_KEY_NETWORKS:
                nc_json_key(&g->j, "oneOf");
                nc_json_array_begin(&g->j);
                nc_json_object_begin(&g->j);
                types(g, "array", NULL);
                key_uint(g, "minItems", 1);
                nc_json_key(&g->j, "uniqueItems");
                nc_json_bool(&g->j, true);
                nc_json_key(&g->j, "items");
                nc_json_object_begin(&g->j);
                types(g, "string", NULL);
                nc_json_object_end(&g->j);
                nc_json_object_end(&g->j);
                nc_json_object_begin(&g->j);
                types(g, "object", NULL);
                key_uint(g, "minProperties", 1);
                nc_json_key(&g->j, "additionalProperties");
                nc_json_object_begin(&g->j);
                types(g, "object", "null");
                table_body(g, k->table, true);
                nc_json_object_end(&g->j);
                nc_json_object_end(&g->j);
                nc_json_array_end(&g->j);
                break;
        case NC_KEY_PORTS:
                types(g, "array", "null");
                nc_json_key(&g->j, "items");
                nc_json_object_begin(&g->j);
                nc_json_key(&g->j, "anyOf");
                nc_json_array_begin(&g->j);
                nc_json_object_begin(&g->j);
                key_string(g, "description", "[host_ip:]host_port[-end]:container_port[-end][/tcp|/udp|/sctp]");
                short_port_pattern(g);
                nc_json_object_end(&g->j);
                nc_json_object_begin(&g->j);
                types(g, "object", NULL);
                table_body(g, k->table, true);
                nc_json_object_end(&g->j);
                nc_json_array_end(&g->j);
                nc_json_object_end(&g->j);
                break;
        case _NC_KEY_TYPE_MAX:
                break;
        }
}

/* The keywords of one mapping: its keys, which are required, nothing else.
 * Inline where the mapping is used (each table is used once): no $ref,
 * whose sibling keywords draft-7 tools such as yaml-language-server ignore. */
static void table_body(struct gen *g, const struct nc_key_table *t, bool with_description) {
        bool any_required = false, any_group = false;

        if (with_description)
                key_string(g, "description", t->description);
        nc_json_key(&g->j, "properties");
        nc_json_object_begin(&g->j);
        for (size_t i = 0; i < t->n_keys; i++) {
                const struct nc_key *k = &t->keys[i];

                nc_json_key(&g->j, k->name);
                nc_json_object_begin(&g->j);
                key_string(g, "description", k->description);
                default_value(g, k);
                value_schema(g, k);
                nc_json_object_end(&g->j);
                any_required |= k->required;
                any_group |= k->required_group != 0;
        }
        nc_json_object_end(&g->j);
        if (any_required) {
                nc_json_key(&g->j, "required");
                nc_json_array_begin(&g->j);
                for (size_t i = 0; i < t->n_keys; i++)
                        if (t->keys[i].required)
                                nc_json_string(&g->j, t->keys[i].name);
                nc_json_array_end(&g->j);
        }
        /* One group at most per table (a bridge's subnet and subnet6): at
         * least one of its keys. */
        if (any_group) {
                nc_json_key(&g->j, "anyOf");
                nc_json_array_begin(&g->j);
                for (size_t i = 0; i < t->n_keys; i++) {
                        if (!t->keys[i].required_group)
                                continue;
                        nc_json_object_begin(&g->j);
                        nc_json_key(&g->j, "required");
                        nc_json_array_begin(&g->j);
                        nc_json_string(&g->j, t->keys[i].name);
                        nc_json_array_end(&g->j);
                        nc_json_object_end(&g->j);
                }
                nc_json_array_end(&g->j);
        }
        /* The parser reports every other key as unknown. */
        nc_json_key(&g->j, "additionalProperties");
        nc_json_bool(&g->j, false);
}

int main(void) {
        const struct nc_key_table *root = nc_schema_root();
        struct gen g;

        ipv6_pattern(g.ipv6, sizeof(g.ipv6));
        nc_json_init(&g.j, stdout);
        nc_json_object_begin(&g.j);
        key_string(&g, "$schema", "https://json-schema.org/draft/2020-12/schema");
        key_string(&g, "title", "netconverge configuration file, version 1");
        key_string(&g, "$comment",
                   "Generated by tests/schema/gen-schema.c from the parser's key tables (src/config/schema.c); "
                   "do not edit, run the schema test with UPDATE_GOLDEN=1.");
        types(&g, "object", NULL);
        table_body(&g, root, true);
        nc_json_object_end(&g.j);
        nc_json_finish(&g.j);
        return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}
