/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "util/misspell.h"

/* Words longer than this are not typos of our short key names; it also
 * bounds the work and the stack below. */
#define MAX_WORD 64

unsigned nc_edit_distance(const char *a, const char *b) {
        size_t la = strlen(a), lb = strlen(b);
        unsigned d[MAX_WORD + 1][MAX_WORD + 1];

        if (la > MAX_WORD || lb > MAX_WORD)
                return MAX_WORD;

        for (size_t i = 0; i <= la; i++)
                d[i][0] = (unsigned) i;
        for (size_t j = 0; j <= lb; j++)
                d[0][j] = (unsigned) j;

        for (size_t i = 1; i <= la; i++)
                for (size_t j = 1; j <= lb; j++) {
                        unsigned cost = tolower((unsigned char) a[i - 1]) != tolower((unsigned char) b[j - 1]);
                        unsigned v = d[i - 1][j] + 1;

                        if (d[i][j - 1] + 1 < v)
                                v = d[i][j - 1] + 1;
                        if (d[i - 1][j - 1] + cost < v)
                                v = d[i - 1][j - 1] + cost;
                        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                            d[i - 2][j - 2] + 1 < v)
                                v = d[i - 2][j - 2] + 1;
                        d[i][j] = v;
                }
        return d[la][lb];
}

const char *nc_did_you_mean(const char *word, const char *const *candidates, size_t n) {
        const char *best = NULL;
        unsigned best_d = 0;
        /* A third of the word, at least one: "subent" -> subnet, but "foo"
         * suggests nothing. */
        unsigned limit = (unsigned) strlen(word) / 3;

        if (limit < 1)
                limit = 1;
        /* An abbreviation ("proto", "iface") is as good a hint as a typo. */
        if (strlen(word) >= 3)
                for (size_t i = 0; i < n; i++)
                        if (strncasecmp(candidates[i], word, strlen(word)) == 0 && strlen(candidates[i]) > strlen(word))
                                return candidates[i];
        for (size_t i = 0; i < n; i++) {
                unsigned d = nc_edit_distance(word, candidates[i]);

                if (d <= limit && (!best || d < best_d)) {
                        best = candidates[i];
                        best_d = d;
                }
        }
        return best;
}
