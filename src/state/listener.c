/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>

#include "netconverge/addr.h"
#include "netconverge/state.h"

/* Listeners' addresses: one form for both families, since an IPv4 socket
 * and an IPv6 one bound to the same v4-mapped address take the same
 * packets; the snapshot shows the IPv4 form for both. */

static const uint8_t mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

struct nc_ipv6 nc_ipv6_mapped(uint32_t v4) {
        struct nc_ipv6 a = {};

        memcpy(a.b, mapped_prefix, sizeof(mapped_prefix));
        a.b[12] = (uint8_t) (v4 >> 24);
        a.b[13] = (uint8_t) (v4 >> 16);
        a.b[14] = (uint8_t) (v4 >> 8);
        a.b[15] = (uint8_t) v4;
        return a;
}

bool nc_ipv6_is_mapped(const struct nc_ipv6 *a) {
        return memcmp(a->b, mapped_prefix, sizeof(mapped_prefix)) == 0;
}

char *nc_listener_address_format(const struct nc_ipv6 *a, char buf[static NC_IPV6_STRLEN]) {
        if (!nc_ipv6_is_mapped(a))
                return nc_ipv6_format(a, buf);
        return nc_ipv4_format((uint32_t) a->b[12] << 24 | (uint32_t) a->b[13] << 16 | (uint32_t) a->b[14] << 8 |
                                      a->b[15],
                              buf);
}

int nc_listener_address_parse(const char *s, struct nc_ipv6 *ret) {
        uint32_t v4;

        if (nc_ipv4_parse(s, &v4) >= 0) {
                *ret = nc_ipv6_mapped(v4);
                return 0;
        }
        return nc_ipv6_parse(s, ret) < 0 ? -EINVAL : 0;
}
