/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "netconverge/addr.h"
#include "netconverge/show.h"
#include "util/utf8.h"

/* `show -o dot`: the model `show` builds, drawn. Left to right: the
 * outside world and the host's published ports, the bridges, the
 * containers (one box per namespace, one node per interface). Everything
 * comes from the sorted model, so the same state gives the same bytes. */

#define FONT "Helvetica"

/* The inside of a dot double-quoted string: '"' and '\\' escaped (a
 * backslash would otherwise start an escape such as \N or \l), control
 * characters (C0, DEL, C1) and bytes that are not UTF-8 as '?', so a name from the
 * kernel can neither end the string nor make the file invalid text. */
static void put_escaped(FILE *f, const char *s) {
        for (const unsigned char *p = (const unsigned char *) s; *p;) {
                uint32_t cp;
                size_t n = nc_utf8_decode((const char *) p, &cp);

                if (n == 0 || *p < 0x20 || *p == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
                        fputc('?', f);
                        p += n ? n : 1;         /* one '?' per character, or per bad byte */
                } else if (*p == '"' || *p == '\\') {
                        fputc('\\', f);
                        fputc(*p++, f);
                } else {
                        fwrite(p, 1, n, f);
                        p += n;
                }
        }
}

/* Node names by position in the sorted model, never by name: two kernel
 * names that differ only in bytes replaced by '?' stay two nodes. The
 * bridge's index, or n_bridges when there is none of that name. */
static size_t bridge_index(const struct nc_model *m, const char *name) {
        const struct nc_bridge *b = nc_model_find_bridge(m, name);

        return b ? (size_t) (b - m->bridges) : m->n_bridges;
}

static void put_range(FILE *f, unsigned start, unsigned end) {
        fprintf(f, start == end ? "%u" : "%u-%u", start, end);
}

/* Each family the bridge has: "\n172.17.0.0/16\ngateway 172.17.0.1",
 * then the IPv6 pair. */
static void print_bridge(FILE *f, const struct nc_bridge *b, size_t index) {
        char cidr[NC_CIDR6_STRLEN], ip[NC_IPV6_STRLEN];

        fprintf(f, "    b%zu [shape=box, style=\"rounded,filled\", fillcolor=\"#dbe9f6\", label=\"bridge ", index);
        put_escaped(f, b->name);
        if (b->prefixlen > 0)
                fprintf(f, "\\n%s\\ngateway %s", nc_cidr_format(b->subnet, b->prefixlen, cidr),
                        nc_ipv4_format(b->gateway, ip));
        if (b->prefixlen6 > 0)
                fprintf(f, "\\n%s\\ngateway %s", nc_cidr6_format(&b->subnet6, b->prefixlen6, cidr),
                        nc_ipv6_format(&b->gateway6, ip));
        fprintf(f, "\\nmtu %u\"];\n", b->mtu);
}

/* A container's namespace as a cluster holding its interfaces, each
 * joined to its bridge by the veth (host end named on the edge). */
static void print_container(FILE *f, const struct nc_container *c, size_t index, const struct nc_model *m) {
        char ip[NC_IPV6_STRLEN], mac[NC_MAC_STRLEN];

        fprintf(f, "  subgraph cluster_c%zu {\n    label=\"", index);
        put_escaped(f, c->name);
        fputs("\\nnetns ", f);
        put_escaped(f, c->netns);
        fputs("\";\n    style=\"rounded,filled\"; fillcolor=\"#f4f4f4\"; color=\"#888888\";\n", f);
        for (size_t i = 0; i < c->n_networks; i++) {
                const struct nc_attachment *a = &c->networks[i];
                const struct nc_bridge *b = nc_model_find_bridge(m, a->bridge);

                fprintf(f, "    c%zu_%zu [shape=box, style=filled, fillcolor=white, label=\"", index, i);
                put_escaped(f, a->interface);
                if (a->address && b)
                        fprintf(f, "\\n%s/%u", nc_ipv4_format(a->address, ip), b->prefixlen);
                else if (a->address)
                        fprintf(f, "\\n%s", nc_ipv4_format(a->address, ip));
                if (!nc_ipv6_is_zero(&a->address6) && b && b->prefixlen6 > 0)
                        fprintf(f, "\\n%s/%u", nc_ipv6_format(&a->address6, ip), b->prefixlen6);
                fprintf(f, "\\n%s\"];\n", nc_mac_format(a->mac, mac));
        }
        fputs("  }\n", f);
        for (size_t i = 0; i < c->n_networks; i++) {
                const struct nc_attachment *a = &c->networks[i];
                size_t b = bridge_index(m, a->bridge);

                /* Neither show's model nor a valid file has a network on a bridge it lacks. */
                if (b == m->n_bridges)
                        continue;
                fprintf(f, "  b%zu -> c%zu_%zu [dir=none, label=\"", b, index, i);
                put_escaped(f, a->host_interface);
                fputs("\"];\n", f);
        }
}

/* The index of the network a port's DNAT targets, or n_networks. */
static size_t port_target(const struct nc_container *c, const struct nc_port *p) {
        const char *network = nc_port_network(c, p);
        size_t i;

        for (i = 0; i < c->n_networks; i++)
                if (network && strcmp(c->networks[i].bridge, network) == 0)
                        break;
        return i;
}

/* The families a port is published on (SPEC 7.1): its host_ip's, or
 * without one each family its network has. */
static bool port_family(const struct nc_model *m, const struct nc_container *c, const struct nc_port *p, bool v6) {
        const struct nc_bridge *b = nc_model_find_bridge(m, nc_port_network(c, p));

        if (!b)
                return false;
        if (p->host_family != NC_HOST_ANY)
                return (p->host_family == NC_HOST_IPV6) == v6;
        return (v6 ? b->prefixlen6 : b->prefixlen) > 0;
}

/* A published port: a node on the host side, "tcp 0.0.0.0:8080" (and
 * "[::]:8080" on IPv6; inside the host's cluster), and an edge to the
 * interface it is translated to, "-> 172.17.0.3:80" (and
 * "[fd00:17::3]:80"). */
static void print_port_nodes(FILE *f, const struct nc_model *m, const struct nc_container *c, size_t index) {
        char ip[NC_IPV6_STRLEN];

        for (size_t i = 0; i < c->n_ports; i++) {
                const struct nc_port *p = &c->ports[i];
                const char *sep = "";

                if (port_target(c, p) == c->n_networks)
                        continue;
                fprintf(f, "    p%zu_%zu [shape=cds, style=filled, fillcolor=\"#fde7c8\", label=\"%s ", index, i,
                        nc_proto_to_string(p->proto));
                if (port_family(m, c, p, false)) {
                        fprintf(f, "%s:", nc_ipv4_format(p->host_ip, ip));
                        put_range(f, p->host_port, p->host_port_end);
                        sep = ", ";
                }
                if (port_family(m, c, p, true)) {
                        fprintf(f, "%s[%s]:", sep, nc_ipv6_format(&p->host_ip6, ip));
                        put_range(f, p->host_port, p->host_port_end);
                }
                fputs("\"];\n", f);
        }
}

static void print_port_edges(FILE *f, const struct nc_model *m, const struct nc_container *c, size_t index) {
        char ip[NC_IPV6_STRLEN];

        for (size_t i = 0; i < c->n_ports; i++) {
                const struct nc_port *p = &c->ports[i];
                size_t t = port_target(c, p);
                const char *sep = "";

                if (t == c->n_networks)
                        continue;
                fprintf(f, "  p%zu_%zu -> c%zu_%zu [color=\"#c06000\", fontcolor=\"#c06000\", label=\"-> ", index, i,
                        index, t);
                if (port_family(m, c, p, false)) {
                        fprintf(f, "%s:", nc_ipv4_format(c->networks[t].address, ip));
                        put_range(f, p->target, p->target_end);
                        sep = ", ";
                }
                if (port_family(m, c, p, true)) {
                        fprintf(f, "%s[%s]:", sep, nc_ipv6_format(&c->networks[t].address6, ip));
                        put_range(f, p->target, p->target_end);
                }
                fputs("\"];\n", f);
        }
}

/* Masquerade: the bridge's subnet leaves through any other interface. */
static void print_masquerade(FILE *f, const struct nc_model *m) {
        char cidr[NC_CIDR6_STRLEN];
        bool any = false;

        for (size_t i = 0; i < m->n_bridges; i++)
                any |= m->bridges[i].masquerade;
        if (!any)
                return;
        fputs("  outside [shape=ellipse, style=dashed, label=\"outside\\n(any other interface)\"];\n", f);
        for (size_t i = 0; i < m->n_bridges; i++) {
                const struct nc_bridge *b = &m->bridges[i];

                if (!b->masquerade)
                        continue;
                fprintf(f, "  outside -> b%zu [dir=back, color=\"#2e7d32\", fontcolor=\"#2e7d32\", label=\"masquerade", i);
                if (b->prefixlen > 0)
                        fprintf(f, "\\n%s", nc_cidr_format(b->subnet, b->prefixlen, cidr));
                if (b->prefixlen6 > 0)
                        fprintf(f, "\\n%s", nc_cidr6_format(&b->subnet6, b->prefixlen6, cidr));
                fputs("\"];\n", f);
        }
}

/* Isolation: traffic between two bridges is dropped unless both say
 * isolated: false (SPEC section 1), one dashed red edge per such pair. */
static void print_isolation(FILE *f, const struct nc_model *m) {
        for (size_t i = 0; i < m->n_bridges; i++)
                for (size_t k = i + 1; k < m->n_bridges; k++) {
                        if (!m->bridges[i].isolated && !m->bridges[k].isolated)
                                continue;
                        fprintf(f, "  b%zu -> b%zu [dir=none, style=dashed, color=red, fontcolor=red, constraint=false, "
                                   "label=\"isolated\"];\n", i, k);
                }
}

int nc_show_print_dot(const struct nc_show *sh, FILE *f) {
        const struct nc_model *m = sh->model;

        fputs("// netconverge show -o dot: what netconverge manages on this host (render: dot -Tsvg)\n"
              "digraph netconverge {\n"
              "  graph [rankdir=LR, nodesep=0.3, ranksep=0.9, labelloc=t, fontname=\"" FONT "\", fontsize=11];\n"
              "  label=\"netconverge (nftables table inet ",
              f);
        put_escaped(f, m->settings.table);
        fputs(")\";\n"
              "  node [fontname=\"" FONT "\", fontsize=10];\n"
              "  edge [fontname=\"" FONT "\", fontsize=9];\n",
              f);
        if (sh->n_notes) {
                fputs("  notes [shape=note, label=\"", f);
                for (size_t i = 0; i < sh->n_notes; i++) {
                        put_escaped(f, sh->notes[i]);
                        fputs("\\l", f);
                }
                fputs("\"];\n", f);
        }
        fputs("  subgraph cluster_host {\n    label=\"host\"; style=rounded; color=\"#888888\";\n", f);
        for (size_t i = 0; i < m->n_bridges; i++)
                print_bridge(f, &m->bridges[i], i);
        for (size_t i = 0; i < m->n_containers; i++)
                print_port_nodes(f, m, &m->containers[i], i);
        fputs("  }\n", f);
        for (size_t i = 0; i < m->n_containers; i++)
                print_container(f, &m->containers[i], i, m);
        for (size_t i = 0; i < m->n_containers; i++)
                print_port_edges(f, m, &m->containers[i], i);
        print_masquerade(f, m);
        print_isolation(f, m);
        fputs("}\n", f);
        if (fflush(f) != 0 || ferror(f))
                return -EIO;
        return 0;
}
