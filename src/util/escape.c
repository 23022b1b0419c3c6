/* SPDX-License-Identifier: MIT */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "util/escape.h"
#include "util/utf8.h"

/* The length of the clean run at s (len bytes): printable ASCII and
 * UTF-8 sequences of code points that are not control characters. The
 * decoder reads up to 4 bytes; a sequence cut by len counts as bad. */
static size_t clean_prefix(const char *s, size_t len) {
        size_t i = 0;

        while (i < len) {
                unsigned char c = (unsigned char) s[i];
                char seq[5] = "";
                uint32_t cp;
                size_t n;

                if (c >= 0x20 && c < 0x7f) {
                        i++;
                        continue;
                }
                if (c < 0x80)
                        break;
                memcpy(seq, s + i, len - i < 4 ? len - i : 4);
                n = nc_utf8_decode(seq, &cp);
                if (n == 0 || cp < 0xa0)
                        break;
                i += n;
        }
        return i;
}

bool nc_escape_clean(const char *s, size_t len) {
        return clean_prefix(s, len) == len;
}

void nc_escape_append(struct nc_strbuf *b, const char *s, size_t len) {
        static const char named[] = { ['\a'] = 'a', ['\b'] = 'b', ['\t'] = 't', ['\n'] = 'n',
                                      ['\v'] = 'v', ['\f'] = 'f', ['\r'] = 'r' };
        size_t i = 0;

        while (i < len) {
                size_t n = clean_prefix(s + i, len - i);
                unsigned char c;

                nc_strbuf_appendn(b, s + i, n);
                i += n;
                if (i >= len)
                        break;
                c = (unsigned char) s[i];
                if (c < sizeof(named) && named[c])
                        nc_strbuf_printf(b, "\\%c", named[c]);
                else
                        nc_strbuf_printf(b, "\\x%02x", c);
                /* A C1 control in UTF-8 (0xc2 0x80..0x9f) goes byte by
                 * byte: its second byte is not clean on its own either. */
                i++;
        }
}

void nc_escape_fputs(const char *s, FILE *f) {
        struct nc_strbuf b = {};
        size_t len = strlen(s);

        if (nc_escape_clean(s, len)) {
                fputs(s, f);
                return;
        }
        nc_escape_append(&b, s, len);
        if (b.oom || !b.s)
                fputs("(unprintable: out of memory)", f);
        else
                fwrite(b.s, 1, b.len, f);
        nc_strbuf_done(&b);
}
