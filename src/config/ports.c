/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config/stages.h"
#include "netconverge/addr.h"

/* Docker's port syntax (go-connections' nat.ParsePortSpec), minus what
 * would make a plan non-deterministic: netconverge never picks an ephemeral
 * host port, so "80" and "ip::80" are rejected with a hint, and so is a host
 * range mapped onto a container range of another length (Docker would pick
 * one port of the range). docs/file-format.md lists every difference. */

/* what names the field ("host port", "container port") in the messages;
 * NULL where the caller's path names it already (the long form). */
static int parse_port(const char *s, size_t n, const char *what, uint16_t *ret, char *err, size_t errlen) {
        unsigned long v = 0;

        if (n == 0) {
                if (what)
                        snprintf(err, errlen, "the %s is missing", what);
                else
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

static int parse_range_n(const char *s, size_t n, const char *what, uint16_t *ret_start, uint16_t *ret_end,
                         char *err, size_t errlen) {
        const char *dash = memchr(s, '-', n);
        size_t first = dash ? (size_t) (dash - s) : n;
        uint16_t a, b;

        if (!dash) {
                if (parse_port(s, n, what, &a, err, errlen) < 0)
                        return -EINVAL;
                *ret_start = *ret_end = a;
                return 0;
        }
        /* "8000-", "-9000", "-1": a range with an end left out. */
        if (first == 0 || first + 1 == n) {
                snprintf(err, errlen, "the %s range '%.*s' is missing a port number", what ? what : "port",
                         (int) (n > 20 ? 20 : n), s);
                return -EINVAL;
        }
        if (parse_port(s, first, what, &a, err, errlen) < 0 ||
            parse_port(dash + 1, n - first - 1, what, &b, err, errlen) < 0)
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
        return parse_range_n(s, strlen(s), NULL, ret_start, ret_end, err, errlen);
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

/* "/udp": Docker lowercases the protocol and reads an empty one as tcp. */
static int parse_proto(const char *slash, struct nc_port *p, char *err, size_t errlen) {
        char name[8];
        size_t len;
        int proto;

        p->proto = NC_PROTO_TCP;
        if (!slash || slash[1] == '\0')
                return 0;
        len = strlen(slash + 1);
        for (size_t i = 0; i < len && i < sizeof(name); i++) {
                char c = slash[1 + i];

                name[i] = c >= 'A' && c <= 'Z' ? (char) (c - 'A' + 'a') : c;
        }
        proto = -EINVAL;
        if (len < sizeof(name)) {
                name[len] = '\0';
                proto = nc_proto_from_string(name);
        }
        if (proto < 0) {
                snprintf(err, errlen, "protocol '%.16s' is not supported; use tcp, udp or sctp", slash + 1);
                return -EINVAL;
        }
        p->proto = (enum nc_proto) proto;
        return 0;
}

static bool field_ipv4(const char *field, size_t len, uint32_t *ret) {
        char ip[NC_IPV4_STRLEN];

        if (len == 0 || len >= sizeof(ip))
                return false;
        memcpy(ip, field, len);
        ip[len] = '\0';
        return nc_ipv4_parse(ip, ret) >= 0;
}

/* The unbracketed host_ip: IPv4 only; empty is every address (Docker's
 * reading of ":8080:80"). */
static int parse_host_ipv4(const char *field, size_t len, struct nc_port *p, char *err, size_t errlen) {
        if (len == 0)
                return 0;
        if (!field_ipv4(field, len, &p->host_ip)) {
                snprintf(err, errlen, "'%.*s' is not an IPv4 host address", (int) (len > 40 ? 40 : len), field);
                return -EINVAL;
        }
        p->host_family = NC_HOST_IPV4;
        return 0;
}

/* "1.2.3.4:", "[::1]:" or nothing: how a hint writes p's host_ip. */
static void format_host_prefix(const struct nc_port *p, char buf[static NC_IPV6_STRLEN + 3]) {
        char ip[NC_IPV6_STRLEN];

        if (p->host_family == NC_HOST_IPV4)
                snprintf(buf, NC_IPV6_STRLEN + 3, "%s:", nc_ipv4_format(p->host_ip, ip));
        else if (p->host_family == NC_HOST_IPV6)
                snprintf(buf, NC_IPV6_STRLEN + 3, "[%s]:", nc_ipv6_format(&p->host_ip6, ip));
        else
                buf[0] = '\0';
}

/* A mapping without a host port, said with the mapping it could be: the
 * same address, container port(s) and protocol, published on the same
 * numbers. Every part of the hint has been parsed, so the hint is valid. */
static int no_host_port(const struct nc_port *p, bool with_proto, char *err, size_t errlen) {
        char host[NC_IPV6_STRLEN + 3], range[16], proto[8] = "";

        format_host_prefix(p, host);
        if (p->target == p->target_end)
                snprintf(range, sizeof(range), "%u", p->target);
        else
                snprintf(range, sizeof(range), "%u-%u", p->target, p->target_end);
        if (with_proto)
                snprintf(proto, sizeof(proto), "/%s", nc_proto_to_string(p->proto));
        snprintf(err, errlen, "no host port: netconverge publishes only fixed host ports; write %s, e.g. \"%s%s:%s%s\"",
                 host[0] ? "IP:HOST:CONTAINER" : "HOST:CONTAINER", host, range, range, proto);
        return -EINVAL;
}

/* Docker's "[IPV6]:" prefix, *s past it; an unbracketed IPv6 address refused. */
static int parse_host_prefix(const char **s, struct nc_port *p, bool *bracketed, char *err, size_t errlen) {
        size_t colons = 0;

        *bracketed = false;
        if (**s == '[') {
                if (parse_bracketed(s, p, err, errlen) < 0)
                        return -EINVAL;
                *bracketed = true;
        }
        /* The unbracketed "::1:80:80": the only way to have more than two
         * ':' (or more than one after the brackets). */
        for (const char *q = *s; *q; q++)
                colons += *q == ':';
        if (colons > (*bracketed ? 1u : 2u)) {
                snprintf(err, errlen, "an IPv6 host address goes in brackets, as in \"[::1]:8080:80\"");
                return -EINVAL;
        }
        return 0;
}

int nc_port_parse_short(const char *s, struct nc_port *p, char *err, size_t errlen) {
        const char *fields[3], *slash, *end, *host;
        size_t lens[3], n, host_len;
        bool bracketed;

        if (*s == '\0') {
                snprintf(err, errlen, "the port mapping is empty");
                return -EINVAL;
        }
        p->host_family = NC_HOST_ANY;
        p->host_ip = 0;
        p->host_ip6 = (struct nc_ipv6) {};
        if (parse_host_prefix(&s, p, &bracketed, err, errlen) < 0)
                return -EINVAL;
        slash = strchr(s, '/');
        end = slash ? slash : s + strlen(s);
        if (parse_proto(slash, p, err, errlen) < 0)
                return -EINVAL;
        n = split_fields(s, end, fields, lens);
        if (n == 1 && !bracketed && field_ipv4(fields[0], lens[0], &p->host_ip)) {
                char ip[NC_IPV4_STRLEN];

                snprintf(err, errlen, "'%.*s' is a host address without ports; write IP:HOST:CONTAINER, e.g. \"%s:8080:80\"",
                         (int) lens[0], fields[0], nc_ipv4_format(p->host_ip, ip));
                return -EINVAL;
        }
        if (parse_range_n(fields[n - 1], lens[n - 1], "container port", &p->target, &p->target_end, err, errlen) < 0)
                return -EINVAL;
        host = n >= 2 ? fields[n - 2] : NULL;
        host_len = n >= 2 ? lens[n - 2] : 0;
        if (n == 3 && parse_host_ipv4(fields[0], lens[0], p, err, errlen) < 0)
                return -EINVAL;
        /* "192.168.1.100:80": an address where the host port goes. */
        if (n == 2 && !bracketed && field_ipv4(host, host_len, &p->host_ip)) {
                p->host_family = NC_HOST_IPV4;
                host_len = 0;
        }
        if (host_len == 0)
                return no_host_port(p, slash && slash[1], err, errlen);
        if (parse_range_n(host, host_len, "host port", &p->host_port, &p->host_port_end, err, errlen) < 0)
                return -EINVAL;
        return nc_port_check_lengths(p, err, errlen);
}
