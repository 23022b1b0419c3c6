/* SPDX-License-Identifier: MIT */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "util/cleanup.h"
#include "util/utf8.h"
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
                size_t len = nc_utf8_decode((const char *) p, &cp);

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
