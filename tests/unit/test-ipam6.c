/* SPDX-License-Identifier: MIT */
/* Filled in by the IPv6 IPAM commit. */
int main(void) {
        return 0;
}
