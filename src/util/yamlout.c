/* SPDX-License-Identifier: MIT */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "util/cleanup.h"
#include "util/yamlout.h"

/* Words other YAML readers would take for a boolean or null (YAML 1.1);
 * quoted so that the file means the same to every reader. */
static const char *const reserved_words[] = { "y", "n", "yes", "no", "on", "off", "true", "false", "null" };

/* A plain scalar only when it is a word: letters, digits, '_', '.', '-',
 * starting with a letter or '_' (so never a number or an indicator). */
static bool is_plain_word(const char *s) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
                return false;
        for (const char *p = s; *p; p++)
                if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                      *p == '_' || *p == '.' || *p == '-'))
                        return false;
        for (size_t i = 0; i < ELEMENTSOF(reserved_words); i++)
                if (strcasecmp(s, reserved_words[i]) == 0)
                        return false;
        return true;
}

static bool is_continuation(unsigned char c) {
        return (c & 0xc0) == 0x80;
}

/* Decodes one UTF-8 sequence: its length, or 0 when it is not valid UTF-8
 * (overlong forms and surrogates included). */
static size_t utf8_decode(const unsigned char *p, uint32_t *ret) {
        size_t len;
        uint32_t cp, min;

        if (p[0] < 0x80) {
                *ret = p[0];
                return 1;
        }
        if (p[0] >= 0xc2 && p[0] <= 0xdf)
                len = 2, cp = p[0] & 0x1f, min = 0x80;
        else if (p[0] >= 0xe0 && p[0] <= 0xef)
                len = 3, cp = p[0] & 0x0f, min = 0x800;
        else if (p[0] >= 0xf0 && p[0] <= 0xf4)
                len = 4, cp = p[0] & 0x07, min = 0x10000;
        else
                return 0;
        for (size_t i = 1; i < len; i++) {
                if (!is_continuation(p[i]))     /* also stops at the NUL */
                        return 0;
                cp = cp << 6 | (p[i] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
                return 0;
        *ret = cp;
        return len;
}

/* What libyaml accepts verbatim in a stream (its reader rejects the rest,
 * even inside quotes); the BOM is escaped too, to be read back as data. */
static bool is_printable(uint32_t cp) {
        return (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xd7ff) ||
               (cp >= 0xe000 && cp <= 0xfffd && cp != 0xfeff) || cp >= 0x10000;
}

void nc_yaml_write_quoted(FILE *f, const char *s) {
        const unsigned char *p = (const unsigned char *) s;

        fputc('"', f);
        while (*p) {
                uint32_t cp;
                size_t len = utf8_decode(p, &cp);

                if (len == 0) {
                        fputc('?', f);
                        p++;
                        continue;
                }
                if (cp == '"' || cp == '\\')
                        fprintf(f, "\\%c", (char) cp);
                else if (is_printable(cp))
                        fwrite(p, 1, len, f);
                else if (cp <= 0xff)
                        fprintf(f, "\\x%02x", (unsigned) cp);
                else
                        fprintf(f, "\\u%04x", (unsigned) cp);
                p += len;
        }
        fputc('"', f);
}

void nc_yaml_write_scalar(FILE *f, const char *s) {
        if (is_plain_word(s))
                fputs(s, f);
        else
                nc_yaml_write_quoted(f, s);
}
