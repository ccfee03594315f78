// SPDX-License-Identifier: MIT
/*
 * libFuzzer entry for the exec protocol's line parser: any line an exec
 * backend prints gives an event, a comment or a reason, never a crash,
 * and a READ never claims more bytes than the buffer holds.  Built and run
 * by ci/fuzz.sh (make fuzz).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[EXEC_READ_MAX];
	struct tuncheck_event ev;
	char why[256];
	char *line;
	int ret;

	/* one line, as the job hands it over: no newline, NUL-terminated */
	if (memchr(data, '\n', size) || memchr(data, '\0', size))
		return 0;
	line = malloc(size + 1);
	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	memset(&ev, 0, sizeof(ev));
	why[0] = '\0';
	ret = exec_line_parse(line, &ev, buf, why, sizeof(why));
	if (ret < 0 && (!why[0] || !memchr(why, '\0', sizeof(why))))
		__builtin_trap(); /* an error always says why */
	if (ret == 1 && ev.type == TUNCHECK_EV_READ &&
	    (ev.len > EXEC_READ_MAX || ev.data != buf))
		__builtin_trap();
	free(line);
	return 0;
}
