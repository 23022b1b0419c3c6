/* SPDX-License-Identifier: MIT */
#include "util/utf8.h"

static bool is_continuation(unsigned char c) {
        return (c & 0xc0) == 0x80;
}

size_t nc_utf8_decode(const char *s, uint32_t *ret) {
        const unsigned char *p = (const unsigned char *) s;
        size_t len;
        uint32_t cp, min;

        if (p[0] < 0x80) {
                *ret = p[0];
                return 1;
        }
        /* 0xc0, 0xc1 and 0xf5..0xff never start a sequence. */
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

bool nc_utf8_valid(const char *s) {
        uint32_t cp;

        while (*s) {
                size_t len = nc_utf8_decode(s, &cp);

                if (len == 0)
                        return false;
                s += len;
        }
        return true;
}
