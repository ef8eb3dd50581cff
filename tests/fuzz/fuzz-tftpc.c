/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The phone's TFTP client (spec 9.5, RFC 1350/2347-2349) through a whole
 * phone (phone-drv.h): booted without reading bytes, fetching a tftp://
 * rule, then fed fuzzed datagrams on its TFTP flows (DATA in or out of
 * order, short and full blocks, ERROR, OACK, raw bytes, from the server's
 * TID or another port or address) between timer jumps and resyncs.  It must
 * never crash, leak or stop its clock.
 */

#include "phone-drv.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const fuzz_tftpc_rules[] = {
	"tftp://10.0.0.5/p.xml",
	"tftp://10.0.0.5:6969/$MA.cfg",
	"/$PSN.xml",
	"[--key secret]tftp://10.0.0.5/p.enc",
	"tftp://prov.example.com/p.xml",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct drv	 dv;
	uint8_t		 k;

	drv_init(&dv, data, size);
	memset(dv.weight, 0, sizeof dv.weight);
	dv.weight[DRV_OP_TIMER] = 3;
	dv.weight[DRV_OP_TFTP] = 12;
	dv.weight[DRV_OP_DNS] = 1;
	dv.weight[DRV_OP_RESYNC] = 1;
	dv.weight[DRV_OP_POWER] = 1;
	dv.key = "secret";
	k = drv_u8(&dv.in);
	drv_param(&dv, "Profile_Rule", fuzz_tftpc_rules[k %
	    (sizeof fuzz_tftpc_rules / sizeof fuzz_tftpc_rules[0])]);
	drv_param(&dv, "Resync_Random_Delay", "0");
	drv_boot(&dv);
	drv_run(&dv);
	drv_fini(&dv);
	return (0);
}
