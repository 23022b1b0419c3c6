/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE     /* strverscmp() */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "netconverge/addr.h"
#include "netconverge/names.h"
#include "netconverge/show.h"
#include "util/cleanup.h"
#include "util/strbuf.h"
#include "util/yamlout.h"

/* A host veth end and what it tells about one container network. */
struct attachment_src {
        const struct nc_link *host, *peer;
        const struct nc_bridge *bridge;
        uint32_t address;               /* 0: none usable */
        struct nc_ipv6 address6;        /* all zeros: none usable */
        bool default_route;             /* the container's default route leaves through it */
};

struct builder {
        const struct nc_state *s;
        struct nc_show *sh;
        size_t cap_notes, cap_bridges, cap_containers;
};

struct nc_show *nc_show_free(struct nc_show *sh) {
        if (!sh)
                return NULL;
        nc_model_free(sh->model);
        for (size_t i = 0; i < sh->n_notes; i++)
                free(sh->notes[i]);
        free(sh->notes);
        free(sh);
        return NULL;
}

void nc_show_freep(struct nc_show **sh) {
        *sh = nc_show_free(*sh);
}

/* Notes become comment lines: anything but printable ASCII (a name read
 * from an alias may hold any byte) is shown as '?', so a note can neither
 * end the comment nor make the file invalid UTF-8. */
static void sanitize(char *s) {
        for (; *s; s++)
                if ((unsigned char) *s < 0x20 || (unsigned char) *s >= 0x7f)
                        *s = '?';
}

__attribute__((format(printf, 2, 3)))
static int note(struct builder *b, const char *fmt, ...) {
        struct nc_strbuf buf = {};
        struct nc_show *sh = b->sh;
        char *m;
        va_list ap;

        nc_strbuf_append(&buf, "left out: ");
        va_start(ap, fmt);
        nc_strbuf_vprintf(&buf, fmt, ap);
        va_end(ap);
        m = nc_strbuf_steal(&buf);
        if (!m || nc_grow(&sh->notes, &b->cap_notes, sh->n_notes + 1, sizeof(*sh->notes)) < 0) {
                free(m);
                return -ENOMEM;
        }
        sanitize(m);
        sh->notes[sh->n_notes++] = m;
        return 0;
}

/* The addresses of one device: a run of the sorted array. */
static size_t addresses_of(const struct nc_state *s, const char *netns, const char *dev,
                           const struct nc_address **ret) {
        size_t lo = 0, hi = s->n_addresses, n = 0;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                const struct nc_address *a = &s->addresses[mid];
                int r = strcmp(a->netns, netns);

                if (r == 0)
                        r = strcmp(a->ifname, dev);
                if (r < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        while (lo + n < s->n_addresses && strcmp(s->addresses[lo + n].netns, netns) == 0 &&
               strcmp(s->addresses[lo + n].ifname, dev) == 0)
                n++;
        *ret = &s->addresses[lo];
        return n;
}

/* What validation accepts as a bridge's gateway: a host address of a
 * /8 to /30 subnet. */
static bool usable_gateway(const struct nc_address *a) {
        uint32_t net = a->address & nc_prefix_mask(a->prefixlen);

        return !a->v6 && a->prefixlen >= 8 && a->prefixlen <= 30 && a->address != net &&
               a->address != nc_subnet_broadcast(net, a->prefixlen);
}

/* The same for IPv6: an address of a /48 to /120 other than the network's
 * (validation's subnet6 rules). */
static bool usable_gateway6(const struct nc_address *a) {
        struct nc_ipv6 net = nc_ipv6_network(&a->address6, a->prefixlen);

        return a->v6 && a->prefixlen >= 48 && a->prefixlen <= 120 && !nc_ipv6_equal(&net, &a->address6);
}

__attribute__((format(printf, 3, 4)))
static bool has_rule(const struct nc_state *s, enum nc_rule_kind kind, const char *fmt, ...) {
        char key[128];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(key, sizeof(key), fmt, ap);
        va_end(ap);
        for (size_t i = 0; i < s->nft.n_rules; i++)
                if (s->nft.rules[i].kind == kind && s->nft.rules[i].key && strcmp(s->nft.rules[i].key, key) == 0)
                        return true;
        return false;
}

/* icc: false is every container's port of the bridge isolated (and at
 * least one: a bridge without containers says nothing). */
static bool ports_isolated(const struct nc_state *s, const char *bridge) {
        size_t n = 0;

        for (size_t i = 0; i < s->n_links; i++) {
                const struct nc_link *l = &s->links[i];

                if (l->kind != NC_LINK_VETH || l->netns[0] || strcmp(l->master, bridge) != 0)
                        continue;
                if (!l->port_isolated)
                        return false;
                n++;
        }
        return n > 0;
}

/* The file says isolated per bridge, the kernel has drops per pair. A
 * bridge reads as isolated when traffic to and from every other bridge is
 * dropped; any choice that gives the same drops is the same file to the
 * planner, and when none does the difference shows in `diff`. */
static void infer_isolation(struct builder *b) {
        struct nc_model *m = b->sh->model;

        for (size_t i = 0; i < m->n_bridges; i++) {
                struct nc_bridge *x = &m->bridges[i];

                for (size_t k = 0; k < m->n_bridges && x->isolated; k++)
                        if (k != i)
                                x->isolated = has_rule(b->s, NC_RULE_DROP, "isolate %s %s", x->name, m->bridges[k].name) &&
                                              has_rule(b->s, NC_RULE_DROP, "isolate %s %s", m->bridges[k].name, x->name);
                /* Internal: its own drop (SPEC 7.2). */
                x->internal = has_rule(b->s, NC_RULE_INTERNAL, "internal %s", x->name);
        }
}

/* Published ports from the DNAT rules: each goes to the container whose
 * address on some bridge is its target; runs of consecutive ports with
 * consecutive targets become one range, as they were written. */
static const struct nc_attachment *attachment_with(const struct nc_container *c, const struct nc_nft_rule *r) {
        for (size_t i = 0; i < c->n_networks; i++)
                if (r->v6 ? !nc_ipv6_is_zero(&r->to_addr6) && nc_ipv6_equal(&c->networks[i].address6, &r->to_addr6)
                          : c->networks[i].address == r->to_addr)
                        return &c->networks[i];
        return NULL;
}

/* A rule's port in the file's terms: IPv4 rules first (host_family
 * settled by join_families()), IPv6 ones with their host_ip6. */
static struct nc_port port_of(const struct nc_nft_rule *r) {
        return (struct nc_port) {
                .host_family = r->v6 ? NC_HOST_IPV6 : NC_HOST_ANY,
                .host_ip = r->daddr,
                .host_ip6 = r->daddr6,
                .host_port = r->dport,
                .host_port_end = r->dport,
                .target = r->to_port,
                .target_end = r->to_port,
                .proto = r->proto,
        };
}

static bool extends(const struct nc_port *p, const struct nc_nft_rule *r) {
        return p->proto == r->proto && (p->host_family == NC_HOST_IPV6) == r->v6 &&
               (r->v6 ? nc_ipv6_equal(&p->host_ip6, &r->daddr6) : p->host_ip == r->daddr) &&
               p->host_port_end + 1 == r->dport && p->target_end + 1 == r->to_port;
}

static bool same_port(const struct nc_port *p, const struct nc_port *q) {
        return p->proto == q->proto && p->host_port == q->host_port && p->host_port_end == q->host_port_end &&
               p->target == q->target && p->target_end == q->target_end &&
               strcmp(p->network ? p->network : "", q->network ? q->network : "") == 0;
}

static void drop_port(struct nc_container *c, size_t i) {
        free(c->ports[i].network);
        memmove(&c->ports[i], &c->ports[i + 1], (c->n_ports - i - 1) * sizeof(*c->ports));
        c->n_ports--;
}

/* SPEC 7.1 backwards: a port without host_ip is an IPv4 rule on 0.0.0.0
 * and an IPv6 one on [::] when its network has both families, the one of
 * its only family otherwise. So a 0.0.0.0 rule with its [::] twin is one
 * port without host_ip; either alone on a dual-stack network is a port
 * with that host_ip; a [::] rule alone on an IPv6-only network is again
 * without host_ip. An IPv4-only network reads as it always did. */
static void join_families(const struct nc_model *m, struct nc_container *c) {
        for (size_t i = 0; i < c->n_ports; i++) {
                struct nc_port *p = &c->ports[i];
                const char *network = p->network ? p->network : c->networks[0].bridge;
                const struct nc_bridge *br = nc_model_find_bridge(m, network);
                bool dual = br && br->prefixlen > 0 && br->prefixlen6 > 0;
                bool only6 = br && br->prefixlen == 0 && br->prefixlen6 > 0;

                if (p->host_family == NC_HOST_ANY && p->host_ip != 0)
                        p->host_family = NC_HOST_IPV4;
                if (p->host_family == NC_HOST_IPV6 && nc_ipv6_is_zero(&p->host_ip6) && only6)
                        p->host_family = NC_HOST_ANY;
                if (p->host_family != NC_HOST_ANY || p->host_ip != 0 || !dual)
                        continue;
                p->host_family = NC_HOST_IPV4;
                for (size_t k = i + 1; k < c->n_ports; k++)
                        if (c->ports[k].host_family == NC_HOST_IPV6 && nc_ipv6_is_zero(&c->ports[k].host_ip6) &&
                            same_port(p, &c->ports[k])) {
                                p->host_family = NC_HOST_ANY;
                                drop_port(c, k);
                                break;
                        }
        }
}

static int by_key(const void *x, const void *y) {
        return strcmp((*(const struct nc_nft_rule *const *) x)->key, (*(const struct nc_nft_rule *const *) y)->key);
}

/* The published ports, in the order of their keys: as the map elements
 * they are (SPEC 7.2), or the rules of a table of one rule per port that
 * an earlier version made; in key order, as the rules of one chain were,
 * whichever maps hold them. */
static int published(const struct nc_state *s, const struct nc_nft_rule ***ret, size_t *ret_n) {
        const struct nc_nft_rule **v = calloc(s->nft.n_rules + s->nft.n_elements + 1, sizeof(*v));
        size_t n = 0;

        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < s->nft.n_rules + s->nft.n_elements; i++) {
                const struct nc_nft_rule *r =
                        i < s->nft.n_rules ? &s->nft.rules[i] : &s->nft.elements[i - s->nft.n_rules];

                if (r->kind == NC_RULE_DNAT && r->key && strncmp(r->key, "publish ", 8) == 0)
                        v[n++] = r;
        }
        qsort(v, n, sizeof(*v), by_key);
        *ret = v;
        *ret_n = n;
        return 0;
}

static int ports_from_rules(struct builder *b) {
        const struct nc_state *s = b->s;
        struct nc_model *m = b->sh->model;
        _cleanup_free_ const struct nc_nft_rule **ports = NULL;
        size_t n_ports;
        int e = published(s, &ports, &n_ports);

        if (e < 0)
                return e;
        for (size_t i = 0; i < n_ports; i++) {
                const struct nc_nft_rule *r = ports[i];
                const struct nc_attachment *a = NULL;
                struct nc_container *c = NULL;
                struct nc_port *p;

                for (size_t k = 0; k < m->n_containers && !a; k++)
                        if ((a = attachment_with(&m->containers[k], r)))
                                c = &m->containers[k];
                if (!a) {
                        int q = note(b, "nft rule \"%s\": no container has its target address", r->key);

                        if (q < 0)
                                return q;
                        continue;
                }
                if (c->n_ports > 0 && extends(&c->ports[c->n_ports - 1], r) &&
                    strcmp(c->ports[c->n_ports - 1].network ? c->ports[c->n_ports - 1].network : c->networks[0].bridge,
                           a->bridge) == 0) {
                        c->ports[c->n_ports - 1].host_port_end = r->dport;
                        c->ports[c->n_ports - 1].target_end = r->to_port;
                        continue;
                }
                p = realloc(c->ports, (c->n_ports + 1) * sizeof(*c->ports));
                if (!p)
                        return -ENOMEM;
                c->ports = p;
                p = &c->ports[c->n_ports++];
                *p = port_of(r);
                if (a != &c->networks[0] && !(p->network = strdup(a->bridge)))
                        return -ENOMEM;
        }
        for (size_t k = 0; k < m->n_containers; k++)
                join_families(m, &m->containers[k]);
        return 0;
}

static int bridge_from_link(struct builder *b, const struct nc_link *l) {
        const struct nc_address *a = NULL, *a6 = NULL, *v;
        struct nc_model *m = b->sh->model;
        size_t n = addresses_of(b->s, "", l->name, &v);
        struct nc_bridge *x;

        if (l->kind != NC_LINK_BRIDGE)
                return note(b, "link %s is marked as a bridge but is a %s", l->name, nc_link_kind_to_string(l->kind));
        if (nc_ifname_invalid(l->name))
                return note(b, "bridge %s: the name is not valid in a file", l->name);
        for (size_t i = 0; i < n; i++) {
                if (!a && usable_gateway(&v[i]))
                        a = &v[i];
                if (!a6 && usable_gateway6(&v[i]))
                        a6 = &v[i];
        }
        if (!a && !a6)
                return note(b, "bridge %s: %s", l->name,
                            n ? "no address that can be a gateway (a host address of a /8 to /30, or of an IPv6 /48 "
                                "to /120)"
                              : "no address");
        if (l->mtu < 68 || l->mtu > 65535)
                return note(b, "bridge %s: MTU %u is out of range 68-65535", l->name, l->mtu);
        if (nc_grow(&m->bridges, &b->cap_bridges, m->n_bridges + 1, sizeof(*m->bridges)) < 0)
                return -ENOMEM;
        x = &m->bridges[m->n_bridges];
        *x = (struct nc_bridge) {
                .name = strdup(l->name),
                .subnet = a ? a->address & nc_prefix_mask(a->prefixlen) : 0,
                .prefixlen = a ? a->prefixlen : 0,
                .gateway = a ? a->address : 0,
                .mtu = l->mtu,
                .masquerade = has_rule(b->s, NC_RULE_MASQUERADE, "masquerade %s", l->name),
                .isolated = true,       /* decided once all bridges are known */
                .icc = !ports_isolated(b->s, l->name),
        };
        if (!x->name)
                return -ENOMEM;
        if (a6) {
                x->subnet6 = nc_ipv6_network(&a6->address6, a6->prefixlen);
                x->prefixlen6 = a6->prefixlen;
                x->gateway6 = a6->address6;
        }
        m->n_bridges++;
        return 0;
}

/* The container end's address on the bridge: a host address of the
 * subnet, not the gateway. 0 when it has none. */
static int container_address(struct builder *b, const struct attachment_src *src, uint32_t *ret) {
        const struct nc_bridge *br = src->bridge;
        const struct nc_address *v;
        size_t n = addresses_of(b->s, src->peer->netns, src->peer->name, &v);
        char cidr[NC_CIDR_STRLEN];

        *ret = 0;
        if (br->prefixlen == 0)
                return 0;
        for (size_t i = 0; i < n; i++) {
                uint32_t a = v[i].address;

                if (v[i].v6)
                        continue;
                if (v[i].prefixlen == br->prefixlen && nc_subnet_contains(br->subnet, br->prefixlen, a) &&
                    a != br->subnet && a != br->gateway && a != nc_subnet_broadcast(br->subnet, br->prefixlen)) {
                        *ret = a;
                        return 0;
                }
        }
        if (n == 0 || v[0].v6)
                return 0;
        return note(b, "address %s on %s in netns %s: not a host address of bridge %s",
                    nc_cidr_format(v[0].address, v[0].prefixlen, cidr), src->peer->name, src->peer->netns, br->name);
}

/* The same for IPv6: an address of subnet6 with its prefix, not the
 * network's or the gateway's. Left out (none) otherwise. */
static void container_address6(struct builder *b, const struct attachment_src *src, struct nc_ipv6 *ret) {
        const struct nc_bridge *br = src->bridge;
        const struct nc_address *v;
        size_t n = addresses_of(b->s, src->peer->netns, src->peer->name, &v);

        *ret = (struct nc_ipv6) {};
        if (br->prefixlen6 == 0)
                return;
        for (size_t i = 0; i < n; i++)
                if (v[i].v6 && v[i].prefixlen == br->prefixlen6 &&
                    nc_subnet6_contains(&br->subnet6, br->prefixlen6, &v[i].address6) &&
                    !nc_ipv6_equal(&v[i].address6, &br->subnet6) && !nc_ipv6_equal(&v[i].address6, &br->gateway6)) {
                        *ret = v[i].address6;
                        return;
                }
}

/* Whether the namespace's default route goes out through dev. The file
 * routes a container through its first network, so that network must be
 * printed first. */
static bool is_default_route_dev(const struct nc_state *s, const char *netns, const char *dev) {
        const struct nc_route *r;
        size_t n = nc_state_routes_of(s, netns, &r);

        /* Sorted by (netns, family, dst, dst_len): IPv4 default routes lead
         * their netns. */
        for (size_t i = 0; i < n && !r[i].v6 && r[i].dst == 0 && r[i].dst_len == 0; i++)
                if (strcmp(r[i].ifname, dev) == 0)
                        return true;
        return false;
}

/* 1 when the host end h describes a container network the file can say,
 * 0 when it does not (with a note), or -ENOMEM. */
static int attachment_from_link(struct builder *b, const struct nc_link *h, struct attachment_src *ret) {
        const struct nc_link *peer;

        if (h->kind != NC_LINK_VETH)
                return note(b, "link %s is marked as a veth but is a %s", h->name, nc_link_kind_to_string(h->kind));
        if (nc_container_name_invalid(h->owner_container) || nc_netns_invalid(h->owner_netns) ||
            nc_ifname_invalid(h->name))
                return note(b, "veth %s: its mark '%s' names no valid container and namespace", h->name, h->alias);
        ret->bridge = nc_model_find_bridge(b->sh->model, h->owner_bridge);
        if (!ret->bridge)
                return note(b, "veth %s of container %s: bridge %s is not shown", h->name, h->owner_container,
                            h->owner_bridge);
        peer = h->peer_netns && strcmp(h->peer_netns, h->owner_netns) == 0
                       ? nc_state_find_link(b->s, h->peer_netns, h->peer_name) : NULL;
        if (!peer)
                return note(b, "veth %s of container %s: no container end in netns %s", h->name, h->owner_container,
                            h->owner_netns);
        if (nc_ifname_invalid(peer->name))
                return note(b, "veth %s of container %s: the container end's name is not valid in a file", h->name,
                            h->owner_container);
        ret->host = h;
        ret->peer = peer;
        ret->default_route = is_default_route_dev(b->s, peer->netns, peer->name);
        container_address6(b, ret, &ret->address6);
        return container_address(b, ret, &ret->address) < 0 ? -ENOMEM : 1;
}

/* By container; in a container the network with the default route first
 * (the file's first network), then by interface as numbered (eth2 before
 * eth10), which is the order a file with default names lists them. */
static int src_compare(const void *a, const void *b) {
        const struct attachment_src *x = a, *y = b;
        int r = strcmp(x->host->owner_container, y->host->owner_container);

        if (r == 0)
                r = (int) y->default_route - (int) x->default_route;
        if (r == 0)
                r = strverscmp(x->peer->name, y->peer->name);
        if (r == 0)
                r = strcmp(x->bridge->name, y->bridge->name);
        return r != 0 ? r : strcmp(x->host->name, y->host->name);
}

static const struct nc_attachment *network_on(const struct nc_container *c, const char *bridge) {
        for (size_t i = 0; i < c->n_networks; i++)
                if (strcmp(c->networks[i].bridge, bridge) == 0)
                        return &c->networks[i];
        return NULL;
}

static void attachment_fill(struct nc_attachment *a, const struct attachment_src *src) {
        a->address = src->address;
        a->address_explicit = src->address != 0;
        a->address6 = src->address6;
        a->address6_explicit = !nc_ipv6_is_zero(&src->address6);
        memcpy(a->mac, src->peer->mac, sizeof(a->mac));
        a->mac_explicit = true;
        memcpy(a->interface, src->peer->name, sizeof(a->interface));
        memcpy(a->host_interface, src->host->name, sizeof(a->host_interface));
}

/* One container from its run of sources (sorted as src_compare()): the
 * first source's namespace; one network per bridge. */
static int container_from(struct builder *b, const struct attachment_src *v, size_t n) {
        struct nc_model *m = b->sh->model;
        struct nc_container *c;
        int r;

        if (nc_grow(&m->containers, &b->cap_containers, m->n_containers + 1, sizeof(*m->containers)) < 0)
                return -ENOMEM;
        c = &m->containers[m->n_containers];
        *c = (struct nc_container) {
                .name = strdup(v[0].host->owner_container),
                .netns = strdup(v[0].host->owner_netns),
                .networks = calloc(n, sizeof(*c->networks)),
        };
        m->n_containers++;      /* even half built: the model frees it */
        if (!c->name || !c->netns || !c->networks)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                struct nc_attachment *a = &c->networks[c->n_networks];
                const struct nc_attachment *same = network_on(c, v[i].bridge->name);

                if (strcmp(v[i].host->owner_netns, c->netns) != 0)
                        r = note(b, "veth %s: container %s is already in netns %s", v[i].host->name, c->name, c->netns);
                else if (same)
                        r = note(b, "veth %s: container %s already has a network on bridge %s (%s)", v[i].host->name,
                                 c->name, v[i].bridge->name, same->host_interface);
                else {
                        a->bridge = strdup(v[i].bridge->name);
                        if (!a->bridge)
                                return -ENOMEM;
                        attachment_fill(a, &v[i]);
                        c->n_networks++;
                        r = 0;
                }
                if (r < 0)
                        return r;
        }
        return 0;
}

static int containers_from_links(struct builder *b) {
        const struct nc_state *s = b->s;
        _cleanup_free_ struct attachment_src *v = calloc(s->n_links ? s->n_links : 1, sizeof(*v));
        size_t n = 0;
        int r;

        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < s->n_links; i++) {
                const struct nc_link *h = &s->links[i];

                if (h->netns[0] || h->role != NC_ROLE_HOST_END)
                        continue;
                r = attachment_from_link(b, h, &v[n]);
                if (r < 0)
                        return r;
                n += r > 0;
        }
        if (n > 1)
                qsort(v, n, sizeof(*v), src_compare);
        for (size_t i = 0, k; i < n; i = k) {
                for (k = i + 1; k < n && strcmp(v[k].host->owner_container, v[i].host->owner_container) == 0; k++)
                        ;
                r = container_from(b, &v[i], k - i);
                if (r < 0)
                        return r;
        }
        return 0;
}

static bool same_remote(const struct nc_vxlan_remote *r, const struct nc_fdb *f) {
        return r->v6 == f->v6 && (f->v6 ? nc_ipv6_equal(&r->addr6, &f->dst6) : r->addr == f->dst);
}

/* A VXLAN link of ours gives its bridge's vxlan: the link's VNI, port and
 * underlay, and a remote per all-zeros FDB entry on it (sorted, as the
 * state is). */
static int vxlan_from_link(struct builder *b, const struct nc_link *l) {
        struct nc_bridge *br = (struct nc_bridge *) nc_model_find_bridge(b->sh->model, l->owner_bridge);
        static const uint8_t zero[6];
        struct nc_vxlan *x;
        size_t n = 0;

        if (!br)
                return note(b, "VXLAN link %s: bridge %s is not shown", l->name, l->owner_bridge);
        if (br->vxlan || !l->vxlan.dev[0] || l->vxlan.vni < 1 || l->vxlan.vni > 16777215 || l->vxlan.port < 1)
                return note(b, "VXLAN link %s: not one a file describes", l->name);
        x = calloc(1, sizeof(*x));
        if (!x)
                return -ENOMEM;
        x->vni = l->vxlan.vni;
        x->port = l->vxlan.port;
        strcpy(x->underlay, l->vxlan.dev);
        x->remotes = calloc(b->s->n_fdb + 1, sizeof(*x->remotes));
        if (!x->remotes) {
                free(x);
                return -ENOMEM;
        }
        for (size_t i = 0; i < b->s->n_fdb; i++) {
                const struct nc_fdb *f = &b->s->fdb[i];

                if (strcmp(f->netns, l->netns) == 0 && strcmp(f->ifname, l->name) == 0 &&
                    memcmp(f->mac, zero, 6) == 0 && (n == 0 || !same_remote(&x->remotes[n - 1], f)))
                        x->remotes[n++] = (struct nc_vxlan_remote) { .v6 = f->v6, .addr = f->dst,
                                                                     .addr6 = f->dst6 };
        }
        x->n_remotes = n;
        br->vxlan = x;
        /* The kernel has no range: the whole subnet is this host's. */
        br->range = br->subnet;
        br->range_len = br->prefixlen;
        return 0;
}

int nc_show_build(const struct nc_state *s, struct nc_show **ret) {
        _cleanup_(nc_show_freep) struct nc_show *sh = calloc(1, sizeof(*sh));
        struct builder b = { .s = s, .sh = sh };
        int r;

        if (!sh)
                return -ENOMEM;
        sh->model = nc_model_new();
        if (!sh->model)
                return -ENOMEM;
        /* The table observed, else the default. */
        sh->model->settings.table = strdup(s->nft.table ? s->nft.table : NC_TABLE_DEFAULT);
        sh->model->settings.ip_forward = true;
        if (!sh->model->settings.table)
                return -ENOMEM;
        for (size_t i = 0; i < s->n_links; i++)
                if (!s->links[i].netns[0] && s->links[i].role == NC_ROLE_BRIDGE) {
                        r = bridge_from_link(&b, &s->links[i]);
                        if (r < 0)
                                return r;
                }
        nc_model_sort(sh->model);
        for (size_t i = 0; i < s->n_links; i++)
                if (!s->links[i].netns[0] && s->links[i].role == NC_ROLE_VXLAN) {
                        r = vxlan_from_link(&b, &s->links[i]);
                        if (r < 0)
                                return r;
                }
        infer_isolation(&b);
        r = containers_from_links(&b);
        if (r < 0)
                return r;
        nc_model_sort(sh->model);
        /* Rules are sorted by key, so ports come in a stable order. */
        r = ports_from_rules(&b);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(sh);
        return 0;
}

static void print_vxlan(FILE *f, const struct nc_bridge *b) {
        char cidr[NC_CIDR_STRLEN], ip[NC_IPV6_STRLEN];
        const struct nc_vxlan *x = b->vxlan;

        fprintf(f, "    range: %s\n    vxlan:\n      vni: %u\n      underlay: ",
                nc_cidr_format(b->range, b->range_len, cidr), x->vni);
        nc_yaml_write_scalar(f, x->underlay);
        fprintf(f, "\n      port: %u\n      remotes: [", x->port);
        /* IPv6 ones quoted, as the file's would be: a plain ':' can end a
         * YAML flow scalar. */
        for (size_t i = 0; i < x->n_remotes; i++)
                if (x->remotes[i].v6)
                        fprintf(f, "%s\"%s\"", i ? ", " : "", nc_ipv6_format(&x->remotes[i].addr6, ip));
                else
                        fprintf(f, "%s%s", i ? ", " : "", nc_ipv4_format(x->remotes[i].addr, ip));
        fputs("]\n", f);
}

static void print_bridge(FILE *f, const struct nc_bridge *b) {
        char cidr[NC_CIDR6_STRLEN], ip[NC_IPV6_STRLEN];

        fputs("  ", f);
        nc_yaml_write_scalar(f, b->name);
        fputs(":\n", f);
        if (b->prefixlen > 0)
                fprintf(f, "    subnet: %s\n    gateway: %s\n", nc_cidr_format(b->subnet, b->prefixlen, cidr),
                        nc_ipv4_format(b->gateway, ip));
        if (b->prefixlen6 > 0)
                fprintf(f, "    subnet6: \"%s\"\n", nc_cidr6_format(&b->subnet6, b->prefixlen6, cidr));
        if (b->prefixlen6 > 0)
                fprintf(f, "    gateway6: \"%s\"\n", nc_ipv6_format(&b->gateway6, ip));
        fprintf(f, "    mtu: %u\n", b->mtu);
        if (!b->masquerade)
                fputs("    masquerade: false\n", f);
        if (!b->isolated)
                fputs("    isolated: false\n", f);
        if (b->internal)
                fputs("    internal: true\n", f);
        if (!b->icc)
                fputs("    icc: false\n", f);
        if (b->vxlan)
                print_vxlan(f, b);
}

static void print_range(FILE *f, unsigned start, unsigned end) {
        fprintf(f, start == end ? "%u" : "%u-%u", start, end);
}

static bool has_ipv6(const struct nc_model *m, const char *network) {
        const struct nc_bridge *b = nc_model_find_bridge(m, network);

        return b && b->prefixlen6 > 0;
}

/* The short syntax when the port goes to the first network, else the long
 * form, which can name the network. host_ip as the file writes it: IPv4
 * when it is not 0.0.0.0 or only IPv4 is meant (a port without host_ip on
 * an IPv4-only network keeps its old short form), IPv6 in brackets. */
static void print_port(FILE *f, const struct nc_model *m, const struct nc_port *p) {
        char ip[NC_IPV6_STRLEN];

        if (!p->network) {
                fputs("      - \"", f);
                if (p->host_family == NC_HOST_IPV6)
                        fprintf(f, "[%s]:", nc_ipv6_format(&p->host_ip6, ip));
                else if (p->host_ip || p->host_family == NC_HOST_IPV4)
                        fprintf(f, "%s:", nc_ipv4_format(p->host_ip, ip));
                print_range(f, p->host_port, p->host_port_end);
                fputc(':', f);
                print_range(f, p->target, p->target_end);
                /* tcp is the default the short syntax leaves out. */
                if (p->proto != NC_PROTO_TCP)
                        fprintf(f, "/%s", nc_proto_to_string(p->proto));
                fputs("\"\n", f);
                return;
        }
        fputs("      - { published: \"", f);
        print_range(f, p->host_port, p->host_port_end);
        fputs("\", target: \"", f);
        print_range(f, p->target, p->target_end);
        fprintf(f, "\", protocol: %s, ", nc_proto_to_string(p->proto));
        /* The long form has always said host_ip: 0.0.0.0 for every address
         * of an IPv4-only network; a port of both families has none. */
        if (p->host_family == NC_HOST_IPV6)
                fprintf(f, "host_ip: \"%s\", ", nc_ipv6_format(&p->host_ip6, ip));
        else if (p->host_family != NC_HOST_ANY || p->host_ip || !has_ipv6(m, p->network))
                fprintf(f, "host_ip: %s, ", nc_ipv4_format(p->host_ip, ip));
        fputs("network: ", f);
        nc_yaml_write_scalar(f, p->network);
        fputs(" }\n", f);
}

static void print_attachment(FILE *f, const struct nc_attachment *a) {
        char ip[NC_IPV6_STRLEN], mac[NC_MAC_STRLEN];

        fputs("      ", f);
        nc_yaml_write_scalar(f, a->bridge);
        fputs(":\n", f);
        if (a->address_explicit)
                fprintf(f, "        address: %s\n", nc_ipv4_format(a->address, ip));
        if (a->address6_explicit)
                fprintf(f, "        address6: \"%s\"\n", nc_ipv6_format(&a->address6, ip));
        fprintf(f, "        mac: \"%s\"\n        interface: ", nc_mac_format(a->mac, mac));
        nc_yaml_write_scalar(f, a->interface);
        fputs("\n        host_interface: ", f);
        nc_yaml_write_scalar(f, a->host_interface);
        fputc('\n', f);
}

static void print_container(FILE *f, const struct nc_model *m, const struct nc_container *c) {
        fputs("  ", f);
        nc_yaml_write_scalar(f, c->name);
        fputs(":\n    netns: ", f);
        nc_yaml_write_scalar(f, c->netns);
        fputs("\n    networks:\n", f);
        for (size_t i = 0; i < c->n_networks; i++)
                print_attachment(f, &c->networks[i]);
        if (c->n_ports)
                fputs("    ports:\n", f);
        for (size_t i = 0; i < c->n_ports; i++)
                print_port(f, m, &c->ports[i]);
}

int nc_show_print_config(const struct nc_show *sh, FILE *f) {
        const struct nc_model *m = sh->model;

        fputs("# netconverge show: what netconverge manages on this host, as a configuration file.\n", f);
        for (size_t i = 0; i < sh->n_notes; i++)
                fprintf(f, "# %s\n", sh->notes[i]);
        fputs("version: 1\n\n", f);
        if (strcmp(m->settings.table, NC_TABLE_DEFAULT) != 0) {
                fputs("settings:\n  table: ", f);
                nc_yaml_write_scalar(f, m->settings.table);
                fputs("\n\n", f);
        }
        fputs(m->n_bridges ? "bridges:\n" : "bridges: {}\n", f);
        for (size_t i = 0; i < m->n_bridges; i++)
                print_bridge(f, &m->bridges[i]);
        fputs(m->n_containers ? "\ncontainers:\n" : "\ncontainers: {}\n", f);
        for (size_t i = 0; i < m->n_containers; i++)
                print_container(f, m, &m->containers[i]);
        if (fflush(f) != 0 || ferror(f))
                return -EIO;
        return 0;
}
