/* SPDX-License-Identifier: MIT */
#pragma once

#include "netconverge/addr.h"
#include "netconverge/config.h"
#include "netconverge/diag.h"
#include "netconverge/ipam.h"
#include "netconverge/model.h"
#include "netconverge/names.h"
#include "netconverge/output.h"

enum nc_output_format {
        NC_OUTPUT_TEXT,
        NC_OUTPUT_JSON,
        NC_OUTPUT_DOT,          /* show only: a Graphviz graph */
        _NC_OUTPUT_MAX,
};

enum nc_log_level {
        NC_LOG_QUIET,
        NC_LOG_NORMAL,
        NC_LOG_VERBOSE,
};

struct nc_run;

/* What every command gets: the global options, and the run they report
 * to (cli/report.c: its errors, and whether its one JSON document is
 * out). No globals elsewhere. */
struct nc_ctx {
        const char *netns;              /* -n NETNS, or NULL for the current one */
        enum nc_output_format format;   /* -o */
        enum nc_log_level log_level;    /* -v / -q */
        struct nc_run *run;             /* NULL outside the command line */
};
