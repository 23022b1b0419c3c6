/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config/stages.h"
#include "netconverge/addr.h"

/* Docker's port syntax, minus what would make a plan non-deterministic:
 * netconverge never picks an ephemeral host port, so "80" and "ip::80" are
 * rejected with a hint, and so is a host range mapped onto a container
 * range of another length (Docker would pick one port of the range). */

static int parse_port(const char *s, size_t n, uint16_t *ret, char *err, size_t errlen) {
        unsigned long v = 0;

        if (n == 0) {
                snprintf(err, errlen, "a port number is missing");
                return -EINVAL;
        }
        for (size_t i = 0; i < n; i++) {
                if (s[i] < '0' || s[i] > '9') {
                        snprintf(err, errlen, "'%.*s' is not a port number", (int) (n > 20 ? 20 : n), s);
                        return -EINVAL;
                }
                if (v <= 65535)
                        v = v * 10 + (unsigned long) (s[i] - '0');
        }
        if (v == 0 || v > 65535) {
                snprintf(err, errlen, "port %.*s is out of range 1-65535", (int) (n > 20 ? 20 : n), s);
                return -EINVAL;
        }
        *ret = (uint16_t) v;
        return 0;
}

static int parse_range_n(const char *s, size_t n, uint16_t *ret_start, uint16_t *ret_end, char *err, size_t errlen) {
        const char *dash = memchr(s, '-', n);
        uint16_t a, b;

        if (!dash) {
                if (parse_port(s, n, &a, err, errlen) < 0)
                        return -EINVAL;
                *ret_start = *ret_end = a;
                return 0;
        }
        if (parse_port(s, (size_t) (dash - s), &a, err, errlen) < 0 ||
            parse_port(dash + 1, n - (size_t) (dash - s) - 1, &b, err, errlen) < 0)
                return -EINVAL;
        if (b < a) {
                snprintf(err, errlen, "port range %u-%u ends before it starts", a, b);
                return -EINVAL;
        }
        *ret_start = a;
        *ret_end = b;
        return 0;
}

int nc_port_parse_range(const char *s, uint16_t *ret_start, uint16_t *ret_end, char *err, size_t errlen) {
        return parse_range_n(s, strlen(s), ret_start, ret_end, err, errlen);
}

int nc_port_check_lengths(const struct nc_port *p, char *err, size_t errlen) {
        unsigned host = (unsigned) p->host_port_end - p->host_port + 1;
        unsigned target = (unsigned) p->target_end - p->target + 1;

        if (host == target)
                return 0;
        if (target == 1)
                snprintf(err, errlen, "host ports %u-%u (%u) and container port %u differ in length",
                         p->host_port, p->host_port_end, host, p->target);
        else if (host == 1)
                snprintf(err, errlen, "host port %u and container ports %u-%u (%u) differ in length",
                         p->host_port, p->target, p->target_end, target);
        else
                snprintf(err, errlen, "host ports %u-%u (%u) and container ports %u-%u (%u) differ in length",
                         p->host_port, p->host_port_end, host, p->target, p->target_end, target);
        return -EINVAL;
}

int nc_port_check_host_ip6(const struct nc_ipv6 *a, char *err, size_t errlen) {
        char ip[NC_IPV6_STRLEN], quad[NC_IPV4_STRLEN];
        static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

        if (memcmp(a->b, mapped, sizeof(mapped)) == 0) {
                snprintf(err, errlen, "%s is an IPv4-mapped address; write the IPv4 address %s", nc_ipv6_format(a, ip),
                         nc_ipv4_format((uint32_t) a->b[12] << 24 | (uint32_t) a->b[13] << 16 |
                                        (uint32_t) a->b[14] << 8 | a->b[15], quad));
                return -EINVAL;
        }
        if (a->b[0] == 0xff) {
                snprintf(err, errlen, "%s is a multicast address, not a host address", nc_ipv6_format(a, ip));
                return -EINVAL;
        }
        return 0;
}

/* Docker's "[IPV6]:" prefix: the address into p, *s past the colon. */
static int parse_bracketed(const char **s, struct nc_port *p, char *err, size_t errlen) {
        const char *close = strchr(*s, ']');
        size_t len;
        uint32_t v4;
        char ip[NC_IPV6_STRLEN];

        if (!close) {
                snprintf(err, errlen, "'[' opens an IPv6 host address that no ']' closes");
                return -EINVAL;
        }
        len = (size_t) (close - *s - 1);
        if (len < sizeof(ip)) {
                memcpy(ip, *s + 1, len);
                ip[len] = '\0';
        }
        if (len >= sizeof(ip) || nc_ipv6_parse(ip, &p->host_ip6) < 0) {
                int shown = (int) (len > 45 ? 45 : len);

                if (len < sizeof(ip) && nc_ipv4_parse(ip, &v4) >= 0)
                        snprintf(err, errlen, "'%s' is an IPv4 address; brackets are for IPv6, write \"%s:HOST:CONTAINER\"",
                                 ip, ip);
                else if (memchr(*s + 1, '%', len))
                        snprintf(err, errlen, "'%.*s' is not an IPv6 host address: a zone id (%%...) has no place here",
                                 shown, *s + 1);
                else
                        snprintf(err, errlen, "'%.*s' is not an IPv6 host address", shown, *s + 1);
                return -EINVAL;
        }
        if (nc_port_check_host_ip6(&p->host_ip6, err, errlen) < 0)
                return -EINVAL;
        if (close[1] != ':') {
                snprintf(err, errlen, "expected ':' after the IPv6 host address, as in \"[%s]:8080:80\"", ip);
                return -EINVAL;
        }
        p->host_family = NC_HOST_IPV6;
        *s = close + 2;
        return 0;
}

/* "[host_ip:]host:container" cut at its ':' (up to /proto, at end). */
static size_t split_fields(const char *s, const char *end, const char *fields[static 3], size_t lens[static 3]) {
        size_t n = 0;

        for (const char *q = s;; q++) {
                const char *colon = memchr(q, ':', (size_t) (end - q));

                fields[n] = q;
                lens[n] = colon ? (size_t) (colon - q) : (size_t) (end - q);
                n++;
                if (!colon || n == 3)
                        break;
                q = colon;
        }
        return n;
}

/* A mapping without a host port, said with the example it should be. */
static int check_host_port(const struct nc_port *p, bool bracketed, const char *const fields[static 3],
                           const size_t lens[static 3], size_t n, char *err, size_t errlen) {
        int port = (int) (lens[n - 1] > 11 ? 11 : lens[n - 1]);
        char ip6[NC_IPV6_STRLEN];

        if (bracketed && lens[n - 1] == 0) {
                snprintf(err, errlen, "a port number is missing");
                return -EINVAL;
        }
        if (bracketed && (n == 1 || lens[0] == 0)) {
                snprintf(err, errlen,
                         "no host port: netconverge publishes only fixed host ports; write IP:HOST:CONTAINER, e.g. \"[%s]:%.*s:%.*s\"",
                         nc_ipv6_format(&p->host_ip6, ip6), port, fields[n - 1], port, fields[n - 1]);
                return -EINVAL;
        }
        if (n == 3 && lens[1] == 0) {
                int iplen = (int) (lens[0] > 15 ? 15 : lens[0]);

                port = (int) (lens[2] > 11 ? 11 : lens[2]);
                snprintf(err, errlen,
                         "no host port: netconverge publishes only fixed host ports; write IP:HOST:CONTAINER, e.g. \"%.*s:%.*s:%.*s\"",
                         iplen, fields[0], port, fields[2], port, fields[2]);
                return -EINVAL;
        }
        if (n == 1 || lens[n - 2] == 0) {
                snprintf(err, errlen,
                         "no host port: netconverge publishes only fixed host ports; write HOST:CONTAINER, e.g. \"%.*s:%.*s\"",
                         port, fields[n - 1], port, fields[n - 1]);
                return -EINVAL;
        }
        return 0;
}

/* The unbracketed host_ip: IPv4 only. */
static int parse_host_ipv4(const char *field, size_t len, struct nc_port *p, char *err, size_t errlen) {
        char ip[NC_IPV4_STRLEN + 8];

        if (len == 0 || len >= NC_IPV4_STRLEN) {
                snprintf(err, errlen, "'%.*s' is not an IPv4 host address", (int) (len > 40 ? 40 : len), field);
                return -EINVAL;
        }
        memcpy(ip, field, len);
        ip[len] = '\0';
        if (nc_ipv4_parse(ip, &p->host_ip) < 0) {
                snprintf(err, errlen, "'%s' is not an IPv4 host address", ip);
                return -EINVAL;
        }
        p->host_family = NC_HOST_IPV4;
        return 0;
}

int nc_port_parse_short(const char *s, struct nc_port *p, char *err, size_t errlen) {
        const char *fields[3], *slash, *end;
        size_t lens[3], n = 0;
        bool bracketed = false;
        int proto;

        if (*s == '\0') {
                snprintf(err, errlen, "the port mapping is empty");
                return -EINVAL;
        }
        p->host_family = NC_HOST_ANY;
        p->host_ip = 0;
        p->host_ip6 = (struct nc_ipv6) {};
        if (s[0] == '[') {
                if (parse_bracketed(&s, p, err, errlen) < 0)
                        return -EINVAL;
                bracketed = true;
        }
        /* The unbracketed "::1:80:80": the only way to have more than two
         * ':' (or more than one after the brackets). */
        for (const char *q = s; *q; q++)
                n += *q == ':';
        if (n > (bracketed ? 1u : 2u)) {
                snprintf(err, errlen, "an IPv6 host address goes in brackets, as in \"[::1]:8080:80\"");
                return -EINVAL;
        }

        slash = strchr(s, '/');
        end = slash ? slash : s + strlen(s);
        p->proto = NC_PROTO_TCP;
        if (slash) {
                proto = nc_proto_from_string(slash + 1);
                if (proto < 0) {
                        snprintf(err, errlen, "protocol '%.16s' is not supported; use tcp or udp", slash + 1);
                        return -EINVAL;
                }
                p->proto = (enum nc_proto) proto;
        }
        n = split_fields(s, end, fields, lens);
        if (check_host_port(p, bracketed, fields, lens, n, err, errlen) < 0)
                return -EINVAL;
        if (n == 3 && parse_host_ipv4(fields[0], lens[0], p, err, errlen) < 0)
                return -EINVAL;
        if (parse_range_n(fields[n - 2], lens[n - 2], &p->host_port, &p->host_port_end, err, errlen) < 0 ||
            parse_range_n(fields[n - 1], lens[n - 1], &p->target, &p->target_end, err, errlen) < 0)
                return -EINVAL;
        return nc_port_check_lengths(p, err, errlen);
}
