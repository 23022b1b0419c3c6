/* SPDX-License-Identifier: MIT */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "netconverge/netconverge.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The whole front end on arbitrary bytes: YAML, schema, validation, IPAM,
 * and the printers, which must cope with whatever got through. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct nc_model *m = NULL;
        struct nc_diags d;
        FILE *null;

        if (nc_diags_init(&d, "fuzz.yaml") < 0)
                return 0;
        null = fopen("/dev/null", "we");
        if (nc_config_load_buffer((const char *) data, size, &d, &m) >= 0) {
                if (null) {
                        nc_print_model_text(m, null);
                        nc_print_model_json(m, NULL, null);
                }
        } else if (null) {
                nc_print_diags_text(&d, null);
                nc_print_diags_json(&d, NULL, null);
        }
        if (null)
                fclose(null);
        nc_model_free(m);
        nc_diags_done(&d);
        return 0;
}
