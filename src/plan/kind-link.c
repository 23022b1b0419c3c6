/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "netconverge/addr.h"
#include "plan/kinds.h"

/* Links: bridges, veth pairs (the host end with its container end) and a
 * container's lo. Their change is a.link. */

static const struct nc_link *subject(const struct nc_action *a) {
        return a->link.want ? a->link.want : a->link.have;
}

static const struct nc_link *subject_peer(const struct nc_action *a) {
        return a->link.want ? a->link.want_peer : a->link.have_peer;
}

static int compare(const struct nc_action *a, const struct nc_action *b) {
        return nc_kind_compare_str(subject(a)->name, subject(b)->name);
}

/* The order is the text line's. */
static size_t changed(const struct nc_action *a, struct nc_changed_field f[static NC_CHANGED_FIELDS_MAX]) {
        const struct nc_link_change *c = &a->link;
        bool veth = a->object == NC_OBJECT_VETH;
        struct nc_changed_field *x;
        size_t n = 0;

        if (a->diff & NC_DIFF_ADOPT)
                nc_field_add(f, &n, "adopt", "adopt", NC_FIELD_FLAG)->new.b = true;
        /* Ours-unfinished (an apply died before its alias was set): the
         * mark is completed, the link kept. */
        if (a->diff & NC_DIFF_LINK_MARK)
                nc_field_add(f, &n, "mark", veth ? "mark host end" : "mark", NC_FIELD_FLAG)->new.b = true;
        if (a->diff & NC_DIFF_PEER_MARK)
                nc_field_add(f, &n, "peer_mark", "mark container end", NC_FIELD_FLAG)->new.b = true;
        if (a->diff & NC_DIFF_MTU) {
                x = nc_field_add(f, &n, "mtu", "mtu ", NC_FIELD_INT);
                /* A veth's ends may differ; show the one that is off. */
                x->old.n = c->have_peer && c->have->mtu == c->want->mtu ? c->have_peer->mtu : c->have->mtu;
                x->new.n = c->want->mtu;
        }
        if (a->diff & NC_DIFF_MASTER) {
                x = nc_field_add(f, &n, "master", "master ", NC_FIELD_TEXT);
                nc_field_name(&x->old, c->have->master);
                nc_field_name(&x->new, c->want->master);
        }
        if (a->diff & NC_DIFF_MAC) {
                x = nc_field_add(f, &n, "mac", "mac ", NC_FIELD_TEXT);
                nc_mac_format(c->have_peer->mac, x->old.text);
                nc_mac_format(c->want_peer->mac, x->new.text);
        }
        if (a->diff & NC_DIFF_UP) {
                x = nc_field_add(f, &n, "up", veth ? "host end " : "", NC_FIELD_UP);
                x->old.b = c->have && c->have->up;
                x->new.b = true;
        }
        /* Only ever brought up: a ~ is made when it is down. */
        if (a->diff & NC_DIFF_PEER_UP)
                nc_field_add(f, &n, "peer_up", "container end ", NC_FIELD_UP)->new.b = true;
        /* Only ever turned on (state.h). */
        if (a->diff & NC_DIFF_HAIRPIN)
                nc_field_add(f, &n, "hairpin", "hairpin on", NC_FIELD_FLAG)->new.b = true;
        if (a->diff & NC_DIFF_PORT_ISOLATED) {
                /* At most 8 fields: a veth whose master changes has no
                 * hairpin or isolated change of its own (the new port gets
                 * both with its master). */
                x = nc_field_add(f, &n, "port_isolated", "port isolated ", NC_FIELD_TEXT);
                snprintf(x->old.text, sizeof(x->old.text), "%s", c->have->port_isolated ? "on" : "off");
                snprintf(x->new.text, sizeof(x->new.text), "%s", c->want->port_isolated ? "on" : "off");
        }
        return n;
}

/* "bridge docker0 (mtu 1500)"; JSON name, mtu. */
static void describe_bridge(const struct nc_action *a, struct nc_description *d) {
        const struct nc_link *l = subject(a);
        bool add = a->change == NC_CHANGE_ADD;

        nc_put_string(d, "name", "bridge ", l->name);
        if (a->link.want)
                nc_put_uint(d, "mtu", add ? " (mtu " : NULL, l->mtu);
        if (add)
                nc_put_string(d, NULL, ")", "");
        nc_put_changes(d, a, NULL);
        nc_put_netns_suffix(d, a->netns);
}

/* "veth vethX <-> eth0 in netns web, master docker0"; JSON name, peer,
 * peer_netns, master, mac, mtu. */
static void describe_veth(const struct nc_action *a, struct nc_description *d) {
        const struct nc_link *l = subject(a), *peer = subject_peer(a);

        nc_put_string(d, "name", "veth ", l->name);
        if (peer) {
                nc_put_string(d, "peer", " <-> ", peer->name);
                nc_put_string(d, "peer_netns", " in netns ", peer->netns);
        } else if (l->peer_netns && l->peer_netns[0]) {
                /* A host end whose other end was not observed: its
                 * kernel's word for it, in the text. */
                nc_put_string(d, NULL, " <-> ", l->peer_name);
                nc_put_string(d, NULL, " in netns ", l->peer_netns);
        }
        if (a->link.want) {
                nc_put_string(d, "master", a->change == NC_CHANGE_ADD ? ", master " : NULL, l->master);
                nc_put_mac(d, "mac", NULL, a->link.want_peer->mac);
                nc_put_uint(d, "mtu", NULL, l->mtu);
        }
        nc_put_changes(d, a, NULL);
        nc_put_netns_suffix(d, a->netns);
}

/* "vxlan vx-fleet0 (vni 42, port 4789, via eth1) master fleet0"; JSON
 * name, vni, port, underlay, local, mtu, master. */
static void describe_vxlan(const struct nc_action *a, struct nc_description *d) {
        const struct nc_link *l = subject(a);
        bool add = a->change == NC_CHANGE_ADD;

        nc_put_string(d, "name", "vxlan ", l->name);
        if (a->link.want) {
                nc_put_uint(d, "vni", add ? " (vni " : NULL, l->vxlan.vni);
                nc_put_uint(d, "port", add ? ", port " : NULL, l->vxlan.port);
                nc_put_string(d, "underlay", add ? ", via " : NULL, l->vxlan.dev);
                if (nc_ipv6_is_zero(&l->vxlan.local6))
                        nc_put_ipv4(d, "local", NULL, l->vxlan.local);
                else
                        nc_put_ipv6(d, "local", NULL, &l->vxlan.local6);
                nc_put_uint(d, "mtu", NULL, l->mtu);
                if (add)
                        nc_put_string(d, NULL, ")", "");
                nc_put_string(d, "master", add ? " master " : NULL, l->master);
        }
        nc_put_changes(d, a, NULL);
        nc_put_netns_suffix(d, a->netns);
}

/* "link lo in netns web: down -> up"; JSON name. */
static void describe_loopback(const struct nc_action *a, struct nc_description *d) {
        nc_put_string(d, "name", "link ", subject(a)->name);
        nc_put_netns_suffix(d, a->netns);
        nc_put_changes(d, a, NULL);
}

static size_t add_netns(const char *ns[static NC_ACTION_NETNS_MAX], size_t n, const char *netns) {
        if (netns && n < NC_ACTION_NETNS_MAX)
                ns[n++] = netns;
        return n;
}

static size_t namespaces(const struct nc_action *a, const char *ns[static NC_ACTION_NETNS_MAX]) {
        const struct nc_link_change *c = &a->link;
        size_t n = add_netns(ns, 0, a->netns);

        if (c->want_peer)
                n = add_netns(ns, n, c->want_peer->netns);
        if (c->have_peer)
                n = add_netns(ns, n, c->have_peer->netns);
        if (c->have) {
                n = add_netns(ns, n, c->have->owner_netns);
                n = add_netns(ns, n, c->have->netns);
        }
        return n;
}

/* Whose traffic goes through l: a bridge's containers (a VXLAN link's
 * bridge's, to the other hosts), a veth's own. */
static void users_of(const struct nc_link *l, struct nc_affected *x) {
        if (l->kind == NC_LINK_BRIDGE)
                nc_affected_bridge(x, l->name);
        else if (l->kind == NC_LINK_VXLAN && l->master[0])
                nc_affected_bridge(x, l->master);
        else if (l->owner_container)
                nc_affected_container(x, l->owner_container);
        else if (l->peer_netns)
                nc_affected_netns(x, l->peer_netns);
}

/* A link deleted (or deleted to be made again), its MTU lowered (larger
 * packets in flight are dropped), a host end moved to another bridge. */
static bool link_disrupts(const struct nc_action *a, struct nc_affected *x) {
        const struct nc_link_change *c = &a->link;
        bool lowered, moved;

        if (a->change == NC_CHANGE_REMOVE) {
                users_of(c->have, x);
                return true;
        }
        if (a->change != NC_CHANGE_MODIFY)
                return false;
        lowered = (a->diff & NC_DIFF_MTU) &&
                  (c->want->mtu < c->have->mtu || (c->have_peer && c->want_peer->mtu < c->have_peer->mtu));
        /* Put back on its bridge is a repair; taken to another, a move. */
        moved = (a->diff & NC_DIFF_MASTER) && c->have->master[0];
        if (!lowered && !moved)
                return false;
        users_of(c->have, x);
        return true;
}

const struct nc_kind nc_kind_bridge = {
        .name = "bridge",
        .compare = compare,
        .describe = describe_bridge,
        .changed = changed,
        .namespaces = namespaces,
        .updatable = NC_DIFF_MTU | NC_DIFF_UP | NC_DIFF_ADOPT | NC_DIFF_LINK_MARK,
        .disrupts = link_disrupts,
};

const struct nc_kind nc_kind_veth = {
        .name = "veth",
        .compare = compare,
        .describe = describe_veth,
        .changed = changed,
        .namespaces = namespaces,
        .updatable = NC_DIFF_MTU | NC_DIFF_UP | NC_DIFF_PEER_UP | NC_DIFF_MASTER | NC_DIFF_MAC | NC_DIFF_LINK_MARK |
                     NC_DIFF_PEER_MARK | NC_DIFF_HAIRPIN | NC_DIFF_PORT_ISOLATED,
        .disrupts = link_disrupts,
};

const struct nc_kind nc_kind_vxlan = {
        .name = "vxlan",
        .compare = compare,
        .describe = describe_vxlan,
        .changed = changed,
        .namespaces = namespaces,
        .updatable = NC_DIFF_MTU | NC_DIFF_UP | NC_DIFF_MASTER | NC_DIFF_LINK_MARK,
        .disrupts = link_disrupts,
};

const struct nc_kind nc_kind_loopback = {
        .name = "link",
        .compare = compare,
        .describe = describe_loopback,
        .changed = changed,
        .namespaces = namespaces,
        .updatable = NC_DIFF_UP,
};
