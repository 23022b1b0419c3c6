/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "netconverge/state.h"

/* One observation in progress: the state being filled, plus what pairing
 * veth ends needs and the state does not keep. */
struct nc_observer {
        struct nc_state *state;
        /* By link index (valid until nc_state_sort()): the kernel reported
         * IFLA_LINK_NETNSID, i.e. the veth's peer is in another namespace
         * and its IFLA_LINK is an ifindex there. */
        bool *peer_elsewhere;
        size_t cap_peer_elsewhere;
        char *err;
        size_t errlen;
};

/* Writes "<what>: <strerror(-r)>" to o->err and returns r. */
__attribute__((format(printf, 3, 4)))
int nc_observer_fail(struct nc_observer *o, int r, const char *fmt, ...);

/* rtnl.c: dumps links, IPv4 addresses and main-table routes of one
 * namespace into o->state under the name netns. netns_fd < 0 means the
 * current namespace; otherwise the socket is created inside netns_fd and
 * the process returns to home_fd before dumping. */
int nc_observe_rtnl(struct nc_observer *o, const char *netns, int netns_fd, int home_fd);

/* pair.c: fills peer_netns/peer_name of the veth ends whose other end was
 * observed. Call before nc_state_sort(). */
int nc_observe_pair_veths(struct nc_observer *o);
