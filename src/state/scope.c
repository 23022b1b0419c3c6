/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netconverge/scope.h"
#include "util/sort.h"
#include "util/strbuf.h"

/* The scope of a scoped observation: sets of namespaces, host links and
 * ifindexes (plain data, no I/O). */

void nc_observe_scope_done(struct nc_observe_scope *scope) {
        for (size_t i = 0; i < scope->n_netns; i++)
                free(scope->netns[i]);
        free(scope->netns);
        for (size_t i = 0; i < scope->n_host_links; i++)
                free(scope->host_links[i]);
        free(scope->host_links);
        free(scope->host_ifindexes);
        *scope = (struct nc_observe_scope) {};
}

/* A copy of s at the end of v. */
static int append_copy(char ***v, size_t *n, size_t *cap, const char *s) {
        char *copy;

        if (nc_grow(v, cap, *n + 1, sizeof(**v)) < 0)
                return -ENOMEM;
        copy = strdup(s);
        if (!copy)
                return -ENOMEM;
        (*v)[(*n)++] = copy;
        return 0;
}

int nc_observe_scope_add_netns(struct nc_observe_scope *scope, const char *netns) {
        if (!netns)
                return 0;
        if (!netns[0]) {
                /* The host: its addresses and routes (links come by name). */
                scope->host_some = true;
                return 0;
        }
        return append_copy(&scope->netns, &scope->n_netns, &scope->cap_netns, netns);
}

int nc_observe_scope_add_host_link(struct nc_observe_scope *scope, int ifindex, const char *name) {
        scope->host_some = true;
        if (ifindex > 0) {
                if (nc_grow(&scope->host_ifindexes, &scope->cap_host_ifindexes, scope->n_host_ifindexes + 1,
                            sizeof(*scope->host_ifindexes)) < 0)
                        return -ENOMEM;
                scope->host_ifindexes[scope->n_host_ifindexes++] = ifindex;
        }
        if (!name || !name[0])
                return 0;
        return append_copy(&scope->host_links, &scope->n_host_links, &scope->cap_host_links, name);
}

static size_t sort_unique_strings(char **v, size_t n) {
        size_t k = 0;

        if (n > 1)
                qsort(v, n, sizeof(*v), nc_strptr_compare);
        for (size_t i = 0; i < n; i++) {
                if (k > 0 && strcmp(v[k - 1], v[i]) == 0)
                        free(v[i]);
                else
                        v[k++] = v[i];
        }
        return k;
}

static int int_compare(const void *a, const void *b) {
        int x = *(const int *) a, y = *(const int *) b;

        return (x > y) - (x < y);
}

void nc_observe_scope_sort(struct nc_observe_scope *scope) {
        size_t k = 0;

        scope->n_netns = sort_unique_strings(scope->netns, scope->n_netns);
        scope->n_host_links = sort_unique_strings(scope->host_links, scope->n_host_links);
        if (scope->n_host_ifindexes > 1)
                qsort(scope->host_ifindexes, scope->n_host_ifindexes, sizeof(int), int_compare);
        for (size_t i = 0; i < scope->n_host_ifindexes; i++)
                if (k == 0 || scope->host_ifindexes[k - 1] != scope->host_ifindexes[i])
                        scope->host_ifindexes[k++] = scope->host_ifindexes[i];
        scope->n_host_ifindexes = k;
}

bool nc_observe_scope_has_netns(const struct nc_observe_scope *scope, const char *netns) {
        return scope->n_netns > 0 &&
               bsearch(&netns, scope->netns, scope->n_netns, sizeof(*scope->netns), nc_strptr_compare) != NULL;
}
