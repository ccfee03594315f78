// SPDX-License-Identifier: MIT
/*
 * pcapng output: a file libpcap itself reads back, packet for packet; and
 * walked block by block here, for what libpcap does not show (each
 * packet's direction and comment, the lengths at both ends of a block).
 */
#include <pcap/pcap.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "capture.h"

/* Walk the blocks: lengths agree at both ends; the EPBs' flags and comment. */
static void walk(const char *path)
{
	static unsigned char b[4096];
	FILE *f = fopen(path, "re");
	size_t n, off = 0, epb = 0;
	uint32_t want_dir[] = { 1, 2 };

	assert_non_null(f);
	n = fread(b, 1, sizeof(b), f);
	fclose(f);
	while (off + 12 <= n) {
		uint32_t type, len, tail;

		memcpy(&type, b + off, 4);
		memcpy(&len, b + off + 4, 4);
		assert_true(len % 4 == 0 && len >= 12 && off + len <= n);
		memcpy(&tail, b + off + len - 4, 4);
		assert_int_equal(tail, len);
		if (type == 6) { /* EPB: options after the padded data */
			uint32_t cap, flags = 0;
			size_t o;
			char comment[64] = "";

			memcpy(&cap, b + off + 20, 4);
			o = off + 28 + (cap + 3) / 4 * 4;
			while (o + 4 <= off + len - 4) {
				uint16_t code, olen;

				memcpy(&code, b + o, 2);
				memcpy(&olen, b + o + 2, 2);
				if (!code)
					break;
				if (code == 2)
					memcpy(&flags, b + o + 4, 4);
				if (code == 1)
					snprintf(comment, sizeof(comment),
						 "%.*s", (int)olen, b + o + 4);
				o += 4 + (olen + 3u) / 4 * 4;
			}
			assert_true(epb < 2);
			assert_int_equal(flags & 3, want_dir[epb]);
			if (!epb)
				assert_string_equal(comment,
						    "written, line 3: ok");
			epb++;
		}
		off += len;
	}
	assert_int_equal(off, n);
	assert_int_equal(epb, 2);
}

static void test_roundtrip_through_libpcap(void **state)
{
	char path[] = "/tmp/tuncheck-capture-XXXXXX", err[PCAP_ERRBUF_SIZE];
	const unsigned char ip[] = { 0x45, 0, 0, 20, 1, 2, 3, 4 };
	const unsigned char pi[] = { 0, 0, 8, 0, 0x45, 0, 0, 20 };
	struct pcap_pkthdr *h;
	const u_char *data;
	struct capture *c;
	pcap_t *in;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	c = capture_open(fd, false, 0);
	assert_non_null(c);
	capture_packet(c, ip, sizeof(ip), 0, CAPTURE_IN, "written, line 3: ok");
	capture_packet(c, pi, sizeof(pi), 4, CAPTURE_OUT, NULL); /* PI off */
	capture_packet(c, pi, 3, 4, CAPTURE_OUT, NULL); /* too short: none */
	capture_close(c);

	in = pcap_open_offline(path, err);
	assert_non_null(in);
	assert_int_equal(pcap_datalink(in), DLT_RAW);
	assert_int_equal(pcap_next_ex(in, &h, &data), 1);
	assert_int_equal(h->caplen, sizeof(ip));
	assert_int_equal(h->len, 20);
	assert_memory_equal(data, ip, sizeof(ip));
	assert_int_equal(pcap_next_ex(in, &h, &data), 1);
	assert_int_equal(h->caplen, 4);
	/* cut short: the IPv4 header's total length (20) is the original */
	assert_int_equal(h->len, 20);
	assert_memory_equal(data, pi + 4, 4);
	assert_int_equal(pcap_next_ex(in, &h, &data), PCAP_ERROR_BREAK);
	pcap_close(in);
	walk(path);
	unlink(path);
}

/* The cap: the file never grows past it, and says when it was reached. */
static void test_cap_bounds_the_file(void **state)
{
	char path[] = "/tmp/tuncheck-capture-XXXXXX";
	unsigned char pkt[1000] = { 0x45 };
	struct capture *c;
	struct stat st;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	c = capture_open(fd, false, 10000);
	assert_non_null(c);
	/* header blocks: SHB 44 (with "tuncheck" as shb_userappl), IDB 40 */
	for (int i = 0; i < 9; i++)
		capture_packet(c, pkt, sizeof(pkt), 0, CAPTURE_IN, NULL);
	assert_false(capture_full(c)); /* 84 + 9 * 1044 = 9480 bytes */
	capture_packet(c, pkt, sizeof(pkt), 0, CAPTURE_IN, NULL);
	assert_true(capture_full(c));
	for (int i = 0; i < 1000; i++)
		capture_packet(c, pkt, sizeof(pkt), 0, CAPTURE_IN, NULL);
	capture_close(c);
	assert_int_equal(stat(path, &st), 0);
	/* EPB: 28 + data + epb_flags 8 + end 4 + trailing length 4 */
	assert_int_equal(st.st_size, 84 + 9 * (28 + sizeof(pkt) + 16));
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_through_libpcap),
		cmocka_unit_test(test_cap_bounds_the_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
