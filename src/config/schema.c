/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/stages.h"
#include "netconverge/addr.h"
#include "netconverge/names.h"
#include "netconverge/schema.h"
#include "util/cleanup.h"
#include "util/misspell.h"
#include "util/strbuf.h"

/* Reads the node tree into the model. Scalars are read by what the schema
 * expects at that place (SPEC section 1): no YAML 1.1 implicit typing, so
 * "8080:80" is a string and "yes" is not a boolean. Every key table below
 * is the whole format: anything else is an unknown key. */

struct schema {
        struct nc_diags *d;
};

/* The key tables (include/netconverge/schema.h): which keys each mapping
 * may hold, which are required, their fixed defaults and a sentence each.
 * The readers below apply the defaults; test-schema checks they agree. */
#define TABLE(w, d, k) { .what = (w), .description = (d), .keys = (k), .n_keys = ELEMENTSOF(k) }

static const struct nc_key settings_keys[] = {
        { "table", NC_KEY_TABLE_NAME, .default_value = NC_TABLE_DEFAULT,
          .description = "The nftables table (family inet) netconverge owns." },
        { "ip_forward", NC_KEY_BOOL, .default_value = "true",
          .description = "Set net.ipv4.ip_forward=1 when any bridge masquerades or publishes a port." },
};
/* Said of the table and of the key that holds it (a constant, not
 * settings_table.description: C does not take another object's member as
 * a static initializer, and clang refuses it). */
#define SETTINGS_DESCRIPTION "Settings for the whole host; every key is optional."
static const struct nc_key_table settings_table = TABLE("settings", SETTINGS_DESCRIPTION, settings_keys);

static const struct nc_key vxlan_keys[] = {
        { "vni", NC_KEY_VNI, .required = true, .description = "The VXLAN network identifier, 1 to 16777215: the same "
                                                                "on every host of the fleet." },
        { "underlay", NC_KEY_IFNAME, .required = true,
          .description = "The host link the VXLAN traffic goes over; its address is the local end." },
        { "port", NC_KEY_UDP_PORT, .default_value = "4789", .description = "The UDP port (IANA's VXLAN port)." },
        { "remotes", NC_KEY_REMOTES,
          .description = "The other hosts' underlay addresses, IPv4 or IPv6 unicast, all of one family, each once: "
                         "every broadcast and unknown frame is sent to each (head-end replication, no multicast)." },
};
#define VXLAN_DESCRIPTION "A VXLAN link enslaved to the bridge that joins this host's part of the subnet to the " \
                          "other hosts' (SPEC 7.5); needs range."
static const struct nc_key_table vxlan_table = TABLE("vxlan", VXLAN_DESCRIPTION, vxlan_keys);

static const struct nc_key bridge_keys[] = {
        { "subnet", NC_KEY_SUBNET, .required_group = 1,
          .description = "The bridge's IPv4 subnet, /8 to /30 with no host bits set; bridges' subnets must not overlap. "
                         "Optional when subnet6 is given (an IPv6-only bridge)." },
        { "gateway", NC_KEY_IPV4,
          .description = "The bridge's own address, the containers' default route; default: the first host "
                         "address of the subnet." },
        { "range", NC_KEY_SUBNET,
          .description = "The part of the subnet this host allocates from (like Docker's --ip-range; on a VXLAN "
                         "bridge each host's own): the default gateway is its first host address and new "
                         "containers take free addresses inside it; default: the whole subnet." },
        { "subnet6", NC_KEY_SUBNET6, .required_group = 1,
          .description = "The bridge's IPv6 subnet (dual stack, or IPv6 only without subnet), /48 to /120 with no "
                         "host bits set; bridges' IPv6 subnets must not overlap." },
        { "gateway6", NC_KEY_IPV6,
          .description = "The bridge's own IPv6 address, the containers' default IPv6 route; default: the first "
                         "host address of subnet6." },
        { "mtu", NC_KEY_MTU, .default_value = "1500",
          .description = "The MTU of the bridge and of every veth on it; with vxlan, by default (and at most) the "
                         "underlay's MTU minus 50 (70 with IPv6 remotes)." },
        { "masquerade", NC_KEY_BOOL, .default_value = "true",
          .description = "NAT the subnet's traffic that leaves through another interface." },
        { "isolated", NC_KEY_BOOL, .default_value = "true",
          .description = "Drop traffic between this bridge and another managed bridge, unless both say "
                         "isolated: false." },
        { "icc", NC_KEY_BOOL, .default_value = "true",
          .description = "Let the bridge's containers talk to each other (Docker's enable_icc); false drops that "
                         "traffic, while the host and published ports still reach them." },
        { "internal", NC_KEY_BOOL, .default_value = "false",
          .description = "Give the containers no way out: no masquerade, and nothing forwarded out of the bridge "
                         "but to another managed bridge that is not isolated from it." },
        { "adopt", NC_KEY_BOOL, .default_value = "false",
          .description = "Take over an existing bridge of this name that netconverge did not create "
                         "(otherwise a conflict)." },
        { "vxlan", NC_KEY_MAPPING, .table = &vxlan_table, .description = VXLAN_DESCRIPTION },
};
static const struct nc_key_table bridge_table =
        TABLE("bridge", "A Linux bridge with an IPv4 subnet, an IPv6 subnet or both.", bridge_keys);

static const struct nc_key attachment_keys[] = {
        { "address", NC_KEY_IPV4,
          .description = "The container's IPv4 address on this bridge; default: allocated (an address it already "
                         "has is kept, new ones take the lowest free address in container-name order)." },
        { "address6", NC_KEY_IPV6,
          .description = "The container's IPv6 address on this bridge, which needs subnet6; default: allocated "
                         "as address is." },
        { "mac", NC_KEY_MAC,
          .description = "The interface's unicast MAC address; default: 02:42 followed by the four address bytes "
                         "(on a bridge without subnet, the last four bytes of address6)." },
        { "interface", NC_KEY_IFNAME,
          .description = "The interface name inside the container; default: eth0, eth1, ... in the order listed." },
        { "host_interface", NC_KEY_IFNAME,
          .description = "The host end of the veth pair; default: veth followed by 8 hex digits of a stable hash "
                         "of container and bridge." },
};
static const struct nc_key_table attachment_table =
        TABLE("network", "A container's interface on one bridge; every key is optional.", attachment_keys);

static const struct nc_key port_keys[] = {
        { "published", NC_KEY_PORT, .required = true, .description = "The host port or range of ports." },
        { "target", NC_KEY_PORT, .required = true,
          .description = "The container port or range, as long as the published one." },
        { "protocol", NC_KEY_PROTOCOL, .default_value = "tcp", .description = "tcp, udp or sctp." },
        { "host_ip", NC_KEY_HOST_IP,
          .description = "The host address the port is published on, IPv4 or IPv6 (without brackets): only that "
                         "family; default: every local address of both families the container has on the network." },
        { "network", NC_KEY_STRING,
          .description = "The bridge on which the container is reached; default: the container's first network." },
};
static const struct nc_key_table port_table =
        TABLE("port", "A published port in the long form.", port_keys);

static const struct nc_key container_keys[] = {
        { "netns", NC_KEY_NETNS,
          .description = "A name under /run/netns (created when missing) or an absolute path to an existing "
                         "namespace; default: the container's name." },
        { "networks", NC_KEY_NETWORKS, .required = true, .table = &attachment_table,
          .description = "The bridges the container is on: a list of bridge names, or a mapping of bridge names "
                         "to the interface's details." },
        { "ports", NC_KEY_PORTS, .table = &port_table,
          .description = "Published ports: Docker's short syntax "
                         "\"[host_ip:]host_port[-end]:container_port[-end][/tcp|/udp|/sctp]\" (an IPv6 host_ip in "
                         "brackets: \"[::1]:8080:80\") or the long form." },
};
static const struct nc_key_table container_table =
        TABLE("container", "A container: a network namespace attached to bridges by veth pairs.", container_keys);

static const struct nc_key root_keys[] = {
        { "version", NC_KEY_VERSION, .required = true, .description = "The version of the file format: 1." },
        { "settings", NC_KEY_MAPPING, .table = &settings_table, .description = SETTINGS_DESCRIPTION },
        { "bridges", NC_KEY_MAP_OF, .table = &bridge_table, .name_type = NC_NAME_IFNAME,
          .description = "The bridges, by name (the kernel interface name)." },
        { "containers", NC_KEY_MAP_OF, .table = &container_table, .name_type = NC_NAME_CONTAINER,
          .description = "The containers, by name." },
};
static const struct nc_key_table root_table =
        TABLE("file", "A netconverge configuration file, version 1 (netconverge.yaml(5)).", root_keys);

/* check_keys() gives nc_did_you_mean() the names on the stack. */
#define KEYS_MAX 12
_Static_assert(ELEMENTSOF(root_keys) <= KEYS_MAX && ELEMENTSOF(settings_keys) <= KEYS_MAX &&
               ELEMENTSOF(bridge_keys) <= KEYS_MAX && ELEMENTSOF(attachment_keys) <= KEYS_MAX &&
               ELEMENTSOF(port_keys) <= KEYS_MAX && ELEMENTSOF(container_keys) <= KEYS_MAX &&
               ELEMENTSOF(vxlan_keys) <= KEYS_MAX,
               "a key table outgrew KEYS_MAX");

const struct nc_key_table *nc_schema_root(void) {
        return &root_table;
}

/* By hand: the model keeps a path for every container, network and port
 * (for diagnostics found later), and asprintf() for each of them was a
 * quarter of reading a file of 10,000 containers. */
char *nc_path_join(const char *path, const char *key) {
        size_t lp = strlen(path), lk = strlen(key), dot = lp > 0;
        char *p = malloc(lp + dot + lk + 1);

        if (!p)
                return NULL;
        memcpy(p, path, lp);
        p[lp] = '.';
        memcpy(p + lp + dot, key, lk + 1);
        return p;
}

char *nc_path_index(const char *path, size_t i) {
        char digits[24];
        size_t lp = strlen(path), n = sizeof(digits);
        char *p;

        do {
                digits[--n] = (char) ('0' + i % 10);
                i /= 10;
        } while (i);
        p = malloc(lp + 1 + (sizeof(digits) - n) + 2);
        if (!p)
                return NULL;
        memcpy(p, path, lp);
        p[lp] = '[';
        memcpy(p + lp + 1, digits + n, sizeof(digits) - n);
        memcpy(p + lp + 1 + (sizeof(digits) - n), "]", 2);
        return p;
}

__attribute__((format(printf, 4, 5)))
static void report(struct schema *s, const struct nc_ynode *n, const char *path, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        nc_diags_vadd(s->d, n->at, path, fmt, ap);
        va_end(ap);
}


/* "PATH.FIRST: missing required key: give 'a', 'b' or both" for the keys of
 * a required group (a bridge's subnet and subnet6). */
static int report_missing_group(struct schema *s, struct nc_origin at, const char *path, const struct nc_key_table *t,
                                unsigned group) {
        _cleanup_(nc_strbuf_done) struct nc_strbuf msg = {};
        _cleanup_free_ char *p = NULL, *m = NULL;
        const char *first = NULL;
        size_t n = 0, total = 0;

        for (size_t i = 0; i < t->n_keys; i++)
                total += t->keys[i].required_group == group;
        nc_strbuf_append(&msg, "missing required key: give ");
        for (size_t i = 0; i < t->n_keys; i++) {
                if (t->keys[i].required_group != group)
                        continue;
                if (!first)
                        first = t->keys[i].name;
                if (n > 0)
                        nc_strbuf_append(&msg, ", ");
                nc_strbuf_printf(&msg, "'%s'", t->keys[i].name);
                n++;
        }
        nc_strbuf_append(&msg, total > 2 ? " or several" : " or both");
        m = nc_strbuf_steal(&msg);
        p = first ? nc_path_join(path, first) : NULL;
        if (!m || !p)
                return -ENOMEM;
        nc_diags_add(s->d, at, p, "%s", m);
        return 0;
}

static bool is_key_of(const char *key, const char *const *keys, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (strcmp(key, keys[i]) == 0)
                        return true;
        return false;
}

/* Unknown keys (with a did-you-mean) and missing required ones, the
 * latter reported at owner_at (the key naming the object). A required key
 * that an unknown key is a misspelling of is not reported again as
 * missing. */
static int check_keys(struct schema *s, const struct nc_ynode *map, struct nc_origin owner_at, const char *path,
                      const struct nc_key_table *t) {
        const char *keys[KEYS_MAX];
        size_t n_keys = t->n_keys;

        for (size_t i = 0; i < n_keys; i++)
                keys[i] = t->keys[i].name;
        for (size_t i = 0; i < map->n_pairs; i++) {
                const struct nc_ynode *k = map->pairs[i].key;
                _cleanup_free_ char *p = NULL;
                const char *hint;

                if (is_key_of(k->value, keys, n_keys))
                        continue;
                p = nc_path_join(path, k->value);
                if (!p)
                        return -ENOMEM;
                hint = nc_did_you_mean(k->value, keys, n_keys);
                if (hint)
                        report(s, k, p, "unknown key; did you mean '%s'?", hint);
                else if (strcmp(k->value, "<<") == 0)
                        report(s, k, p, "a merge key needs a plain '<<' key");
                else
                        report(s, k, p, "unknown key");
        }
        for (size_t i = 0; i < n_keys; i++) {
                const char *required = keys[i];
                _cleanup_free_ char *p = NULL;
                bool misspelled = false;

                if (!t->keys[i].required || nc_ynode_get(map, required))
                        continue;
                for (size_t k = 0; k < map->n_pairs && !misspelled; k++) {
                        const char *key = map->pairs[k].key->value;
                        const char *hint = is_key_of(key, keys, n_keys) ? NULL : nc_did_you_mean(key, keys, n_keys);

                        misspelled = hint && strcmp(hint, required) == 0;
                }
                if (misspelled)
                        continue;
                p = nc_path_join(path, required);
                if (!p)
                        return -ENOMEM;
                nc_diags_add(s->d, owner_at, p, "missing required key");
        }
        for (size_t i = 0; i < n_keys; i++) {
                unsigned g = t->keys[i].required_group;
                bool first = true, present = false, misspelled = false;

                for (size_t k = 0; k < i && first; k++)
                        first = t->keys[k].required_group != g;
                if (!g || !first)
                        continue;
                for (size_t k = i; k < n_keys; k++)
                        present = present || (t->keys[k].required_group == g && nc_ynode_get(map, keys[k]));
                for (size_t k = 0; k < map->n_pairs && !present && !misspelled; k++) {
                        const char *key = map->pairs[k].key->value;
                        const char *hint = is_key_of(key, keys, n_keys) ? NULL : nc_did_you_mean(key, keys, n_keys);

                        for (size_t j = 0; hint && j < n_keys; j++)
                                misspelled = misspelled || (t->keys[j].required_group == g && strcmp(hint, keys[j]) == 0);
                }
                if (!present && !misspelled && report_missing_group(s, owner_at, path, t, g) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* A mapping, or null read as an empty one. Reports other types. */
static bool want_mapping(struct schema *s, const struct nc_ynode *n, const char *path, const char *what) {
        char buf[64];

        if (n->kind == NC_YNODE_MAPPING || nc_ynode_is_null(n))
                return true;
        report(s, n, path, "expected %s, got %s", what, nc_ynode_got(n, buf));
        return false;
}

static int read_string(struct schema *s, const struct nc_ynode *n, const char *path, char **dst) {
        char buf[64];
        char *v;

        if (n->kind != NC_YNODE_SCALAR || nc_ynode_is_null(n)) {
                report(s, n, path, "expected a string, got %s", nc_ynode_got(n, buf));
                return 0;
        }
        v = strdup(n->value);
        if (!v)
                return -ENOMEM;
        free(*dst);
        *dst = v;
        return 1;
}

/* Reads map[key] with reader; absent keys keep the default already set. */
typedef int (*field_reader)(struct schema *s, const struct nc_ynode *n, const char *path, void *dst);

static int read_field(struct schema *s, const struct nc_ynode *map, const char *path, const char *key,
                      field_reader reader, void *dst, struct nc_origin *ret_at) {
        const struct nc_ynode *n = nc_ynode_get(map, key);
        _cleanup_free_ char *p = NULL;

        if (!n)
                return 0;
        p = nc_path_join(path, key);
        if (!p)
                return -ENOMEM;
        if (ret_at)
                *ret_at = n->at;
        return reader(s, n, p, dst);
}

static int read_bool(struct schema *s, const struct nc_ynode *n, const char *path, void *dst) {
        char buf[64];

        if (n->kind == NC_YNODE_SCALAR && strcmp(n->value, "true") == 0)
                *(bool *) dst = true;
        else if (n->kind == NC_YNODE_SCALAR && strcmp(n->value, "false") == 0)
                *(bool *) dst = false;
        else
                report(s, n, path, "expected true or false, got %s", nc_ynode_got(n, buf));
        return 0;
}

static int read_mtu(struct schema *s, const struct nc_ynode *n, const char *path, void *dst) {
        char buf[64];
        unsigned long v = 0;
        const char *p;

        if (n->kind == NC_YNODE_SCALAR && !nc_ynode_is_null(n)) {
                for (p = n->value; *p >= '0' && *p <= '9'; p++)
                        if (v <= 65535)
                                v = v * 10 + (unsigned long) (*p - '0');
                if (*p == '\0' && p != n->value) {
                        if (v >= 68 && v <= 65535) {
                                *(unsigned *) dst = (unsigned) v;
                                return 0;
                        }
                        report(s, n, path, "MTU %s is out of range 68-65535", n->value);
                        return 0;
                }
        }
        report(s, n, path, "expected an integer MTU (68-65535), got %s", nc_ynode_got(n, buf));
        return 0;
}

/* A value of the other family where one is expected: say so, and name
 * the key where it goes (SPEC 7.1: subnet/subnet6, gateway/gateway6,
 * address/address6) rather than complaining about its syntax. */
static bool looks_ipv6(const struct nc_ynode *n) {
        struct nc_ipv6 a;

        return n->kind == NC_YNODE_SCALAR && !nc_ynode_is_null(n) &&
               nc_ipv6_parse_n(n->value, strcspn(n->value, "/"), &a) >= 0;
}

static bool looks_ipv4(const struct nc_ynode *n) {
        char quad[NC_IPV4_STRLEN];
        size_t len;
        uint32_t a;

        if (n->kind != NC_YNODE_SCALAR || nc_ynode_is_null(n))
                return false;
        len = strcspn(n->value, "/");
        if (len >= sizeof(quad))
                return false;
        memcpy(quad, n->value, len);
        quad[len] = '\0';
        return nc_ipv4_parse(quad, &a) >= 0;
}

/* path ends in the key: "subnet" or "subnet6". */
static void report_family(struct schema *s, const struct nc_ynode *n, const char *path, const char *what, bool v6) {
        const char *dot = strrchr(path, '.');
        const char *key = dot ? dot + 1 : path;
        size_t len = strlen(key) - !v6;
        char buf[NC_YNODE_GOT_SIZE];

        if (v6)
                report(s, n, path, "%s is an IPv6 %s; '%s' takes IPv4, IPv6 goes in '%s6'", nc_ynode_got(n, buf),
                       what, key, key);
        else
                report(s, n, path, "%s is an IPv4 %s; '%s' takes IPv6, IPv4 goes in '%.*s'", nc_ynode_got(n, buf),
                       what, key, (int) len, key);
}

static void report_ipv6(struct schema *s, const struct nc_ynode *n, const char *path, const char *what) {
        report_family(s, n, path, what, true);
}

/* Why an IPv6 prefix cannot be a bridge's subnet6, or NULL: the ranges
 * whose addresses are not unicast on a link of this host (RFC 4291 2.4,
 * RFC 6890). */
static const char *ipv6_reserved(const struct nc_ipv6 *a, unsigned plen) {
        static const struct {
                const char *prefix;
                unsigned len;
                const char *why;
        } ranges[] = {
                { "ff00::", 8, "multicast (ff00::/8)" },
                { "fe80::", 10, "link-local (fe80::/10), which the kernel gives every link" },
                { "::ffff:0:0", 96, "IPv4-mapped (::ffff:0:0/96)" },
                { "::", 96, "unspecified, loopback or IPv4-compatible (::/96)" },
        };

        for (size_t i = 0; i < ELEMENTSOF(ranges); i++) {
                struct nc_ipv6 r;

                if (nc_ipv6_parse(ranges[i].prefix, &r) >= 0 && nc_subnets6_overlap(&r, ranges[i].len, a, plen))
                        return ranges[i].why;
        }
        return NULL;
}

/* Says what is wrong with an IPv6 text that does not parse, where a
 * common reason is visible. */
static void report_bad_ipv6(struct schema *s, const struct nc_ynode *n, const char *path, const char *expected) {
        char buf[NC_YNODE_GOT_SIZE];

        if (n->kind == NC_YNODE_SCALAR && strchr(n->value, '%'))
                report(s, n, path, "expected %s, got %s: a zone id (%%...) has no place here", expected,
                       nc_ynode_got(n, buf));
        else if (n->kind == NC_YNODE_SCALAR && n->value[0] == '[')
                report(s, n, path, "expected %s, got %s: write it without brackets", expected, nc_ynode_got(n, buf));
        else
                report(s, n, path, "expected %s, got %s", expected, nc_ynode_got(n, buf));
}

/* gateway6, address6: one IPv6 address, unicast. */
static int read_ipv6(struct schema *s, const struct nc_ynode *n, const char *path, void *dst) {
        char buf[NC_YNODE_GOT_SIZE];
        struct nc_ipv6 a;
        const char *why;

        if (looks_ipv4(n)) {
                report_family(s, n, path, "address", false);
                return 0;
        }
        if (n->kind != NC_YNODE_SCALAR || nc_ipv6_parse(n->value, &a) < 0) {
                report_bad_ipv6(s, n, path, "an IPv6 address like fd00:17::2");
                return 0;
        }
        why = ipv6_reserved(&a, 128);
        if (why) {
                report(s, n, path, "%s is %s, not an address for a bridge or container", nc_ynode_got(n, buf), why);
                return 0;
        }
        *(struct nc_ipv6 *) dst = a;
        return 1;
}

/* A port's host_ip in the long form: either family, IPv6 without brackets. */
static int read_host_ip(struct schema *s, const struct nc_ynode *n, const char *path, void *dst) {
        struct nc_port *p = dst;
        char buf[NC_YNODE_GOT_SIZE], err[160];
        struct nc_ipv6 a;

        if (n->kind == NC_YNODE_SCALAR && nc_ipv4_parse(n->value, &p->host_ip) >= 0) {
                p->host_family = NC_HOST_IPV4;
                return 1;
        }
        if (n->kind != NC_YNODE_SCALAR || nc_ipv6_parse(n->value, &a) < 0) {
                if (n->kind == NC_YNODE_SCALAR && (strchr(n->value, ':') || n->value[0] == '['))
                        report_bad_ipv6(s, n, path, "an IPv4 or IPv6 address like 127.0.0.1 or ::1");
                else
                        report(s, n, path, "expected an IPv4 or IPv6 address like 127.0.0.1 or ::1, got %s",
                               nc_ynode_got(n, buf));
                return 0;
        }
        if (nc_port_check_host_ip6(&a, err, sizeof(err)) < 0) {
                report(s, n, path, "%s", err);
                return 0;
        }
        p->host_family = NC_HOST_IPV6;
        p->host_ip = 0;
        p->host_ip6 = a;
        return 1;
}

static int read_ipv4(struct schema *s, const struct nc_ynode *n, const char *path, void *dst) {
        char buf[64];

        if (n->kind == NC_YNODE_SCALAR && nc_ipv4_parse(n->value, dst) >= 0)
                return 1;
        if (looks_ipv6(n))
                report_ipv6(s, n, path, "address");
        else
                report(s, n, path, "expected an IPv4 address like 172.17.0.2, got %s", nc_ynode_got(n, buf));
        return 0;
}

static int read_ifname(struct schema *s, const struct nc_ynode *n, const char *path, void *dst) {
        const char *why;
        char buf[64];

        if (n->kind != NC_YNODE_SCALAR || nc_ynode_is_null(n)) {
                report(s, n, path, "expected an interface name, got %s", nc_ynode_got(n, buf));
                return 0;
        }
        why = nc_ifname_invalid(n->value);
        if (why) {
                report(s, n, path, "interface name %s %s", nc_ynode_got(n, buf), why);
                return 0;
        }
        memcpy(dst, n->value, strlen(n->value) + 1);
        return 1;
}

static int read_version(struct schema *s, const struct nc_ynode *root) {
        const struct nc_ynode *v = nc_ynode_get(root, "version");
        char buf[64];

        if (!v)
                return 0;       /* reported as a missing required key */
        if (v->kind == NC_YNODE_SCALAR && strcmp(v->value, "1") == 0)
                return 0;
        if (v->kind == NC_YNODE_SCALAR && !nc_ynode_is_null(v))
                report(s, v, "version", "unsupported version %s; this netconverge reads version 1", nc_ynode_got(v, buf));
        else
                report(s, v, "version", "expected version 1, got %s", nc_ynode_got(v, buf));
        return 0;
}

static int read_settings(struct schema *s, const struct nc_ynode *n, struct nc_settings *st) {
        const struct nc_ynode *t;
        int r;

        if (!want_mapping(s, n, "settings", "a mapping of settings") || nc_ynode_is_null(n))
                return 0;
        r = check_keys(s, n, n->at, "settings", &settings_table);
        if (r < 0)
                return r;
        t = nc_ynode_get(n, "table");
        if (t) {
                const char *why;

                st->table_at = t->at;
                r = read_string(s, t, "settings.table", &st->table);
                if (r < 0)
                        return r;
                why = r > 0 ? nc_table_name_invalid(st->table) : NULL;
                if (why)
                        report(s, t, "settings.table", "nftables table name '%s' %s", st->table, why);
        }
        return read_field(s, n, "settings", "ip_forward", read_bool, &st->ip_forward, NULL);
}

/* An IPv4 CIDR with a prefix of /8 to /30 and no host bits: a subnet, or
 * a range of one. false (reported) when it is not. */
static bool parse_cidr(struct schema *s, const struct nc_ynode *n, const char *path, uint32_t *ret,
                       unsigned *ret_len) {
        char buf[64], cidr[NC_CIDR_STRLEN];
        unsigned plen;
        uint32_t a;

        if (n->kind != NC_YNODE_SCALAR || nc_cidr_parse(n->value, &a, &plen) < 0) {
                const char *slash = n->kind == NC_YNODE_SCALAR ? strrchr(n->value, '/') : NULL;

                /* A fine address with an impossible prefix says which part is wrong. */
                if (slash && slash[1] && strspn(slash + 1, "0123456789") == strlen(slash + 1) &&
                    strlen(slash + 1) <= 9 && atoi(slash + 1) > 32) {
                        report(s, n, path, "prefix length /%s is not supported; use /8 to /30", slash + 1);
                        return false;
                }
                report(s, n, path, "expected an IPv4 subnet like 172.17.0.0/16, got %s", nc_ynode_got(n, buf));
                return false;
        }
        if (plen < 8 || plen > 30) {
                report(s, n, path, "prefix length /%u is not supported; use /8 to /30", plen);
                return false;
        }
        if (a & ~nc_prefix_mask(plen)) {
                report(s, n, path, "%s has host bits set; did you mean %s?", n->value,
                       nc_cidr_format(a & nc_prefix_mask(plen), plen, cidr));
                return false;
        }
        *ret = a;
        *ret_len = plen;
        return true;
}

static int read_subnet(struct schema *s, const struct nc_ynode *n, const char *path, struct nc_bridge *b) {
        if (looks_ipv6(n))
                report_ipv6(s, n, path, "subnet");
        else
                (void) parse_cidr(s, n, path, &b->subnet, &b->prefixlen);
        return 0;
}

/* The part of the subnet this host allocates from (SPEC 7.5); whether it
 * lies inside the subnet is validate.c's. */
static int read_range(struct schema *s, const struct nc_ynode *n, const char *path, struct nc_bridge *b) {
        char buf[NC_YNODE_GOT_SIZE];

        b->range_at = n->at;
        if (looks_ipv6(n))
                report(s, n, path, "%s is an IPv6 range; a range is a part of the IPv4 subnet",
                       nc_ynode_got(n, buf));
        else
                (void) parse_cidr(s, n, path, &b->range, &b->range_len);
        return 0;
}

static int read_subnet6(struct schema *s, const struct nc_ynode *n, const char *path, struct nc_bridge *b) {
        char buf[NC_YNODE_GOT_SIZE], cidr[NC_CIDR6_STRLEN];
        struct nc_ipv6 a, net;
        const char *why;
        unsigned plen;

        if (looks_ipv4(n)) {
                report_family(s, n, path, "subnet", false);
                return 0;
        }
        if (n->kind != NC_YNODE_SCALAR || nc_cidr6_parse(n->value, &a, &plen) < 0) {
                const char *slash = n->kind == NC_YNODE_SCALAR ? strrchr(n->value, '/') : NULL;

                /* A fine address with an impossible prefix says which part is wrong. */
                if (slash && slash[1] && strspn(slash + 1, "0123456789") == strlen(slash + 1) &&
                    strlen(slash + 1) <= 9 && atoi(slash + 1) > 128 &&
                    nc_ipv6_parse_n(n->value, (size_t) (slash - n->value), &a) >= 0) {
                        report(s, n, path, "prefix length /%s is not supported; use /48 to /120", slash + 1);
                        return 0;
                }
                report_bad_ipv6(s, n, path, "an IPv6 subnet like fd00:17::/64");
                return 0;
        }
        if (plen < 48 || plen > 120) {
                report(s, n, path, "prefix length /%u is not supported; use /48 to /120", plen);
                return 0;
        }
        net = nc_ipv6_network(&a, plen);
        if (!nc_ipv6_equal(&a, &net)) {
                report(s, n, path, "%s has host bits set; did you mean %s?", nc_ynode_got(n, buf),
                       nc_cidr6_format(&net, plen, cidr));
                return 0;
        }
        why = ipv6_reserved(&a, plen);
        if (why) {
                report(s, n, path, "%s is %s; use a unique local (fd00::/8) or global prefix", nc_ynode_got(n, buf), why);
                return 0;
        }
        b->subnet6 = a;
        b->prefixlen6 = plen;
        return 0;
}

/* A decimal integer in [min, max], or false. */
static bool parse_uint(const struct nc_ynode *n, unsigned long min, unsigned long max, unsigned long *ret) {
        unsigned long v = 0;
        const char *p;

        if (n->kind != NC_YNODE_SCALAR || nc_ynode_is_null(n))
                return false;
        for (p = n->value; *p >= '0' && *p <= '9'; p++)
                if (v <= max)
                        v = v * 10 + (unsigned long) (*p - '0');
        if (*p != '\0' || p == n->value || v < min || v > max)
                return false;
        *ret = v;
        return true;
}

static int read_vni(struct schema *s, const struct nc_ynode *n, const char *path, void *dst) {
        char buf[64];
        unsigned long v;

        if (parse_uint(n, 1, 16777215, &v))
                *(uint32_t *) dst = (uint32_t) v;
        else
                report(s, n, path, "expected a VXLAN network identifier, 1 to 16777215, got %s", nc_ynode_got(n, buf));
        return 0;
}

static int read_udp_port(struct schema *s, const struct nc_ynode *n, const char *path, void *dst) {
        char buf[64];
        unsigned long v;

        if (parse_uint(n, 1, 65535, &v))
                *(unsigned *) dst = (unsigned) v;
        else
                report(s, n, path, "expected a UDP port, 1 to 65535, got %s", nc_ynode_got(n, buf));
        return 0;
}

static int read_underlay(struct schema *s, const struct nc_ynode *n, const char *path, void *dst) {
        char buf[64];
        const char *why;

        if (n->kind != NC_YNODE_SCALAR || nc_ynode_is_null(n)) {
                report(s, n, path, "expected a link name, got %s", nc_ynode_got(n, buf));
                return 0;
        }
        why = nc_ifname_invalid(n->value);
        if (why)
                report(s, n, path, "underlay link name %s", why);
        else
                snprintf(dst, NC_IFNAMSIZ, "%s", n->value);
        return 0;
}

/* Why a remote cannot be another host's underlay address, or NULL. */
static const char *remote_invalid(const struct nc_vxlan_remote *x) {
        static const struct nc_ipv6 loopback6 = { .b = { [15] = 1 } };
        uint32_t a = x->addr;

        if (x->v6) {
                if (nc_ipv6_is_zero(&x->addr6))
                        return "the unspecified address";
                if (x->addr6.b[0] == 0xff)
                        return "a multicast address (remotes are unicast: head-end replication)";
                if (nc_ipv6_equal(&x->addr6, &loopback6))
                        return "the loopback address";
                return NULL;
        }
        if (a == 0)
                return "the unspecified address";
        if ((a >> 28) == 0xe)
                return "a multicast address (remotes are unicast: head-end replication)";
        if (a == 0xffffffffu)
                return "the broadcast address";
        if ((a >> 24) == 127)
                return "a loopback address";
        return NULL;
}

static int read_remote(struct schema *s, const struct nc_ynode *n, const char *path, struct nc_vxlan_remote *x) {
        char buf[NC_YNODE_GOT_SIZE];
        const char *why;

        x->at = n->at;
        if (n->kind == NC_YNODE_SCALAR && nc_ipv4_parse(n->value, &x->addr) >= 0)
                x->v6 = false;
        else if (n->kind == NC_YNODE_SCALAR && nc_ipv6_parse(n->value, &x->addr6) >= 0)
                x->v6 = true;
        else {
                report(s, n, path, "expected another host's IPv4 or IPv6 address, got %s", nc_ynode_got(n, buf));
                return 0;
        }
        why = remote_invalid(x);
        if (why) {
                report(s, n, path, "%s is %s", n->value, why);
                return 0;
        }
        return 1;
}

static int read_remotes(struct schema *s, const struct nc_ynode *n, const char *path, struct nc_vxlan *v) {
        char buf[64];

        if (nc_ynode_is_null(n))
                return 0;
        if (n->kind != NC_YNODE_SEQUENCE) {
                report(s, n, path, "expected a list of the other hosts' addresses, got %s", nc_ynode_got(n, buf));
                return 0;
        }
        v->remotes = calloc(n->n_items + 1, sizeof(*v->remotes));
        if (!v->remotes)
                return -ENOMEM;
        for (size_t i = 0; i < n->n_items; i++) {
                _cleanup_free_ char *p = nc_path_index(path, i);
                int r;

                if (!p)
                        return -ENOMEM;
                r = read_remote(s, n->items[i], p, &v->remotes[v->n_remotes]);
                if (r > 0)
                        v->n_remotes++;
        }
        return 0;
}

/* SPEC 7.5; whether it has the range it needs is validate.c's. */
static int read_vxlan(struct schema *s, const struct nc_ynode *n, struct nc_origin at, const char *path,
                      struct nc_bridge *b) {
        const struct nc_ynode *remotes;
        struct nc_vxlan *v;
        int r;

        if (!want_mapping(s, n, path, "a mapping with the VXLAN's vni and underlay"))
                return 0;
        v = b->vxlan = calloc(1, sizeof(*v));
        if (!v)
                return -ENOMEM;
        v->at = at;
        v->port = 4789;
        if (nc_ynode_is_null(n)) {
                nc_diags_add(s->d, at, path, "a vxlan needs at least its vni and underlay");
                return 0;
        }
        r = check_keys(s, n, at, path, &vxlan_table);
        if (r < 0 || (r = read_field(s, n, path, "vni", read_vni, &v->vni, NULL)) < 0 ||
            (r = read_field(s, n, path, "underlay", read_underlay, v->underlay, NULL)) < 0 ||
            (r = read_field(s, n, path, "port", read_udp_port, &v->port, NULL)) < 0)
                return r;
        remotes = nc_ynode_get(n, "remotes");
        if (remotes) {
                _cleanup_free_ char *p = nc_path_join(path, "remotes");

                if (!p)
                        return -ENOMEM;
                return read_remotes(s, remotes, p, v);
        }
        return 0;
}

/* The bridge's subnets and gateways, of both families, and its range. */
static int read_bridge_addresses(struct schema *s, const struct nc_ynode *n, struct nc_bridge *b) {
        const struct nc_ynode *sub;
        struct nc_origin gw_at = {};
        struct nc_ipv6 gw6 = {};
        uint32_t gw = 0;
        int r;

        sub = nc_ynode_get(n, "subnet");
        if (sub) {
                _cleanup_free_ char *p = nc_path_join(b->path, "subnet");

                if (!p)
                        return -ENOMEM;
                b->subnet_at = sub->at;
                read_subnet(s, sub, p, b);
        }
        sub = nc_ynode_get(n, "range");
        if (sub) {
                _cleanup_free_ char *p = nc_path_join(b->path, "range");

                if (!p)
                        return -ENOMEM;
                read_range(s, sub, p, b);
        }
        r = read_field(s, n, b->path, "gateway", read_ipv4, &gw, &gw_at);
        if (r < 0)
                return r;
        if (r > 0) {
                /* gateway_at marks an explicit gateway, 0.0.0.0 included. */
                b->gateway = gw;
                b->gateway_at = gw_at;
        }
        sub = nc_ynode_get(n, "subnet6");
        if (sub) {
                _cleanup_free_ char *p = nc_path_join(b->path, "subnet6");

                if (!p)
                        return -ENOMEM;
                b->subnet6_at = sub->at;
                read_subnet6(s, sub, p, b);
        }
        r = read_field(s, n, b->path, "gateway6", read_ipv6, &gw6, &gw_at);
        if (r < 0)
                return r;
        if (r > 0) {
                b->gateway6 = gw6;
                b->gateway6_at = gw_at;
        }
        return 0;
}

static int read_bridge(struct schema *s, const struct nc_ypair *pair, struct nc_bridge *b) {
        const struct nc_ynode *n = pair->value, *sub;
        const char *why;
        int r;

        b->name = strdup(pair->key->value);
        b->path = nc_path_join("bridges", pair->key->value);
        if (!b->name || !b->path)
                return -ENOMEM;
        b->at = pair->key->at;
        b->mtu = 1500;
        b->masquerade = true;
        b->isolated = true;
        b->icc = true;

        why = nc_ifname_invalid(b->name);
        if (why)
                report(s, pair->key, b->path, "bridge name %s", why);
        if (!want_mapping(s, n, b->path, "a mapping with the bridge's subnet"))
                return 0;
        if (nc_ynode_is_null(n))
                return report_missing_group(s, pair->key->at, b->path, &bridge_table, 1);
        r = check_keys(s, n, pair->key->at, b->path, &bridge_table);
        if (r < 0)
                return r;

        r = read_bridge_addresses(s, n, b);
        if (r < 0)
                return r;
        sub = nc_ynode_get(n, "vxlan");
        if (sub) {
                _cleanup_free_ char *p = nc_path_join(b->path, "vxlan");

                if (!p || read_vxlan(s, sub, sub->at, p, b) < 0)
                        return -ENOMEM;
        }
        if ((r = read_field(s, n, b->path, "mtu", read_mtu, &b->mtu, &b->mtu_at)) < 0 ||
            (r = read_field(s, n, b->path, "masquerade", read_bool, &b->masquerade, NULL)) < 0 ||
            (r = read_field(s, n, b->path, "isolated", read_bool, &b->isolated, NULL)) < 0 ||
            (r = read_field(s, n, b->path, "internal", read_bool, &b->internal, NULL)) < 0 ||
            (r = read_field(s, n, b->path, "icc", read_bool, &b->icc, NULL)) < 0 ||
            (r = read_field(s, n, b->path, "adopt", read_bool, &b->adopt, NULL)) < 0)
                return r;
        return 0;
}

static int read_mac(struct schema *s, const struct nc_ynode *n, const char *path, struct nc_attachment *a) {
        static const uint8_t zero[6];
        char buf[64];

        a->mac_at = n->at;
        if (n->kind != NC_YNODE_SCALAR || nc_mac_parse(n->value, a->mac) < 0) {
                report(s, n, path, "expected a MAC address like 02:42:ac:11:00:02, got %s", nc_ynode_got(n, buf));
                return 0;
        }
        if (a->mac[0] & 1)
                report(s, n, path, "%s is a multicast MAC address; a container needs a unicast one", n->value);
        else if (memcmp(a->mac, zero, 6) == 0)
                report(s, n, path, "the all-zero MAC address is not usable");
        else
                a->mac_explicit = true;
        return 0;
}

static int read_attachment_details(struct schema *s, const struct nc_ynode *n, struct nc_attachment *a) {
        const struct nc_ynode *mac;
        struct nc_ipv6 addr6 = {};
        uint32_t addr = 0;
        int r;

        if (!want_mapping(s, n, a->path, "a mapping of the network's settings") || nc_ynode_is_null(n))
                return 0;
        r = check_keys(s, n, a->at, a->path, &attachment_table);
        if (r < 0)
                return r;
        r = read_field(s, n, a->path, "address", read_ipv4, &addr, &a->address_at);
        if (r < 0)
                return r;
        if (r > 0) {
                a->address = addr;
                a->address_explicit = true;
        }
        r = read_field(s, n, a->path, "address6", read_ipv6, &addr6, &a->address6_at);
        if (r < 0)
                return r;
        if (r > 0) {
                a->address6 = addr6;
                a->address6_explicit = true;
        }
        mac = nc_ynode_get(n, "mac");
        if (mac) {
                _cleanup_free_ char *p = nc_path_join(a->path, "mac");

                if (!p)
                        return -ENOMEM;
                read_mac(s, mac, p, a);
        }
        if ((r = read_field(s, n, a->path, "interface", read_ifname, a->interface, &a->interface_at)) < 0 ||
            (r = read_field(s, n, a->path, "host_interface", read_ifname, a->host_interface,
                            &a->host_interface_at)) < 0)
                return r;
        return 0;
}

static int attachment_start(struct nc_attachment *a, const struct nc_ynode *name, char *path) {
        a->bridge = strdup(name->value);
        a->path = path;
        a->at = name->at;
        return a->bridge && path ? 0 : -ENOMEM;
}

/* networks: a list of bridge names, or a mapping bridge -> details. */
static int read_networks(struct schema *s, const struct nc_ynode *n, const char *path, struct nc_container *c) {
        char buf[64];
        size_t count;
        int r;

        if (n->kind == NC_YNODE_SEQUENCE)
                count = n->n_items;
        else if (n->kind == NC_YNODE_MAPPING)
                count = n->n_pairs;
        else {
                report(s, n, path, "expected a list of bridge names or a mapping of bridges, got %s", nc_ynode_got(n, buf));
                return 0;
        }
        if (count == 0) {
                report(s, n, path, "a container needs at least one network");
                return 0;
        }
        c->networks = calloc(count, sizeof(*c->networks));
        if (!c->networks)
                return -ENOMEM;

        for (size_t i = 0; i < count; i++) {
                struct nc_attachment *a = &c->networks[c->n_networks];

                if (n->kind == NC_YNODE_MAPPING) {
                        r = attachment_start(a, n->pairs[i].key, nc_path_join(path, n->pairs[i].key->value));
                        c->n_networks++;
                        if (r < 0)
                                return r;
                        r = read_attachment_details(s, n->pairs[i].value, a);
                        if (r < 0)
                                return r;
                        continue;
                }
                if (n->items[i]->kind != NC_YNODE_SCALAR || nc_ynode_is_null(n->items[i])) {
                        _cleanup_free_ char *p = nc_path_index(path, i);

                        if (!p)
                                return -ENOMEM;
                        report(s, n->items[i], p, "expected a bridge name, got %s", nc_ynode_got(n->items[i], buf));
                        continue;
                }
                r = attachment_start(a, n->items[i], nc_path_index(path, i));
                c->n_networks++;
                if (r < 0)
                        return r;
        }
        return 0;
}

static int read_port_value(struct schema *s, const struct nc_ynode *n, const char *path,
                           uint16_t *start, uint16_t *end) {
        char buf[64], err[160];

        if (n->kind != NC_YNODE_SCALAR || nc_ynode_is_null(n)) {
                report(s, n, path, "expected a port or a range like 8000-8010, got %s", nc_ynode_got(n, buf));
                return 0;
        }
        if (nc_port_parse_range(n->value, start, end, err, sizeof(err)) < 0) {
                report(s, n, path, "%s", err);
                return 0;
        }
        return 1;
}

static int read_port_long(struct schema *s, const struct nc_ynode *n, struct nc_port *p) {
        const struct nc_ynode *v;
        char buf[64], err[160];
        bool ok = true;
        int r;

        r = check_keys(s, n, p->at, p->path, &port_table);
        if (r < 0)
                return r;
        ok = nc_ynode_get(n, "published") && nc_ynode_get(n, "target");

        if ((v = nc_ynode_get(n, "published"))) {
                _cleanup_free_ char *path = nc_path_join(p->path, "published");

                if (!path)
                        return -ENOMEM;
                ok = read_port_value(s, v, path, &p->host_port, &p->host_port_end) > 0 && ok;
        }
        if ((v = nc_ynode_get(n, "target"))) {
                _cleanup_free_ char *path = nc_path_join(p->path, "target");

                if (!path)
                        return -ENOMEM;
                ok = read_port_value(s, v, path, &p->target, &p->target_end) > 0 && ok;
        }
        if ((v = nc_ynode_get(n, "protocol"))) {
                _cleanup_free_ char *path = nc_path_join(p->path, "protocol");
                int proto = v->kind == NC_YNODE_SCALAR ? nc_proto_from_string(v->value) : -EINVAL;

                if (!path)
                        return -ENOMEM;
                if (proto < 0)
                        report(s, v, path, "expected tcp, udp or sctp, got %s", nc_ynode_got(v, buf));
                else
                        p->proto = (enum nc_proto) proto;
        }
        r = read_field(s, n, p->path, "host_ip", read_host_ip, p, NULL);
        if (r < 0)
                return r;
        if ((v = nc_ynode_get(n, "network"))) {
                _cleanup_free_ char *path = nc_path_join(p->path, "network");

                if (!path)
                        return -ENOMEM;
                p->network_at = v->at;
                r = read_string(s, v, path, &p->network);
                if (r < 0)
                        return r;
        }
        if (ok && nc_port_check_lengths(p, err, sizeof(err)) < 0)
                report(s, n, p->path, "%s", err);
        return 0;
}

static int read_ports(struct schema *s, const struct nc_ynode *n, const char *path, struct nc_container *c) {
        char buf[64], err[160];
        int r;

        if (nc_ynode_is_null(n))
                return 0;
        if (n->kind != NC_YNODE_SEQUENCE) {
                report(s, n, path, "expected a list of published ports, got %s", nc_ynode_got(n, buf));
                return 0;
        }
        c->ports = calloc(n->n_items ? n->n_items : 1, sizeof(*c->ports));
        if (!c->ports)
                return -ENOMEM;
        for (size_t i = 0; i < n->n_items; i++) {
                const struct nc_ynode *item = n->items[i];
                struct nc_port *p = &c->ports[c->n_ports++];

                p->path = nc_path_index(path, i);
                if (!p->path)
                        return -ENOMEM;
                p->at = item->at;
                if (item->kind == NC_YNODE_MAPPING) {
                        r = read_port_long(s, item, p);
                        if (r < 0)
                                return r;
                } else if (item->kind == NC_YNODE_SCALAR && !nc_ynode_is_null(item)) {
                        if (nc_port_parse_short(item->value, p, err, sizeof(err)) < 0)
                                report(s, item, p->path, "%s", err);
                } else {
                        report(s, item, p->path, "expected a port mapping like \"8080:80\" or a mapping, got %s",
                               nc_ynode_got(item, buf));
                }
        }
        return 0;
}

static int read_container(struct schema *s, const struct nc_ypair *pair, struct nc_container *c) {
        const struct nc_ynode *n = pair->value, *v;
        const char *why;
        int r;

        c->name = strdup(pair->key->value);
        c->path = nc_path_join("containers", pair->key->value);
        if (!c->name || !c->path)
                return -ENOMEM;
        c->at = pair->key->at;

        why = nc_container_name_invalid(c->name);
        if (why)
                report(s, pair->key, c->path, "container name %s", why);
        if (!want_mapping(s, n, c->path, "a mapping with the container's networks"))
                return 0;
        if (nc_ynode_is_null(n)) {
                _cleanup_free_ char *p = nc_path_join(c->path, "networks");

                if (!p)
                        return -ENOMEM;
                report(s, pair->key, p, "missing required key");
                return 0;
        }
        r = check_keys(s, n, pair->key->at, c->path, &container_table);
        if (r < 0)
                return r;

        if ((v = nc_ynode_get(n, "netns"))) {
                _cleanup_free_ char *p = nc_path_join(c->path, "netns");

                if (!p)
                        return -ENOMEM;
                c->netns_at = v->at;
                r = read_string(s, v, p, &c->netns);
                if (r < 0)
                        return r;
                why = r > 0 ? nc_netns_invalid(c->netns) : NULL;
                if (why)
                        report(s, v, p, "namespace '%s' %s", c->netns, why);
        }
        if ((v = nc_ynode_get(n, "networks"))) {
                _cleanup_free_ char *p = nc_path_join(c->path, "networks");

                if (!p)
                        return -ENOMEM;
                r = read_networks(s, v, p, c);
                if (r < 0)
                        return r;
        }
        if ((v = nc_ynode_get(n, "ports"))) {
                _cleanup_free_ char *p = nc_path_join(c->path, "ports");

                if (!p)
                        return -ENOMEM;
                r = read_ports(s, v, p, c);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int read_bridges(struct schema *s, const struct nc_ynode *n, struct nc_model *m) {
        int r;

        if (!want_mapping(s, n, "bridges", "a mapping of bridge names to bridges") || nc_ynode_is_null(n))
                return 0;
        m->bridges = calloc(n->n_pairs ? n->n_pairs : 1, sizeof(*m->bridges));
        if (!m->bridges)
                return -ENOMEM;
        for (size_t i = 0; i < n->n_pairs; i++) {
                r = read_bridge(s, &n->pairs[i], &m->bridges[m->n_bridges++]);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int read_containers(struct schema *s, const struct nc_ynode *n, struct nc_model *m) {
        int r;

        if (!want_mapping(s, n, "containers", "a mapping of container names to containers") ||
            nc_ynode_is_null(n))
                return 0;
        m->containers = calloc(n->n_pairs ? n->n_pairs : 1, sizeof(*m->containers));
        if (!m->containers)
                return -ENOMEM;
        for (size_t i = 0; i < n->n_pairs; i++) {
                r = read_container(s, &n->pairs[i], &m->containers[m->n_containers++]);
                if (r < 0)
                        return r;
        }
        return 0;
}

int nc_schema_read(const struct nc_ydoc *doc, struct nc_diags *d, struct nc_model *m) {
        struct schema s = { .d = d };
        const struct nc_ynode *root = doc->root, *n;
        char buf[64];
        int r;

        m->settings.ip_forward = true;
        if (nc_ynode_is_null(root)) {
                nc_diags_add(d, (struct nc_origin) {}, "", "the file is empty; it needs at least 'version: 1'");
                return 0;
        }
        if (root->kind != NC_YNODE_MAPPING) {
                report(&s, root, "", "expected a mapping with 'version: 1' at the top level, got %s", nc_ynode_got(root, buf));
                return 0;
        }
        r = check_keys(&s, root, root->at, "", &root_table);
        if (r < 0)
                return r;
        read_version(&s, root);
        if ((n = nc_ynode_get(root, "settings")) && (r = read_settings(&s, n, &m->settings)) < 0)
                return r;
        if ((n = nc_ynode_get(root, "bridges")) && (r = read_bridges(&s, n, m)) < 0)
                return r;
        if ((n = nc_ynode_get(root, "containers")) && (r = read_containers(&s, n, m)) < 0)
                return r;
        return 0;
}
