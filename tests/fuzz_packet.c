// SPDX-License-Identifier: MIT
/*
 * libFuzzer entry for the packet classifier, the vnet header parser
 * included (packet_info, packet_classify, packet_describe): every read a
 * backend reports (an exec program's `read LEN HEX` too) goes through it.
 * The first byte picks the layout (tun_pi, virtio_net_hdr, Ethernet); any
 * bytes after it must give a consistent answer, never a crash or an
 * out-of-bounds read.  Built and run by ci/fuzz.sh, seeds in
 * tests/fuzz-corpus/packet/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check(int ok)
{
	if (!ok)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct packet_info p;
	struct packet_vnet v;
	unsigned layout;
	uint8_t *copy;
	char text[256];

	if (!size)
		return 0;
	layout = data[0] & (PKT_PI | PKT_ETH | PKT_VNET);
	data++;
	size--;
	/* an exact-size copy: ASan sees any read past the packet */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	packet_info(copy, size, layout, &p);
	fuzz_check(p.proto == packet_classify(copy, size, layout));
	/* a vnet header is there exactly when the layout has one and the
	 * bytes hold it */
	fuzz_check(p.vnet.has ==
		   ((layout & PKT_VNET) &&
		    size >= (layout & PKT_PI ? PACKET_PI_LEN : 0) +
				    PACKET_VNET_LEN));
	if (p.vnet.has) {
		const uint8_t *h = copy + (layout & PKT_PI ? PACKET_PI_LEN : 0);

		fuzz_check(packet_vnet_parse(h, PACKET_VNET_LEN, &v));
		fuzz_check(!memcmp(&v, &p.vnet, sizeof(v)));
	}
	fuzz_check(p.family == 0 || p.family == 2 || p.family == 10);
	fuzz_check(strlen(packet_describe(&p, text, sizeof(text))) <
		   sizeof(text));
	free(copy);
	return 0;
}
