/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE     /* memmem() */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netconverge/output.h"
#include "netconverge/snapshot.h"
#include "snapshot/reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Differential target for the two snapshot readers (src/snapshot/read.c
 * and lines.c, split into snap_read_fast() and snap_read_generic()).
 *
 * The fast line reader only has to read what nc_snapshot_write() writes;
 * for anything else it may decline (0) and the generic reader decides. So
 * the allowed disagreement has one direction only:
 *
 *   fast declines, generic accepts or rejects   fine: the fallback's job
 *   fast accepts,  generic rejects              FINDING: the fast path lets
 *                                               through a file the reader
 *                                               of record refuses
 *   both accept, different states               FINDING
 *
 * States are compared through the writer's bytes (the writer writes every
 * field the planner reads, sorted). And the writer's output of whatever
 * the generic reader accepted must be read back to the same bytes by the
 * generic reader, and by the fast path (that is the file it exists for)
 * unless it holds UTF-8, which lines.c leaves to libyaml by design:
 * write(read(write(x))) == write(x), as snapshot.h promises. Any finding
 * aborts, so libFuzzer saves the input. */

static char *write_state(const struct nc_state *s, size_t *ret_len) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);

        if (!f)
                return NULL;
        if (nc_snapshot_write(s, f) < 0) {
                fclose(f);
                free(buf);
                return NULL;
        }
        if (fclose(f) != 0) {
                free(buf);
                return NULL;
        }
        *ret_len = len;
        return buf;
}

static bool ascii(const char *s, size_t len) {
        for (size_t i = 0; i < len; i++)
                if ((unsigned char) s[i] >= 0x80)
                        return false;
        return true;
}

static bool left_to_libyaml(const char *s, size_t len) {
        static const char *const keys[] = { "\n  dormant:", "\n  owner:", "\n  objects:" };

        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
                if (memmem(s, len, keys[i], strlen(keys[i])))
                        return true;
        return false;
}

static void finding(const char *what, const char *a, size_t alen, const char *b, size_t blen) {
        fprintf(stderr, "fuzz-snapshot: %s\n--- first ---\n%.*s\n--- second ---\n%.*s\n", what, (int) alen,
                a ? a : "", (int) blen, b ? b : "");
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *buf = (const char *) data;
        struct nc_state *fast = NULL, *generic = NULL, *again = NULL;
        char *wf = NULL, *wg = NULL, *wa = NULL;
        size_t lf = 0, lg = 0, la = 0;
        struct nc_diags d;
        int rf, rg, ra;

        if (nc_diags_init(&d, "fuzz.snap") < 0)
                return 0;
        rf = snap_read_fast(buf, size, &fast);
        rg = snap_read_generic(buf, size, &d, &generic);
        /* Out of memory says nothing about the input. */
        if (rf == -ENOMEM || rg == -ENOMEM)
                goto done;
        if (rf < 0)
                finding("the fast reader failed with an error other than -ENOMEM", buf, size, NULL, 0);
        if (rf > 0 && rg < 0) {
                char *why = NULL;
                size_t wl = 0;
                FILE *f = open_memstream(&why, &wl);

                if (f) {
                        nc_print_diags_text(&d, f);
                        fclose(f);
                }
                finding("the fast reader accepted a file the generic reader rejects", buf, size, why, wl);
        }
        if (rg < 0)
                goto done;
        wg = write_state(generic, &lg);
        if (!wg)
                goto done;
        if (rf > 0) {
                wf = write_state(fast, &lf);
                if (!wf)
                        goto done;
                if (lf != lg || memcmp(wf, wg, lf) != 0)
                        finding("the two readers read different states (fast, generic)", wf, lf, wg, lg);
        }
        /* The writer's own output, by the generic reader... */
        nc_diags_done(&d);
        if (nc_diags_init(&d, "fuzz.snap") < 0)
                goto done;
        ra = snap_read_generic(wg, lg, &d, &again);
        if (ra == -ENOMEM)
                goto done;
        if (ra < 0)
                finding("the generic reader rejected the writer's output", wg, lg, NULL, 0);
        wa = write_state(again, &la);
        if (wa && (la != lg || memcmp(wa, wg, la) != 0))
                finding("write(generic(write(x))) != write(x)", wg, lg, wa, la);
        nc_state_free(again);
        again = NULL;
        free(wa);
        wa = NULL;
        /* ...and by the fast path, whose file it is (ASCII: see above),
         * unless it holds what the fast path leaves to libyaml on purpose
         * (src/snapshot/lines.c: a dormant or owned table, the table's
         * foreign objects; all rare). */
        if (!ascii(wg, lg) || left_to_libyaml(wg, lg))
                goto done;
        ra = snap_read_fast(wg, lg, &again);
        if (ra == -ENOMEM)
                goto done;
        if (ra <= 0)
                finding("the fast reader declined the writer's output", wg, lg, NULL, 0);
        wa = write_state(again, &la);
        if (wa && (la != lg || memcmp(wa, wg, la) != 0))
                finding("write(fast(write(x))) != write(x)", wg, lg, wa, la);
done:
        free(wa);
        free(wg);
        free(wf);
        nc_state_free(again);
        nc_state_free(generic);
        nc_state_free(fast);
        nc_diags_done(&d);
        return 0;
}
