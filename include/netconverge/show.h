/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>
#include <stdio.h>

#include "netconverge/model.h"
#include "netconverge/state.h"

/* `show`: the managed part of an observed state read back as the file that
 * describes it, from the ownership marks alone (state.h): owned bridges
 * with the subnet and gateway of their IPv4 address, and containers from
 * the owned host veth ends and their container ends.
 *
 * What the kernel holds but a valid file cannot say (an owned bridge with
 * no address, a host end whose container end is not found, two
 * containers of one name in two namespaces...) is left out of the model
 * and described in a note, so that the printed file always validates.
 *
 * From the owned nftables table: the table name, masquerade (a masquerade
 * rule for the bridge), isolated (drops to and from every other bridge)
 * and ports (DNAT rules, matched to containers by target address). */

struct nc_show {
        struct nc_model *model;         /* sorted; every address and MAC explicit */
        char **notes;                   /* "left out: ...", in link order */
        size_t n_notes;
};

/* s must be sorted (nc_state_sort()). Returns 0 or -ENOMEM. */
int nc_show_build(const struct nc_state *s, struct nc_show **ret);
struct nc_show *nc_show_free(struct nc_show *sh);
void nc_show_freep(struct nc_show **sh);

/* The model as a configuration file (version 1), the notes as comments
 * at the top. Returns 0, or -EIO when the stream failed. */
int nc_show_print_config(const struct nc_show *sh, FILE *f);

/* The model as a Graphviz digraph (`show -o dot`, output/dot.c): bridges
 * with subnet, gateway and MTU; each container's namespace with its
 * interfaces (address, MAC) joined to their bridges by the veths; published
 * ports (host ip:port/proto -> container address:port); masquerade to the
 * outside; dashed red edges between isolated bridges; the notes. Sorted
 * like the model, every name escaped for dot (no byte copied raw that is
 * not UTF-8). Returns 0, or -EIO when the stream failed. */
int nc_show_print_dot(const struct nc_show *sh, FILE *f);
