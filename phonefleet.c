/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 */
#include <stdio.h>
int main(void);
int
main(void)
{
	puts("phonefleet " "0.1.0");
	return (0);
}
