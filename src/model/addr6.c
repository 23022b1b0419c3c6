/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>

#include "netconverge/addr.h"
#include "util/hex.h"

/* By hand rather than inet_pton()/inet_ntop(): glibc's inet_pton() takes
 * what a file should not mean (it is lenient about nothing we rely on, but
 * its exact acceptance is libc's, not ours), and inet_ntop() prints
 * IPv4-compatible addresses (::a.b.c.d, deprecated by RFC 4291) in the
 * dotted form, which RFC 5952 does not. Plans and golden files need one
 * spelling per address, the same on every libc. */

/* The dotted-quad tail of s[0, len): the IPv4 parser's rules. */
static int parse_tail(const char *s, size_t len, uint16_t ret[2]) {
        char quad[NC_IPV4_STRLEN];
        uint32_t a;

        if (len >= sizeof(quad))
                return -EINVAL;
        memcpy(quad, s, len);
        quad[len] = '\0';
        if (nc_ipv4_parse(quad, &a) < 0)
                return -EINVAL;
        ret[0] = (uint16_t) (a >> 16);
        ret[1] = (uint16_t) a;
        return 0;
}

int nc_ipv6_parse_n(const char *s, size_t len, struct nc_ipv6 *ret) {
        const char *p = s, *end = s + len;
        uint16_t groups[8] = {};
        int n = 0, gap = -1;
        struct nc_ipv6 a = {};

        if (len == 0 || len >= NC_IPV6_STRLEN)
                return -EINVAL;
        if (p[0] == ':') {
                /* Only "::" may start an address. */
                if (len < 2 || p[1] != ':')
                        return -EINVAL;
                gap = 0;
                p += 2;
        }
        while (p < end) {
                const char *tok = p;
                unsigned v = 0;
                int d;

                while (p < end && p - tok < 5 && (d = nc_hex_digit(*p)) >= 0) {
                        v = v << 4 | (unsigned) d;
                        p++;
                }
                if (p < end && *p == '.') {
                        /* The last 32 bits as a dotted quad, to the end. */
                        if (n > 6 || parse_tail(tok, (size_t) (end - tok), groups + n) < 0)
                                return -EINVAL;
                        n += 2;
                        break;
                }
                if (p == tok || p - tok > 4)
                        return -EINVAL;
                if (n == 8)
                        return -EINVAL;
                groups[n++] = (uint16_t) v;
                if (p == end)
                        break;
                if (*p != ':')
                        return -EINVAL;
                p++;
                if (p < end && *p == ':') {
                        if (gap >= 0)
                                return -EINVAL;         /* a second "::" */
                        gap = n;
                        p++;
                } else if (p == end)
                        return -EINVAL;                 /* a trailing single ':' */
        }
        /* "::" stands for one group or more (RFC 4291 section 2.2). */
        if (gap < 0 ? n != 8 : n > 7)
                return -EINVAL;
        for (int i = 0, k = 0; i < 8; i++) {
                uint16_t w;

                if (gap >= 0 && i >= gap && i < gap + 8 - n)
                        w = 0;
                else
                        w = groups[k++];
                a.b[2 * i] = (uint8_t) (w >> 8);
                a.b[2 * i + 1] = (uint8_t) w;
        }
        *ret = a;
        return 0;
}

int nc_ipv6_parse(const char *s, struct nc_ipv6 *ret) {
        return nc_ipv6_parse_n(s, strlen(s), ret);
}

int nc_cidr6_parse(const char *s, struct nc_ipv6 *ret_addr, unsigned *ret_prefixlen) {
        const char *slash = strchr(s, '/'), *p;
        struct nc_ipv6 a;
        unsigned plen = 0;

        if (!slash || nc_ipv6_parse_n(s, (size_t) (slash - s), &a) < 0)
                return -EINVAL;
        p = slash + 1;
        /* Decimal, no sign, no leading zero (as the IPv4 CIDR). */
        if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] != '\0'))
                return -EINVAL;
        for (; *p >= '0' && *p <= '9'; p++) {
                plen = plen * 10 + (unsigned) (*p - '0');
                if (plen > 128)
                        return -EINVAL;
        }
        if (*p != '\0')
                return -EINVAL;
        *ret_addr = a;
        *ret_prefixlen = plen;
        return 0;
}

static uint16_t word(const struct nc_ipv6 *a, int i) {
        return (uint16_t) (a->b[2 * i] << 8 | a->b[2 * i + 1]);
}

static char *put_hex(char *p, uint16_t w) {
        static const char hex[] = "0123456789abcdef";
        bool started = false;

        for (int shift = 12; shift >= 0; shift -= 4) {
                unsigned d = (w >> shift) & 0xf;

                if (d || started || shift == 0) {
                        *p++ = hex[d];
                        started = true;
                }
        }
        return p;
}

static char *put_ipv6(char *p, const struct nc_ipv6 *a) {
        int best = -1, best_len = 0;
        bool mapped = true;

        for (int i = 0; i < 5; i++)
                mapped = mapped && word(a, i) == 0;
        if (mapped && word(a, 5) == 0xffff) {
                char quad[NC_IPV4_STRLEN];
                size_t n;

                memcpy(p, "::ffff:", 7);
                nc_ipv4_format((uint32_t) a->b[12] << 24 | (uint32_t) a->b[13] << 16 |
                               (uint32_t) a->b[14] << 8 | a->b[15], quad);
                n = strlen(quad);
                memcpy(p + 7, quad, n);
                return p + 7 + n;
        }
        /* RFC 5952 4.2: the longest run of zero groups, two or more, the
         * first of equal ones. */
        for (int i = 0; i < 8;) {
                int k = i;

                while (k < 8 && word(a, k) == 0)
                        k++;
                if (k - i > best_len && k - i >= 2) {
                        best = i;
                        best_len = k - i;
                }
                i = k > i ? k : i + 1;
        }
        for (int i = 0; i < 8; i++) {
                if (i == best) {
                        *p++ = ':';
                        *p++ = ':';
                        i += best_len - 1;
                        continue;
                }
                if (i > 0 && i != best + best_len)
                        *p++ = ':';
                p = put_hex(p, word(a, i));
        }
        return p;
}

char *nc_ipv6_format(const struct nc_ipv6 *a, char buf[static NC_IPV6_STRLEN]) {
        *put_ipv6(buf, a) = '\0';
        return buf;
}

char *nc_cidr6_format(const struct nc_ipv6 *a, unsigned prefixlen, char buf[static NC_CIDR6_STRLEN]) {
        char *p = put_ipv6(buf, a);
        char digits[4];
        size_t n = 0;

        /* A length over 128 (a caller's bug) is printed as 128's width allows. */
        prefixlen %= 1000;
        do {
                digits[n++] = (char) ('0' + prefixlen % 10);
                prefixlen /= 10;
        } while (prefixlen);
        *p++ = '/';
        while (n)
                *p++ = digits[--n];
        *p = '\0';
        return buf;
}

int nc_ipv6_compare(const struct nc_ipv6 *a, const struct nc_ipv6 *b) {
        int r = memcmp(a->b, b->b, sizeof(a->b));

        return (r > 0) - (r < 0);
}

bool nc_ipv6_equal(const struct nc_ipv6 *a, const struct nc_ipv6 *b) {
        return memcmp(a->b, b->b, sizeof(a->b)) == 0;
}

bool nc_ipv6_is_zero(const struct nc_ipv6 *a) {
        static const struct nc_ipv6 zero;

        return nc_ipv6_equal(a, &zero);
}

/* Byte i of the mask of prefixlen. */
static uint8_t mask_byte(unsigned prefixlen, int i) {
        unsigned bits = (unsigned) i * 8;

        if (prefixlen >= bits + 8)
                return 0xff;
        if (prefixlen <= bits)
                return 0;
        return (uint8_t) (0xff << (8 - (prefixlen - bits)));
}

struct nc_ipv6 nc_ipv6_network(const struct nc_ipv6 *a, unsigned prefixlen) {
        struct nc_ipv6 r;

        for (int i = 0; i < 16; i++)
                r.b[i] = a->b[i] & mask_byte(prefixlen, i);
        return r;
}

struct nc_ipv6 nc_ipv6_last(const struct nc_ipv6 *a, unsigned prefixlen) {
        struct nc_ipv6 r;

        for (int i = 0; i < 16; i++)
                r.b[i] = (uint8_t) (a->b[i] | ~mask_byte(prefixlen, i));
        return r;
}

bool nc_ipv6_next(struct nc_ipv6 *a) {
        struct nc_ipv6 r = *a;

        for (int i = 15; i >= 0; i--)
                if (++r.b[i] != 0) {
                        *a = r;
                        return true;
                }
        return false;
}

bool nc_subnet6_contains(const struct nc_ipv6 *subnet, unsigned prefixlen, const struct nc_ipv6 *a) {
        struct nc_ipv6 x = nc_ipv6_network(subnet, prefixlen), y = nc_ipv6_network(a, prefixlen);

        return nc_ipv6_equal(&x, &y);
}

bool nc_subnets6_overlap(const struct nc_ipv6 *a, unsigned alen, const struct nc_ipv6 *b, unsigned blen) {
        return nc_subnet6_contains(a, alen < blen ? alen : blen, b);
}

void nc_mac_from_ipv6(const struct nc_ipv6 *a, uint8_t ret[6]) {
        ret[0] = 0x02;
        ret[1] = 0x42;
        memcpy(ret + 2, a->b + 12, 4);
}
