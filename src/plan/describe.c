/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "netconverge/addr.h"
#include "plan/kinds.h"
#include "util/strbuf.h"

/* Descriptions: the items a kind's describe adds, and the text line they
 * give (the JSON is rendered from the same items by src/output/plan.c).
 * Lines are built from appends, not printf: a plan of 10,000 containers
 * has 60,000 of them, and vsnprintf() twice a fragment was most of the
 * time printing it took. */

struct nc_item *nc_put(struct nc_description *d, enum nc_item_type type, const char *key, const char *text) {
        struct nc_item *x;

        if (d->n == NC_DESCRIPTION_MAX) {
                d->overflow = true;
                /* The last slot is overwritten: the output says "overflow"
                 * (nc_description_text()), and nothing is written out of
                 * bounds. */
                d->n--;
        }
        x = &d->items[d->n++];
        x->type = type;
        x->key = key;
        x->text = d->text_off ? NULL : text;
        x->s = "";
        x->n = 0;
        x->b = false;
        return x;
}

void nc_put_string(struct nc_description *d, const char *key, const char *text, const char *s) {
        nc_put(d, NC_ITEM_STRING, key, text)->s = s;
}

void nc_put_uint(struct nc_description *d, const char *key, const char *text, unsigned long long v) {
        nc_put(d, NC_ITEM_UINT, key, text)->n = (long long) v;
}

void nc_put_ipv4(struct nc_description *d, const char *key, const char *text, uint32_t a) {
        struct nc_item *x = nc_put(d, NC_ITEM_STRING, key, text);

        x->s = nc_ipv4_format(a, x->buf);
}

void nc_put_cidr(struct nc_description *d, const char *key, const char *text, uint32_t a, unsigned prefixlen) {
        struct nc_item *x = nc_put(d, NC_ITEM_STRING, key, text);

        x->s = nc_cidr_format(a, prefixlen, x->buf);
}

void nc_put_ipv6(struct nc_description *d, const char *key, const char *text, const struct nc_ipv6 *a) {
        struct nc_item *x = nc_put(d, NC_ITEM_STRING, key, text);

        x->s = nc_ipv6_format(a, x->buf);
}

void nc_put_cidr6(struct nc_description *d, const char *key, const char *text, const struct nc_ipv6 *a,
                  unsigned prefixlen) {
        struct nc_item *x = nc_put(d, NC_ITEM_STRING, key, text);

        x->s = nc_cidr6_format(a, prefixlen, x->buf);
}

void nc_put_mac(struct nc_description *d, const char *key, const char *text, const uint8_t mac[6]) {
        struct nc_item *x = nc_put(d, NC_ITEM_STRING, key, text);

        x->s = nc_mac_format(mac, x->buf);
}

void nc_put_open(struct nc_description *d, const char *key, const char *text) {
        nc_put(d, NC_ITEM_OPEN, key, text);
}

void nc_put_close(struct nc_description *d, const char *text) {
        /* In the JSON whenever its OPEN is: "" is a key that is never
         * written. */
        nc_put(d, NC_ITEM_CLOSE, "", text);
}

void nc_put_netns_suffix(struct nc_description *d, const char *netns) {
        if (netns[0])
                nc_put_string(d, NULL, " in netns ", netns);
}

struct nc_changed_field *nc_field_add(struct nc_changed_field *f, size_t *n, const char *key, const char *label,
                                      enum nc_field_type type) {
        struct nc_changed_field *x = &f[(*n)++];

        *x = (struct nc_changed_field) { .key = key, .label = label, .absent = "none", .type = type };
        return x;
}

void nc_field_name(struct nc_field_value *v, const char *name) {
        v->absent = !name[0];
        snprintf(v->text, sizeof(v->text), "%s", name);
}

void nc_field_ipv4(struct nc_field_value *v, uint32_t a) {
        v->absent = a == 0;
        nc_ipv4_format(a, v->text);
}

/* One side of a field as an item: text (NULL: none) before its value. */
static void put_value(struct nc_description *d, const char *key, const char *text, const struct nc_changed_field *f,
                      const struct nc_field_value *v) {
        struct nc_item *x;

        if (v->absent) {
                nc_put(d, NC_ITEM_NULL, key, text)->s = f->absent;
                return;
        }
        switch (f->type) {
        case NC_FIELD_FLAG:
        case NC_FIELD_UP:
                nc_put(d, NC_ITEM_BOOL, key, text)->b = v->b;
                break;
        case NC_FIELD_INT:
                nc_put(d, NC_ITEM_INT, key, text)->n = v->n;
                break;
        case NC_FIELD_TEXT:
                x = nc_put(d, NC_ITEM_STRING, key, text);
                memcpy(x->buf, v->text, sizeof(x->buf));
                x->s = x->buf;
                break;
        }
}

/* "{"mtu": {"old": 1400, "new": 1500}}" and, inline, ": mtu 1400 ->
 * 1500" (a flag: the label alone). */
static void put_field_inline(struct nc_description *d, const struct nc_changed_field *f, bool first) {
        bool flag = f->type == NC_FIELD_FLAG;

        nc_put_string(d, NULL, first ? ": " : ", ", f->label);
        nc_put_open(d, f->key, NULL);
        put_value(d, "old", flag ? NULL : "", f, &f->old);
        put_value(d, "new", flag ? NULL : " -> ", f, &f->new);
        nc_put_close(d, NULL);
}

/* ": LABEL OLD... -> LABEL NEW...": the text only. */
static void put_sides_text(struct nc_description *d, const struct nc_changed_field *f, size_t n) {
        nc_put_string(d, NULL, ":", "");
        for (size_t i = 0; i < n; i++)
                put_value(d, NULL, f[i].label, &f[i], &f[i].old);
        nc_put_string(d, NULL, " ->", "");
        for (size_t i = 0; i < n; i++)
                put_value(d, NULL, f[i].label, &f[i], &f[i].new);
}

void nc_put_changes(struct nc_description *d, const struct nc_action *a,
                    void (*extra)(const struct nc_action *a, struct nc_description *d)) {
        const struct nc_kind *k = nc_kind_of(a->object);
        struct nc_changed_field f[NC_CHANGED_FIELDS_MAX];
        bool by_side = k && k->changes_style == NC_CHANGES_BY_SIDE;
        bool text_off = d->text_off;
        size_t n;

        if (a->change != NC_CHANGE_MODIFY)
                return;
        n = k && k->changed ? k->changed(a, f) : 0;
        if (by_side)
                put_sides_text(d, f, n);
        nc_put_open(d, "changed", NULL);
        d->text_off = text_off || by_side;
        for (size_t i = 0; i < n; i++)
                put_field_inline(d, &f[i], i == 0);
        d->text_off = text_off;
        if (extra)
                extra(a, d);
        nc_put_close(d, NULL);
}

/* "disruptive": true, "disrupts": [...], and " (disrupts web)" ending the
 * line (SPEC 7.4). */
static void put_disruption(const struct nc_action *a, struct nc_description *d) {
        struct nc_item *x;

        if (!a->disruptive)
                return;
        nc_put(d, NC_ITEM_BOOL, "disruptive", NULL)->b = true;
        x = nc_put(d, NC_ITEM_NAMES, "disrupts", " (disrupts ");
        x->names = a->affected;
        x->n = (long long) a->n_affected;
        nc_put_string(d, NULL, ")", "");
}

void nc_action_description(const struct nc_action *a, struct nc_description *d) {
        const struct nc_kind *k = nc_kind_of(a->object);

        d->n = 0;
        d->text_off = false;
        d->overflow = false;
        if (k)
                k->describe(a, d);
        put_disruption(a, d);
}

static void append_uint(struct nc_strbuf *b, unsigned long long v) {
        char tmp[20];
        size_t n = sizeof(tmp);

        do {
                tmp[--n] = (char) ('0' + v % 10);
                v /= 10;
        } while (v);
        nc_strbuf_appendn(b, tmp + n, sizeof(tmp) - n);
}

/* A long list is cut: the text line stays one readable line, and the JSON
 * has every name. */
#define NAMES_IN_TEXT 3

static void append_names(struct nc_strbuf *b, const struct nc_item *x) {
        size_t n = (size_t) x->n;

        for (size_t i = 0; i < n && i < NAMES_IN_TEXT; i++) {
                if (i > 0)
                        nc_strbuf_append(b, ", ");
                nc_strbuf_append(b, x->names[i]);
        }
        if (n > NAMES_IN_TEXT) {
                nc_strbuf_append(b, " and ");
                append_uint(b, n - NAMES_IN_TEXT);
                nc_strbuf_append(b, " more");
        }
}

static void append_item(struct nc_strbuf *b, const struct nc_item *x) {
        nc_strbuf_append(b, x->text);
        switch (x->type) {
        case NC_ITEM_STRING:
        case NC_ITEM_NULL:
                nc_strbuf_append(b, x->s);
                break;
        case NC_ITEM_UINT:
                append_uint(b, (unsigned long long) x->n);
                break;
        case NC_ITEM_INT:
                if (x->n < 0)
                        nc_strbuf_append(b, "-");
                append_uint(b, x->n < 0 ? 0ull - (unsigned long long) x->n : (unsigned long long) x->n);
                break;
        case NC_ITEM_BOOL:
                nc_strbuf_append(b, x->b ? "up" : "down");
                break;
        case NC_ITEM_NAMES:
                append_names(b, x);
                break;
        default:
                break;
        }
}

static const char sign[_NC_CHANGE_MAX][3] = { [NC_CHANGE_ADD] = "+ ", [NC_CHANGE_MODIFY] = "~ ",
                                              [NC_CHANGE_REMOVE] = "- " };

void nc_description_text(struct nc_strbuf *b, const struct nc_action *a, const struct nc_description *d) {
        nc_strbuf_append(b, (unsigned) a->change < _NC_CHANGE_MAX ? sign[a->change] : "? ");
        for (size_t i = 0; i < d->n; i++)
                if (d->items[i].text)
                        append_item(b, &d->items[i]);
        if (d->overflow)
                nc_strbuf_append(b, " (description overflow)");
}

void nc_action_describe(struct nc_strbuf *b, const struct nc_action *a) {
        struct nc_description d;

        nc_action_description(a, &d);
        nc_description_text(b, a, &d);
}

char *nc_action_format(const struct nc_action *a) {
        struct nc_strbuf b = {};

        nc_action_describe(&b, a);
        return nc_strbuf_steal(&b);
}
