/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netconverge/addr.h"
#include "netconverge/diag.h"

/* settings.table's default, the one table every netconverge before the
 * mark made when the file named none. */
#define NC_TABLE_DEFAULT "netconverge"

/* The model: what a host's container networking is. The configuration file
 * is parsed into one (the desired model); observing the kernel yields
 * another of the same types (the observed model); planning compares them.
 *
 * IPv4 addresses are in host byte order, IPv6 ones struct nc_ipv6 (bytes
 * in network order). IPv4 is optional on a bridge with an IPv6 subnet
 * (prefixlen 0: no IPv4; prefixlen6 0: no IPv6). Collections are arrays: bridges
 * and containers sorted by name (so nothing downstream depends on the
 * file's mapping order), a container's networks in file order (it numbers
 * the interfaces eth0, eth1, ...), ports in file order. */

#define NC_IFNAMSIZ 16                  /* IFNAMSIZ, including the NUL */
#define NC_MAX_CONTAINERS_PER_BRIDGE 1023 /* BR_MAX_PORTS less one for the bridge itself */
/* Container name and netns are recorded in the host veth's alias, which
 * the kernel caps at 255 bytes (IFALIASZ - 1). */
#define NC_CONTAINER_NAME_MAX 64
#define NC_NETNS_MAX 150

enum nc_proto {
        NC_PROTO_TCP,
        NC_PROTO_UDP,
        NC_PROTO_SCTP,
        _NC_PROTO_MAX,
};

struct nc_settings {
        char *table;            /* nftables table, family inet */
        bool ip_forward;
        struct nc_origin table_at;
};

/* SPEC 7.5: a bridge's VXLAN link to the other hosts of a fleet. */
struct nc_vxlan_remote {
        bool v6;
        uint32_t addr;                  /* !v6 */
        struct nc_ipv6 addr6;           /* v6 */
        struct nc_origin at;
};

struct nc_vxlan {
        uint32_t vni;                   /* 1-16777215 */
        char underlay[NC_IFNAMSIZ];     /* the host link it is carried on */
        unsigned port;                  /* UDP, default 4789 */
        struct nc_vxlan_remote *remotes;
        size_t n_remotes;
        struct nc_origin at;            /* the vxlan key */
};

struct nc_bridge {
        char *name;
        char *path;             /* "bridges.NAME", for diagnostics */
        struct nc_origin at;
        uint32_t subnet;        /* network address */
        unsigned prefixlen;
        uint32_t gateway;
        unsigned mtu;
        bool masquerade;
        bool isolated;
        bool internal;          /* SPEC 7.2: no way out (no masquerade, nothing forwarded out but to a bridge) */
        bool icc;               /* SPEC 7.2: false drops traffic between the bridge's own containers */
        bool adopt;
        struct nc_origin subnet_at, gateway_at;
        /* line 0: the file gives no mtu (with vxlan the default is then
         * the underlay's MTU minus 50, or 70 over IPv6, found when
         * planning). */
        struct nc_origin mtu_at;
        /* SPEC 7.5: the part of the subnet this host allocates from; the
         * whole subnet when the file gives none (range_at.line 0). */
        uint32_t range;
        unsigned range_len;
        struct nc_origin range_at;
        /* SPEC 7.1. prefixlen6 0: the bridge has no IPv6. */
        struct nc_ipv6 subnet6;
        unsigned prefixlen6;
        struct nc_ipv6 gateway6;
        struct nc_origin subnet6_at, gateway6_at;
        struct nc_vxlan *vxlan;         /* NULL: none; owned */
};

/* The families a published port's host_ip names. Unset publishes on every
 * local address of each family the container has on the port's network
 * (Docker binds 0.0.0.0 and [::]); an IPv4 host_ip (0.0.0.0 included)
 * publishes on IPv4 only, an IPv6 one ([::] included) on IPv6 only. */
enum nc_host_family {
        NC_HOST_ANY,
        NC_HOST_IPV4,
        NC_HOST_IPV6,
        _NC_HOST_FAMILY_MAX,
};

/* A published port: host_ip:host_port[-host_port_end] -> the container's
 * address on `network`, target[-target_end]. Single ports have end == start. */
struct nc_port {
        char *path;             /* "containers.web.ports[0]" */
        struct nc_origin at;
        enum nc_host_family host_family;
        uint32_t host_ip;       /* 0: every local address; with NC_HOST_IPV6 0 too */
        struct nc_ipv6 host_ip6; /* NC_HOST_IPV6 only; :: is every local address */
        uint16_t host_port, host_port_end;
        uint16_t target, target_end;
        enum nc_proto proto;
        char *network;          /* bridge; the container's first network when unset */
        struct nc_origin network_at;
};

/* A container's attachment to one bridge: a veth pair. */
struct nc_attachment {
        char *bridge;
        char *path;             /* "containers.web.networks.docker0" or "...networks[0]" */
        struct nc_origin at;
        uint32_t address;       /* 0 until allocated */
        bool address_explicit;
        uint8_t mac[6];
        bool mac_explicit;      /* otherwise derived from the address */
        char interface[NC_IFNAMSIZ];
        char host_interface[NC_IFNAMSIZ];
        struct nc_origin address_at, mac_at, interface_at, host_interface_at;
        /* On a bridge with subnet6 (SPEC 7.1): explicit or allocated. */
        struct nc_ipv6 address6;
        bool address6_explicit;
        struct nc_origin address6_at;
};

struct nc_container {
        char *name;
        char *path;             /* "containers.NAME" */
        struct nc_origin at;
        char *netns;            /* a name under /run/netns, or an absolute path */
        struct nc_origin netns_at;
        struct nc_attachment *networks;
        size_t n_networks;
        struct nc_port *ports;
        size_t n_ports;
};

struct nc_model {
        struct nc_settings settings;
        struct nc_bridge *bridges;
        size_t n_bridges;
        struct nc_container *containers;
        size_t n_containers;
};

struct nc_model *nc_model_new(void);
struct nc_model *nc_model_free(struct nc_model *m);
void nc_model_freep(struct nc_model **m);

/* Sort bridges and containers by name. */
void nc_model_sort(struct nc_model *m);

/* Binary search; the model must be sorted. */
const struct nc_bridge *nc_model_find_bridge(const struct nc_model *m, const char *name);
const struct nc_container *nc_model_find_container(const struct nc_model *m, const char *name);

/* The bridge a port's DNAT targets: its `network`, or the container's first. */
const char *nc_port_network(const struct nc_container *c, const struct nc_port *p);

/* True when the netns is a path, not a name under /run/netns. */
bool nc_netns_is_path(const char *netns);

const char *nc_proto_to_string(enum nc_proto p);
int nc_proto_from_string(const char *s);     /* enum value, or -EINVAL */
/* The kernel's protocol number (IPPROTO_*): the DNAT rule's l4proto and the
 * conntrack tuple's; 0 for a value outside the enum. */
uint8_t nc_proto_number(enum nc_proto p);
int nc_proto_from_number(uint8_t number);    /* enum value, or -EINVAL */
