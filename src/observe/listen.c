/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include <libmnl/libmnl.h>

#include "nft/nft.h"
#include "observe/observer.h"
#include "util/cleanup.h"

/* The host's sockets on the ports the file publishes (issue 14 item 6):
 * TCP in LISTEN, UDP in any state (bound), IPv4 and IPv6, through
 * NETLINK_SOCK_DIAG (what ss(8) reads), in the current namespace (the
 * host's, or -n's). With a file, only its ports are kept, and a protocol
 * without any is not asked for: a file without published ports costs
 * nothing, and the many ephemeral UDP sockets of a host stay out of the
 * plan's observed state (and of a saved plan's digest). A kernel without inet_diag (a module
 * not loaded, a protocol's handler missing) has no listeners to tell of:
 * the pre-flight is a warning, not worth failing the observation for. */

#define ALL_STATES UINT32_MAX
#define NC_LISTEN_TRIES 3

struct wanted {
        /* Per protocol, the published host ports, as a bitmap. */
        uint8_t ports[_NC_PROTO_MAX][65536 / 8];
        bool any[_NC_PROTO_MAX];
};

struct dump {
        struct nc_observer *o;
        const struct wanted *w;
        enum nc_proto proto;
        int r;
};

/* Without a file (show --snapshot), every port: the snapshot then holds
 * whatever a file could publish, and `diff FILE --observed` of it warns
 * as `diff FILE` does. */
static void want_ports(struct wanted *w, const struct nc_model *m) {
        if (!m) {
                memset(w->ports, 0xff, sizeof(w->ports));
                w->any[NC_PROTO_TCP] = w->any[NC_PROTO_UDP] = true;
                return;
        }
        for (size_t i = 0; i < m->n_containers; i++)
                for (size_t k = 0; k < m->containers[i].n_ports; k++) {
                        const struct nc_port *p = &m->containers[i].ports[k];

                        for (unsigned port = p->host_port; port <= p->host_port_end && port <= UINT16_MAX; port++)
                                w->ports[p->proto][port / 8] |= (uint8_t) (1u << (port % 8));
                        w->any[p->proto] = true;
                }
}

static bool wanted_port(const struct wanted *w, enum nc_proto proto, uint16_t port) {
        return w->ports[proto][port / 8] & (1u << (port % 8));
}

static int v6only_cb(const struct nlattr *a, void *data) {
        if (mnl_attr_get_type(a) == INET_DIAG_SKV6ONLY && mnl_attr_validate(a, MNL_TYPE_U8) >= 0)
                *(bool *) data = mnl_attr_get_u8(a) != 0;
        return MNL_CB_OK;
}

static int socket_cb(const struct nlmsghdr *nlh, void *data) {
        struct dump *d = data;
        const struct inet_diag_msg *m = mnl_nlmsg_get_payload(nlh);
        struct nc_listener l = { .proto = d->proto };

        if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*m))
                return MNL_CB_ERROR;
        l.port = ntohs(m->id.idiag_sport);
        if (!wanted_port(d->w, d->proto, l.port))
                return MNL_CB_OK;
        if (m->idiag_family == AF_INET)
                l.address = nc_ipv6_mapped(ntohl(m->id.idiag_src[0]));
        else if (m->idiag_family == AF_INET6) {
                memcpy(l.address.b, m->id.idiag_src, sizeof(l.address.b));
                mnl_attr_parse(nlh, sizeof(*m), v6only_cb, &l.v6only);
                /* Only :: takes or refuses IPv4 by it. */
                l.v6only = l.v6only && nc_ipv6_is_zero(&l.address);
        } else
                return MNL_CB_OK;
        d->r = nc_state_add_listener(d->o->state, &l);
        return d->r < 0 ? MNL_CB_ERROR : MNL_CB_OK;
}

/* One dump: a family's sockets of one protocol in the given states, on a
 * socket of its own (an interrupted dump leaves answers behind). */
static int dump_sockets(uint32_t seq, uint8_t family, uint8_t protocol, uint32_t states, struct dump *d) {
        _cleanup_(nc_mnl_socket_closep) struct mnl_socket *nl = mnl_socket_open(NETLINK_SOCK_DIAG);
        char buf[32768] __attribute__((aligned(8)));
        struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
        struct inet_diag_req_v2 *req;
        unsigned portid;
        ssize_t n;
        int r;

        if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
                return -errno;
        portid = mnl_socket_get_portid(nl);

        nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        nlh->nlmsg_seq = seq;
        req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
        *req = (struct inet_diag_req_v2) { .sdiag_family = family, .sdiag_protocol = protocol,
                                           .idiag_states = states };
        if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
                return -errno;
        do {
                n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
                if (n < 0)
                        return -errno;
                r = mnl_cb_run(buf, (size_t) n, seq, portid, socket_cb, d);
        } while (r > MNL_CB_STOP);
        if (d->r < 0)
                return d->r;
        return r < 0 ? -errno : 0;
}

int nc_observe_listeners(struct nc_observer *o, const struct nc_model *desired) {
        static const struct {
                enum nc_proto proto;
                uint8_t protocol;
                uint32_t states;
        } protos[] = {
                { NC_PROTO_TCP, IPPROTO_TCP, 1u << TCP_LISTEN },
                { NC_PROTO_UDP, IPPROTO_UDP, ALL_STATES },
        };
        static const uint8_t families[] = { AF_INET, AF_INET6 };
        _cleanup_free_ struct wanted *w = calloc(1, sizeof(*w));
        uint32_t seq = (uint32_t) time(NULL);

        if (!w)
                return nc_observer_fail(o, -ENOMEM, "reading the host's sockets");
        want_ports(w, desired);
        if (!w->any[NC_PROTO_TCP] && !w->any[NC_PROTO_UDP])
                return 0;
        for (size_t i = 0; i < ELEMENTSOF(protos); i++)
                for (size_t k = 0; w->any[protos[i].proto] && k < ELEMENTSOF(families); k++) {
                        struct dump d = { .o = o, .w = w, .proto = protos[i].proto };
                        int r = -EINTR;

                        /* An interrupted dump (NLM_F_DUMP_INTR) is asked
                         * again; what it gave already is not added twice. */
                        for (int tries = 0; r == -EINTR && tries < NC_LISTEN_TRIES; tries++)
                                r = dump_sockets(++seq, families[k], protos[i].protocol, protos[i].states, &d);
                        if (r == -ENOMEM)
                                return nc_observer_fail(o, r, "reading the host's sockets");
                }
        return 0;
}
