/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * A whole phone (emu/) driven by fuzzer bytes through phone-drv.h: the
 * first bytes pick the profile rule and a few parameters set before
 * power-on, the rest are operations (DHCP and DNS answers to what the phone
 * asked, HTTP responses and raw bytes on its streams, TFTP datagrams, EOF,
 * resets, timer jumps, resyncs, parameter changes, power events).  The phone
 * must never crash, leak or stop its clock.
 */

#include "phone-drv.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct drv	 dv;
	uint8_t		 k, n, i;

	drv_init(&dv, data, size);
	dv.weight[DRV_OP_TIMER] = 4;
	dv.weight[DRV_OP_DHCP] = 3;
	dv.weight[DRV_OP_DNS] = 3;
	dv.weight[DRV_OP_HTTP] = 6;
	dv.weight[DRV_OP_TFTP] = 3;
	dv.key = "secret";
	k = drv_u8(&dv.in);
	drv_param(&dv, "Profile_Rule", drv_rules[(k & 0x0f) % DRV_NRULES]);
	if (k & 0x80)
		drv_param(&dv, "Resync_Random_Delay", "0");
	if (k & 0x40) {
		drv_param(&dv, "Profile_Account_Username", "user");
		drv_param(&dv, "Profile_Account_Password", "pass");
		drv_param(&dv, "Profile_Authentication_Type",
		    "Basic HTTP Authentication");
	}
	n = drv_u8(&dv.in) % 4;
	for (i = 0; i < n; i++)
		drv_set(&dv);
	drv_run(&dv);
	drv_fini(&dv);
	return (0);
}
