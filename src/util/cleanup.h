/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdlib.h>
#include <stdio.h>
#include <unistd.h>

/* Scope-bound ownership, after systemd: a local marked _cleanup_(f) is
 * released on every return path; TAKE_PTR() hands it off explicitly. */
#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(nc_freep)
#define _cleanup_fclose_ _cleanup_(nc_fclosep)
#define _cleanup_close_ _cleanup_(nc_closep)

#define TAKE_PTR(p)                                  \
        ({                                           \
                __typeof__(p) *_pp = &(p);           \
                __typeof__(p) _p = *_pp;             \
                *_pp = NULL;                         \
                _p;                                  \
        })

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

static inline void nc_freep(void *p) {
        free(*(void **) p);
}

static inline void nc_fclosep(FILE **f) {
        if (*f)
                fclose(*f);
}

/* A file descriptor; -1 means none (so a moved-out fd is set to -1). */
static inline void nc_closep(int *fd) {
        if (*fd >= 0)
                close(*fd);
}
