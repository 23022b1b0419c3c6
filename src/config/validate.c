/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/stages.h"
#include "netconverge/addr.h"
#include "netconverge/names.h"
#include "util/cleanup.h"
#include "util/misspell.h"
#include "util/strbuf.h"

/* Checks across objects. Every collection check sorts (O(n log n)): a file
 * may describe ten thousand containers. An object whose own fields were
 * already reported bad (prefixlen 0, address not explicit) is left out of
 * the checks that need them, so one mistake gives one message. */

static bool origin_before(struct nc_origin a, struct nc_origin b) {
        return a.line != b.line ? a.line < b.line : a.column < b.column;
}

/* A value that must be unique: an address, a MAC, a link name, a netns. */
struct claim {
        const char *key;
        char buf[NC_IPV6_STRLEN];
        char *path;             /* owned */
        struct nc_origin at;
};

struct claims {
        struct claim *v;
        size_t n, cap;
        int r;
};

static void claims_done(struct claims *c) {
        for (size_t i = 0; i < c->n; i++)
                free(c->v[i].path);
        free(c->v);
}

/* key must outlive the claims; or pass "" and write buf. */
static struct claim *claim_add(struct claims *c, const char *key, const char *path, const char *field,
                               struct nc_origin at) {
        struct claim *x;

        if (c->r < 0)
                return NULL;
        if (nc_grow(&c->v, &c->cap, c->n + 1, sizeof(*c->v)) < 0) {
                c->r = -ENOMEM;
                return NULL;
        }
        x = &c->v[c->n];
        *x = (struct claim) { .key = key, .at = at };
        x->path = field ? nc_path_join(path, field) : strdup(path);
        if (!x->path) {
                c->r = -ENOMEM;
                return NULL;
        }
        c->n++;
        return x;
}

/* A claim's key is its own buf when it has one (formatted addresses), so
 * that sorting can move claims around. */
static const char *claim_key(const struct claim *x) {
        return x->buf[0] ? x->buf : x->key;
}

static int claim_compare(const void *a, const void *b) {
        const struct claim *x = a, *y = b;
        int r = strcmp(claim_key(x), claim_key(y));

        if (r != 0)
                return r;
        return origin_before(x->at, y->at) ? -1 : origin_before(y->at, x->at);
}

/* Every claim but the first in the file of each key is an error. */
static int claims_report(struct claims *c, struct nc_diags *d, const char *what) {
        if (c->r < 0)
                return c->r;
        if (c->n < 2)
                return 0;
        qsort(c->v, c->n, sizeof(*c->v), claim_compare);
        for (size_t i = 1, first = 0; i < c->n; i++) {
                if (strcmp(claim_key(&c->v[i]), claim_key(&c->v[first])) != 0) {
                        first = i;
                        continue;
                }
                nc_diags_add(d, c->v[i].at, c->v[i].path, "%s %s is already used by %s (line %u)", what,
                             claim_key(&c->v[i]), c->v[first].path, c->v[first].at.line);
        }
        return 0;
}

/* A bridge's families are the subnet keys the file gave, parsed or not
 * (a bad one was reported where it is). */
static bool has_ipv4(const struct nc_bridge *b) {
        return b->subnet_at.line != 0;
}

static bool has_ipv6(const struct nc_bridge *b) {
        return b->subnet6_at.line != 0;
}

static int check_gateway6(const struct nc_bridge *b, struct nc_diags *d) {
        char cidr[NC_CIDR6_STRLEN], ip[NC_IPV6_STRLEN];
        _cleanup_free_ char *p = NULL;
        struct nc_ipv6 net;
        const char *why = NULL;

        if (b->gateway6_at.line == 0)
                return 0;
        p = nc_path_join(b->path, "gateway6");
        if (!p)
                return -ENOMEM;
        if (!has_ipv6(b)) {
                nc_diags_add(d, b->gateway6_at, p, "gateway6 needs the bridge's IPv6 subnet: set 'subnet6'");
                return 0;
        }
        if (b->prefixlen6 == 0)
                return 0;
        net = nc_ipv6_network(&b->subnet6, b->prefixlen6);
        if (!nc_subnet6_contains(&b->subnet6, b->prefixlen6, &b->gateway6))
                why = "is outside the subnet";
        else if (nc_ipv6_equal(&b->gateway6, &net))
                why = "is the network (subnet-router anycast) address of";
        if (why)
                nc_diags_add(d, b->gateway6_at, p, "gateway6 %s %s %s", nc_ipv6_format(&b->gateway6, ip), why,
                             nc_cidr6_format(&b->subnet6, b->prefixlen6, cidr));
        return 0;
}

static int check_gateways(const struct nc_model *m, struct nc_diags *d) {
        char cidr[NC_CIDR_STRLEN], ip[NC_IPV4_STRLEN];

        for (size_t i = 0; i < m->n_bridges; i++) {
                const struct nc_bridge *b = &m->bridges[i];
                _cleanup_free_ char *p = NULL;
                const char *why = NULL;

                if (check_gateway6(b, d) < 0)
                        return -ENOMEM;
                if (b->gateway_at.line && !has_ipv4(b) && has_ipv6(b)) {
                        p = nc_path_join(b->path, "gateway");
                        if (!p)
                                return -ENOMEM;
                        nc_diags_add(d, b->gateway_at, p,
                                     "gateway is IPv4, but the bridge has no IPv4 subnet: set 'subnet', or "
                                     "'gateway6' for IPv6");
                        continue;
                }
                if (b->prefixlen == 0 || b->gateway_at.line == 0)
                        continue;
                if (!nc_subnet_contains(b->subnet, b->prefixlen, b->gateway))
                        why = "is outside the subnet";
                else if (b->gateway == b->subnet)
                        why = "is the network address of";
                else if (b->gateway == nc_subnet_broadcast(b->subnet, b->prefixlen))
                        why = "is the broadcast address of";
                if (!why)
                        continue;
                p = nc_path_join(b->path, "gateway");
                if (!p)
                        return -ENOMEM;
                nc_diags_add(d, b->gateway_at, p, "gateway %s %s %s", nc_ipv4_format(b->gateway, ip), why,
                             nc_cidr_format(b->subnet, b->prefixlen, cidr));
        }
        return 0;
}

/* A range (SPEC 7.5) is a part of the bridge's IPv4 subnet with room for
 * the gateway and a container: /30 at most, which parse_cidr() holds it to. */
static int check_ranges(const struct nc_model *m, struct nc_diags *d) {
        char cidr[NC_CIDR_STRLEN], sub[NC_CIDR_STRLEN];

        for (size_t i = 0; i < m->n_bridges; i++) {
                const struct nc_bridge *b = &m->bridges[i];
                _cleanup_free_ char *p = NULL;

                if (b->range_at.line == 0 || b->range_len == 0 || (has_ipv4(b) && b->prefixlen == 0))
                        continue;
                p = nc_path_join(b->path, "range");
                if (!p)
                        return -ENOMEM;
                if (!has_ipv4(b))
                        nc_diags_add(d, b->range_at, p, "range is a part of the IPv4 subnet: set 'subnet'");
                else if (b->range_len < b->prefixlen || !nc_subnet_contains(b->subnet, b->prefixlen, b->range))
                        nc_diags_add(d, b->range_at, p, "range %s is not inside the subnet %s",
                                     nc_cidr_format(b->range, b->range_len, cidr),
                                     nc_cidr_format(b->subnet, b->prefixlen, sub));
        }
        return 0;
}

static bool same_remote(const struct nc_vxlan_remote *a, const struct nc_vxlan_remote *b) {
        return a->v6 == b->v6 && (a->v6 ? nc_ipv6_equal(&a->addr6, &b->addr6) : a->addr == b->addr);
}

/* The first remote of another family than the first one's, reported: a
 * VXLAN link has one local address, so one family, and the kernel refuses
 * an FDB entry of the other one. The file alone says so, so it is an
 * error of the file, not a pre-flight conflict. */
static int check_remote_families(const struct nc_vxlan *v, const char *path, struct nc_diags *d) {
        for (size_t i = 1; i < v->n_remotes; i++) {
                _cleanup_free_ char *r = NULL, *q = NULL;

                if (v->remotes[i].v6 == v->remotes[0].v6)
                        continue;
                r = nc_path_join(path, "remotes");
                q = r ? nc_path_index(r, i) : NULL;
                if (!q)
                        return -ENOMEM;
                nc_diags_add(d, v->remotes[i].at, q,
                             "remote is %s but the first one (line %u) is %s; a VXLAN link carries one address "
                             "family: list the remotes of one family, or make another bridge for the other",
                             v->remotes[i].v6 ? "IPv6" : "IPv4", v->remotes[0].at.line,
                             v->remotes[0].v6 ? "IPv6" : "IPv4");
                return 0;
        }
        return 0;
}

/* SPEC 7.5: a VXLAN bridge needs its range (IPAM cannot see the other
 * hosts), rides on a link that is not one of the file's bridges, names
 * each remote once, and all of one family. */
static int check_vxlan(const struct nc_model *m, const struct nc_bridge *b, struct nc_diags *d) {
        const struct nc_vxlan *v = b->vxlan;
        _cleanup_free_ char *p = nc_path_join(b->path, "vxlan");

        if (!p)
                return -ENOMEM;
        if (b->range_at.line == 0)
                nc_diags_add(d, v->at, p, "a vxlan bridge needs 'range': this host's part of the subnet (the "
                                          "other hosts allocate from theirs)");
        for (size_t i = 0; i < m->n_bridges; i++)
                if (v->underlay[0] && strcmp(m->bridges[i].name, v->underlay) == 0)
                        nc_diags_add(d, v->at, p, "underlay %s is a bridge of this file; it is the host link the "
                                                  "VXLAN traffic goes over", v->underlay);
        for (size_t i = 0; i < v->n_remotes; i++)
                for (size_t k = 0; k < i; k++)
                        if (same_remote(&v->remotes[i], &v->remotes[k])) {
                                _cleanup_free_ char *r = nc_path_join(p, "remotes");
                                _cleanup_free_ char *q = r ? nc_path_index(r, i) : NULL;

                                if (!q)
                                        return -ENOMEM;
                                nc_diags_add(d, v->remotes[i].at, q, "remote listed twice (first at line %u)",
                                             v->remotes[k].at.line);
                                break;
                        }
        return check_remote_families(v, p, d);
}

static int check_vxlans(const struct nc_model *m, struct nc_diags *d) {
        for (size_t i = 0; i < m->n_bridges; i++)
                if (m->bridges[i].vxlan && check_vxlan(m, &m->bridges[i], d) < 0)
                        return -ENOMEM;
        return 0;
}

/* A bridge's subnet of one family as the span of its addresses, both
 * families in 128 bits, so that one sweep checks either. */
struct span {
        unsigned __int128 lo, hi;
        const struct nc_bridge *b;
};

static unsigned __int128 u128_of(const struct nc_ipv6 *a) {
        unsigned __int128 v = 0;

        for (size_t i = 0; i < sizeof(a->b); i++)
                v = v << 8 | a->b[i];
        return v;
}

static bool bridge_span(const struct nc_bridge *b, bool v6, struct span *ret) {
        struct nc_ipv6 last;

        if (!v6 && b->prefixlen > 0) {
                *ret = (struct span) { b->subnet, nc_subnet_broadcast(b->subnet, b->prefixlen), b };
                return true;
        }
        if (v6 && b->prefixlen6 > 0) {
                last = nc_ipv6_last(&b->subnet6, b->prefixlen6);
                *ret = (struct span) { u128_of(&b->subnet6), u128_of(&last), b };
                return true;
        }
        return false;
}

static int by_start(const void *a, const void *b) {
        const struct span *x = a, *y = b;

        if (x->lo != y->lo)
                return x->lo < y->lo ? -1 : 1;
        return origin_before(x->b->at, y->b->at) ? -1 : origin_before(y->b->at, x->b->at);
}

static void report_overlap(struct nc_diags *d, const struct nc_bridge *later, const struct nc_bridge *other, bool v6,
                           const char *path) {
        char c1[NC_CIDR6_STRLEN], c2[NC_CIDR6_STRLEN];

        if (v6)
                nc_diags_add(d, later->subnet6_at, path, "subnet6 %s overlaps bridge '%s' (%s)",
                             nc_cidr6_format(&later->subnet6, later->prefixlen6, c1), other->name,
                             nc_cidr6_format(&other->subnet6, other->prefixlen6, c2));
        else
                nc_diags_add(d, later->subnet_at, path, "subnet %s overlaps bridge '%s' (%s)",
                             nc_cidr_format(later->subnet, later->prefixlen, c1), other->name,
                             nc_cidr_format(other->subnet, other->prefixlen, c2));
}

/* Sorted by start, a subnet overlaps an earlier one exactly when it
 * overlaps the widest earlier one (the one that ends last): subnets are
 * network addresses, so two either nest or are apart. The later of the
 * two in the file is the one reported. */
static int check_overlaps(const struct nc_model *m, bool v6, struct nc_diags *d) {
        _cleanup_free_ struct span *v = calloc(m->n_bridges + 1, sizeof(*v));
        const struct span *widest = NULL;
        size_t n = 0;

        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < m->n_bridges; i++)
                n += bridge_span(&m->bridges[i], v6, &v[n]);
        qsort(v, n, sizeof(*v), by_start);
        for (size_t i = 0; i < n; i++) {
                if (widest && v[i].lo <= widest->hi) {
                        const struct nc_bridge *later = origin_before(widest->b->at, v[i].b->at) ? v[i].b : widest->b;
                        _cleanup_free_ char *p = nc_path_join(later->path, v6 ? "subnet6" : "subnet");

                        if (!p)
                                return -ENOMEM;
                        report_overlap(d, later, later == v[i].b ? widest->b : v[i].b, v6, p);
                }
                if (!widest || v[i].hi > widest->hi)
                        widest = &v[i];
        }
        return 0;
}

static const char *const *bridge_names(const struct nc_model *m) {
        const char **v = calloc(m->n_bridges + 1, sizeof(*v));

        if (v)
                for (size_t i = 0; i < m->n_bridges; i++)
                        v[i] = m->bridges[i].name;
        return v;
}

static int check_address6(const struct nc_bridge *b, const struct nc_attachment *a, struct nc_diags *d) {
        char cidr[NC_CIDR6_STRLEN], ip[NC_IPV6_STRLEN];
        _cleanup_free_ char *p = NULL;
        struct nc_ipv6 net;

        if (!a->address6_explicit)
                return 0;
        p = nc_path_join(a->path, "address6");
        if (!p)
                return -ENOMEM;
        if (!has_ipv6(b)) {
                nc_diags_add(d, a->address6_at, p, "address6 on bridge '%s', which has no IPv6 subnet: set its 'subnet6'",
                             b->name);
                return 0;
        }
        if (b->prefixlen6 == 0)
                return 0;
        nc_ipv6_format(&a->address6, ip);
        nc_cidr6_format(&b->subnet6, b->prefixlen6, cidr);
        net = nc_ipv6_network(&b->subnet6, b->prefixlen6);
        if (!nc_subnet6_contains(&b->subnet6, b->prefixlen6, &a->address6))
                nc_diags_add(d, a->address6_at, p, "address6 %s is outside the subnet6 %s of bridge '%s'", ip, cidr,
                             b->name);
        else if (nc_ipv6_equal(&a->address6, &net))
                nc_diags_add(d, a->address6_at, p, "address6 %s is the network (subnet-router anycast) address of %s",
                             ip, cidr);
        else if (nc_ipv6_equal(&a->address6, &b->gateway6))
                nc_diags_add(d, a->address6_at, p, "address6 %s is the gateway6 of bridge '%s'", ip, b->name);
        return 0;
}

static int check_address(const struct nc_bridge *b, const struct nc_attachment *a, struct nc_diags *d) {
        char cidr[NC_CIDR_STRLEN], ip[NC_IPV4_STRLEN];
        _cleanup_free_ char *p = NULL;

        if (check_address6(b, a, d) < 0)
                return -ENOMEM;
        if (a->address_explicit && !has_ipv4(b) && has_ipv6(b)) {
                p = nc_path_join(a->path, "address");
                if (!p)
                        return -ENOMEM;
                nc_diags_add(d, a->address_at, p,
                             "address is IPv4, but bridge '%s' has no IPv4 subnet: set its 'subnet', or 'address6' "
                             "for IPv6", b->name);
                return 0;
        }
        if (!a->address_explicit || b->prefixlen == 0)
                return 0;
        p = nc_path_join(a->path, "address");
        if (!p)
                return -ENOMEM;
        nc_ipv4_format(a->address, ip);
        nc_cidr_format(b->subnet, b->prefixlen, cidr);
        if (!nc_subnet_contains(b->subnet, b->prefixlen, a->address))
                nc_diags_add(d, a->address_at, p, "address %s is outside the subnet %s of bridge '%s'", ip, cidr, b->name);
        else if (a->address == b->subnet)
                nc_diags_add(d, a->address_at, p, "address %s is the network address of %s", ip, cidr);
        else if (a->address == nc_subnet_broadcast(b->subnet, b->prefixlen))
                nc_diags_add(d, a->address_at, p, "address %s is the broadcast address of %s", ip, cidr);
        else if (a->address == b->gateway)
                nc_diags_add(d, a->address_at, p, "address %s is the gateway of bridge '%s'", ip, b->name);
        return 0;
}

/* Where an attachment field's problem is reported: at the field when the
 * file set it, else at the attachment (a default is to blame). */
static struct nc_origin field_at(const struct nc_attachment *a, struct nc_origin at) {
        return at.line ? at : a->at;
}

static char *field_path(const struct nc_attachment *a, struct nc_origin at, const char *field) {
        return at.line ? nc_path_join(a->path, field) : strdup(a->path);
}

/* The same bridge twice in one container: reported once, as such, and
 * left out of the checks its duplicate names would trip. */
static bool listed_before(const struct nc_container *c, size_t k) {
        for (size_t j = 0; j < k; j++)
                if (strcmp(c->networks[j].bridge, c->networks[k].bridge) == 0)
                        return true;
        return false;
}

static int check_attachments(const struct nc_model *m, struct nc_diags *d) {
        _cleanup_free_ const char *const *names = bridge_names(m);
        struct bridge_use {
                size_t count;
        } *use = calloc(m->n_bridges + 1, sizeof(*use));
        int r = 0;

        if (!names || !use) {
                free(use);
                return -ENOMEM;
        }
        for (size_t i = 0; i < m->n_containers && r >= 0; i++) {
                const struct nc_container *c = &m->containers[i];

                for (size_t k = 0; k < c->n_networks && r >= 0; k++) {
                        const struct nc_attachment *a = &c->networks[k];
                        const struct nc_bridge *b = nc_model_find_bridge(m, a->bridge);

                        _cleanup_free_ char *ipath = field_path(a, a->interface_at, "interface");

                        if (!ipath) {
                                r = -ENOMEM;
                                break;
                        }
                        if (listed_before(c, k)) {
                                nc_diags_add(d, a->at, a->path, "bridge '%s' is listed twice", a->bridge);
                                continue;
                        }
                        for (size_t j = 0; j < k; j++)
                                if (strcmp(c->networks[j].interface, a->interface) == 0)
                                        nc_diags_add(d, field_at(a, a->interface_at), ipath,
                                                     "interface '%s' is already used by %s; set 'interface' to another name",
                                                     a->interface, c->networks[j].path);
                        if (strcmp(a->interface, "lo") == 0)
                                nc_diags_add(d, field_at(a, a->interface_at), ipath,
                                             "interface 'lo' is the namespace's loopback");
                        if (!b) {
                                const char *hint = nc_did_you_mean(a->bridge, names, m->n_bridges);

                                if (hint)
                                        nc_diags_add(d, a->at, a->path,
                                                     "bridge '%s' is not declared under bridges; did you mean '%s'?",
                                                     a->bridge, hint);
                                else
                                        nc_diags_add(d, a->at, a->path, "bridge '%s' is not declared under bridges",
                                                     a->bridge);
                                continue;
                        }
                        use[b - m->bridges].count++;
                        r = check_address(b, a, d);
                }
        }
        for (size_t i = 0; i < m->n_bridges && r >= 0; i++)
                if (use[i].count > NC_MAX_CONTAINERS_PER_BRIDGE)
                        nc_diags_add(d, m->bridges[i].at, m->bridges[i].path,
                                     "%zu containers are attached; a bridge holds at most %d",
                                     use[i].count, NC_MAX_CONTAINERS_PER_BRIDGE);
        free(use);
        return r;
}

/* "vx-" names are the VXLAN links' (nc_vxlan_link_name(), hashed ones
 * too): a host end so named would take the name a bridge's vxlan needs
 * once it is given one, and reads as such a link to whoever looks. */
static int check_host_interface_prefix(const struct nc_attachment *a, struct nc_diags *d) {
        _cleanup_free_ char *p = NULL;

        if (strncmp(a->host_interface, "vx-", 3) != 0)
                return 0;
        p = nc_path_join(a->path, "host_interface");
        if (!p)
                return -ENOMEM;
        nc_diags_add(d, a->host_interface_at, p,
                     "host link name %s starts with vx-, which names the bridges' VXLAN links (vx-BRIDGE); "
                     "pick another name", a->host_interface);
        return 0;
}

/* Host-side link names share one namespace with the bridges and their
 * VXLAN links (vx-BRIDGE, nc_vxlan_link_name()). */
static int check_link_names(const struct nc_model *m, struct nc_diags *d) {
        struct claims c = {};
        int r;

        for (size_t i = 0; i < m->n_bridges; i++) {
                const struct nc_bridge *b = &m->bridges[i];
                struct claim *x;

                claim_add(&c, b->name, b->path, NULL, b->at);
                if (!b->vxlan)
                        continue;
                x = claim_add(&c, "", b->path, "vxlan", b->vxlan->at);
                if (x)
                        nc_vxlan_link_name(b->name, x->buf);
        }
        for (size_t i = 0; i < m->n_containers; i++)
                for (size_t k = 0; k < m->containers[i].n_networks; k++) {
                        const struct nc_attachment *a = &m->containers[i].networks[k];

                        if (listed_before(&m->containers[i], k))
                                continue;
                        if (a->host_interface_at.line && check_host_interface_prefix(a, d) < 0) {
                                claims_done(&c);
                                return -ENOMEM;
                        }
                        if (a->host_interface_at.line)
                                claim_add(&c, a->host_interface, a->path, "host_interface", a->host_interface_at);
                        else
                                claim_add(&c, a->host_interface, a->path, NULL, a->at);
                }
        r = claims_report(&c, d, "host link name");
        claims_done(&c);
        return r;
}

static int check_addresses(const struct nc_model *m, struct nc_diags *d) {
        struct claims c = {};
        int r;

        for (size_t i = 0; i < m->n_containers; i++)
                for (size_t k = 0; k < m->containers[i].n_networks; k++) {
                        const struct nc_attachment *a = &m->containers[i].networks[k];
                        struct claim *x;

                        if (!a->address_explicit)
                                continue;
                        x = claim_add(&c, "", a->path, "address", a->address_at);
                        if (x)
                                nc_ipv4_format(a->address, x->buf);
                }
        r = claims_report(&c, d, "address");
        claims_done(&c);
        return r;
}

/* The canonical text is one per address (RFC 5952), so text equality is
 * address equality. */
static int check_addresses6(const struct nc_model *m, struct nc_diags *d) {
        struct claims c = {};
        int r;

        for (size_t i = 0; i < m->n_containers; i++)
                for (size_t k = 0; k < m->containers[i].n_networks; k++) {
                        const struct nc_attachment *a = &m->containers[i].networks[k];
                        struct claim *x;

                        if (!a->address6_explicit)
                                continue;
                        x = claim_add(&c, "", a->path, "address6", a->address6_at);
                        if (x)
                                nc_ipv6_format(&a->address6, x->buf);
                }
        r = claims_report(&c, d, "address6");
        claims_done(&c);
        return r;
}

/* A name means /run/netns/NAME; a path spelled that way is the same. */
static const char *netns_key(const char *netns) {
        static const char prefix[] = "/run/netns/";

        if (strncmp(netns, prefix, sizeof(prefix) - 1) == 0 && netns[sizeof(prefix) - 1] &&
            !strchr(netns + sizeof(prefix) - 1, '/'))
                return netns + sizeof(prefix) - 1;
        return netns;
}

static int check_netns(const struct nc_model *m, struct nc_diags *d) {
        struct claims c = {};
        int r;

        for (size_t i = 0; i < m->n_containers; i++) {
                const struct nc_container *ct = &m->containers[i];

                if (ct->netns_at.line)
                        claim_add(&c, netns_key(ct->netns), ct->path, "netns", ct->netns_at);
                else
                        claim_add(&c, netns_key(ct->netns), ct->path, NULL, ct->at);
        }
        r = claims_report(&c, d, "network namespace");
        claims_done(&c);
        return r;
}

/* A port and the families it is published on: its host_ip's, or with
 * none every family its network has (SPEC 7.1). */
enum {
        FAMILY_V4 = 1U << 0,
        FAMILY_V6 = 1U << 1,
};

struct published {
        const struct nc_port *port;
        unsigned families;
};

static unsigned port_families(const struct nc_model *m, const struct nc_container *c, const struct nc_port *p) {
        const struct nc_bridge *b;
        unsigned f = 0;

        if (p->host_family == NC_HOST_IPV4)
                return FAMILY_V4;
        if (p->host_family == NC_HOST_IPV6)
                return FAMILY_V6;
        b = nc_port_network(c, p) ? nc_model_find_bridge(m, nc_port_network(c, p)) : NULL;
        if (b)
                f = (has_ipv4(b) ? FAMILY_V4 : 0) | (has_ipv6(b) ? FAMILY_V6 : 0);
        /* An undeclared or broken bridge (reported) counts as IPv4, as before IPv6. */
        return f ? f : FAMILY_V4;
}

static int by_proto_port(const void *a, const void *b) {
        const struct nc_port *x = ((const struct published *) a)->port, *y = ((const struct published *) b)->port;

        if (x->proto != y->proto)
                return x->proto < y->proto ? -1 : 1;
        if (x->host_port != y->host_port)
                return x->host_port < y->host_port ? -1 : 1;
        return origin_before(x->at, y->at) ? -1 : origin_before(y->at, x->at);
}

/* The family in which two ports meet on a host address, or 0. An unset
 * host_ip is every address of its families; 0.0.0.0 every IPv4 one, [::]
 * every IPv6 one. */
static unsigned ports_collide(const struct published *px, const struct published *py) {
        const struct nc_port *x = px->port, *y = py->port;
        unsigned common = px->families & py->families;

        if (x->proto != y->proto || x->host_port > y->host_port_end || y->host_port > x->host_port_end)
                return 0;
        if ((common & FAMILY_V4) && (x->host_ip == 0 || y->host_ip == 0 || x->host_ip == y->host_ip))
                return FAMILY_V4;
        if ((common & FAMILY_V6) && (x->host_family != NC_HOST_IPV6 || y->host_family != NC_HOST_IPV6 ||
                                     nc_ipv6_is_zero(&x->host_ip6) || nc_ipv6_is_zero(&y->host_ip6) ||
                                     nc_ipv6_equal(&x->host_ip6, &y->host_ip6)))
                return FAMILY_V6;
        return 0;
}

/* How a port's host address is said in the family where it collides. */
static const char *host_text(const struct nc_port *p, unsigned family, char buf[static NC_IPV6_STRLEN + 2]) {
        char ip[NC_IPV6_STRLEN];

        if (family == FAMILY_V4)
                return p->host_ip ? nc_ipv4_format(p->host_ip, buf) : "0.0.0.0";
        if (p->host_family != NC_HOST_IPV6)
                return "[::]";
        snprintf(buf, NC_IPV6_STRLEN + 2, "[%s]", nc_ipv6_format(&p->host_ip6, ip));
        return buf;
}

/* A host_ip of a family the port's network does not have: nothing to
 * publish it to. */
static int check_port_family(const struct nc_model *m, const struct nc_container *c, const struct nc_port *p,
                             struct nc_diags *d) {
        const char *network = nc_port_network(c, p);
        const struct nc_bridge *b = network ? nc_model_find_bridge(m, network) : NULL;
        char ip[NC_IPV6_STRLEN];

        if (!b || p->host_family == NC_HOST_ANY)
                return 0;
        if (p->host_family == NC_HOST_IPV6 && !has_ipv6(b) && has_ipv4(b))
                nc_diags_add(d, p->at, p->path,
                             "host_ip %s is IPv6, but bridge '%s' has no subnet6: container '%s' has no IPv6 address "
                             "to publish it to",
                             nc_ipv6_format(&p->host_ip6, ip), b->name, c->name);
        else if (p->host_family == NC_HOST_IPV4 && !has_ipv4(b) && has_ipv6(b))
                nc_diags_add(d, p->at, p->path,
                             "host_ip %s is IPv4, but bridge '%s' has no IPv4 subnet: container '%s' has no IPv4 "
                             "address to publish it to",
                             nc_ipv4_format(p->host_ip, ip), b->name, c->name);
        return 0;
}

/* The same protocol and host port on overlapping host addresses (any
 * address overlaps every one). A sweep over ports sorted by start keeps
 * only the ranges still open, so it is near linear. */
static int check_ports(const struct nc_model *m, struct nc_diags *d) {
        _cleanup_free_ struct published *v = NULL;
        _cleanup_free_ size_t *open = NULL;
        size_t n = 0, total = 0, n_open = 0;
        char ip[NC_IPV6_STRLEN + 2];

        for (size_t i = 0; i < m->n_containers; i++) {
                const struct nc_container *c = &m->containers[i];

                total += c->n_ports;
                for (size_t k = 0; k < c->n_ports; k++) {
                        const struct nc_port *p = &c->ports[k];
                        bool attached = false;

                        if (p->host_port && check_port_family(m, c, p, d) < 0)
                                return -ENOMEM;
                        if (!p->network)
                                continue;
                        for (size_t j = 0; j < c->n_networks; j++)
                                attached = attached || strcmp(c->networks[j].bridge, p->network) == 0;
                        if (!attached) {
                                _cleanup_free_ char *np = nc_path_join(p->path, "network");

                                if (!np)
                                        return -ENOMEM;
                                nc_diags_add(d, p->network_at, np, "network '%s' is not one of the networks of container '%s'",
                                             p->network, c->name);
                        }
                }
        }
        v = calloc(total + 1, sizeof(*v));
        open = calloc(total + 1, sizeof(*open));
        if (!v || !open)
                return -ENOMEM;
        for (size_t i = 0; i < m->n_containers; i++)
                for (size_t k = 0; k < m->containers[i].n_ports; k++)
                        if (m->containers[i].ports[k].host_port)        /* 0: reported unparsable */
                                v[n++] = (struct published) {
                                        .port = &m->containers[i].ports[k],
                                        .families = port_families(m, &m->containers[i], &m->containers[i].ports[k]),
                                };
        qsort(v, n, sizeof(*v), by_proto_port);

        for (size_t i = 0; i < n; i++) {
                const struct nc_port *p = v[i].port;
                size_t kept = 0;

                for (size_t k = 0; k < n_open; k++) {
                        const struct nc_port *o = v[open[k]].port;
                        unsigned family;

                        if (o->proto != p->proto || o->host_port_end < p->host_port)
                                continue;
                        open[kept++] = open[k];
                        family = ports_collide(&v[open[k]], &v[i]);
                        if (!family)
                                continue;
                        {
                                const struct nc_port *later = origin_before(o->at, p->at) ? p : o;
                                const struct nc_port *other = later == p ? o : p;

                                nc_diags_add(d, later->at, later->path,
                                             "%s port %u on %s is already published by %s (line %u)",
                                             nc_proto_to_string(later->proto),
                                             later->host_port > other->host_port ? later->host_port : other->host_port,
                                             host_text(later, family, ip),
                                             other->path, other->at.line);
                        }
                }
                n_open = kept;
                open[n_open++] = i;
        }
        return 0;
}

int nc_config_validate(const struct nc_model *m, struct nc_diags *d) {
        int r;

        if ((r = check_gateways(m, d)) < 0 || (r = check_ranges(m, d)) < 0 || (r = check_vxlans(m, d)) < 0 ||
            (r = check_overlaps(m, false, d)) < 0 ||
            (r = check_overlaps(m, true, d)) < 0 ||
            (r = check_attachments(m, d)) < 0 ||
            (r = check_link_names(m, d)) < 0 ||
            (r = check_addresses(m, d)) < 0 ||
            (r = check_addresses6(m, d)) < 0 ||
            (r = check_netns(m, d)) < 0 ||
            (r = check_ports(m, d)) < 0)
                return r;
        return 0;
}

/* A MAC must be unique on its layer-2 segment. File-wide, as before IPv6,
 * for every bridge with an IPv4 subnet: IPv4 subnets do not overlap, so
 * derived MACs never clash across them. On an IPv6-only bridge the derived
 * MAC is 02:42 and the last four bytes of address6 (SPEC 7.1), the same
 * for ::2 of every such bridge; so there the check is per bridge. */
static bool ipv6_only(const struct nc_bridge *b) {
        return b && !has_ipv4(b) && has_ipv6(b);
}

static void claim_mac(struct claims *c, const struct nc_attachment *a) {
        struct claim *x;

        if (a->mac_explicit)
                x = claim_add(c, "", a->path, "mac", a->mac_at);
        else
                x = claim_add(c, "", a->path, NULL, a->at);
        if (x)
                nc_mac_format(a->mac, x->buf);
}

int nc_config_validate_macs(const struct nc_model *m, bool derived, struct nc_diags *d) {
        struct claims c = {}, *per_bridge = calloc(m->n_bridges + 1, sizeof(*per_bridge));
        int r;

        if (!per_bridge)
                return -ENOMEM;
        for (size_t i = 0; i < m->n_containers; i++)
                for (size_t k = 0; k < m->containers[i].n_networks; k++) {
                        const struct nc_attachment *a = &m->containers[i].networks[k];
                        const struct nc_bridge *b = nc_model_find_bridge(m, a->bridge);

                        if (!a->mac_explicit && !derived)
                                continue;
                        claim_mac(ipv6_only(b) ? &per_bridge[b - m->bridges] : &c, a);
                }
        r = claims_report(&c, d, "MAC address");
        claims_done(&c);
        for (size_t i = 0; i < m->n_bridges; i++) {
                if (r >= 0)
                        r = claims_report(&per_bridge[i], d, "MAC address");
                claims_done(&per_bridge[i]);
        }
        free(per_bridge);
        return r;
}
