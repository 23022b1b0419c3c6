/* SPDX-License-Identifier: MIT */
#include <inttypes.h>

#include "netconverge/output.h"
#include "util/utf8.h"

void nc_json_init(struct nc_json *j, FILE *f) {
        *j = (struct nc_json) { .f = f };
}

static void indent(struct nc_json *j) {
        fputc('\n', j->f);
        for (unsigned i = 0; i < j->depth; i++)
                fputs("  ", j->f);
}

/* Separator and indentation before a value or a key. */
static void before_value(struct nc_json *j) {
        if (j->after_key) {
                j->after_key = false;
                return;
        }
        if (j->depth == 0)
                return;
        if (!j->first[j->depth])
                fputc(',', j->f);
        j->first[j->depth] = false;
        indent(j);
}

static void open_(struct nc_json *j, char c) {
        before_value(j);
        fputc(c, j->f);
        if (j->depth + 1 < NC_JSON_MAX_DEPTH)
                j->depth++;
        j->first[j->depth] = true;
}

static void close_(struct nc_json *j, char c) {
        bool empty = j->first[j->depth];

        if (j->depth > 0)
                j->depth--;
        if (!empty)
                indent(j);
        fputc(c, j->f);
}

void nc_json_object_begin(struct nc_json *j) {
        open_(j, '{');
}

void nc_json_object_end(struct nc_json *j) {
        close_(j, '}');
}

void nc_json_array_begin(struct nc_json *j) {
        open_(j, '[');
}

void nc_json_array_end(struct nc_json *j) {
        close_(j, ']');
}

/* JSON text must be UTF-8 (RFC 8259 section 8.1), but a kernel name, a
 * namespace name or a rule comment may hold any bytes. Valid UTF-8 is
 * copied; each byte that does not begin a valid sequence (a stray or
 * missing continuation byte, an overlong form, an encoded surrogate, a
 * code point above U+10FFFF) becomes one U+FFFD, written as the escape
 * \ufffd so that the output stays ASCII where the input was not UTF-8.
 * Control characters (C0, DEL and C1) are escaped. docs/json.md documents this. */
static void write_string(FILE *f, const char *s) {
        const char *p = s;

        fputc('"', f);
        while (*p) {
                uint32_t cp;
                size_t len = nc_utf8_decode(p, &cp);

                if (len == 0) {
                        fputs("\\ufffd", f);
                        p++;
                        continue;
                }
                switch (cp) {
                case '"':
                        fputs("\\\"", f);
                        break;
                case '\\':
                        fputs("\\\\", f);
                        break;
                case '\n':
                        fputs("\\n", f);
                        break;
                case '\t':
                        fputs("\\t", f);
                        break;
                case '\r':
                        fputs("\\r", f);
                        break;
                default:
                        /* C1 controls too (U+0080..U+009F: CSI is U+009B):
                         * a document shown on a terminal stays inert. */
                        if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
                                fprintf(f, "\\u%04x", (unsigned) cp);
                        else
                                fwrite(p, 1, len, f);
                }
                p += len;
        }
        fputc('"', f);
}

void nc_json_key(struct nc_json *j, const char *key) {
        before_value(j);
        write_string(j->f, key);
        fputs(": ", j->f);
        j->after_key = true;
}

void nc_json_string(struct nc_json *j, const char *s) {
        before_value(j);
        write_string(j->f, s);
}

void nc_json_uint(struct nc_json *j, uint64_t v) {
        before_value(j);
        fprintf(j->f, "%" PRIu64, v);
}

void nc_json_int(struct nc_json *j, int64_t v) {
        before_value(j);
        fprintf(j->f, "%" PRId64, v);
}

void nc_json_bool(struct nc_json *j, bool v) {
        before_value(j);
        fputs(v ? "true" : "false", j->f);
}

void nc_json_null(struct nc_json *j) {
        before_value(j);
        fputs("null", j->f);
}

void nc_json_finish(struct nc_json *j) {
        fputc('\n', j->f);
}
