// SPDX-License-Identifier: MIT
/* pcap output: a file libpcap itself reads back, packet for packet. */
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
	assert_int_equal(capture_load(err, sizeof(err)), 0);
	c = capture_open(fd, false, 0);
	assert_non_null(c);
	capture_packet(c, ip, sizeof(ip), 0);
	capture_packet(c, pi, sizeof(pi), 4); /* header stripped */
	capture_packet(c, pi, 3, 4);	      /* too short: skipped */
	capture_close(c);

	in = pcap_open_offline(path, err);
	assert_non_null(in);
	assert_int_equal(pcap_datalink(in), DLT_RAW);
	assert_int_equal(pcap_next_ex(in, &h, &data), 1);
	assert_int_equal(h->caplen, sizeof(ip));
	assert_memory_equal(data, ip, sizeof(ip));
	assert_int_equal(pcap_next_ex(in, &h, &data), 1);
	assert_int_equal(h->caplen, 4);
	assert_memory_equal(data, pi + 4, 4);
	assert_int_equal(pcap_next_ex(in, &h, &data), PCAP_ERROR_BREAK);
	pcap_close(in);
	unlink(path);
}

/* The cap: the file never grows past it, and says when it was reached. */
static void test_cap_bounds_the_file(void **state)
{
	char path[] = "/tmp/tuncheck-capture-XXXXXX", why[256];
	unsigned char pkt[1000] = { 0x45 };
	struct capture *c;
	struct stat st;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(capture_load(why, sizeof(why)), 0);
	c = capture_open(fd, false, 10000);
	assert_non_null(c);
	for (int i = 0; i < 9; i++)
		capture_packet(c, pkt, sizeof(pkt), 0);
	assert_false(capture_full(c)); /* 24 + 9 * 1016 = 9168 bytes */
	capture_packet(c, pkt, sizeof(pkt), 0);
	assert_true(capture_full(c));
	for (int i = 0; i < 1000; i++)
		capture_packet(c, pkt, sizeof(pkt), 0);
	capture_close(c);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 24 + 9 * (16 + sizeof(pkt)));
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
