/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE     /* qsort_r() */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "netconverge/addr.h"
#include "netconverge/ipam.h"
#include "plan/internal.h"
#include "util/cleanup.h"
#include "util/strbuf.h"

static bool container_waits(const struct nc_container *c, const struct nc_state_index *observed, uint32_t netns) {
        const struct nc_namespace *ns;

        if (!nc_netns_is_path(c->netns))
                return false;   /* a name: created when missing */
        ns = nc_state_index_namespace(observed, netns);
        return !ns || !ns->exists;
}

__attribute__((format(printf, 5, 6)))
static int container_conflict(struct nc_plan *plan, size_t *cap, const struct nc_container *c, bool *found,
                              const char *fmt, ...) {
        struct nc_container_conflict *x;
        struct nc_strbuf b = {};
        va_list ap;

        if (nc_grow(&plan->container_conflicts, cap, plan->n_container_conflicts + 1,
                    sizeof(*plan->container_conflicts)) < 0)
                return -ENOMEM;
        nc_strbuf_printf(&b, "container %s: ", c->name);
        va_start(ap, fmt);
        nc_strbuf_vprintf(&b, fmt, ap);
        va_end(ap);
        x = &plan->container_conflicts[plan->n_container_conflicts];
        *x = (struct nc_container_conflict) { .container = c->name, .netns = c->netns, .message = nc_strbuf_steal(&b) };
        if (!x->message)
                return -ENOMEM;
        plan->n_container_conflicts++;
        *found = true;
        return 0;
}

/* The container of the file whose namespace is netns, or NULL. */
static const struct nc_container *container_in(const struct nc_model *m, const char *netns) {
        for (size_t i = 0; netns && i < m->n_containers; i++)
                if (strcmp(m->containers[i].netns, netns) == 0)
                        return &m->containers[i];
        return NULL;
}

/* The host end of ours whose other end is container end l (in netns),
 * or NULL. The kernel made both ends in one request, so l is ours too
 * whatever its own marks say: earlier versions made container ends in
 * group 0, and an apply may have died before l's alias was set. */
static const struct nc_link *host_end_of(const struct nc_state_index *ix, const struct nc_link *l, const char *netns) {
        uint32_t peer_ns;
        const struct nc_link *h;

        if (l->kind != NC_LINK_VETH)
                return NULL;
        peer_ns = ix->link_peer_ns[l - ix->s->links];
        if (peer_ns == NC_NETNS_NONE)
                return NULL;
        h = nc_state_index_link(ix, peer_ns, l->peer_name);
        if (!h || h->kind != NC_LINK_VETH || (h->role != NC_ROLE_HOST_END && !nc_link_unfinished(h)) ||
            strcmp(h->peer_name, l->name) != 0 || !h->peer_netns || strcmp(h->peer_netns, netns) != 0)
                return NULL;
        return h;
}

/* A container end netconverge may treat as its own (as the planner's
 * diff_veth() does): owned, ours-unfinished, or the other end of a host
 * end of ours. Anything else of a wanted name is foreign. */
static bool ours_or_unfinished(const struct nc_state_index *ix, const struct nc_link *l, const char *netns) {
        return l->role != NC_ROLE_NONE || nc_link_unfinished(l) || host_end_of(ix, l, netns);
}

/* Whether container end l is container c's on bridge b: by its own alias,
 * or by its host end's (see host_end_of()). */
static bool end_of(const struct nc_state_index *ix, const struct nc_link *l, const struct nc_container *c,
                   const struct nc_bridge *b) {
        const struct nc_link *h;

        if (l->role == NC_ROLE_PEER_END)
                return l->owner_container && strcmp(l->owner_container, c->name) == 0 &&
                       strcmp(l->owner_bridge, b->name) == 0;
        h = l->role == NC_ROLE_NONE ? host_end_of(ix, l, c->netns) : NULL;
        return h && h->role == NC_ROLE_HOST_END && h->owner_container && strcmp(h->owner_container, c->name) == 0 &&
               strcmp(h->owner_bridge, b->name) == 0;
}

/* SPEC 7.6, 7.7: problems confined to container c (netns is the id of
 * c->netns), each a conflict of its own; *ret says whether it has any,
 * and then it is left as it is. Observation found what is wrong with the
 * namespace; a link of a wanted name that is not ours is seen here. */
static int container_problems(const struct nc_model *m, const struct nc_container *c,
                              const struct nc_state_index *observed, uint32_t netns, struct nc_plan *plan,
                              size_t *cap, bool *ret) {
        const struct nc_namespace *ns = nc_state_index_namespace(observed, netns);
        const struct nc_container *other;
        bool found = false;
        int r = 0;

        *ret = false;
        if (!ns || !ns->exists)
                return 0;
        switch (ns->problem) {
        case NC_NETNS_PROBLEM_HOST:
                r = container_conflict(plan, cap, c, &found,
                                       "netns %s is the network namespace netconverge acts in (the host's own), "
                                       "not a container's", c->netns);
                break;
        case NC_NETNS_PROBLEM_NOT_NETNS:
                r = container_conflict(plan, cap, c, &found, "netns %s is not a network namespace", c->netns);
                break;
        case NC_NETNS_PROBLEM_SHARED:
                other = container_in(m, ns->same_as);
                if (other)
                        r = container_conflict(plan, cap, c, &found,
                                               "netns %s is the same network namespace as netns %s of container %s",
                                               c->netns, ns->same_as, other->name);
                else
                        r = container_conflict(plan, cap, c, &found,
                                               "netns %s is the same network namespace as netns %s", c->netns,
                                               ns->same_as ? ns->same_as : "?");
                break;
        default:
                break;
        }
        if (r < 0 || found) {
                *ret = found;
                return r;
        }
        for (size_t k = 0; k < c->n_networks && r >= 0; k++) {
                const struct nc_link *l = nc_state_index_link(observed, netns, c->networks[k].interface);

                if (l && !ours_or_unfinished(observed, l, c->netns))
                        r = container_conflict(plan, cap, c, &found,
                                               "link %s in netns %s exists and is not managed by netconverge",
                                               l->name, c->netns);
        }
        *ret = found;
        return r;
}

/* The address a container holds on a bridge now: an IPv4 address on its
 * owned container end for that bridge, inside the subnet. netns is the id
 * of c->netns. */
static uint32_t held_address(const struct nc_state_index *observed, uint32_t netns, const struct nc_container *c,
                             const struct nc_attachment *a, const struct nc_bridge *b) {
        const struct nc_link *l = nc_state_index_link(observed, netns, a->interface);
        const struct nc_address *x;
        size_t n;

        if (!l || !end_of(observed, l, c, b))
                return 0;
        /* The first in the subnet is the one a scan finds. */
        n = nc_state_index_addresses(observed, netns, a->interface, &x);
        for (size_t i = 0; i < n; i++)
                if (!x[i].v6 && nc_subnet_contains(b->subnet, b->prefixlen, x[i].address))
                        return x[i].address;
        return 0;
}

/* The same for IPv6, in subnet6: false when it holds none. */
static bool held_address6(const struct nc_state_index *observed, uint32_t netns, const struct nc_container *c,
                          const struct nc_attachment *a, const struct nc_bridge *b, struct nc_ipv6 *ret) {
        const struct nc_link *l = nc_state_index_link(observed, netns, a->interface);
        const struct nc_address *x;
        size_t n;

        if (!l || !end_of(observed, l, c, b))
                return false;
        n = nc_state_index_addresses(observed, netns, a->interface, &x);
        for (size_t i = 0; i < n; i++)
                if (x[i].v6 && nc_subnet6_contains(&b->subnet6, b->prefixlen6, &x[i].address6)) {
                        *ret = x[i].address6;
                        return true;
                }
        return false;
}

struct slot {
        const struct nc_container *c;
        const struct nc_attachment *a;
};

/* The attachments of one bridge, in model order. */
static size_t bridge_slots(const struct nc_model *m, const struct nc_bridge *b, struct slot *slots) {
        size_t n = 0;

        for (size_t i = 0; i < m->n_containers; i++) {
                const struct nc_container *c = &m->containers[i];

                for (size_t k = 0; k < c->n_networks; k++)
                        if (strcmp(c->networks[k].bridge, b->name) == 0)
                                slots[n++] = (struct slot) { c, &c->networks[k] };
        }
        return n;
}

static struct nc_lowered_addrs *slot_out(const struct nc_model *m, struct nc_lowered_addrs **addrs,
                                         const struct slot *x) {
        return &addrs[x->c - m->containers][x->a - x->c->networks];
}

/* The file validated against an empty host, so each subnet has room for
 * everyone; held addresses only change who gets which. */
static int allocate_v4(const struct nc_model *m, const struct nc_bridge *b, const struct nc_state_index *observed,
                       const uint32_t *netns, const struct slot *slots, size_t n, struct nc_lowered_addrs **addrs) {
        _cleanup_free_ struct nc_ipam_request *reqs = calloc(n + 1, sizeof(*reqs));
        int r;

        if (!reqs)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                reqs[i] = (struct nc_ipam_request) {
                        .container = slots[i].c->name,
                        .explicit_addr = slots[i].a->address_explicit ? slots[i].a->address : 0,
                        .held_addr = held_address(observed, netns[slots[i].c - m->containers], slots[i].c,
                                                  slots[i].a, b),
                };
        r = nc_ipam_allocate_range(b->subnet, b->prefixlen, b->range, b->range_len, b->gateway, reqs, n, NULL);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++)
                slot_out(m, addrs, &slots[i])->v4 = reqs[i].address;
        return 0;
}

static int allocate_v6(const struct nc_model *m, const struct nc_bridge *b, const struct nc_state_index *observed,
                       const uint32_t *netns, const struct slot *slots, size_t n, struct nc_lowered_addrs **addrs) {
        _cleanup_free_ struct nc_ipam6_request *reqs = calloc(n + 1, sizeof(*reqs));
        int r;

        if (!reqs)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                const struct slot *x = &slots[i];

                reqs[i] = (struct nc_ipam6_request) {
                        .container = x->c->name,
                        .has_explicit = x->a->address6_explicit,
                        .explicit_addr = x->a->address6,
                };
                reqs[i].has_held = held_address6(observed, netns[x->c - m->containers], x->c, x->a, b,
                                                 &reqs[i].held_addr);
        }
        r = nc_ipam6_allocate(&b->subnet6, b->prefixlen6, &b->gateway6, reqs, n, NULL);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++)
                slot_out(m, addrs, &slots[i])->v6 = reqs[i].address;
        return 0;
}

/* Addresses of one bridge's attachments, of each family it has, written
 * to addrs[container][network]. */
static int allocate_bridge(const struct nc_model *m, const struct nc_bridge *b,
                           const struct nc_state_index *observed, const uint32_t *netns,
                           struct nc_lowered_addrs **addrs) {
        _cleanup_free_ struct slot *slots = NULL;
        size_t n, total = 0;
        int r = 0;

        for (size_t i = 0; i < m->n_containers; i++)
                total += m->containers[i].n_networks;
        slots = calloc(total + 1, sizeof(*slots));
        if (!slots)
                return -ENOMEM;
        n = bridge_slots(m, b, slots);
        if (b->prefixlen > 0)
                r = allocate_v4(m, b, observed, netns, slots, n, addrs);
        if (r >= 0 && b->prefixlen6 > 0)
                r = allocate_v6(m, b, observed, netns, slots, n, addrs);
        return r;
}

static int add_bridge(struct nc_state *s, const struct nc_bridge *b, unsigned mtu) {
        _cleanup_free_ char *alias = nc_alias_bridge();
        struct nc_link l = { .netns = "", .kind = NC_LINK_BRIDGE, .mtu = mtu, .up = true,
                              .adopt = b->adopt, .group = NC_LINK_GROUP_OWNED };
        struct nc_address gw = { .netns = "", .address = b->gateway, .prefixlen = b->prefixlen };
        struct nc_address gw6 = { .netns = "", .v6 = true, .address6 = b->gateway6, .prefixlen = b->prefixlen6 };
        int r;

        if (!alias)
                return -ENOMEM;
        l.alias = alias;
        strcpy(l.name, b->name);
        strcpy(gw.ifname, b->name);
        strcpy(gw6.ifname, b->name);
        r = nc_state_add_link(s, &l);
        if (r >= 0 && b->prefixlen > 0)
                r = nc_state_add_address(s, &gw);
        if (r >= 0 && b->prefixlen6 > 0)
                r = nc_state_add_address(s, &gw6);
        return r;
}

static int add_attachment(struct nc_state *s, const struct nc_container *c, const struct nc_attachment *a,
                          const struct nc_bridge *b, unsigned mtu, const struct nc_lowered_addrs *address) {
        _cleanup_free_ char *host_alias = nc_alias_host_end(c->name, b->name, c->netns);
        _cleanup_free_ char *peer_alias = nc_alias_peer_end(c->name, b->name);
        bool v6 = b->prefixlen6 > 0;
        struct nc_link host = { .netns = "", .kind = NC_LINK_VETH, .mtu = mtu, .up = true,
                                .group = NC_LINK_GROUP_OWNED, .ipv6 = v6, .hairpin = true,
                                .port_isolated = !b->icc };
        struct nc_link peer = { .netns = c->netns, .kind = NC_LINK_VETH, .mtu = mtu, .up = true,
                                .group = NC_LINK_GROUP_OWNED, .ipv6 = v6 };
        struct nc_address addr = { .netns = c->netns, .address = address->v4, .prefixlen = b->prefixlen };
        struct nc_address addr6 = { .netns = c->netns, .v6 = true, .address6 = address->v6,
                                    .prefixlen = b->prefixlen6 };
        int r;

        if (!host_alias || !peer_alias)
                return -ENOMEM;
        strcpy(host.name, a->host_interface);
        strcpy(host.master, b->name);
        host.alias = host_alias;
        host.peer_netns = c->netns;
        strcpy(host.peer_name, a->interface);

        strcpy(peer.name, a->interface);
        peer.alias = peer_alias;
        peer.peer_netns = "";
        strcpy(peer.peer_name, a->host_interface);
        /* Docker's: from the IPv4 address, or on an IPv6-only bridge
         * from address6 (SPEC 7.1). */
        if (a->mac_explicit)
                memcpy(peer.mac, a->mac, 6);
        else if (b->prefixlen > 0)
                nc_mac_from_ipv4(address->v4, peer.mac);
        else
                nc_mac_from_ipv6(&address->v6, peer.mac);
        strcpy(addr.ifname, a->interface);
        strcpy(addr6.ifname, a->interface);

        if ((r = nc_state_add_link(s, &host)) < 0 || (r = nc_state_add_link(s, &peer)) < 0)
                return r;
        if (b->prefixlen > 0 && (r = nc_state_add_address(s, &addr)) < 0)
                return r;
        return v6 ? nc_state_add_address(s, &addr6) : 0;
}

/* The default route of one family: via the gateway of the container's
 * first network that has that family (the first network, for IPv4 on
 * files without IPv6-only bridges). */
static int add_default_route(struct nc_state *s, const struct nc_container *c, const struct nc_model *m, bool v6) {
        for (size_t k = 0; k < c->n_networks; k++) {
                const struct nc_bridge *b = nc_model_find_bridge(m, c->networks[k].bridge);
                struct nc_route def = { .netns = c->netns, .v6 = v6, .protocol = NC_RTPROT };

                if ((v6 ? b->prefixlen6 : b->prefixlen) == 0)
                        continue;
                if (v6)
                        def.gateway6 = b->gateway6;
                else
                        def.gateway = b->gateway;
                strcpy(def.ifname, c->networks[k].interface);
                return nc_state_add_route(s, &def);
        }
        return 0;
}

/* lo up and the default routes. */
static int add_namespace_basics(struct nc_state *s, const struct nc_container *c, const struct nc_model *m) {
        struct nc_link lo = { .netns = c->netns, .name = "lo", .kind = NC_LINK_LOOPBACK, .mtu = 65536, .up = true };
        int r;

        r = nc_state_add_namespace(s, c->netns, true);
        if (r >= 0)
                r = nc_state_add_link(s, &lo);
        if (r >= 0)
                r = add_default_route(s, c, m, false);
        return r < 0 ? r : add_default_route(s, c, m, true);
}

/* A port is published over IPv6 when its network has IPv6 and its
 * host_ip is not an IPv4 one (SPEC 7.1). */
static bool port_uses(const struct nc_model *m, const struct nc_container *c, const struct nc_port *p, bool v6) {
        const struct nc_bridge *b = nc_model_find_bridge(m, nc_port_network(c, p));

        if (!b)
                return false;
        if (v6)
                return b->prefixlen6 > 0 && p->host_family != NC_HOST_IPV4;
        return b->prefixlen > 0 && p->host_family != NC_HOST_IPV6;
}

/* settings.ip_forward, for a family: when a bridge of that family
 * masquerades or a port is published over it. An IPv4 file wants what it
 * always did: any masquerading bridge, any published port. */
static bool wants_forwarding(const struct nc_model *m, bool v6) {
        if (!m->settings.ip_forward)
                return false;
        for (size_t i = 0; i < m->n_bridges; i++)
                if (m->bridges[i].masquerade && (v6 ? m->bridges[i].prefixlen6 : m->bridges[i].prefixlen) > 0)
                        return true;
        for (size_t i = 0; i < m->n_containers; i++)
                for (size_t k = 0; k < m->containers[i].n_ports; k++)
                        if (port_uses(m, &m->containers[i], &m->containers[i].ports[k], v6))
                                return true;
        return false;
}

/* net.ipv4.conf.all.route_localnet, only when an IPv4 port is published
 * on the unspecified or a loopback address: the host's 127.0.0.1 reaches
 * it (SPEC 7.2), and a packet from 127.0.0.1 DNATed to a container goes
 * out of its bridge only with it (a martian source otherwise). The guard
 * rule (lower-nft.c) keeps what it opens to the host itself. */
static bool wants_route_localnet(const struct nc_model *m) {
        for (size_t i = 0; i < m->n_containers; i++)
                for (size_t k = 0; k < m->containers[i].n_ports; k++) {
                        const struct nc_port *p = &m->containers[i].ports[k];

                        if (port_uses(m, &m->containers[i], p, false) && (p->host_ip == 0 || p->host_ip >> 24 == 127))
                                return true;
                }
        return false;
}

static int netns_compare(const void *p, const void *q, void *arg) {
        const struct nc_container *c = arg;
        uint32_t a = *(const uint32_t *) p, b = *(const uint32_t *) q;

        return strcmp(c[a].netns, c[b].netns);
}

/* rank[i]: the place of container i's namespace among all of theirs, by
 * strcmp(), from 1 (equal names, equal ranks; 0 is the host's ""). */
static int rank_namespaces(const struct nc_model *m, uint32_t *rank) {
        _cleanup_free_ uint32_t *order = calloc(m->n_containers + 1, sizeof(*order));
        const struct nc_container *c = m->containers;
        bool sorted = true;
        uint32_t next = 0;

        if (!order)
                return -ENOMEM;
        for (size_t i = 0; i < m->n_containers; i++) {
                order[i] = (uint32_t) i;
                if (i > 0 && sorted && strcmp(c[i - 1].netns, c[i].netns) > 0)
                        sorted = false;
        }
        /* Containers are sorted by name, and their namespaces usually
         * follow. */
        if (!sorted)
                qsort_r(order, m->n_containers, sizeof(*order), netns_compare, (void *) c);
        for (size_t i = 0; i < m->n_containers; i++) {
                const char *netns = c[order[i]].netns;

                if (i == 0 || strcmp(c[order[i - 1]].netns, netns) != 0)
                        next = netns[0] ? next + 1 : 0;
                rank[order[i]] = next;
        }
        return 0;
}

struct link_place {
        uint32_t group;                 /* namespace rank */
        char name[NC_IFNAMSIZ];         /* zero-padded */
        uint32_t at;                    /* where it was appended */
};

static int place_compare(const void *p, const void *q) {
        const struct link_place *a = p, *b = q;
        int r;

        if (a->group != b->group)
                return a->group < b->group ? -1 : 1;
        r = memcmp(a->name, b->name, sizeof(a->name));
        if (r != 0)
                return r;
        return (a->at > b->at) - (a->at < b->at);
}

/* Puts the links in nc_state_sort()'s order, (netns, name), the way its
 * stable sort would, but comparing a rank and inline names instead of
 * strcmp() through netns pointers: that sort was a third of lowering.
 * group[i] is the rank of link i's namespace. Zero-padded names compare
 * with memcmp() as strcmp() compares them. */
static int order_links(struct nc_state *s, const uint32_t *group) {
        _cleanup_free_ struct link_place *places = calloc(s->n_links + 1, sizeof(*places));

        if (!places)
                return -ENOMEM;
        for (size_t i = 0; i < s->n_links; i++) {
                places[i] = (struct link_place) { .group = group[i], .at = (uint32_t) i };
                memcpy(places[i].name, s->links[i].name, strnlen(s->links[i].name, NC_IFNAMSIZ - 1));
        }
        qsort(places, s->n_links, sizeof(*places), place_compare);
        /* Permuted in place, a cycle at a time (a copy of the array was
         * megabytes of fresh pages to fault in): place i takes the link
         * at places[i].at; a done place points to itself. */
        for (size_t i = 0; i < s->n_links; i++) {
                struct nc_link first;
                size_t j = i;

                if (places[i].at == i)
                        continue;
                first = s->links[i];
                while (places[j].at != i) {
                        size_t from = places[j].at;

                        s->links[j] = s->links[from];
                        places[j].at = (uint32_t) j;
                        j = from;
                }
                s->links[j] = first;
                places[j].at = (uint32_t) j;
        }
        return 0;
}

/* Room for what lowering appends, so that no array is copied while it
 * grows (those copies were megabytes of pages faulted in for nothing).
 * Rules are a guess: growth takes care of more. */
static int reserve(struct nc_state *s, const struct nc_model *m) {
        size_t networks = 0, ports = 0;

        for (size_t i = 0; i < m->n_containers; i++) {
                networks += m->containers[i].n_networks;
                ports += m->containers[i].n_ports;
        }
        return nc_state_reserve(s, 2 * m->n_bridges + 2 * networks + m->n_containers, m->n_bridges + networks,
                                m->n_containers, m->n_containers, ports + 8 * m->n_bridges);
}

static void free_addrs(struct nc_lowered_addrs **addrs, size_t n) {
        if (!addrs)
                return;
        for (size_t i = 0; i < n; i++)
                free(addrs[i]);
        free(addrs);
}

/* The rank of the namespace of each link appended since *done: the host's
 * (0) or the container's. */
static int note_groups(const struct nc_state *s, uint32_t **group, size_t *cap, size_t *done, uint32_t rank) {
        if (nc_grow(group, cap, s->n_links, sizeof(**group)) < 0)
                return -ENOMEM;
        for (; *done < s->n_links; (*done)++)
                (*group)[*done] = s->links[*done].netns[0] ? rank : 0;
        return 0;
}

/* One lowering in progress: the per-container working arrays and the
 * ranks that order_links() sorts the desired links by. */
struct lowering {
        const struct nc_model *m;
        const struct nc_state_index *observed;
        const struct nc_netns_ids *ids;
        struct nc_state *s;
        struct nc_plan *plan;
        struct nc_lowered_addrs **addrs; /* [container][network]: the allocated addresses */
        uint32_t *netns;                /* [container]: its namespace's id, or NC_NETNS_NONE */
        uint32_t *rank;                 /* [container]: its namespace's rank */
        uint32_t *group;                /* [desired link]: its namespace's rank (host 0) */
        size_t group_cap, grouped, conflicts_cap, kept_cap;
        bool *waits;                    /* [container]: nothing of it is lowered */
};

static int lower_bridges(struct lowering *lw) {
        const struct nc_model *m = lw->m;

        for (size_t i = 0; i < m->n_bridges; i++) {
                int r = allocate_bridge(m, &m->bridges[i], lw->observed, lw->netns, lw->addrs);

                if (r < 0)
                        return r;
                r = add_bridge(lw->s, &m->bridges[i], nc_plan_bridge_mtu(&m->bridges[i], lw->observed));
                if (r >= 0)
                        r = nc_plan_lower_vxlan(&m->bridges[i], lw->observed, lw->s, lw->plan);
                if (r >= 0)
                        r = note_groups(lw->s, &lw->group, &lw->group_cap, &lw->grouped, 0);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int lower_container(struct lowering *lw, size_t i) {
        const struct nc_model *m = lw->m;
        const struct nc_container *c = &m->containers[i];
        struct nc_plan *plan = lw->plan;
        bool blocked;
        int r;

        if (container_waits(c, lw->observed, lw->netns[i])) {
                plan->waiting[plan->n_waiting++] = (struct nc_waiting) { .container = c->name, .netns = c->netns };
                lw->waits[i] = true;
                return 0;
        }
        r = container_problems(m, c, lw->observed, lw->netns[i], plan, &lw->conflicts_cap, &blocked);
        if (r < 0)
                return r;
        if (blocked) {
                /* Its ports are not lowered (nothing of it is
                 * wanted), and their rules are kept as they are. */
                lw->waits[i] = true;
                return nc_plan_nft_port_keys(m, c, plan, &lw->kept_cap);
        }
        for (size_t k = 0; k < c->n_networks; k++) {
                const struct nc_bridge *b = nc_model_find_bridge(m, c->networks[k].bridge);

                r = add_attachment(lw->s, c, &c->networks[k], b, nc_plan_bridge_mtu(b, lw->observed),
                                   &lw->addrs[i][k]);
                if (r < 0)
                        return r;
        }
        r = add_namespace_basics(lw->s, c, m);
        if (r >= 0)
                r = note_groups(lw->s, &lw->group, &lw->group_cap, &lw->grouped, lw->rank[i]);
        return r;
}

static int lower(struct lowering *lw) {
        const struct nc_model *m = lw->m;
        int r;

        lw->addrs = calloc(m->n_containers + 1, sizeof(*lw->addrs));
        lw->netns = calloc(m->n_containers + 1, sizeof(*lw->netns));
        lw->rank = calloc(m->n_containers + 1, sizeof(*lw->rank));
        if (!lw->addrs || !lw->netns || !lw->rank || rank_namespaces(m, lw->rank) < 0 || reserve(lw->s, m) < 0)
                return -ENOMEM;
        /* NC_NETNS_NONE for a namespace the observed state does not name. */
        for (size_t i = 0; i < m->n_containers; i++)
                lw->netns[i] = nc_netns_ids_find(lw->ids, m->containers[i].netns);
        for (size_t i = 0; i < m->n_containers; i++) {
                lw->addrs[i] = calloc(m->containers[i].n_networks + 1, sizeof(**lw->addrs));
                if (!lw->addrs[i])
                        return -ENOMEM;
        }
        /* Room for every container and every bridge's VXLAN link. */
        lw->plan->waiting = calloc(m->n_containers + m->n_bridges + 1, sizeof(*lw->plan->waiting));
        lw->waits = calloc(m->n_containers + 1, sizeof(*lw->waits));
        if (!lw->plan->waiting || !lw->waits)
                return -ENOMEM;
        r = lower_bridges(lw);
        if (r < 0)
                return r;
        for (size_t i = 0; i < m->n_containers; i++) {
                r = lower_container(lw, i);
                if (r < 0)
                        return r;
        }
        r = nc_plan_lower_nft(m, lw->addrs, lw->waits, lw->s);
        if (r < 0)
                return r;
        lw->s->ip_forward = wants_forwarding(m, false) ? 1 : -1;
        lw->s->ip6_forward = wants_forwarding(m, true) ? 1 : -1;
        lw->s->route_localnet = wants_route_localnet(m) ? 1 : -1;
        r = order_links(lw->s, lw->group);
        if (r < 0)
                return r;
        /* Links are in order now: this only checks them. */
        nc_state_sort(lw->s);
        return 0;
}

int nc_plan_lower(const struct nc_model *m, const struct nc_state_index *observed, const struct nc_netns_ids *ids,
                  struct nc_plan *plan) {
        struct lowering lw = { .m = m, .observed = observed, .ids = ids, .plan = plan };
        int r;

        lw.s = nc_state_new();
        if (!lw.s)
                return -ENOMEM;
        plan->desired = lw.s;
        r = lower(&lw);
        free(lw.group);
        free(lw.rank);
        free(lw.netns);
        free(lw.waits);
        free_addrs(lw.addrs, m->n_containers);
        return r;
}
