/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * Fuzz target for the .loads parser (spec 12.3, upgrade_loads_parse_buf).
 * Each input is parsed for two loads: the one its first "load=" line
 * names (so the lines after it are explored) and a fixed one, each strict
 * and in "accept any non-empty .loads" mode.  A refused file must come
 * with a one-line reason and no images; an accepted one must list at most
 * UPGRADE_IMAGES_MAX images, each a plain file name (no '/', no "..")
 * with a size within the image cap, and at least one unless in any mode.
 */

#include <stdlib.h>
#include <string.h>

#include "emu/emu-int.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	fuzz_loads_one(const uint8_t *, size_t, const char *, int);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const uint8_t	*v, *end;
	char		*target;

	fuzz_loads_one(data, len, "sip88xx.12-0-8MPP-1", 0);
	fuzz_loads_one(data, len, "sip88xx.12-0-8MPP-1", 1);
	if (len > 5 && memcmp(data, "load=", 5) == 0) {
		v = data + 5;
		for (end = v; end < data + len && end - v < 256 &&
		    *end != '\n' && *end != '\r' && *end != ' ' &&
		    *end != '\t' && *end != '\0'; end++)
			;
		target = xstrndup((const char *)v, end - v);
		fuzz_loads_one(data, len, target, 0);
		fuzz_loads_one(data, len, target, 1);
		free(target);
	}
	return (0);
}

static void
fuzz_loads_one(const uint8_t *data, size_t len, const char *target, int any)
{
	struct upg_image	*img = NULL;
	uint16_t		 nimg = 0, i;
	char			*cause = NULL;

	if (upgrade_loads_parse_buf(data, len, target, any, &img, &nimg,
	    &cause) != 0) {
		if (cause == NULL || strchr(cause, '\n') != NULL ||
		    img != NULL || nimg != 0)
			abort();
		free(cause);
		return;
	}
	if (cause != NULL || nimg > UPGRADE_IMAGES_MAX ||
	    (nimg == 0 && !any) || (nimg != 0 && img == NULL))
		abort();
	for (i = 0; i < nimg; i++) {
		if (img[i].file == NULL || *img[i].file == '\0' ||
		    strchr(img[i].file, '/') != NULL ||
		    strstr(img[i].file, "..") != NULL ||
		    !img[i].has_size || img[i].size > FETCH_SINK_MAX)
			abort();
	}
	upgrade_loads_free(img, nimg);
}
