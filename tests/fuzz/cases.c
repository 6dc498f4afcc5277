/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The cases a seed generates, on the host (tests/guests/nvmxfuzz_gen.c, the
 * payload's own generator): "I S MUTATIONS", one line per case, as the
 * payload prints them. tests/system/fuzz.sh uses it to name a case that
 * stopped a run before it could print its line.
 *
 *   cases SEED FIRST COUNT [MAXPHYADDR]
 */
#include <stdio.h>
#include <stdlib.h>

#include "tests/guests/nvmxfuzz.h"

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: %s SEED FIRST COUNT [MAXPHYADDR]\n", argv[0]);
		return 2;
	}
	uint64_t seed = strtoull(argv[1], NULL, 0);
	uint64_t first = strtoull(argv[2], NULL, 0);
	uint64_t count = strtoull(argv[3], NULL, 0);

	fz_maxphy = argc > 4 ? (unsigned)strtoul(argv[4], NULL, 0) : 40;
	for (uint64_t i = first; i < first + count; i++) {
		struct fz_case c;
		char buf[512];

		fz_generate(seed, i, &c);
		fz_format(&c, buf, sizeof(buf));
		printf("%llu %llu %s\n", (unsigned long long)i,
		       (unsigned long long)seed, buf);
	}
	return 0;
}
