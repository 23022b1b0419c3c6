/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "netconverge/model.h"
#include "util/cleanup.h"
#include "util/sort.h"

struct nc_model *nc_model_new(void) {
        return calloc(1, sizeof(struct nc_model));
}

static void port_done(struct nc_port *p) {
        free(p->path);
        free(p->network);
}

static void attachment_done(struct nc_attachment *a) {
        free(a->bridge);
        free(a->path);
}

static void container_done(struct nc_container *c) {
        for (size_t i = 0; i < c->n_networks; i++)
                attachment_done(&c->networks[i]);
        for (size_t i = 0; i < c->n_ports; i++)
                port_done(&c->ports[i]);
        free(c->networks);
        free(c->ports);
        free(c->name);
        free(c->path);
        free(c->netns);
}

static void bridge_done(struct nc_bridge *b) {
        free(b->name);
        free(b->path);
        if (b->vxlan)
                free(b->vxlan->remotes);
        free(b->vxlan);
}

struct nc_model *nc_model_free(struct nc_model *m) {
        if (!m)
                return NULL;
        for (size_t i = 0; i < m->n_bridges; i++)
                bridge_done(&m->bridges[i]);
        for (size_t i = 0; i < m->n_containers; i++)
                container_done(&m->containers[i]);
        free(m->bridges);
        free(m->containers);
        free(m->settings.table);
        free(m);
        return NULL;
}

void nc_model_freep(struct nc_model **m) {
        *m = nc_model_free(*m);
}

static int bridge_compare(const void *a, const void *b) {
        return strcmp(((const struct nc_bridge *) a)->name, ((const struct nc_bridge *) b)->name);
}

static int container_compare(const void *a, const void *b) {
        return strcmp(((const struct nc_container *) a)->name, ((const struct nc_container *) b)->name);
}

void nc_model_sort(struct nc_model *m) {
        nc_sort_unless_sorted(m->bridges, m->n_bridges, sizeof(*m->bridges), bridge_compare);
        nc_sort_unless_sorted(m->containers, m->n_containers, sizeof(*m->containers), container_compare);
}

const struct nc_bridge *nc_model_find_bridge(const struct nc_model *m, const char *name) {
        struct nc_bridge key = { .name = (char *) name };

        if (m->n_bridges == 0)
                return NULL;
        return bsearch(&key, m->bridges, m->n_bridges, sizeof(*m->bridges), bridge_compare);
}

const struct nc_container *nc_model_find_container(const struct nc_model *m, const char *name) {
        struct nc_container key = { .name = (char *) name };

        if (m->n_containers == 0)
                return NULL;
        return bsearch(&key, m->containers, m->n_containers, sizeof(*m->containers), container_compare);
}

const char *nc_port_network(const struct nc_container *c, const struct nc_port *p) {
        if (p->network)
                return p->network;
        return c->n_networks > 0 ? c->networks[0].bridge : NULL;
}

bool nc_netns_is_path(const char *netns) {
        return netns[0] == '/';
}

static const char *const proto_table[_NC_PROTO_MAX] = {
        [NC_PROTO_TCP] = "tcp",
        [NC_PROTO_UDP] = "udp",
        [NC_PROTO_SCTP] = "sctp",
};

/* One table for the rule builder, its decoder and the conntrack flush, so
 * a protocol added to the enum is added to all three at once. */
static const uint8_t proto_numbers[_NC_PROTO_MAX] = {
        [NC_PROTO_TCP] = IPPROTO_TCP,
        [NC_PROTO_UDP] = IPPROTO_UDP,
        [NC_PROTO_SCTP] = IPPROTO_SCTP,
};

const char *nc_proto_to_string(enum nc_proto p) {
        return (unsigned) p < _NC_PROTO_MAX ? proto_table[p] : NULL;
}

uint8_t nc_proto_number(enum nc_proto p) {
        return (unsigned) p < _NC_PROTO_MAX ? proto_numbers[p] : 0;
}

int nc_proto_from_number(uint8_t number) {
        for (size_t i = 0; i < _NC_PROTO_MAX; i++)
                if (proto_numbers[i] == number)
                        return (int) i;
        return -EINVAL;
}

int nc_proto_from_string(const char *s) {
        for (size_t i = 0; i < _NC_PROTO_MAX; i++)
                if (strcmp(s, proto_table[i]) == 0)
                        return (int) i;
        return -EINVAL;
}
