/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "netconverge/addr.h"

/* One decimal number in [0, max], no sign, no leading zero (a leading zero
 * means octal to inet_aton(), which is never what a config file means). */
static int parse_decimal(const char **p, unsigned max, unsigned *ret) {
        const char *s = *p;
        unsigned v = 0;
        size_t n = 0;

        while (s[n] >= '0' && s[n] <= '9') {
                v = v * 10 + (unsigned) (s[n] - '0');
                if (v > max)
                        return -ERANGE;
                n++;
        }
        if (n == 0)
                return -EINVAL;
        if (n > 1 && s[0] == '0')
                return -EINVAL;
        *p = s + n;
        *ret = v;
        return 0;
}

static int parse_quad(const char **p, uint32_t *ret) {
        uint32_t a = 0;

        for (int i = 0; i < 4; i++) {
                unsigned octet;
                int r;

                if (i > 0) {
                        if (**p != '.')
                                return -EINVAL;
                        (*p)++;
                }
                r = parse_decimal(p, 255, &octet);
                if (r < 0)
                        return -EINVAL;
                a = a << 8 | octet;
        }
        *ret = a;
        return 0;
}

int nc_ipv4_parse(const char *s, uint32_t *ret) {
        uint32_t a;

        if (parse_quad(&s, &a) < 0 || *s != '\0')
                return -EINVAL;
        *ret = a;
        return 0;
}

int nc_cidr_parse(const char *s, uint32_t *ret_addr, unsigned *ret_prefixlen) {
        unsigned plen;
        uint32_t a;

        if (parse_quad(&s, &a) < 0 || *s != '/')
                return -EINVAL;
        s++;
        if (parse_decimal(&s, 32, &plen) < 0 || *s != '\0')
                return -EINVAL;
        *ret_addr = a;
        *ret_prefixlen = plen;
        return 0;
}

int nc_mac_parse(const char *s, uint8_t ret[6]) {
        uint8_t mac[6];

        for (int i = 0; i < 6; i++) {
                unsigned v = 0;

                for (int k = 0; k < 2; k++) {
                        char c = *s++;

                        if (c >= '0' && c <= '9')
                                v = v * 16 + (unsigned) (c - '0');
                        else if (c >= 'a' && c <= 'f')
                                v = v * 16 + (unsigned) (c - 'a' + 10);
                        else if (c >= 'A' && c <= 'F')
                                v = v * 16 + (unsigned) (c - 'A' + 10);
                        else
                                return -EINVAL;
                }
                mac[i] = (uint8_t) v;
                if (i < 5 && *s++ != ':')
                        return -EINVAL;
        }
        if (*s != '\0')
                return -EINVAL;
        memcpy(ret, mac, 6);
        return 0;
}

/* By hand, not snprintf(): plans and JSON format tens of thousands of
 * addresses, and printf's machinery was most of printing a plan. */
static char *put_decimal(char *p, unsigned v) {
        char tmp[10];
        size_t n = 0;

        do {
                tmp[n++] = (char) ('0' + v % 10);
                v /= 10;
        } while (v);
        while (n)
                *p++ = tmp[--n];
        return p;
}

static char *put_ipv4(char *p, uint32_t a) {
        for (int shift = 24; shift >= 0; shift -= 8) {
                p = put_decimal(p, (a >> shift) & 0xff);
                if (shift)
                        *p++ = '.';
        }
        return p;
}

char *nc_ipv4_format(uint32_t a, char buf[static NC_IPV4_STRLEN]) {
        *put_ipv4(buf, a) = '\0';
        return buf;
}

char *nc_cidr_format(uint32_t a, unsigned prefixlen, char buf[static NC_CIDR_STRLEN]) {
        char tmp[32], *p = put_ipv4(tmp, a);
        size_t n;

        *p++ = '/';
        p = put_decimal(p, prefixlen);
        /* A length over 99 (a caller's bug) is cut, as snprintf() did. */
        n = (size_t) (p - tmp) < NC_CIDR_STRLEN ? (size_t) (p - tmp) : NC_CIDR_STRLEN - 1;
        memcpy(buf, tmp, n);
        buf[n] = '\0';
        return buf;
}

char *nc_mac_format(const uint8_t mac[6], char buf[static NC_MAC_STRLEN]) {
        static const char hex[] = "0123456789abcdef";
        char *p = buf;

        for (int i = 0; i < 6; i++) {
                if (i)
                        *p++ = ':';
                *p++ = hex[mac[i] >> 4];
                *p++ = hex[mac[i] & 0xf];
        }
        *p = '\0';
        return buf;
}

uint32_t nc_prefix_mask(unsigned prefixlen) {
        return prefixlen == 0 ? 0 : prefixlen >= 32 ? UINT32_MAX : ~(UINT32_MAX >> prefixlen);
}

uint32_t nc_subnet_broadcast(uint32_t subnet, unsigned prefixlen) {
        return subnet | ~nc_prefix_mask(prefixlen);
}

bool nc_subnet_contains(uint32_t subnet, unsigned prefixlen, uint32_t a) {
        return (a & nc_prefix_mask(prefixlen)) == (subnet & nc_prefix_mask(prefixlen));
}

bool nc_subnets_overlap(uint32_t a, unsigned alen, uint32_t b, unsigned blen) {
        unsigned len = alen < blen ? alen : blen;

        return nc_subnet_contains(a, len, b);
}

void nc_mac_from_ipv4(uint32_t a, uint8_t ret[6]) {
        ret[0] = 0x02;
        ret[1] = 0x42;
        ret[2] = (uint8_t) (a >> 24);
        ret[3] = (uint8_t) (a >> 16);
        ret[4] = (uint8_t) (a >> 8);
        ret[5] = (uint8_t) a;
}
