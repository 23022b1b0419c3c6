/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netconverge/addr.h"
#include "plan/internal.h"
#include "util/cleanup.h"
#include "util/strbuf.h"

/* The observed state is indexed once, for lowering (the addresses
 * containers hold) and for the diff. */
int nc_plan_compute(const struct nc_model *desired, const struct nc_state *observed, struct nc_plan **ret) {
        struct nc_plan *p = calloc(1, sizeof(*p));
        struct nc_state_index have = {};
        struct nc_netns_ids ids = {};
        int r;

        if (!p)
                return -ENOMEM;
        r = nc_netns_ids_init(&ids);
        if (r >= 0)
                r = nc_state_index_init(&have, observed, &ids);
        if (r >= 0)
                r = nc_plan_lower(desired, &have, &ids, p);
        if (r >= 0)
                r = nc_plan_diff(&have, &ids, p);
        nc_state_index_done(&have);
        nc_netns_ids_done(&ids);
        if (r < 0) {
                nc_plan_free(p);
                return r;
        }
        *ret = p;
        return 0;
}

struct nc_action *nc_plan_push(struct nc_plan *p, size_t *cap, enum nc_phase phase, enum nc_change change,
                               enum nc_object object, const char *netns) {
        struct nc_action *a;

        if (nc_grow(&p->actions, cap, p->n_actions + 1, sizeof(*p->actions)) < 0)
                return NULL;
        a = &p->actions[p->n_actions++];
        *a = (struct nc_action) { .phase = phase, .change = change, .object = object, .netns = netns };
        if (change == NC_CHANGE_ADD)
                p->n_add++;
        else if (change == NC_CHANGE_MODIFY)
                p->n_modify++;
        else
                p->n_remove++;
        return a;
}

int nc_plan_conflict(struct nc_plan *p, size_t *cap, const char *fmt, ...) {
        struct nc_strbuf b = {};
        va_list ap;

        if (nc_grow(&p->conflicts, cap, p->n_conflicts + 1, sizeof(*p->conflicts)) < 0)
                return -ENOMEM;
        va_start(ap, fmt);
        nc_strbuf_vprintf(&b, fmt, ap);
        va_end(ap);
        p->conflicts[p->n_conflicts] = nc_strbuf_steal(&b);
        if (!p->conflicts[p->n_conflicts])
                return -ENOMEM;
        p->n_conflicts++;
        return 0;
}

struct nc_plan *nc_plan_free(struct nc_plan *p) {
        if (!p)
                return NULL;
        nc_state_free(p->desired);
        for (size_t i = 0; i < p->n_conflicts; i++)
                free(p->conflicts[i]);
        free(p->conflicts);
        for (size_t i = 0; i < p->n_container_conflicts; i++)
                free(p->container_conflicts[i].message);
        free(p->container_conflicts);
        for (size_t i = 0; i < p->n_kept_rule_keys; i++)
                free(p->kept_rule_keys[i]);
        free(p->kept_rule_keys);
        free(p->actions);
        free(p->waiting);
        free(p);
        return NULL;
}

void nc_plan_freep(struct nc_plan **p) {
        *p = nc_plan_free(*p);
}

static const char *const change_table[_NC_CHANGE_MAX] = {
        [NC_CHANGE_ADD] = "add",
        [NC_CHANGE_MODIFY] = "modify",
        [NC_CHANGE_REMOVE] = "remove",
};

static const char *const object_table[_NC_OBJECT_MAX] = {
        [NC_OBJECT_NETNS] = "netns",
        [NC_OBJECT_BRIDGE] = "bridge",
        [NC_OBJECT_VETH] = "veth",
        [NC_OBJECT_LOOPBACK] = "link",
        [NC_OBJECT_ADDRESS] = "address",
        [NC_OBJECT_ROUTE] = "route",
        [NC_OBJECT_SYSCTL] = "sysctl",
        [NC_OBJECT_NFT_TABLE] = "nft-table",
        [NC_OBJECT_NFT_CHAIN] = "nft-chain",
        [NC_OBJECT_NFT_RULE] = "nft-rule",
        [NC_OBJECT_NFT_SET] = "nft-set",
        [NC_OBJECT_NFT_MAP] = "nft-map",
        [NC_OBJECT_NFT_FLOWTABLE] = "nft-flowtable",
        [NC_OBJECT_NFT_STATEFUL] = "nft-object",
};

const char *nc_change_to_string(enum nc_change c) {
        return (unsigned) c < _NC_CHANGE_MAX ? change_table[c] : NULL;
}

const char *nc_object_to_string(enum nc_object o) {
        return (unsigned) o < _NC_OBJECT_MAX ? object_table[o] : NULL;
}

static const char sign[_NC_CHANGE_MAX] = { [NC_CHANGE_ADD] = '+', [NC_CHANGE_MODIFY] = '~', [NC_CHANGE_REMOVE] = '-' };

/* Lines are built from appends, not printf: a plan of 10,000 containers
 * has 60,000 of them, and vsnprintf() twice a fragment was most of the
 * time printing it took. */
static void put(struct nc_strbuf *b, const char *s) {
        nc_strbuf_append(b, s);
}

static void put_uint(struct nc_strbuf *b, unsigned v) {
        char tmp[10];
        size_t n = sizeof(tmp);

        do {
                tmp[--n] = (char) ('0' + v % 10);
                v /= 10;
        } while (v);
        nc_strbuf_appendn(b, tmp + n, sizeof(tmp) - n);
}

static void put_int(struct nc_strbuf *b, int v) {
        if (v < 0) {
                put(b, "-");
                put_uint(b, 0u - (unsigned) v);
        } else {
                put_uint(b, (unsigned) v);
        }
}

static void put_ipv4(struct nc_strbuf *b, uint32_t a) {
        char ip[NC_IPV4_STRLEN];

        put(b, nc_ipv4_format(a, ip));
}

static void put_cidr(struct nc_strbuf *b, uint32_t a, unsigned prefixlen) {
        char cidr[NC_CIDR_STRLEN];

        put(b, nc_cidr_format(a, prefixlen, cidr));
}

static void append_netns(struct nc_strbuf *b, const char *netns) {
        if (netns[0]) {
                put(b, " in netns ");
                put(b, netns);
        }
}

static const char *updown(bool up) {
        return up ? "up" : "down";
}

static struct nc_changed_field *field(struct nc_changed_field *f, size_t *n, const char *key, const char *label,
                                      enum nc_field_type type) {
        struct nc_changed_field *x = &f[(*n)++];

        *x = (struct nc_changed_field) { .key = key, .label = label, .absent = "none", .type = type };
        return x;
}

static void field_name(struct nc_field_value *v, const char *name) {
        v->absent = !name[0];
        snprintf(v->text, sizeof(v->text), "%s", name);
}

static void field_ipv4(struct nc_field_value *v, uint32_t a) {
        char ip[NC_IPV4_STRLEN];

        v->absent = a == 0;
        snprintf(v->text, sizeof(v->text), "%s", nc_ipv4_format(a, ip));
}

/* The order is the text line's. */
static size_t link_fields(const struct nc_action *a, struct nc_changed_field *f) {
        struct nc_changed_field *x;
        size_t n = 0;

        if (a->diff & NC_DIFF_ADOPT) {
                x = field(f, &n, "adopt", "adopt", NC_FIELD_FLAG);
                x->new.b = true;
        }
        /* Ours-unfinished (an apply died before its alias was set): the
         * mark is completed, the link kept. */
        if (a->diff & NC_DIFF_LINK_MARK) {
                x = field(f, &n, "mark", a->object == NC_OBJECT_VETH ? "mark host end" : "mark", NC_FIELD_FLAG);
                x->new.b = true;
        }
        if (a->diff & NC_DIFF_PEER_MARK) {
                x = field(f, &n, "peer_mark", "mark container end", NC_FIELD_FLAG);
                x->new.b = true;
        }
        if (a->diff & NC_DIFF_MTU) {
                x = field(f, &n, "mtu", "mtu ", NC_FIELD_UINT);
                /* A veth's ends may differ; show the one that is off. */
                x->old.n = a->have_peer && a->have->mtu == a->want->mtu ? a->have_peer->mtu : a->have->mtu;
                x->new.n = a->want->mtu;
        }
        if (a->diff & NC_DIFF_MASTER) {
                x = field(f, &n, "master", "master ", NC_FIELD_TEXT);
                field_name(&x->old, a->have->master);
                field_name(&x->new, a->want->master);
        }
        if (a->diff & NC_DIFF_MAC) {
                x = field(f, &n, "mac", "mac ", NC_FIELD_TEXT);
                nc_mac_format(a->have_peer->mac, x->old.text);
                nc_mac_format(a->want_peer->mac, x->new.text);
        }
        if (a->diff & NC_DIFF_UP) {
                x = field(f, &n, "up", a->object == NC_OBJECT_VETH ? "host end " : "", NC_FIELD_UP);
                x->old.b = a->have && a->have->up;
                x->new.b = true;
        }
        if (a->diff & NC_DIFF_PEER_UP) {
                /* Only ever brought up: a ~ is made when it is down. */
                x = field(f, &n, "peer_up", "container end ", NC_FIELD_UP);
                x->new.b = true;
        }
        return n;
}

static size_t route_fields(const struct nc_action *a, struct nc_changed_field *f) {
        struct nc_changed_field *x;
        size_t n = 0;

        x = field(f, &n, "gateway", " via ", NC_FIELD_TEXT);
        field_ipv4(&x->old, a->have_route->gateway);
        field_ipv4(&x->new, a->want_route->gateway);
        if (strcmp(a->have_route->ifname, a->want_route->ifname) != 0) {
                x = field(f, &n, "dev", " dev ", NC_FIELD_TEXT);
                field_name(&x->old, a->have_route->ifname);
                field_name(&x->new, a->want_route->ifname);
        }
        return n;
}

size_t nc_action_changed_fields(const struct nc_action *a, struct nc_changed_field f[static NC_CHANGED_FIELDS_MAX]) {
        struct nc_changed_field *x;
        size_t n = 0;

        if (a->change != NC_CHANGE_MODIFY)
                return 0;
        switch (a->object) {
        case NC_OBJECT_BRIDGE:
        case NC_OBJECT_VETH:
                return link_fields(a, f);
        case NC_OBJECT_LOOPBACK:
                x = field(f, &n, "up", "", NC_FIELD_UP);
                x->old.b = a->have && a->have->up;
                x->new.b = true;
                return n;
        case NC_OBJECT_ROUTE:
                return route_fields(a, f);
        case NC_OBJECT_NFT_TABLE:
                /* The kernel keeps a table's userdata as it was made: the
                 * mark comes with a new table. */
                if (a->diff & NC_DIFF_MARK) {
                        x = field(f, &n, "marked", "mark as owned (made again, with its chains and rules)",
                                  NC_FIELD_FLAG);
                        x->new.b = true;
                }
                if (a->diff & NC_DIFF_DORMANT) {
                        x = field(f, &n, "dormant", "dormant -> active (its chains were off their hooks)",
                                  NC_FIELD_FLAG);
                        x->old.b = true;
                        x->new.b = false;
                }
                return n;
        case NC_OBJECT_SYSCTL:
                x = field(f, &n, "value", "", NC_FIELD_INT);
                x->absent = "unknown";
                x->old.absent = a->have_value < 0;
                x->old.n = a->have_value;
                x->new.n = a->want_value;
                return n;
        default:
                return 0;
        }
}

static void put_field_value(struct nc_strbuf *b, const struct nc_changed_field *x, const struct nc_field_value *v) {
        char num[24];

        if (v->absent) {
                put(b, x->absent);
                return;
        }
        switch (x->type) {
        case NC_FIELD_UP:
                put(b, updown(v->b));
                break;
        case NC_FIELD_UINT:
        case NC_FIELD_INT:
                snprintf(num, sizeof(num), "%lld", v->n);
                put(b, num);
                break;
        case NC_FIELD_TEXT:
                put(b, v->text);
                break;
        default:
                break;
        }
}

/* "LABEL OLD -> NEW", or the label alone for a flag. */
static void put_field(struct nc_strbuf *b, const struct nc_changed_field *x) {
        put(b, x->label);
        if (x->type == NC_FIELD_FLAG)
                return;
        put_field_value(b, x, &x->old);
        put(b, " -> ");
        put_field_value(b, x, &x->new);
}

/* ": FIELD OLD -> NEW, ..." for a ~ of any kind. */
static void format_changes(struct nc_strbuf *b, const struct nc_action *a) {
        struct nc_changed_field f[NC_CHANGED_FIELDS_MAX];
        size_t n = nc_action_changed_fields(a, f);

        for (size_t i = 0; i < n; i++) {
                put(b, i == 0 ? ": " : ", ");
                put_field(b, &f[i]);
        }
}

static void format_peer(struct nc_strbuf *b, const char *name, const char *netns) {
        put(b, " <-> ");
        put(b, name);
        put(b, " in netns ");
        put(b, netns);
}

static void format_veth(struct nc_strbuf *b, const struct nc_link *host, const struct nc_link *peer) {
        put(b, "veth ");
        put(b, host->name);
        if (peer)
                format_peer(b, peer->name, peer->netns);
        else if (host->peer_netns && host->peer_netns[0])
                format_peer(b, host->peer_name, host->peer_netns);
}

static void format_route(struct nc_strbuf *b, const struct nc_route *r, bool with_dev) {
        if (r->dst_len == 0) {
                put(b, "route default");
        } else {
                put(b, "route ");
                put_cidr(b, r->dst, r->dst_len);
        }
        if (r->gateway) {
                put(b, " via ");
                put_ipv4(b, r->gateway);
        }
        if (with_dev) {
                put(b, " dev ");
                put(b, r->ifname);
        }
}

static void format_nat_chain(struct nc_strbuf *b, const struct nc_nft_rule *r) {
        put(b, "nat ");
        put(b, r->chain);
        put(b, ": ");
}

/* What a rule does, in the words of SPEC section 5:
 * "nat masquerade 172.17.0.0/16 out !docker0",
 * "nat publish tcp 0.0.0.0:8080 -> 172.17.0.2:80". */
void nc_rule_describe(struct nc_strbuf *b, const struct nc_nft_rule *r) {
        /* Without our key it is not ours, whatever it looks like. */
        if (!r->key) {
                put(b, "nft rule in chain ");
                put(b, r->chain);
                put(b, ", not made by netconverge");
                return;
        }
        switch (r->kind) {
        case NC_RULE_MASQUERADE:
                put(b, "nat masquerade ");
                put_cidr(b, r->saddr, r->saddr_len);
                put(b, " out !");
                put(b, r->oifname);
                break;
        case NC_RULE_DNAT:
                put(b, "nat publish ");
                put(b, nc_proto_to_string(r->proto));
                put(b, " ");
                put_ipv4(b, r->daddr);
                put(b, ":");
                put_uint(b, r->dport);
                put(b, " -> ");
                put_ipv4(b, r->to_addr);
                put(b, ":");
                put_uint(b, r->to_port);
                break;
        case NC_RULE_JUMP:
                format_nat_chain(b, r);
                put(b, "local addresses");
                put(b, r->not_loopback ? " but 127.0.0.0/8" : "");
                put(b, " jump to ");
                put(b, r->target);
                break;
        case NC_RULE_RETURN:
                format_nat_chain(b, r);
                put(b, "return traffic from ");
                put(b, r->iifname);
                break;
        case NC_RULE_DROP:
                put(b, "filter isolate ");
                put(b, r->iifname);
                put(b, " -> ");
                put(b, r->oifname);
                break;
        default:
                put(b, "nft rule \"");
                put(b, r->key);
                put(b, "\" in chain ");
                put(b, r->chain);
                put(b, ", not one netconverge makes");
                break;
        }
}

static void format_chain(struct nc_strbuf *b, const struct nc_nft_chain *c) {
        put(b, "nft chain ");
        put(b, c->name);
        if (c->hook != NC_HOOK_NONE) {
                put(b, " (");
                put(b, c->type ? c->type : "?");
                put(b, ", hook ");
                /* A hook we have no name for (inet's ingress) as the
                 * kernel's number, as the snapshot writes it. */
                if (nc_nft_hook_to_string(c->hook))
                        put(b, nc_nft_hook_to_string(c->hook));
                else
                        put_int(b, (int) c->hook);
                put(b, ", priority ");
                put_int(b, c->priority);
                put(b, ")");
        }
}

static void format_sysctl(struct nc_strbuf *b, const struct nc_action *a) {
        struct nc_changed_field f[NC_CHANGED_FIELDS_MAX];

        put(b, "sysctl net.ipv4.ip_forward: ");
        if (nc_action_changed_fields(a, f) == 1)
                put_field(b, &f[0]);
}

/* "route default in netns web: via A[ dev X] -> via B[ dev Y]": the
 * fields grouped by side. */
static void format_route_side(struct nc_strbuf *b, const struct nc_changed_field *f, size_t n, bool new) {
        for (size_t i = 0; i < n; i++) {
                put(b, f[i].label);
                put_field_value(b, &f[i], new ? &f[i].new : &f[i].old);
        }
}

static void format_route_change(struct nc_strbuf *b, const struct nc_action *a) {
        struct nc_changed_field f[NC_CHANGED_FIELDS_MAX];
        size_t n = nc_action_changed_fields(a, f);
        struct nc_route head = *a->want_route;

        head.gateway = 0;
        format_route(b, &head, false);
        append_netns(b, a->netns);
        put(b, ":");
        format_route_side(b, f, n, false);
        put(b, " ->");
        format_route_side(b, f, n, true);
}

static void format_link(struct nc_strbuf *b, const struct nc_action *a) {
        const struct nc_link *l = a->want ? a->want : a->have;

        if (a->object == NC_OBJECT_BRIDGE) {
                put(b, "bridge ");
                put(b, l->name);
        } else {
                format_veth(b, l, a->want ? a->want_peer : a->have_peer);
        }
        if (a->change == NC_CHANGE_ADD && a->object == NC_OBJECT_BRIDGE) {
                put(b, " (mtu ");
                put_uint(b, l->mtu);
                put(b, ")");
        } else if (a->change == NC_CHANGE_ADD) {
                put(b, ", master ");
                put(b, l->master);
        } else if (a->change == NC_CHANGE_MODIFY) {
                format_changes(b, a);
        }
}

/* The nftables objects: no namespace follows (they are the host's). */
static void format_nft(struct nc_strbuf *b, const struct nc_action *a) {
        switch (a->object) {
        case NC_OBJECT_NFT_TABLE:
                put(b, "nft table inet ");
                put(b, a->table);
                format_changes(b, a);
                break;
        case NC_OBJECT_NFT_CHAIN:
                format_chain(b, a->want_chain ? a->want_chain : a->have_chain);
                break;
        case NC_OBJECT_NFT_RULE:
                nc_rule_describe(b, a->want_rule ? a->want_rule : a->have_rule);
                if (a->change == NC_CHANGE_MODIFY) {
                        put(b, " (was: ");
                        nc_rule_describe(b, a->have_rule);
                        put(b, ")");
                }
                break;
        default:                /* set, map, flowtable, stateful object: only observed ones (have_object) */
                put(b, "nft ");
                put(b, nc_nft_object_kind_to_string(a->have_object->kind));
                put(b, " ");
                put(b, a->have_object->name);
                break;
        }
}

void nc_action_describe(struct nc_strbuf *b, const struct nc_action *a) {
        const struct nc_address *x;
        char head[2] = { sign[a->change], '\0' };

        put(b, head);
        put(b, " ");
        switch (a->object) {
        case NC_OBJECT_NETNS:
                put(b, "netns ");
                put(b, a->netns);
                return;
        case NC_OBJECT_BRIDGE:
        case NC_OBJECT_VETH:
                format_link(b, a);
                break;
        case NC_OBJECT_LOOPBACK:
                put(b, "link lo");
                append_netns(b, a->netns);
                format_changes(b, a);
                return;
        case NC_OBJECT_ADDRESS:
                x = a->want_address ? a->want_address : a->have_address;
                put(b, "address ");
                put_cidr(b, x->address, x->prefixlen);
                put(b, " on ");
                put(b, x->ifname);
                break;
        case NC_OBJECT_ROUTE:
                if (a->change == NC_CHANGE_MODIFY) {
                        format_route_change(b, a);
                        return;
                }
                format_route(b, a->want_route ? a->want_route : a->have_route, a->change == NC_CHANGE_REMOVE &&
                                                                                  a->have_route->dst_len != 0);
                break;
        case NC_OBJECT_NFT_TABLE:
        case NC_OBJECT_NFT_CHAIN:
        case NC_OBJECT_NFT_SET:
        case NC_OBJECT_NFT_MAP:
        case NC_OBJECT_NFT_FLOWTABLE:
        case NC_OBJECT_NFT_STATEFUL:
        case NC_OBJECT_NFT_RULE:
                format_nft(b, a);
                return;
        case NC_OBJECT_SYSCTL:
                format_sysctl(b, a);
                return;
        default:
                break;
        }
        append_netns(b, a->netns);
}

char *nc_action_format(const struct nc_action *a) {
        struct nc_strbuf b = {};

        nc_action_describe(&b, a);
        return nc_strbuf_steal(&b);
}
