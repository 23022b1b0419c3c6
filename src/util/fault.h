/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>

/* Crash injection, for tests only (docs/crash-safety.md, "Crash-injection
 * sweep"). Every request of an apply that changes the kernel passes one
 * hook, NC_FAULT_REQUEST, which counts it; the K-th can be made the last
 * thing the process does (kill:K: SIGKILL right after the kernel answered
 * it), or be left unsent and taken as acknowledged (skip:K), to prove
 * that the next apply repairs every interrupted one and that verification
 * catches every change that did not happen.
 *
 * Requests that only read (GETLINK, dumps) are not counted: stopping
 * after one is the same as stopping after the change before it, and
 * skipping one would make up an answer.
 *
 * The hooks are compiled in only with -DNC_FAULT=ON (NC_FAULT_HOOKS), and
 * even then only the netconverge-fault binary reads the NC_FAULT
 * environment variable (NC_FAULT_ENV); the installed netconverge never
 * does, whatever the tree it was built in. */

enum nc_fault_mode {
        NC_FAULT_OFF,
        NC_FAULT_COUNT,                 /* count only: "nc-fault: N requests" at exit */
        NC_FAULT_KILL,                  /* SIGKILL after the K-th request's answer */
        NC_FAULT_SKIP,                  /* the K-th request is not sent; taken as acked */
};

/* One per run, passed down through nc_apply_opts and the applier. */
struct nc_fault {
        enum nc_fault_mode mode;
        unsigned long k;                /* 1-based */
        unsigned long n;                /* requests counted so far */
};

/* "count", "kill:K" or "skip:K" (K >= 1); NULL or "" is off. -EINVAL. */
int nc_fault_parse(const char *spec, struct nc_fault *ret);

/* Counts a request about to be made; true when it is to be skipped. f may
 * be NULL (no injection). */
bool nc_fault_skip(struct nc_fault *f);
/* After the request's answer r: kills the process when it was the K-th of
 * kill:K. Returns r. */
int nc_fault_done(struct nc_fault *f, int r);

/* The one hook at every choke point: CALL is the request, an int
 * expression (0 or more when acknowledged). Skipped, it is not evaluated
 * and gives 0. */
#ifdef NC_FAULT_HOOKS
#define NC_FAULT_REQUEST(f, call) (nc_fault_skip(f) ? 0 : nc_fault_done((f), (call)))
#else
#define NC_FAULT_REQUEST(f, call) ((void) (f), (call))
#endif
