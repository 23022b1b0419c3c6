/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "netconverge/addr.h"
#include "netconverge/output.h"
#include "util/escape.h"

static const struct nc_attachment *attachment_on(const struct nc_container *c, const char *bridge) {
        for (size_t i = 0; i < c->n_networks; i++)
                if (strcmp(c->networks[i].bridge, bridge) == 0)
                        return &c->networks[i];
        return NULL;
}

static void print_range(FILE *f, unsigned start, unsigned end) {
        if (start == end)
                fprintf(f, "%u", start);
        else
                fprintf(f, "%u-%u", start, end);
}

static void print_port_text(const struct nc_model *m, const struct nc_container *c, const struct nc_port *p,
                            FILE *f) {
        const char *network = nc_port_network(c, p);
        const struct nc_attachment *a = attachment_on(c, network);
        const struct nc_bridge *b = network ? nc_model_find_bridge(m, network) : NULL;
        char ip[NC_IPV6_STRLEN];
        /* SPEC 7.1: an unset host_ip publishes on each family the network has. */
        bool v4 = p->host_family == NC_HOST_IPV4 || (p->host_family == NC_HOST_ANY && (!b || b->prefixlen > 0));
        bool v6 = p->host_family == NC_HOST_IPV6 || (p->host_family == NC_HOST_ANY && b && b->prefixlen6 > 0);

        if (v4) {
                fprintf(f, "    publish %s %s:", nc_proto_to_string(p->proto), nc_ipv4_format(p->host_ip, ip));
                print_range(f, p->host_port, p->host_port_end);
                fprintf(f, " -> %s:", a ? nc_ipv4_format(a->address, ip) : "?");
                print_range(f, p->target, p->target_end);
                fputc('\n', f);
        }
        if (v6) {
                fprintf(f, "    publish %s [%s]:", nc_proto_to_string(p->proto), nc_ipv6_format(&p->host_ip6, ip));
                print_range(f, p->host_port, p->host_port_end);
                fprintf(f, " -> [%s]:", a ? nc_ipv6_format(&a->address6, ip) : "?");
                print_range(f, p->target, p->target_end);
                fputc('\n', f);
        }
}

void nc_print_model_text(const struct nc_model *m, FILE *f) {
        char cidr[NC_CIDR_STRLEN], ip[NC_IPV4_STRLEN], mac[NC_MAC_STRLEN], cidr6[NC_CIDR6_STRLEN], ip6[NC_IPV6_STRLEN];

        fprintf(f, "nftables table: inet %s; ip_forward: %s\n", m->settings.table,
                m->settings.ip_forward ? "managed" : "left alone");
        fprintf(f, "%zu bridge%s:\n", m->n_bridges, m->n_bridges == 1 ? "" : "s");
        for (size_t i = 0; i < m->n_bridges; i++) {
                const struct nc_bridge *b = &m->bridges[i];

                /* IPv4-only bridges print as before IPv6 (golden corpus). */
                fprintf(f, "  %s", b->name);
                if (b->prefixlen > 0 || b->prefixlen6 == 0)
                        fprintf(f, " %s gateway %s", nc_cidr_format(b->subnet, b->prefixlen, cidr),
                                nc_ipv4_format(b->gateway, ip));
                /* Only a range the file gave (files without print as before). */
                if (b->range_at.line)
                        fprintf(f, " range %s", nc_cidr_format(b->range, b->range_len, cidr));
                if (b->prefixlen6 > 0)
                        fprintf(f, " %s gateway6 %s", nc_cidr6_format(&b->subnet6, b->prefixlen6, cidr6),
                                nc_ipv6_format(&b->gateway6, ip6));
                fprintf(f, " mtu %u%s%s%s%s%s", b->mtu, b->masquerade ? " masquerade" : "",
                        b->isolated ? " isolated" : "", b->internal ? " internal" : "", b->icc ? "" : " no-icc",
                        b->adopt ? " adopt" : "");
                if (b->vxlan)
                        fprintf(f, " vxlan %u over %s port %u, %zu remote%s", b->vxlan->vni, b->vxlan->underlay,
                                b->vxlan->port, b->vxlan->n_remotes, b->vxlan->n_remotes == 1 ? "" : "s");
                fputc('\n', f);
        }
        fprintf(f, "%zu container%s:\n", m->n_containers, m->n_containers == 1 ? "" : "s");
        for (size_t i = 0; i < m->n_containers; i++) {
                const struct nc_container *c = &m->containers[i];

                /* A netns may be any path: escaped (util/escape.h). */
                fprintf(f, "  %s (netns ", c->name);
                nc_escape_fputs(c->netns, f);
                fputs(")\n", f);
                for (size_t k = 0; k < c->n_networks; k++) {
                        const struct nc_attachment *a = &c->networks[k];
                        const struct nc_bridge *b = nc_model_find_bridge(m, a->bridge);

                        fprintf(f, "    %s", a->interface);
                        if (!b || b->prefixlen > 0 || b->prefixlen6 == 0)
                                fprintf(f, " %s/%u", nc_ipv4_format(a->address, ip), b ? b->prefixlen : 32);
                        if (b && b->prefixlen6 > 0)
                                fprintf(f, " %s", nc_cidr6_format(&a->address6, b->prefixlen6, cidr6));
                        fprintf(f, " mac %s on %s via %s\n", nc_mac_format(a->mac, mac), a->bridge, a->host_interface);
                }
                for (size_t k = 0; k < c->n_ports; k++)
                        print_port_text(m, c, &c->ports[k], f);
        }
}

static void json_ipv4(struct nc_json *j, const char *key, uint32_t a) {
        char ip[NC_IPV4_STRLEN];

        nc_json_key(j, key);
        nc_json_string(j, nc_ipv4_format(a, ip));
}

static void json_ipv6(struct nc_json *j, const char *key, const struct nc_ipv6 *a) {
        char ip[NC_IPV6_STRLEN];

        nc_json_key(j, key);
        nc_json_string(j, nc_ipv6_format(a, ip));
}

/* host_ip: the address; without one on a network with IPv6, null (every
 * local address of both families, SPEC 7.1); on an IPv4-only network
 * "0.0.0.0", as before IPv6. */
static void json_host_ip(struct nc_json *j, const struct nc_model *m, const struct nc_container *c,
                         const struct nc_port *p) {
        const struct nc_bridge *b = nc_model_find_bridge(m, nc_port_network(c, p));

        if (p->host_family == NC_HOST_IPV6) {
                json_ipv6(j, "host_ip", &p->host_ip6);
        } else if (p->host_family == NC_HOST_ANY && b && b->prefixlen6 > 0) {
                nc_json_key(j, "host_ip");
                nc_json_null(j);
        } else {
                json_ipv4(j, "host_ip", p->host_ip);
        }
}

static void json_port(struct nc_json *j, const struct nc_model *m, const struct nc_container *c,
                      const struct nc_port *p) {
        nc_json_object_begin(j);
        nc_json_key(j, "protocol");
        nc_json_string(j, nc_proto_to_string(p->proto));
        json_host_ip(j, m, c, p);
        nc_json_key(j, "published");
        nc_json_uint(j, p->host_port);
        nc_json_key(j, "published_end");
        nc_json_uint(j, p->host_port_end);
        nc_json_key(j, "target");
        nc_json_uint(j, p->target);
        nc_json_key(j, "target_end");
        nc_json_uint(j, p->target_end);
        nc_json_key(j, "network");
        nc_json_string(j, nc_port_network(c, p));
        nc_json_object_end(j);
}

static void json_bridge(struct nc_json *j, const struct nc_bridge *b) {
        char cidr[NC_CIDR6_STRLEN];

        nc_json_object_begin(j);
        nc_json_key(j, "name");
        nc_json_string(j, b->name);
        /* An IPv6-only bridge has no IPv4 keys; subnet6 and gateway6 only
         * on a bridge with IPv6. */
        if (b->prefixlen > 0) {
                nc_json_key(j, "subnet");
                nc_json_string(j, nc_cidr_format(b->subnet, b->prefixlen, cidr));
                json_ipv4(j, "gateway", b->gateway);
        }
        if (b->prefixlen6 > 0) {
                nc_json_key(j, "subnet6");
                nc_json_string(j, nc_cidr6_format(&b->subnet6, b->prefixlen6, cidr));
                json_ipv6(j, "gateway6", &b->gateway6);
        }
        if (b->range_at.line) {
                nc_json_key(j, "range");
                nc_json_string(j, nc_cidr_format(b->range, b->range_len, cidr));
        }
        nc_json_key(j, "mtu");
        nc_json_uint(j, b->mtu);
        nc_json_key(j, "masquerade");
        nc_json_bool(j, b->masquerade);
        nc_json_key(j, "isolated");
        nc_json_bool(j, b->isolated);
        /* Only when set: the JSON of every file before it stays. */
        if (b->internal) {
                nc_json_key(j, "internal");
                nc_json_bool(j, true);
        }
        if (!b->icc) {
                nc_json_key(j, "icc");
                nc_json_bool(j, false);
        }
        nc_json_key(j, "adopt");
        nc_json_bool(j, b->adopt);
        nc_json_object_end(j);
}

/* A network's addresses: of each family its bridge has. */
static void json_attachment(struct nc_json *j, const struct nc_model *m, const struct nc_attachment *a) {
        const struct nc_bridge *b = nc_model_find_bridge(m, a->bridge);
        char mac[NC_MAC_STRLEN];

        nc_json_object_begin(j);
        nc_json_key(j, "bridge");
        nc_json_string(j, a->bridge);
        if (!b || b->prefixlen > 0)
                json_ipv4(j, "address", a->address);
        if (b && b->prefixlen6 > 0)
                json_ipv6(j, "address6", &a->address6);
        nc_json_key(j, "mac");
        nc_json_string(j, nc_mac_format(a->mac, mac));
        nc_json_key(j, "interface");
        nc_json_string(j, a->interface);
        nc_json_key(j, "host_interface");
        nc_json_string(j, a->host_interface);
        nc_json_object_end(j);
}

static void json_container(struct nc_json *j, const struct nc_model *m, const struct nc_container *c) {
        nc_json_object_begin(j);
        nc_json_key(j, "name");
        nc_json_string(j, c->name);
        nc_json_key(j, "netns");
        nc_json_string(j, c->netns);
        nc_json_key(j, "networks");
        nc_json_array_begin(j);
        for (size_t k = 0; k < c->n_networks; k++)
                json_attachment(j, m, &c->networks[k]);
        nc_json_array_end(j);
        nc_json_key(j, "ports");
        nc_json_array_begin(j);
        for (size_t k = 0; k < c->n_ports; k++)
                json_port(j, m, c, &c->ports[k]);
        nc_json_array_end(j);
        nc_json_object_end(j);
}

void nc_json_model(struct nc_json *j, const struct nc_model *m) {
        nc_json_key(j, "settings");
        nc_json_object_begin(j);
        nc_json_key(j, "table");
        nc_json_string(j, m->settings.table);
        nc_json_key(j, "ip_forward");
        nc_json_bool(j, m->settings.ip_forward);
        nc_json_object_end(j);

        nc_json_key(j, "bridges");
        nc_json_array_begin(j);
        for (size_t i = 0; i < m->n_bridges; i++)
                json_bridge(j, &m->bridges[i]);
        nc_json_array_end(j);

        nc_json_key(j, "containers");
        nc_json_array_begin(j);
        for (size_t i = 0; i < m->n_containers; i++)
                json_container(j, m, &m->containers[i]);
        nc_json_array_end(j);
}

void nc_print_model_json(const struct nc_model *m, const struct nc_document *doc, FILE *f) {
        struct nc_json j;

        nc_json_init(&j, f);
        nc_json_document_begin(&j, doc);
        nc_json_model(&j, m);
        nc_json_document_end(&j, doc);
}
