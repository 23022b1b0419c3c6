/* SPDX-License-Identifier: MIT */
/* render-dot FILE: the dot graph `show -o dot` would print for a host
 * converged to FILE, without root: the file's desired model (loaded,
 * defaulted, allocated) through the same renderer. render-dot --hostile:
 * a model with names no file can hold but a kernel can (quotes,
 * backslashes, control characters, bytes that are not UTF-8), to check the
 * escaping. Used by test-dot.sh and to make docs/docker0.svg. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netconverge/config.h"
#include "netconverge/output.h"
#include "netconverge/show.h"
#include "util/cleanup.h"

static struct nc_model *hostile_model(void) {
        struct nc_model *m = nc_model_new();
        struct nc_container *c;
        struct nc_attachment *a;

        if (!m)
                return NULL;
        m->settings.table = strdup("t\"able");
        m->bridges = calloc(3, sizeof(*m->bridges));
        m->containers = c = calloc(1, sizeof(*m->containers));
        if (!m->settings.table || !m->bridges || !c)
                return nc_model_free(m);
        m->n_bridges = 3;
        m->bridges[0] = (struct nc_bridge) { .name = strdup("br\"\\N"), .subnet = 0x0a000000, .prefixlen = 24,
                                              .gateway = 0x0a000001, .mtu = 1500, .masquerade = true, .isolated = true };
        /* Two names that read the same once their bytes are replaced: still two bridges. */
        m->bridges[1] = (struct nc_bridge) { .name = strdup("br\xfe\xff\x01"), .subnet = 0x0a000100, .prefixlen = 24,
                                              .gateway = 0x0a000101, .mtu = 1500, .isolated = true };
        m->bridges[2] = (struct nc_bridge) { .name = strdup("br\xff\xfe\x01"), .subnet = 0x0a000200, .prefixlen = 24,
                                              .gateway = 0x0a000201, .mtu = 1500, .isolated = true };
        m->n_containers = 1;
        c->name = strdup("we\nb\xc3\x28");
        c->netns = strdup("/proc/1/ns/net\\\"}");
        c->networks = a = calloc(1, sizeof(*c->networks));
        c->ports = calloc(1, sizeof(*c->ports));
        if (!m->bridges[0].name || !m->bridges[1].name || !m->bridges[2].name || !c->name || !c->netns || !a || !c->ports)
                return nc_model_free(m);
        c->n_networks = 1;
        a->bridge = strdup(m->bridges[0].name);
        a->address = 0x0a000002;
        memcpy(a->mac, "\x02\x42\x0a\x00\x00\x02", 6);
        strcpy(a->interface, "\xc3\xbc\"0");   /* valid UTF-8 (u with umlaut) kept */
        strcpy(a->host_interface, "v\\\xed\xa0\x80");  /* an encoded surrogate: not UTF-8 */
        c->n_ports = 1;
        c->ports[0] = (struct nc_port) { .host_port = 8080, .host_port_end = 8080, .target = 80, .target_end = 80 };
        if (!a->bridge)
                return nc_model_free(m);
        return m;
}

int main(int argc, char **argv) {
        _cleanup_(nc_model_freep) struct nc_model *m = NULL;
        struct nc_diags d = {};
        struct nc_show sh = {};
        int r;

        if (argc != 2) {
                fprintf(stderr, "usage: render-dot FILE|--hostile\n");
                return 1;
        }
        if (strcmp(argv[1], "--hostile") == 0)
                m = hostile_model();
        else if (nc_config_load_file(argv[1], &d, &m) < 0) {
                nc_print_diags_text(&d, stderr);
                nc_diags_done(&d);
                return 1;
        }
        nc_diags_done(&d);
        if (!m) {
                fprintf(stderr, "render-dot: out of memory\n");
                return 1;
        }
        sh.model = m;
        if (strcmp(argv[1], "--hostile") == 0) {
                static char note[] = "left out: \"quoted\" \\ and \xff\n";
                static char *notes[] = { note };

                sh.notes = notes;
                sh.n_notes = 1;
        }
        r = nc_show_print_dot(&sh, stdout);
        return r < 0 ? 1 : 0;
}
