/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "netconverge/addr.h"
#include "netconverge/state.h"
#include "util/cleanup.h"

/* The published ports' maps (state.h): their names and types, shared by
 * lowering (which wants them), observation (which reads the elements of
 * those it recognises) and apply (which makes them). Two maps per family
 * and protocol rather than one keyed by an interval on the address: a
 * hash lookup of an exact key is the cheapest there is, and a port on
 * every local address needs no address in its key at all. */

#define TYPE_BITS 6
#define TYPE_MASK ((1U << TYPE_BITS) - 1)

/* nft's datatype numbers (nftables include/datatype.h) and their sizes. */
static const struct {
        uint32_t type;
        const char *name;
        uint32_t len;
} types[] = {
        { 7, "ipv4_addr", 4 },
        { 8, "ipv6_addr", 16 },
        { 13, "inet_service", 2 },
};

/* [v6][by_addr]: key : data. */
static const char *const map_types[2][2] = {
        { "inet_service : ipv4_addr . inet_service", "ipv4_addr . inet_service : ipv4_addr . inet_service" },
        { "inet_service : ipv6_addr . inet_service", "ipv6_addr . inet_service : ipv6_addr . inet_service" },
};

/* [v6][by_addr][proto] */
static const char *const map_names[2][2][_NC_PROTO_MAX] = {
        { { "ports4_tcp", "ports4_udp", "ports4_sctp" }, { "ports4_tcp_addr", "ports4_udp_addr", "ports4_sctp_addr" } },
        { { "ports6_tcp", "ports6_udp", "ports6_sctp" }, { "ports6_tcp_addr", "ports6_udp_addr", "ports6_sctp_addr" } },
};

void nc_nft_port_map(bool v6, enum nc_proto proto, bool by_addr, const char **ret_name, const char **ret_type) {
        *ret_name = (unsigned) proto < _NC_PROTO_MAX ? map_names[v6][by_addr][proto] : NULL;
        *ret_type = map_types[v6][by_addr];
}

const char *nc_nft_port_map_of(const struct nc_nft_rule *dnat) {
        bool by_addr = dnat->v6 ? !nc_ipv6_is_zero(&dnat->daddr6) : dnat->daddr != 0;
        const char *name, *type;

        nc_nft_port_map(dnat->v6, dnat->proto, by_addr, &name, &type);
        return name;
}

int nc_nft_port_map_parse(const char *name, bool *ret_v6, enum nc_proto *ret_proto, bool *ret_by_addr) {
        for (unsigned v6 = 0; v6 < 2; v6++)
                for (unsigned a = 0; a < 2; a++)
                        for (unsigned p = 0; p < _NC_PROTO_MAX; p++)
                                if (strcmp(name, map_names[v6][a][p]) == 0) {
                                        *ret_v6 = v6;
                                        *ret_by_addr = a;
                                        *ret_proto = (enum nc_proto) p;
                                        return 0;
                                }
        return -ENOENT;
}

static int type_index(uint32_t type) {
        for (size_t i = 0; i < ELEMENTSOF(types); i++)
                if (types[i].type == type)
                        return (int) i;
        return -EINVAL;
}

/* The parts of a concatenation, first part in the highest bits. */
int nc_nft_type_format(uint32_t type, char *buf, size_t size) {
        int parts[4], n = 0, k;
        size_t len = 0;

        do {
                if (n == (int) ELEMENTSOF(parts) || (k = type_index(type & TYPE_MASK)) < 0)
                        return -EINVAL;
                parts[n++] = k;
                type >>= TYPE_BITS;
        } while (type != 0);
        if (size > 0)
                buf[0] = '\0';
        while (n-- > 0) {
                int w = snprintf(buf + len, size - len, "%s%s", len ? " . " : "", types[parts[n]].name);

                if (w < 0 || (size_t) w >= size - len)
                        return -ENOBUFS;
                len += (size_t) w;
        }
        return 0;
}

int nc_nft_type_parse(const char *s, uint32_t *ret_type, uint32_t *ret_len) {
        uint32_t type = 0, len = 0;
        unsigned n = 0;

        while (*s) {
                const char *end = strstr(s, " . ");
                size_t l = end ? (size_t) (end - s) : strlen(s);
                size_t i;

                for (i = 0; i < ELEMENTSOF(types); i++)
                        if (strlen(types[i].name) == l && strncmp(types[i].name, s, l) == 0)
                                break;
                if (i == ELEMENTSOF(types) || ++n > 4)
                        return -EINVAL;
                type = (type << TYPE_BITS) | types[i].type;
                /* A single part keeps its own size; each part of a
                 * concatenation takes a whole register (4 bytes). */
                len += (types[i].len + 3) / 4 * 4;
                if (n == 1 && !end)
                        len = types[i].len;
                s += l + (end ? 3 : 0);
                if (end && !*s)
                        return -EINVAL;
        }
        if (n == 0)
                return -EINVAL;
        *ret_type = type;
        *ret_len = len;
        return 0;
}
