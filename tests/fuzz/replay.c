/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * Replays fuzz corpus files through a target's LLVMFuzzerTestOneInput, each
 * as an exact-size heap copy so that AddressSanitizer sees any over-read
 * (as c-ares test/ares-fuzz.c does).  Usage: replay-X FILE...
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	main(int, char **);

int
main(int argc, char **argv)
{
	int	 i;

	for (i = 1; i < argc; i++) {
		FILE	*f;
		uint8_t	*buf, *copy;
		size_t	 len = 0, cap = 4096, n;

		if ((f = fopen(argv[i], "rb")) == NULL) {
			fprintf(stderr, "%s: cannot open\n", argv[i]);
			return (1);
		}
		buf = malloc(cap);
		while ((n = fread(buf + len, 1, cap - len, f)) > 0) {
			len += n;
			if (len == cap)
				buf = realloc(buf, cap *= 2);
		}
		fclose(f);
		copy = malloc(len == 0 ? 1 : len);
		memcpy(copy, buf, len);
		free(buf);
		LLVMFuzzerTestOneInput(copy, len);
		free(copy);
	}
	return (0);
}
