/* SPDX-License-Identifier: MIT */
#pragma once

#include <netlink/route/link.h>

/* Cleanup functions for libnl objects, shared by observe/ and apply/ (the
 * only folders that may include libnl; cleanup.h stays libc-only). */

static inline void nc_rtnl_link_putp(struct rtnl_link **l) {
        if (*l)
                rtnl_link_put(*l);
}
