/* SPDX-License-Identifier: MIT */
#include <errno.h>
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

static const char base64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void write_base64(FILE *f, const unsigned char *p, size_t n) {
        for (size_t i = 0; i < n; i += 3) {
                uint32_t v = (uint32_t) p[i] << 16;
                size_t k = n - i < 3 ? n - i : 3;

                if (k > 1)
                        v |= (uint32_t) p[i + 1] << 8;
                if (k > 2)
                        v |= p[i + 2];
                fputc(base64_alphabet[v >> 18 & 63], f);
                fputc(base64_alphabet[v >> 12 & 63], f);
                fputc(k > 1 ? base64_alphabet[v >> 6 & 63] : '=', f);
                fputc(k > 2 ? base64_alphabet[v & 63] : '=', f);
        }
}

void nc_yaml_write_exact(FILE *f, const char *s, bool quoted) {
        if (!nc_utf8_valid(s)) {
                fputs("!!binary \"", f);
                write_base64(f, (const unsigned char *) s, strlen(s));
                fputc('"', f);
        } else if (quoted) {
                nc_yaml_write_quoted(f, s);
        } else {
                nc_yaml_write_scalar(f, s);
        }
}

static int base64_value(char c) {
        const char *p = c ? strchr(base64_alphabet, c) : NULL;

        return p ? (int) (p - base64_alphabet) : -1;
}

int nc_base64_decode_inplace(char *s) {
        size_t out = 0, n = 0, pad = 0;
        uint32_t v = 0;

        for (const char *p = s; *p; p++) {
                int x;

                if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
                        continue;
                if (*p == '=') {
                        pad++;
                        x = 0;
                } else {
                        if (pad > 0)
                                return -EINVAL;         /* data after the padding */
                        x = base64_value(*p);
                        if (x < 0)
                                return -EINVAL;
                }
                v = v << 6 | (uint32_t) x;
                if (++n % 4 != 0)
                        continue;
                if (pad > 2)
                        return -EINVAL;
                /* out never passes p: 3 bytes out for every 4 in. */
                s[out++] = (char) (v >> 16);
                if (pad < 2)
                        s[out++] = (char) (v >> 8);
                if (pad < 1)
                        s[out++] = (char) v;
                v = 0;
        }
        if (n % 4 != 0)
                return -EINVAL;
        if (memchr(s, '\0', out))
                return -EINVAL;
        s[out] = '\0';
        return (int) out;
}
